// Origin and fleet inputs AWS refuses at deploy time, refused at synth in the gateway's one error.
// Each rule names the AWS document that settles it.
import { App, Fn, Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as targets from 'aws-cdk-lib/aws-elasticloadbalancingv2-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as fc from 'fast-check';
import { Cell, Fleet, MultiTenantGatewayProps, Tenants } from '../../src';
import { inBlock, ipTargetProblems, ipv4, REGISTRABLE_PRIVATE_BLOCKS } from '../../src/origin/private/ip-targets';
import { errorOf } from '../errors';
import { build, ENV, tenants } from '../gateway-fixture';

const image = ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:stable');

/** A gateway in a stack of its own whose props `make` may build in that stack. */
function gatewayWith(make: (stack: Stack) => Partial<MultiTenantGatewayProps>) {
  const app = new App();
  const stack = new Stack(app, 'Other', { env: ENV });
  return build(tenants(1), make(stack), app);
}

/** The gateway's error, which must be its one error (thrown before aws-cdk-lib's own checks). */
function gatewayError(make: (stack: Stack) => Partial<MultiTenantGatewayProps>): string {
  const message = errorOf(() => gatewayWith(make));
  expect(message).toMatch(/^MultiTenantGateway "Stack\/Gateway" has \d+ problems?:/);
  return message;
}

// "Application Load Balancers: Subnets for your load balancer", Elastic Load Balancing: "When you
// create an Application Load Balancer, you must enable at least two Availability Zones. To enable an
// Availability Zone, you specify one subnet from that Availability Zone."
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#subnets-load-balancer
describe('a load balancer needs subnets in two distinct Availability Zones', () => {
  test('a zone named twice is not a second zone', () => {
    const message = gatewayError(() => ({ availabilityZones: ['eu-west-1a', 'eu-west-1a'] }));
    expect(message).toContain('`availabilityZones` must name at least two zones (a load balancer spans two), got ["eu-west-1a","eu-west-1a"]');
    expect(message).toContain('`availabilityZones` names "eu-west-1a" more than once');
    expect(() => build(tenants(1), { availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1a'] })).toThrow(/names "eu-west-1a" more than once/);
  });

  test('zones given as tokens are refused with a message that says they must be literal', () => {
    const message = gatewayError(() => ({ availabilityZones: Fn.getAzs() }));
    expect(message).toContain('`availabilityZones` must be literal zone names such as "eu-west-1a", known at synth time');
    expect(message).not.toContain('must be zones of the stack\'s region');
  });

  test('a brought VPC whose load balancer subnets lie in one zone is refused', () => {
    const oneZone = (stack: Stack) => ec2.Vpc.fromVpcAttributes(stack, 'OneZone', {
      vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-1a'], privateSubnetIds: ['subnet-1', 'subnet-2'],
    });
    expect(gatewayError(stack => ({ vpc: oneZone(stack) })))
      .toContain('`vpc` gives the load balancer private subnets in one Availability Zone only (eu-west-1a); an Application Load Balancer needs ' +
        'subnets in at least two distinct zones');
    expect(() => gatewayWith(stack => ({
      vpc: ec2.Vpc.fromVpcAttributes(stack, 'TwoZones', {
        vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-1a', 'eu-west-1b'], privateSubnetIds: ['subnet-1', 'subnet-2'],
      }),
    }))).not.toThrow();
  });
});

// "Pass Secrets Manager secrets through Amazon ECS environment variables", Amazon ECS Developer
// Guide; RegisterTaskDefinition refuses a container whose secret shares a name with an environment
// variable: "The secret name must be unique and not shared with any new or existing environment
// variables set on the container".
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html
test('ECS: a container variable in both `environment` and `secrets` is refused', () => {
  const message = gatewayError(stack => {
    const secret = secretsmanager.Secret.fromSecretNameV2(stack, 'Db', 'db');
    return {
      fleet: Fleet.ecsFargate({
        image,
        environment: { DB_PASSWORD: 'x', STAGE: 'prod', TOKEN: 'y' },
        secrets: { DB_PASSWORD: ecs.Secret.fromSecretsManager(secret), TOKEN: ecs.Secret.fromSecretsManager(secret, 'token') },
      }),
    };
  });
  expect(message).toContain('`fleet.environment` and `fleet.secrets` both set "DB_PASSWORD", "TOKEN"');
  expect(() => build(tenants(1), { fleet: Fleet.ecsFargate({ image, environment: { STAGE: 'prod' } }) })).not.toThrow();
});

// "Register targets with your target group", Application Load Balancers: "The instance must be in
// the virtual private cloud (VPC) that you specified for the target group"; an IP address outside
// it needs Availability Zone "all", which neither ECS nor Auto Scaling registers with.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-register-targets.html
describe('a brought fleet runs in the gateway\'s VPC', () => {
  const group = (stack: Stack, vpc: ec2.IVpc) => new autoscaling.AutoScalingGroup(stack, 'Mine', {
    vpc, instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023(),
  });
  const service = (stack: Stack, vpc: ec2.IVpc) => {
    const taskDefinition = new ecs.FargateTaskDefinition(stack, 'Task');
    taskDefinition.addContainer('Web', { image, portMappings: [{ containerPort: 80 }] });
    return new ecs.FargateService(stack, 'Service', { cluster: new ecs.Cluster(stack, 'Cluster', { vpc }), taskDefinition });
  };

  test('an Auto Scaling group or an ECS service in another VPC than `vpc` is refused', () => {
    expect(gatewayError(stack => ({ vpc: new ec2.Vpc(stack, 'Gateway'), fleet: Fleet.autoScaling({ autoScalingGroup: group(stack, new ec2.Vpc(stack, 'App')) }) })))
      .toContain('`fleet.autoScalingGroup` runs in another VPC than the gateway\'s `vpc`');
    expect(gatewayError(stack => ({ vpc: new ec2.Vpc(stack, 'Gateway'), fleet: Fleet.ecsService(service(stack, new ec2.Vpc(stack, 'App'))) })))
      .toContain('`fleet` (Fleet.ecsService) runs in another VPC than the gateway\'s `vpc`');
    expect(gatewayError(stack => {
      const literal = (id: string, vpcId: string) => ec2.Vpc.fromVpcAttributes(stack, id, {
        vpcId, availabilityZones: ['eu-west-1a', 'eu-west-1b'], privateSubnetIds: ['subnet-1', 'subnet-2'], publicSubnetIds: ['subnet-3', 'subnet-4'],
      });
      return { vpc: literal('Gateway', 'vpc-11111111'), fleet: Fleet.autoScaling({ autoScalingGroup: group(stack, literal('App', 'vpc-22222222')) }) };
    })).toContain('`fleet.autoScalingGroup` runs in another VPC');
  });

  test('a cell\'s brought fleet goes in the gateway\'s VPC too', () => {
    expect(gatewayError(stack => ({
      vpc: new ec2.Vpc(stack, 'Gateway'),
      cells: [Cell.withFleet('eu', { fleet: Fleet.autoScaling({ autoScalingGroup: group(stack, new ec2.Vpc(stack, 'App')) }) })],
      tenants: Tenants.fromList([{ id: 'a', domainNames: ['a.example.com'] }, { id: 'b', domainNames: ['b.example.com'], cell: 'eu' }]),
    }))).toContain('cell "eu": `fleet.autoScalingGroup` runs in another VPC than the gateway\'s `vpc`');
  });

  test('a brought fleet while the gateway makes its own VPC is refused', () => {
    expect(gatewayError(stack => ({ fleet: Fleet.autoScaling({ autoScalingGroup: group(stack, new ec2.Vpc(stack, 'App')) }) })))
      .toContain('`fleet.autoScalingGroup` runs in a VPC of your own, but the gateway makes a new VPC (no `vpc` given)');
  });

  test('the same VPC passes, and a VPC known only at deploy is not judged', () => {
    expect(() => gatewayWith(stack => {
      const vpc = new ec2.Vpc(stack, 'Shared');
      return { vpc, fleet: Fleet.ecsService(service(stack, vpc)) };
    })).not.toThrow();
    expect(() => gatewayWith(stack => {
      const imported = (id: string) => ec2.Vpc.fromVpcAttributes(stack, id, {
        vpcId: Fn.importValue(`${id}VpcId`),
        availabilityZones: ['eu-west-1a', 'eu-west-1b'],
        privateSubnetIds: ['subnet-1', 'subnet-2'],
        publicSubnetIds: ['subnet-3', 'subnet-4'],
      });
      return { vpc: imported('Gateway'), fleet: Fleet.autoScaling({ autoScalingGroup: group(stack, imported('App')) }) };
    })).not.toThrow();
  });
});

// "Target groups for your Application Load Balancers", Target type: IP targets come from the
// subnets of the target group's VPC, 10.0.0.0/8, 100.64.0.0/10, 172.16.0.0/12 or 192.168.0.0/16;
// "You can't specify publicly routable IP addresses"; a target group has one target type.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-target-groups.html#target-type
// RegisterTargets, TargetDescription.AvailabilityZone: "With an Application Load Balancer, if the
// target type is ip and the IP address is outside the VPC for the target group, the only supported value is all."
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetDescription.html
describe('IP targets ELB registers', () => {
  test('a publicly routable address, and one outside the VPC without zone "all", are refused together', () => {
    const message = gatewayError(() => ({
      fleet: Fleet.targets([new targets.IpTarget('203.0.113.7'), new targets.IpTarget('192.168.1.9'), new targets.IpTarget('10.0.3.4'),
        new targets.IpTarget('172.16.0.5', 8080, 'all')]),
    }));
    expect(message).toContain('has 2 problems');
    expect(message).toContain('`fleet` IP target "203.0.113.7" is outside the gateway\'s VPC (10.0.0.0/16) and publicly routable');
    expect(message).toContain('`fleet` IP target "192.168.1.9" is outside the gateway\'s VPC (10.0.0.0/16), where an Application Load Balancer ' +
      'registers it only in Availability Zone "all", got undefined');
  });

  test('with a brought VPC, "outside" is outside its own block', () => {
    const vpc = (stack: Stack) => new ec2.Vpc(stack, 'Mine', { ipAddresses: ec2.IpAddresses.cidr('192.168.0.0/20') });
    expect(() => gatewayWith(stack => ({ vpc: vpc(stack), fleet: Fleet.targets([new targets.IpTarget('192.168.5.5')]) }))).not.toThrow();
    expect(gatewayError(stack => ({ vpc: vpc(stack), fleet: Fleet.targets([new targets.IpTarget('10.0.1.1')]) })))
      .toContain('`fleet` IP target "10.0.1.1" is outside the gateway\'s VPC (192.168.0.0/20');
  });

  test('target types mixed are the gateway\'s problem, not aws-cdk-lib\'s', () => {
    const message = gatewayError(stack => {
      const instance = new ec2.Instance(stack, 'Box', {
        vpc: new ec2.Vpc(stack, 'Vpc'), instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023(),
      });
      return { fleet: Fleet.targets([new targets.IpTarget('10.0.1.1'), new targets.InstanceTarget(instance)]) };
    });
    expect(message).toContain('`fleet` (Fleet.targets) mixes target types (ip, instance)');
    expect(message).not.toContain('Already have a of type');
  });

  test('every IPv4 address: in the VPC it passes; outside it, only a private one in zone "all"', () => {
    const vpc = ['10.0.0.0/16'];
    const octet = fc.integer({ min: 0, max: 255 });
    const address = fc.tuple(octet, octet, octet, octet).map(parts => parts.join('.'));
    fc.assert(fc.property(address, fc.constantFrom(undefined, 'all', 'eu-west-1a'), (ip, zone) => {
      const n = ipv4(ip)!;
      const accepted = inBlock(n, vpc[0]) || (REGISTRABLE_PRIVATE_BLOCKS.some(b => inBlock(n, b.cidr)) && zone === 'all');
      expect(ipTargetProblems([new targets.IpTarget(ip, undefined, zone)], vpc)).toHaveLength(accepted ? 0 : 1);
    }), { numRuns: 300 });
    // Where the VPC's blocks are unknown, only the address itself is checked.
    expect(ipTargetProblems([new targets.IpTarget('203.0.113.7')], undefined)).toEqual([]);
    expect(ipTargetProblems([new targets.IpTarget('2001:db8::1')], vpc)).toEqual([expect.stringContaining('is not an IPv4 address')]);
  });

  test('blocks are matched by their bits, not their spelling', () => {
    expect(inBlock(ipv4('100.127.255.255')!, '100.64.0.0/10')).toBe(true);
    expect(inBlock(ipv4('100.128.0.0')!, '100.64.0.0/10')).toBe(false);
    expect(inBlock(ipv4('172.31.255.255')!, '172.16.0.0/12')).toBe(true);
    expect(inBlock(ipv4('172.32.0.0')!, '172.16.0.0/12')).toBe(false);
    expect(ipv4('10.0.0.256')).toBeUndefined();
    expect(ipv4('010.0.0.1')).toBeUndefined();
  });
});

// "Block device mappings for volumes on Amazon EC2 instances", Amazon EC2 User Guide: a volume made
// from a snapshot must be at least the snapshot's size (RunInstances: InvalidBlockDeviceMapping,
// "Volume of size N GB is smaller than snapshot"). The latest Amazon Linux 2023 AMI's root snapshot
// is 8 GiB (its block device mapping, as DescribeImages reports it).
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/block-device-mapping-concepts.html
test('a root volume smaller than the default image\'s snapshot is refused; an image of your own is assumed to fit', () => {
  expect(gatewayError(() => ({ fleet: Fleet.autoScaling({ rootVolumeSize: 4 }) })))
    .toContain('`fleet.rootVolumeSize` 4 GiB is smaller than the 8 GiB snapshot of the default image (the latest Amazon Linux 2023)');
  expect(() => build(tenants(1), { fleet: Fleet.autoScaling({ rootVolumeSize: 8 }) })).not.toThrow();
  const own = ec2.MachineImage.genericLinux({ 'eu-west-1': 'ami-0123456789abcdef0' });
  expect(() => build(tenants(1), { fleet: Fleet.autoScaling({ rootVolumeSize: 4, machineImage: own }) })).not.toThrow();
});
