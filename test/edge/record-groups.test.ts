import { App, CfnParameter, Fn, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { addAliasRecords, addCnameRecords, AliasTarget } from '../../src/edge/private/dns';
import { MAX_RECORDS_PER_GROUP, RECORD_GROUPS_PER_SHARD } from '../../src/edge/record-groups';
import { build, recordsOf, tenants } from '../gateway-fixture';

// The record groups a gateway makes; the hash and the quota rule are pinned in record-group-hash.test.ts.
describe('record groups', () => {
  test('a full shard at the default quota is four groups, Records0 to Records3: four Route 53 change requests instead of 200', () => {
    const { gateway } = build(tenants(100));
    const shard = Template.fromStack(gateway.shardStacks[0]);
    shard.resourceCountIs('AWS::Route53::RecordSet', 0);
    expect(Object.keys(shard.findResources('AWS::Route53::RecordSetGroup')).sort()).toEqual(['Records0', 'Records1', 'Records2', 'Records3']);
    expect(recordsOf(shard)).toHaveLength(200);
  });

  test('a shard of one tenant has one group: empty groups are not made', () => {
    const { gateway } = build(tenants(1));
    const shard = Template.fromStack(gateway.shardStacks[0]);
    // tenant-0.example.com hashes to group 3 (see the golden values below).
    expect(Object.keys(shard.findResources('AWS::Route53::RecordSetGroup'))).toEqual(['Records3']);
  });

  test('a shard raised to 500 domains keeps the same four groups, none past one change request', () => {
    const { gateway } = build(tenants(500), { quotas: { domainsPerDistribution: 500 } });
    const shard = Template.fromStack(gateway.shardStacks[0]);
    const groups = Object.values(shard.findResources('AWS::Route53::RecordSetGroup'));
    expect(groups).toHaveLength(RECORD_GROUPS_PER_SHARD);
    for (const group of groups) expect(group.Properties.RecordSets.length).toBeLessThanOrEqual(MAX_RECORDS_PER_GROUP);
    expect(recordsOf(shard)).toHaveLength(1_000);
  });

  test('a domainsPerDistribution whose records the four groups cannot take is refused at synth, naming the quota, the figure and why', () => {
    expect(() => build(tenants(1), { quotas: { domainsPerDistribution: 501 } })).toThrow(
      '`quotas.domainsPerDistribution` 501 is more than the gateway\'s DNS takes: with sharded distributions a shard of 501 domains needs ' +
      '1002 A + AAAA records, but a shard\'s records go in 4 record groups (one Route 53 change request each, at most 500 records) ' +
      'planned at half full, 1000 records in all. The number of groups is fixed, so that no record ever moves between groups. ' +
      'Set `quotas.domainsPerDistribution` to at most 500.');
  });

  test('groups render byte for byte what CfnRecordSetGroup renders, alias and CNAME, literal, token and intrinsic targets', () => {
    // The gateway writes groups as CloudFormation properties for speed; a template that differed
    // in as much as key order would change every shard's template hash, and so update every shard.
    const groups = [['a.example.com', 'b.example.com'], [], ['c.example.com']];
    type Records = (target: string) => {
      ours: (scope: Stack, zone: route53.IHostedZone) => void;
      theirs: (domain: string) => route53.CfnRecordSetGroup.RecordSetProperty[];
    };
    const aliasRecords = (ourTarget: AliasTarget['dnsName'], target: string): ReturnType<Records> => ({
      ours: (scope, zone) => addAliasRecords(scope, zone, groups, { dnsName: ourTarget, hostedZoneId: 'Z2FDTNDATAQYW2' }),
      theirs: domain => ['A', 'AAAA'].map(type => ({
        name: `${domain}.`, type, aliasTarget: { dnsName: target, hostedZoneId: 'Z2FDTNDATAQYW2', evaluateTargetHealth: false },
      })),
    });
    const alias: Records = target => aliasRecords(target, target);
    // The sharded mode names its distribution by the intrinsic as the template holds it.
    const intrinsic: Records = () => aliasRecords({ 'Fn::GetAtt': ['Distribution', 'DomainName'] },
      Token.asString(Fn.getAtt('Distribution', 'DomainName')));
    const cname: Records = target => ({
      ours: (scope, zone) => addCnameRecords(scope, zone, groups, target),
      theirs: domain => [{ name: `${domain}.`, type: 'CNAME', ttl: '300', resourceRecords: [target] }],
    });
    const render = (make: (stack: Stack, target: string) => void, literal: boolean): string => {
      const stack = new Stack(new App(), 'Records');
      make(stack, literal ? 'd111111abcdef8.cloudfront.net' : new CfnParameter(stack, 'Endpoint').valueAsString);
      return JSON.stringify(Template.fromStack(stack).findResources('AWS::Route53::RecordSetGroup'));
    };
    for (const records of [alias, cname, intrinsic]) {
      for (const literal of [true, false]) {
        const ours = render((stack, target) => records(target).ours(stack,
          route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789EXAMPLE', zoneName: 'example.com' })), literal);
        const theirs = render((stack, target) => groups.forEach((domains, g) => {
          if (domains.length === 0) return;
          new route53.CfnRecordSetGroup(stack, `Records${g}`, { hostedZoneId: 'Z0123456789EXAMPLE', recordSets: domains.flatMap(records(target).theirs) })
            .overrideLogicalId(`Records${g}`);
        }), literal);
        expect(ours).toEqual(theirs);
        expect(Object.keys(JSON.parse(ours))).toEqual(['Records0', 'Records2']);
      }
    }
  });
});
