import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { EcsFargateFleetOptions, Fleet } from '../../src';
import { errorOf } from '../errors';
import { gatewayStack } from '../security-helpers';

const image = ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:stable');
const fargateProblems = (options: Partial<EcsFargateFleetOptions>) => Fleet.ecsFargate({ image, ...options })._bind().problems({});
const LB_SG = { 'Fn::GetAtt': [Match.stringLikeRegexp('^GatewayOriginSecurityGroup'), 'GroupId'] };

describe('an ECS service on Fargate the gateway makes', () => {
  const { stack, gateway } = gatewayStack(scope => ({
    fleet: Fleet.ecsFargate({
      image,
      cpu: 1024,
      memoryLimitMiB: 4096,
      port: 8080,
      healthCheckPath: '/healthz',
      minTasks: 3,
      maxTasks: 12,
      cpuTargetUtilization: 50,
      requestsPerTargetPerMinute: 600,
      logRetention: RetentionDays.TWO_WEEKS,
      secrets: { API_KEY: ecs.Secret.fromSsmParameter(ssm.StringParameter.fromSecureStringParameterAttributes(scope, 'Key', { parameterName: '/app/key' })) },
    }),
  }));
  const t = Template.fromStack(stack);

  test('runs the image with the CPU, memory and port given, logging to a log group with the retention given', () => {
    t.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Cpu: '1024',
      Memory: '4096',
      RequiresCompatibilities: ['FARGATE'],
      NetworkMode: 'awsvpc',
      ContainerDefinitions: [Match.objectLike({
        Image: 'public.ecr.aws/nginx/nginx:stable',
        PortMappings: [{ ContainerPort: 8080, Protocol: 'tcp' }],
        LogConfiguration: Match.objectLike({ LogDriver: 'awslogs' }),
        Secrets: [{ Name: 'API_KEY', ValueFrom: Match.anyValue() }],
      })],
    });
    t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 14 });
    expect(gateway.ecsService).toBeInstanceOf(ecs.FargateService);
    expect(gateway.autoScalingGroup).toBeUndefined();
    t.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 0);
  });

  test('starts at minTasks in private subnets without public addresses, and rolls a failed deployment back', () => {
    t.hasResourceProperties('AWS::ECS::Service', {
      LaunchType: 'FARGATE',
      DesiredCount: 3,
      DeploymentConfiguration: Match.objectLike({ DeploymentCircuitBreaker: { Enable: true, Rollback: true }, MinimumHealthyPercent: 100 }),
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED', Subnets: gateway.vpc.privateSubnets.map(s => stack.resolve(s.subnetId)) }) },
      LoadBalancers: [{ ContainerName: 'App', ContainerPort: 8080, TargetGroupArn: { Ref: Match.stringLikeRegexp('FleetGroup') } }],
    });
    t.hasResourceProperties('AWS::ECS::Cluster', { ClusterSettings: [{ Name: 'containerInsights', Value: 'disabled' }] });
  });

  test('the target group reaches the tasks by IP on the port, checking the path given', () => {
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetType: 'ip', Port: 8080, Protocol: 'HTTP', HealthCheckPath: '/healthz',
    });
  });

  test('scales from minTasks to maxTasks on CPU and on requests per target', () => {
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 3, MaxCapacity: 12, ScalableDimension: 'ecs:service:DesiredCount' });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        TargetValue: 50, PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
      }),
    });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        TargetValue: 600, PredefinedMetricSpecification: Match.objectLike({ PredefinedMetricType: 'ALBRequestCountPerTarget' }),
      }),
    });
  });

  test('only the load balancer reaches the tasks, on the container port; they send HTTPS out only', () => {
    const [group] = Object.values(t.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('^Gateway app tasks') } }));
    expect(group.Properties.SecurityGroupEgress).toEqual([
      { CidrIp: '0.0.0.0/0', Description: 'HTTPS out: image pulls, AWS APIs', FromPort: 443, IpProtocol: 'tcp', ToPort: 443 },
    ]);
    expect(group.Properties.SecurityGroupIngress).toBeUndefined();
    const ingress = Object.values(t.findResources('AWS::EC2::SecurityGroupIngress', {
      Properties: { GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GatewayFleetSecurityGroup'), 'GroupId'] } },
    })).map(r => r.Properties);
    expect(ingress).toEqual([expect.objectContaining({
      FromPort: 8080, ToPort: 8080, IpProtocol: 'tcp', SourceSecurityGroupId: stack.resolve(gateway.loadBalancerSecurityGroup.securityGroupId),
    })]);
  });

  test('the task role may read every shard\'s tenant config by path', () => {
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Action: 'ssm:GetParametersByPath', Resource: Match.anyValue() })] },
      Roles: [{ Ref: Match.stringLikeRegexp('^GatewayFleetTaskDefinitionTaskRole') }],
    });
    const [policy] = Object.values(t.findResources('AWS::IAM::ManagedPolicy'));
    expect(JSON.stringify(policy.Properties.PolicyDocument.Statement[0].Resource)).toContain(':parameter/Test/Gateway/tenants');
  });
});

