import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { AutoScalingFleetOptions, Fleet, OriginAccess } from '../../src';
import { FleetCheckSite } from '../../src/origin/private/fleet-binding';
import { gatewayStack } from '../security-helpers';

// The gateway makes the VPC unless a site says it was brought.
const autoScalingProblems = (options: AutoScalingFleetOptions, site: FleetCheckSite = {}) => Fleet.autoScaling(options)._bind().problems(site);

describe('the fleet the gateway makes', () => {
  const { stack } = gatewayStack({ fleet: Fleet.autoScaling({ rootVolumeSize: 30, port: 8080 }) });
  const t = Template.fromStack(stack);

  test('boots t3.small instances with IMDSv2 required and an encrypted gp3 root volume', () => {
    t.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        InstanceType: 't3.small',
        MetadataOptions: Match.objectLike({ HttpTokens: 'required' }),
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeSize: 30, VolumeType: 'gp3' } }],
      }),
    });
  });

  test('runs in private subnets, admits only the load balancer on the app port, and checks ELB health', () => {
    t.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { HealthCheckType: 'ELB', MinSize: '2', MaxSize: '10' });
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 8080, ToPort: 8080, SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('GatewayOriginSecurityGroup'), 'GroupId'] },
    });
  });

  test('sends HTTPS (443) out only, and is monitored every minute', () => {
    const groups = t.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('^Gateway app servers') } });
    const [group] = Object.values(groups);
    expect(group.Properties.SecurityGroupEgress).toEqual([
      { CidrIp: '0.0.0.0/0', Description: 'HTTPS out: package repositories, SSM Session Manager, AWS APIs', FromPort: 443, IpProtocol: 'tcp', ToPort: 443 },
    ]);
    t.hasResourceProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: Match.objectLike({ Monitoring: { Enabled: true } }) });
  });

  test('records its by-design cdk-nag findings on its own resources', () => {
    const role = Object.values(t.findResources('AWS::IAM::Role'))[0];
    expect(role.Metadata.cdk_nag.rules_to_suppress).toEqual([expect.objectContaining({
      id: 'AwsSolutions-IAM4', applies_to: ['Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore'],
    })]);
    const group = Object.values(t.findResources('AWS::AutoScaling::AutoScalingGroup'))[0];
    expect(group.Metadata.cdk_nag.rules_to_suppress).toEqual([expect.objectContaining({ id: 'AwsSolutions-AS3' })]);
  });
});

test('behind a secret-header origin, the fleet is reached through the header rule, not the default action', () => {
  const t = Template.fromStack(gatewayStack({ originAccess: OriginAccess.secretHeader() }).stack);
  t.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
    Priority: 1, Actions: [{ Type: 'forward', TargetGroupArn: { Ref: Match.stringLikeRegexp('FleetGroup') } }],
  });
  t.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
    TargetTrackingConfiguration: Match.objectLike({
      PredefinedMetricSpecification: Match.objectLike({ PredefinedMetricType: 'ALBRequestCountPerTarget' }),
    }),
  });
});

test('a group of your own gets no acknowledgements from the gateway', () => {
  const { stack } = gatewayStack(scope => {
    const vpc = new ec2.Vpc(scope, 'Mine');
    const autoScalingGroup = new autoscaling.AutoScalingGroup(scope, 'MyGroup', {
      vpc, instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    });
    return { vpc, fleet: Fleet.autoScaling({ autoScalingGroup }) };
  });
  const t = Template.fromStack(stack);
  t.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 1);
  t.resourceCountIs('AWS::EC2::FlowLog', 0); // flow logs are for a VPC the gateway makes
  expect(t.findResources('AWS::AutoScaling::AutoScalingGroup', { Metadata: { cdk_nag: Match.anyValue() } })).toEqual({});
});

