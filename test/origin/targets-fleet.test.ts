import { Match, Template } from 'aws-cdk-lib/assertions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as targets from 'aws-cdk-lib/aws-elasticloadbalancingv2-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Fleet } from '../../src';
import { errorOf } from '../errors';
import { gatewayStack } from '../security-helpers';

function fn(scope: import('constructs').Construct) {
  return new lambda.Function(scope, 'App', {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 })'),
  });
}

describe('a Lambda function behind the load balancer', () => {
  const { stack, gateway } = gatewayStack(scope => {
    const app = fn(scope);
    return { fleet: Fleet.targets([new targets.LambdaTarget(app)], { grantee: app }) };
  });
  const t = Template.fromStack(stack);

  test('one target group of type lambda, without port, protocol or health check', () => {
    const [group] = Object.values(t.findResources('AWS::ElasticLoadBalancingV2::TargetGroup')).map(g => g.Properties);
    expect(group).toMatchObject({ TargetType: 'lambda', Targets: [{ Id: { 'Fn::GetAtt': [expect.stringMatching(/^App/), 'Arn'] } }] });
    expect(group.Port).toBeUndefined();
    expect(group.Protocol).toBeUndefined();
    expect(group.HealthCheckEnabled).toBeUndefined();
    t.hasResourceProperties('AWS::Lambda::Permission', { Principal: 'elasticloadbalancing.amazonaws.com' });
    expect(gateway.autoScalingGroup).toBeUndefined();
    expect(gateway.ecsService).toBeUndefined();
  });

  test('the grantee may read the tenant config', () => {
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [Match.objectLike({ Action: 'ssm:GetParametersByPath' })] },
      Roles: [{ Ref: Match.stringLikeRegexp('^AppServiceRole') }],
    });
  });

  test('only the target group is watched: no fleet graphs, no at-maximum alarm', () => {
    expect(gateway.observability.fleetAtMaxCapacityAlarm).toBeUndefined();
    expect(gateway.observability.alarms.map(a => a.node.id)).toEqual(['Distribution5xxAlarm', 'LoadBalancer5xxAlarm', 'UnhealthyHostsAlarm', 'TargetResponseTimeAlarm']);
    const body = JSON.stringify(stack.resolve(Object.values(t.findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody));
    expect(body).toContain('Targets');
    expect(body).not.toMatch(/Fleet (instances|CPU|tasks)/);
  });

  test('a health check path turns health checks on', () => {
    const checked = gatewayStack(scope => ({ fleet: Fleet.targets([new targets.LambdaTarget(fn(scope))], { healthCheckPath: '/health' }) }));
    Template.fromStack(checked.stack).hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetType: 'lambda', HealthCheckEnabled: true, HealthCheckPath: '/health',
    });
  });
});

test('IP targets: registered on the port given, nobody granted anything without a grantee', () => {
  const { stack } = gatewayStack({
    fleet: Fleet.targets([new targets.IpTarget('10.0.3.10'), new targets.IpTarget('10.0.3.11')], { port: 8080, protocol: elbv2.ApplicationProtocol.HTTPS }),
  });
  const t = Template.fromStack(stack);
  t.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
    TargetType: 'ip',
    Port: 8080,
    Protocol: 'HTTPS',
    HealthCheckPath: '/',
    Targets: [{ Id: '10.0.3.10' }, { Id: '10.0.3.11' }],
  });
  t.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
  expect(JSON.stringify(t.findResources('AWS::IAM::Policy'))).not.toContain('ssm:GetParametersByPath');
});

test('a Lambda target stands alone, without port or protocol; targets there must be', () => {
  const message = errorOf(() => gatewayStack(scope => ({
    fleet: Fleet.targets([new targets.LambdaTarget(fn(scope)), new targets.IpTarget('10.0.3.10')], { port: 8080, protocol: elbv2.ApplicationProtocol.HTTP }),
  })));
  expect(message).toContain('`fleet` (Fleet.targets): a LambdaTarget must be the only target, as a target group holds one Lambda function and nothing else');
  expect(message).toContain('`fleet.port` does not apply to a Lambda function target; leave it out');
  expect(message).toContain('`fleet.protocol` does not apply to a Lambda function target; leave it out');
  expect(errorOf(() => gatewayStack({ fleet: Fleet.targets([]) }))).toContain('`fleet` (Fleet.targets) has no targets; give at least one');
});
