import { App, Stack, StackProps, Stage } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { EdgeMode, MultiTenantGateway, MultiTenantGatewayProps, ObservabilityOptions, Tenants } from '../../src';
import { errorOf } from '../errors';

const ACCOUNT = '123456789012';
const EDGE_ENV = { account: ACCOUNT, region: 'us-east-1' };

/**
 * A gateway of `count` one-domain shards in a stack at `home`, its CloudFront alarms in a stack
 * made with `edgeProps` (by default a us-east-1 stack of the same account with cross-region references).
 */
function build(options: {
  home?: StackProps['env'];
  edgeProps?: StackProps;
  /** Makes the alarms stack instead, in the gateway's app. */
  edgeOf?: (app: App) => Stack;
  count?: number;
  observability?: ObservabilityOptions;
  overrides?: Partial<MultiTenantGatewayProps>;
} = {}) {
  const app = new App();
  const home = 'home' in options ? options.home : { account: ACCOUNT, region: 'eu-west-1' };
  const stack = new Stack(app, 'Stack', { env: home });
  const edge = options.edgeOf?.(app) ?? new Stack(app, 'Edge', options.edgeProps ?? { env: EDGE_ENV, crossRegionReferences: true });
  const count = options.count ?? 2;
  const gateway = new MultiTenantGateway(stack, 'Gateway', {
    tenants: Tenants.fromList(Array.from({ length: count }, (_, i) => ({ id: `t${i}`, domainNames: [`t${i}.example.com`] }))),
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z123', zoneName: 'example.com' }),
    distributionCertificate: acm.Certificate.fromCertificateArn(stack, 'EdgeCert', `arn:aws:acm:us-east-1:${ACCOUNT}:certificate/edge`),
    loadBalancerCertificates: [acm.Certificate.fromCertificateArn(stack, 'AlbCert', `arn:aws:acm:eu-west-1:${ACCOUNT}:certificate/o`)],
    quotas: { domainsPerDistribution: 1 },
    observability: { cloudFrontAlarmsStack: edge, ...options.observability },
    ...options.overrides,
  });
  return { app, stack, edge, gateway };
}

function alarms(template: Template): any[] {
  return Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(a => a.Properties);
}