test('at its defaults: 512 CPU units, 1 GiB, port 80, two to ten tasks, logs kept a month, a TLS hop with HTTPS on 443', () => {
  const t = Template.fromStack(gatewayStack({ fleet: Fleet.ecsFargate({ image }) }).stack);
  t.hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: '512', Memory: '1024', ContainerDefinitions: [Match.objectLike({ PortMappings: [{ ContainerPort: 80, Protocol: 'tcp' }] })] });
  t.hasResourceProperties('AWS::ECS::Service', { DesiredCount: 2 });
  t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 10 });
  t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  const https = Template.fromStack(gatewayStack({
    fleet: Fleet.ecsFargate({ image, protocol: elbv2.ApplicationProtocol.HTTPS, containerInsights: true, allowAllOutbound: true }),
  }).stack);
  https.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Protocol: 'HTTPS', Port: 443, TargetType: 'ip' });
  https.hasResourceProperties('AWS::ECS::TaskDefinition', { ContainerDefinitions: [Match.objectLike({ PortMappings: [{ ContainerPort: 443, Protocol: 'tcp' }] })] });
  https.hasResourceProperties('AWS::ECS::Cluster', { ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }] });
  const [group] = Object.values(https.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('^Gateway app tasks') } }));
  expect(group.Properties.SecurityGroupEgress).toEqual([{ CidrIp: '0.0.0.0/0', Description: 'Allow all outbound traffic by default', IpProtocol: '-1' }]);
});

describe('an ECS service of your own', () => {
  function own(options: { containerName?: string; port?: number } = {}, addPort = true) {
    return gatewayStack(scope => {
      const vpc = new ec2.Vpc(scope, 'Mine');
      const taskDefinition = new ecs.FargateTaskDefinition(scope, 'Task');
      taskDefinition.addContainer('Sidecar', { image, portMappings: [{ containerPort: 9000 }] });
      const web = taskDefinition.addContainer('Web', { image });
      if (addPort) web.addPortMappings({ containerPort: 3000 });
      const service = new ecs.FargateService(scope, 'Service', { cluster: new ecs.Cluster(scope, 'Cluster', { vpc }), taskDefinition });
      return { vpc, fleet: Fleet.ecsService(service, options) };
    });
  }

  test('is registered on the container named, its task role granted read; nothing else is made', () => {
    const { stack, gateway } = own({ containerName: 'Web', port: 3000 });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::ECS::Service', 1);
    t.resourceCountIs('AWS::ECS::Cluster', 1);
    t.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
    t.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    t.hasResourceProperties('AWS::ECS::Service', { LoadBalancers: [Match.objectLike({ ContainerName: 'Web', ContainerPort: 3000 })] });
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [Match.objectLike({ Action: 'ssm:GetParametersByPath' })] },
      Roles: [{ Ref: Match.stringLikeRegexp('^TaskTaskRole') }],
    });
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 3000, ToPort: 3000, SourceSecurityGroupId: LB_SG });
    expect(gateway.ecsService).toBeDefined();
    expect(gateway.observability.fleetAtMaxCapacityAlarm).toBeUndefined();
  });

  test('without a container name, the first container on its first port', () => {
    Template.fromStack(own().stack).hasResourceProperties('AWS::ECS::Service', {
      LoadBalancers: [Match.objectLike({ ContainerName: 'Sidecar', ContainerPort: 9000 })],
    });
  });

  test('a container or port that is not there is reported', () => {
    const message = errorOf(() => own({ containerName: 'Nope' }));
    expect(message).toContain('`fleet.containerName` "Nope" is not a container of the service\'s task definition');
    expect(errorOf(() => own({ containerName: 'Web', port: 8080 })))
      .toContain('`fleet.port` 8080 is not a TCP port mapping of container "Web"; add it with `addPortMappings`');
    expect(errorOf(() => own({ containerName: 'Web' }, false)))
      .toContain('container "Web" of the `fleet` service maps no port for the load balancer to reach');
  });
});

