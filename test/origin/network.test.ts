// What synth time can tell of the gateway's network: zones, and whether two VPCs are one.
import { Fn, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as fc from 'fast-check';
import { availabilityZoneProblems } from '../../src/origin/private/availability-zones';
import { knownCidrBlocks, sameVpc } from '../../src/origin/private/fleet-network';

describe('availabilityZones', () => {
  test('literal zones of the region are refused exactly when fewer than two are distinct', () => {
    const zone = fc.constantFrom('a', 'b', 'c').map(letter => `eu-west-1${letter}`);
    fc.assert(fc.property(fc.array(zone, { maxLength: 5 }), zones => {
      const distinct = new Set(zones).size;
      const problems = availabilityZoneProblems(zones, 'eu-west-1');
      expect(problems.some(p => p.includes('must name at least two zones'))).toBe(distinct < 2);
      expect(problems.some(p => p.includes('more than once'))).toBe(distinct < zones.length);
    }));
  });

  test('tokens, as a list or among names, are refused as not literal; a region known only at deploy matches any zone', () => {
    for (const zones of [Fn.getAzs(), ['eu-west-1a', Fn.select(1, Fn.getAzs())]]) {
      expect(availabilityZoneProblems(zones, 'eu-west-1')).toEqual([expect.stringContaining('must be literal zone names')]);
    }
    expect(availabilityZoneProblems(['us-east-1a', 'us-east-1b'], Stack.of(new Stack()).region)).toEqual([]);
  });
});

describe('whether two VPCs are one', () => {
  const stack = new Stack();
  const made = new ec2.Vpc(stack, 'Made');
  const other = new ec2.Vpc(stack, 'Other');
  const attrs = { availabilityZones: ['eu-west-1a'], privateSubnetIds: ['subnet-1'] };
  const literal = ec2.Vpc.fromVpcAttributes(stack, 'Literal', { vpcId: 'vpc-11111111', ...attrs });
  const imported = ec2.Vpc.fromVpcAttributes(stack, 'Imported', { vpcId: Fn.importValue('VpcId'), ...attrs });
  const again = ec2.Vpc.fromVpcAttributes(stack, 'Again', { vpcId: made.vpcId, ...attrs });

  test('the same id, or the VPC this app makes seen through an import, is the same', () => {
    expect(sameVpc(made.vpcId, made.vpcId)).toBe(true);
    expect(sameVpc(again.vpcId, made.vpcId)).toBe(true);
    expect(sameVpc('vpc-11111111', literal.vpcId)).toBe(true);
  });

  test('two VPCs this app makes, two literal ids, or one of each differ', () => {
    expect(sameVpc(made.vpcId, other.vpcId)).toBe(false);
    expect(sameVpc(literal.vpcId, 'vpc-22222222')).toBe(false);
    expect(sameVpc(made.vpcId, literal.vpcId)).toBe(false);
  });

  test('an id known only at deploy is neither', () => {
    expect(sameVpc(imported.vpcId, made.vpcId)).toBeUndefined();
    expect(sameVpc(imported.vpcId, literal.vpcId)).toBeUndefined();
  });

  test('the blocks of the gateway\'s VPC: the one it makes, or what a brought one says', () => {
    expect(knownCidrBlocks(undefined)).toEqual(['10.0.0.0/16']);
    expect(knownCidrBlocks(new ec2.Vpc(new Stack(), 'Cidr', { ipAddresses: ec2.IpAddresses.cidr('192.168.0.0/20'), maxAzs: 2 }))?.[0]).toBe('192.168.0.0/20');
    expect(knownCidrBlocks(imported)).toBeUndefined();
  });
});