describe('CloudFront alarms in a us-east-1 stack you pass', () => {
  test('one 5xx alarm per distribution there, notifying a topic made there; the others notify the gateway\'s topic', () => {
    const { stack, edge, gateway } = build({ count: 3 });
    const edgeTemplate = Template.fromStack(edge);
    const found = alarms(edgeTemplate);
    expect(found).toHaveLength(3);
    expect(gateway.observability.distributionErrorAlarms).toHaveLength(3);
    const edgeTopic = edge.resolve(gateway.observability.cloudFrontAlarmTopic!.topicArn);
    expect(edgeTopic).toEqual({ Ref: expect.any(String) });
    for (const alarm of found) {
      expect(alarm).toMatchObject({
        Namespace: 'AWS/CloudFront',
        MetricName: '5xxErrorRate',
        Statistic: 'Average',
        Threshold: 5,
        EvaluationPeriods: 3,
        AlarmActions: [edgeTopic],
        OKActions: [edgeTopic],
      });
      // The id crosses regions through the reader CDK adds for cross-region references.
      expect(alarm.Dimensions).toEqual([
        { Name: 'DistributionId', Value: { 'Fn::GetAtt': [expect.stringMatching(/^ExportsReader/), expect.stringMatching(/Distribution/)] } },
        { Name: 'Region', Value: 'Global' },
      ]);
    }
    // Each distribution has its own alarm.
    expect(new Set(found.map(a => a.AlarmDescription)).size).toBe(3);
    // None beside the distributions, none in the gateway's stack.
    for (const shard of gateway.shardStacks) Template.fromStack(shard).resourceCountIs('AWS::CloudWatch::Alarm', 0);
    const gatewayAlarms = alarms(Template.fromStack(stack));
    expect(gatewayAlarms.filter(a => a.Namespace === 'AWS/CloudFront')).toEqual([]);
    const homeTopic = stack.resolve(gateway.observability.alarmTopic!.topicArn);
    for (const alarm of gatewayAlarms) expect(alarm.AlarmActions).toEqual([homeTopic]);
    expect(gateway.observability.alarms).toHaveLength(3 + gatewayAlarms.length);
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('No CloudFront alarms'))).toEqual([]);
  });

  test('the topic there has the same policy as the gateway\'s: CloudWatch may publish, for this account\'s alarms in us-east-1, TLS only', () => {
    const { edge } = build();
    const t = Template.fromStack(edge);
    const ownAlarms = {
      StringEquals: { 'aws:SourceAccount': ACCOUNT },
      ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:cloudwatch:us-east-1:${ACCOUNT}:alarm:*`]] } },
    };
    t.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish', Condition: ownAlarms }),
        ],
      },
    });
    t.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Condition: ownAlarms })]) },
    });
  });

  test('cdk deploy orders it after the gateway\'s stack, and nothing of the gateway\'s refers back to it (the dashboard included)', () => {
    const { app, stack, edge } = build({ observability: { additionalDistributionMetrics: true } });
    const assembly = app.synth();
    expect(assembly.getStackByName(edge.stackName).dependencies.map(d => d.id)).toContain(stack.artifactId);
    expect(assembly.getStackByName(stack.stackName).dependencies.map(d => d.id)).not.toContain(edge.artifactId);
    // The dashboard is still the gateway's, in its region, and reads CloudFront in us-east-1.
    const gatewayTemplate = Template.fromStack(stack);
    gatewayTemplate.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    Template.fromStack(edge).resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    const body = JSON.stringify(Object.values(gatewayTemplate.findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody);
    expect(body).toContain('CloudFront requests');
    expect(body).toContain('\\"region\\":\\"us-east-1\\"');
  });

  test('several gateways may share the stack; a new shard adds an alarm and renames none', () => {
    const two = build({ count: 2 });
    const three = build({ count: 3 });
    const ids = (b: ReturnType<typeof build>) => Object.keys(Template.fromStack(b.edge).findResources('AWS::CloudWatch::Alarm'));
    expect(ids(three)).toEqual(expect.arrayContaining(ids(two)));
    expect(ids(three)).toHaveLength(3);

    const app = new App();
    const edge = new Stack(app, 'Edge', { env: EDGE_ENV, crossRegionReferences: true });
    for (const name of ['One', 'Two']) {
      const stack = new Stack(app, name, { env: { account: ACCOUNT, region: 'eu-west-1' } });
      new MultiTenantGateway(stack, 'Gateway', {
        tenants: Tenants.fromList([{ id: `${name}`.toLowerCase(), domainNames: [`${name}.example.com`.toLowerCase()] }]),
        hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z123', zoneName: 'example.com' }),
        distributionCertificate: acm.Certificate.fromCertificateArn(stack, 'EdgeCert', `arn:aws:acm:us-east-1:${ACCOUNT}:certificate/edge`),
        loadBalancerCertificates: [acm.Certificate.fromCertificateArn(stack, 'AlbCert', `arn:aws:acm:eu-west-1:${ACCOUNT}:certificate/o`)],
        observability: { cloudFrontAlarmsStack: edge },
      });
    }
    const t = Template.fromStack(edge);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 2);
    t.resourceCountIs('AWS::SNS::Topic', 2);
  });

  test('a multi-tenant distribution: its one alarm there', () => {
    const { edge, gateway } = build({ count: 3, overrides: { edge: EdgeMode.multiTenantDistribution() } });
    expect(alarms(Template.fromStack(edge))).toHaveLength(1);
    expect(gateway.observability.distributionErrorAlarms).toHaveLength(1);
  });

  test('thresholds apply there; with alarms off, nothing is put there and nothing is checked', () => {
    const { edge } = build({ observability: { alarmThresholds: { distribution5xxErrorRate: 2 } } });
    expect(alarms(Template.fromStack(edge)).map(a => a.Threshold)).toEqual([2, 2]);

    const off = build({ edgeProps: { env: { account: ACCOUNT, region: 'eu-west-2' } }, observability: { alarms: false } });
    expect(off.edge.node.children).toHaveLength(0);
  });

  test('every reason the stack cannot hold them, in the gateway\'s one error', () => {
    const message = errorOf(() => build({ edgeProps: { env: { account: '999999999999', region: 'eu-west-2' } } }));
    expect(message).toContain('has 3 problems');
    expect(message).toContain('`observability.cloudFrontAlarmsStack` (stack "Edge") must be in us-east-1, where CloudFront publishes its metrics (an alarm watches metrics of its own region only), but its region is eu-west-2');
    expect(message).toContain('`observability.cloudFrontAlarmsStack` (stack "Edge") must be in the gateway\'s account, where CloudFront publishes its distributions\' metrics, but its account is 999999999999 and the gateway\'s is 123456789012');
    expect(message).toContain('`observability.cloudFrontAlarmsStack` (stack "Edge") needs `crossRegionReferences: true`: the gateway hands it the ids of its distributions, which live in eu-west-1');
  });

  test('a stack without an account while the gateway\'s has one, and a gateway whose region is not known, are refused', () => {
    expect(errorOf(() => build({ edgeProps: { env: { region: 'us-east-1' }, crossRegionReferences: true } })))
      .toContain('but its account is not known at synth time and the gateway\'s is 123456789012');
    expect(errorOf(() => build({ home: undefined, edgeProps: { crossRegionReferences: true, env: { region: 'us-east-1' } } })))
      .toContain('receives the distribution ids through a cross-region reference, which needs the gateway\'s stack\'s region, but it is not known at synth time');
  });

  test('a stack of another app or another stage is refused', () => {
    const props = { env: EDGE_ENV, crossRegionReferences: true };
    for (const edgeOf of [() => new Stack(new App(), 'Edge', props), (app: App) => new Stack(new Stage(app, 'Prod'), 'Edge', props)]) {
      expect(errorOf(() => build({ edgeOf }))).toContain('must be in the gateway\'s app, and in its stage if it has one');
    }
  });

  test('a gateway already in us-east-1 is told to leave it unset', () => {
    expect(errorOf(() => build({ home: EDGE_ENV })))
      .toContain('`observability.cloudFrontAlarmsStack` (stack "Edge") is for gateways outside us-east-1: this gateway\'s stack is in us-east-1, where its CloudFront alarms are made beside its distributions; leave `cloudFrontAlarmsStack` unset');
  });
});