describe('Fleet.ecsFargate problems', () => {
  test('Fargate task sizes: CPU units and the memory each allows', () => {
    expect(fargateProblems({})).toEqual([]);
    expect(fargateProblems({ cpu: 256, memoryLimitMiB: 512 })).toEqual([]);
    expect(fargateProblems({ cpu: 4096, memoryLimitMiB: 30720 })).toEqual([]);
    expect(fargateProblems({ cpu: 8192, memoryLimitMiB: 20480 })).toEqual([]);
    expect(fargateProblems({ cpu: 300 })).toEqual([
      '`fleet.cpu` must be one of Fargate\'s task sizes (256, 512, 1024, 2048, 4096, 8192, 16384 CPU units), got 300',
    ]);
    expect(fargateProblems({ cpu: 256, memoryLimitMiB: 4096 })).toEqual([
      '`fleet.memoryLimitMiB` 4096 does not go with `fleet.cpu` 256 on Fargate, which allows 512, 1024 to 2048 in steps of 1024 MiB',
    ]);
    expect(fargateProblems({ cpu: 8192, memoryLimitMiB: 17408 })).toEqual([
      '`fleet.memoryLimitMiB` 17408 does not go with `fleet.cpu` 8192 on Fargate, which allows 16384 to 61440 in steps of 4096 MiB',
    ]);
  });

  test('tasks, port and figures are checked together, in the gateway\'s one error', () => {
    expect(fargateProblems({ minTasks: 5, maxTasks: 2, desiredTasks: 7, port: 0, cpuTargetUtilization: 120, healthCheckPath: 'health' })).toEqual([
      '`fleet.port` must be a whole number from 1 to 65535, got 0',
      '`fleet.cpuTargetUtilization` must be a whole number from 1 to 100, got 120',
      '`fleet.minTasks` (5) must not exceed `fleet.maxTasks` (2)',
      '`fleet.desiredTasks` (7) must lie between minTasks (5) and maxTasks (2)',
      '`fleet.healthCheckPath` "health" must start with "/"',
    ]);
    expect(Fleet.ecsFargate({} as EcsFargateFleetOptions)._bind().problems({})).toEqual([
      '`fleet.image` is missing: Fleet.ecsFargate needs the app\'s container image',
    ]);
    const message = errorOf(() => gatewayStack({ fleet: Fleet.ecsFargate({ image, maxTasks: 0, memoryLimitMiB: 100 }) }));
    expect(message).toContain('`fleet.maxTasks` must be a whole number from 1, got 0');
    expect(message).toContain('`fleet.minTasks` (2) must not exceed `fleet.maxTasks` (0)');
    expect(message).toContain('`fleet.memoryLimitMiB` 100 does not go with `fleet.cpu` 512');
  });
});