test('egress can be widened to everything, and detailed monitoring turned off', () => {
  const t = Template.fromStack(gatewayStack({ fleet: Fleet.autoScaling({ allowAllOutbound: true, detailedMonitoring: false }) }).stack);
  const [group] = Object.values(t.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('^Gateway app servers') } }));
  expect(group.Properties.SecurityGroupEgress).toEqual([{ CidrIp: '0.0.0.0/0', Description: 'Allow all outbound traffic by default', IpProtocol: '-1' }]);
  const [template] = Object.values(t.findResources('AWS::EC2::LaunchTemplate'));
  expect(template.Properties.LaunchTemplateData.Monitoring).toEqual({ Enabled: false });
});

test('HTTPS to the targets: the target group and its health check speak HTTPS on 443, and only the load balancer reaches it', () => {
  const t = Template.fromStack(gatewayStack({ fleet: Fleet.autoScaling({ protocol: elbv2.ApplicationProtocol.HTTPS }) }).stack);
  t.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Protocol: 'HTTPS', Port: 443 });
  const [targetGroup] = Object.values(t.findResources('AWS::ElasticLoadBalancingV2::TargetGroup'));
  expect(targetGroup.Properties.HealthCheckProtocol ?? 'HTTPS').toBe('HTTPS');
  t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
    FromPort: 443, ToPort: 443, SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('GatewayOriginSecurityGroup'), 'GroupId'] },
  });
  // The default stays plain HTTP on 80 inside the VPC.
  Template.fromStack(gatewayStack().stack).hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Protocol: 'HTTP', Port: 80 });
});

test('the fleet protocol must be HTTP or HTTPS; egress and monitoring shape only a group the gateway makes', () => {
  expect(autoScalingProblems({ protocol: 'TCP' as elbv2.ApplicationProtocol })).toEqual([
    '`fleet.protocol` must be ApplicationProtocol.HTTP or ApplicationProtocol.HTTPS, got "TCP"',
  ]);
  const autoScalingGroup = {} as autoscaling.AutoScalingGroup;
  expect(autoScalingProblems({ autoScalingGroup, allowAllOutbound: true, detailedMonitoring: false }, { vpc: new ec2.Vpc(new Stack(), 'Vpc') })).toEqual([
    '`fleet.allowAllOutbound` shapes an Auto Scaling group the gateway makes, but `fleet.autoScalingGroup` brings your own; set it on your group instead',
    '`fleet.detailedMonitoring` shapes an Auto Scaling group the gateway makes, but `fleet.autoScalingGroup` brings your own; set it on your group instead',
  ]);
});

test('fleet options are checked together', () => {
  expect(autoScalingProblems({ minCapacity: 5, maxCapacity: 2, port: 70000 })).toEqual([
    '`fleet.port` must be a whole number from 1 to 65535, got 70000',
    '`fleet.minCapacity` (5) must not exceed `fleet.maxCapacity` (2)',
  ]);
});

test('the default fleet is Fleet.autoScaling() and keeps the logical ids of deployed gateways (no resource is replaced)', () => {
  const byDefault = Template.fromStack(gatewayStack().stack).toJSON();
  expect(Template.fromStack(gatewayStack({ fleet: Fleet.autoScaling() }).stack).toJSON()).toEqual(byDefault);
  expect(Object.keys(byDefault.Resources)).toEqual(expect.arrayContaining([
    'GatewayOriginLoadBalancerHttpsFleetGroup16EA20EB',
    'GatewayFleetInstanceRole706F8F74',
    'GatewayFleetSecurityGroupA9A7517E',
    'GatewayFleetSecurityGroupfromTestGatewayOriginSecurityGroup5BF2DAD3808B8D5FCE',
    'GatewayFleetLaunchTemplate87B2242E',
    'GatewayFleetAutoScalingGroupASG4643E681',
    'GatewayFleetAutoScalingGroupScalingPolicyCpuScaling9D7ABA68',
    'GatewayFleetAutoScalingGroupScalingPolicyRequestScalingE90A2C4A',
    'GatewayObservabilityFleetAtMaxCapacityAlarm4D3A47DF',
    'GatewayTenantConfigReadPolicyD1A44ED5',
  ]));
});
