import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EdgeMode, Fleet, MultiTenantGateway, MultiTenantGatewayProps, ObservabilityOptions, Tenants } from '../../src';
import { errorOf } from '../errors';

const ACCOUNT = '123456789012';

type Options = ObservabilityOptions | ((topic: sns.ITopic) => ObservabilityOptions);

function build(region: string | undefined, options?: Options, count = 1, overrides: Partial<MultiTenantGatewayProps> = {}) {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: region ? { account: ACCOUNT, region } : undefined });
  const topic = new sns.Topic(stack, 'Topic');
  const observability = typeof options === 'function' ? options(topic) : options;
  const gateway = new MultiTenantGateway(stack, 'Gateway', {
    tenants: Tenants.fromList(Array.from({ length: count }, (_, i) => ({ id: `t${i}`, domainNames: [`t${i}.example.com`] }))),
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z123', zoneName: 'example.com' }),
    distributionCertificate: acm.Certificate.fromCertificateArn(stack, 'EdgeCert', `arn:aws:acm:us-east-1:${ACCOUNT}:certificate/edge`),
    loadBalancerCertificates: [acm.Certificate.fromCertificateArn(stack, 'AlbCert', `arn:aws:acm:${region ?? 'us-east-1'}:${ACCOUNT}:certificate/o`)],
    loadBalancerAccessLogs: region !== undefined,
    quotas: { domainsPerDistribution: 1 },
    observability,
    ...overrides,
  });
  return { stack, gateway, topic, template: Template.fromStack(stack) };
}

interface Widget {
  readonly type: string;
  readonly properties: { title: string; region: string; metrics: unknown[][] };
}

/** The dashboard's widgets, with every CloudFormation token in the body replaced by "<token>". */
function widgets(stack: Stack, template: Template): Widget[] {
  const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  expect(dashboards).toHaveLength(1);
  const body = stack.resolve(dashboards[0].Properties.DashboardBody);
  const parts: unknown[] = body['Fn::Join'] ? body['Fn::Join'][1] : [body];
  return JSON.parse(parts.map(p => typeof p === 'string' ? p : '<token>').join('')).widgets;
}

function widget(all: Widget[], title: string): Widget {
  const found = all.find(w => w.properties.title.startsWith(title));
  if (!found) throw new Error(`no widget "${title}" in ${all.map(w => w.properties.title).join(', ')}`);
  return found;
}

/** Each line of a widget as "expression" or "namespace metric stat". */
function lines(w: Widget): string[] {
  return w.properties.metrics.map(line => {
    const options = line[line.length - 1] as { expression?: string; stat?: string };
    if (options.expression) return options.expression;
    return `${line[0]} ${line[1]} ${options.stat ?? 'Average'}`;
  });
}

function alarms(template: Template): any[] {
  return Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(a => a.Properties);
}

function alarmNamed(template: Template, description: string): any {
  const found = alarms(template).filter(a => String(a.AlarmDescription).startsWith(description));
  expect(found).toHaveLength(1);
  return found[0];
}

describe('dashboard', () => {
  test('graphs the distributions, load balancer and fleet; CloudFront aggregated by SEARCH in us-east-1', () => {
    const { stack, gateway, template } = build('eu-west-1');
    expect(gateway.observability.dashboard).toBeDefined();
    const all = widgets(stack, template);
    expect(all.map(w => w.properties.title.replace(/ \(all distributions in the account\)/, ''))).toEqual([
      'CloudFront requests', 'CloudFront error rates', 'CloudFront bytes downloaded',
      'Load balancer requests', 'Load balancer 5xx', 'Target response time', 'Targets',
      'Fleet instances', 'Fleet CPU',
    ]);
    const search = (metric: string, stat: string) => `SEARCH('{AWS/CloudFront,DistributionId,Region} MetricName="${metric}"', '${stat}', 300)`;
    expect(lines(widget(all, 'CloudFront requests'))).toEqual([`SUM(${search('Requests', 'Sum')})`]);
    expect(lines(widget(all, 'CloudFront error rates'))).toEqual([
      `AVG(${search('4xxErrorRate', 'Average')})`, `AVG(${search('5xxErrorRate', 'Average')})`, `MAX(${search('5xxErrorRate', 'Average')})`,
    ]);
    expect(lines(widget(all, 'CloudFront bytes downloaded'))).toEqual([`SUM(${search('BytesDownloaded', 'Sum')})`]);
    // CloudFront's metrics live in us-east-1 whatever the dashboard's region.
    for (const w of all.filter(x => x.properties.title.startsWith('CloudFront'))) {
      for (const line of w.properties.metrics) expect(line[line.length - 1]).toMatchObject({ region: 'us-east-1' });
    }
    expect(lines(widget(all, 'Load balancer requests'))).toEqual(['AWS/ApplicationELB RequestCount Sum']);
    expect(lines(widget(all, 'Load balancer 5xx'))).toEqual(['AWS/ApplicationELB HTTPCode_ELB_5XX_Count Sum', 'AWS/ApplicationELB HTTPCode_Target_5XX_Count Sum']);
    expect(lines(widget(all, 'Target response time'))).toEqual(['AWS/ApplicationELB TargetResponseTime p50', 'AWS/ApplicationELB TargetResponseTime p99']);
    expect(lines(widget(all, 'Targets'))).toEqual(['AWS/ApplicationELB HealthyHostCount Minimum', 'AWS/ApplicationELB UnHealthyHostCount Maximum']);
    expect(lines(widget(all, 'Fleet instances'))).toEqual([
      'AWS/AutoScaling GroupInServiceInstances Average', 'AWS/AutoScaling GroupDesiredCapacity Average', 'AWS/AutoScaling GroupMaxSize Maximum',
    ]);
    expect(lines(widget(all, 'Fleet CPU'))).toEqual(['AWS/EC2 CPUUtilization Average']);
    // The group metrics the fleet graphs read are collected.
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MetricsCollection: [{ Granularity: '1Minute', Metrics: ['GroupInServiceInstances', 'GroupDesiredCapacity', 'GroupMaxSize'] }],
    });
  });

  test('readable at 100 distributions: the same widgets and lines as at one', () => {
    const one = build('eu-west-1', {}, 1);
    const hundred = build('eu-west-1', {}, 100);
    expect(hundred.gateway.distributions).toHaveLength(100);
    const shape = (b: ReturnType<typeof build>) => widgets(b.stack, b.template).map(w => [w.properties.title, w.properties.metrics.length]);
    expect(shape(hundred)).toEqual(shape(one));
    // No distribution id reaches the parent template's dashboard.
    expect(JSON.stringify(widgets(hundred.stack, hundred.template))).not.toContain('DistributionId"');
  });

  test('additional CloudFront metrics are opt-in: a monitoring subscription per distribution, cache hit rate and origin latency graphs', () => {
    const off = build('eu-west-1', {}, 2);
    expect(widgets(off.stack, off.template).map(w => w.properties.title)).not.toContainEqual(expect.stringMatching(/cache hit|origin latency/));
    for (const shard of off.gateway.shardStacks) Template.fromStack(shard).resourceCountIs('AWS::CloudFront::MonitoringSubscription', 0);

    const on = build('eu-west-1', { additionalDistributionMetrics: true }, 2);
    for (const shard of on.gateway.shardStacks) {
      Template.fromStack(shard).hasResourceProperties('AWS::CloudFront::MonitoringSubscription', {
        DistributionId: { Ref: 'Distribution' },
        MonitoringSubscription: { RealtimeMetricsSubscriptionConfig: { RealtimeMetricsSubscriptionStatus: 'Enabled' } },
      });
    }
    const all = widgets(on.stack, on.template);
    expect(lines(widget(all, 'CloudFront cache hit rate'))).toEqual([
      expect.stringMatching(/^AVG\(SEARCH\(.*"CacheHitRate"/), expect.stringMatching(/^MIN\(SEARCH\(.*"CacheHitRate"/),
    ]);
    // CloudFront publishes OriginLatency with percentile statistics only.
    expect(lines(widget(all, 'CloudFront origin latency, p90'))).toEqual([
      expect.stringMatching(/^AVG\(SEARCH\(.*"OriginLatency"', 'p90', 300\)\)$/), expect.stringMatching(/^MAX\(SEARCH\(.*"OriginLatency"', 'p90', 300\)\)$/),
    ]);
  });

  test('opt-out', () => {
    const { gateway, template } = build('eu-west-1', { dashboard: false });
    expect(gateway.observability.dashboard).toBeUndefined();
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
  });
});

describe('alarms', () => {
  test('load balancer, targets and fleet alarms with default thresholds', () => {
    const { template, gateway } = build('eu-west-1');
    const lb5xx = alarmNamed(template, 'Load balancer: 5xx');
    expect(lb5xx).toMatchObject({ Threshold: 5, EvaluationPeriods: 3, DatapointsToAlarm: 3, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' });
    expect(lb5xx.Metrics.map((m: any) => m.Expression ?? `${m.Id}=${m.MetricStat.Metric.MetricName}/${m.MetricStat.Stat}`)).toEqual([
      '100 * (FILL(elb, 0) + FILL(target, 0)) / requests',
      'elb=HTTPCode_ELB_5XX_Count/Sum', 'target=HTTPCode_Target_5XX_Count/Sum', 'requests=RequestCount/Sum',
    ]);
    expect(alarmNamed(template, 'Target group: 1 or more unhealthy')).toMatchObject({
      MetricName: 'UnHealthyHostCount', Statistic: 'Maximum', Period: 60, Threshold: 1, EvaluationPeriods: 5,
    });
    expect(alarmNamed(template, 'Targets: p99')).toMatchObject({
      MetricName: 'TargetResponseTime', ExtendedStatistic: 'p99', Period: 300, Threshold: 2, EvaluationPeriods: 3,
    });
    const atMax = alarmNamed(template, 'Auto Scaling group at its maximum size');
    expect(atMax).toMatchObject({ Threshold: 1, EvaluationPeriods: 15, DatapointsToAlarm: 15 });
    expect(atMax.Metrics[0].Expression).toBe('IF(desired >= maximum, 1, 0)');
    expect(atMax.Metrics.slice(1).map((m: any) => `${m.MetricStat.Metric.MetricName}/${m.MetricStat.Stat}/${m.MetricStat.Period}`))
      .toEqual(['GroupDesiredCapacity/Minimum/60', 'GroupMaxSize/Maximum/60']);
    expect(gateway.observability.alarms).toHaveLength(4);
  });

  test('without a topic, every alarm notifies one the gateway makes: KMS-encrypted (rotated key CloudWatch may use), TLS only', () => {
    const { stack, template, gateway } = build('eu-west-1');
    expect(gateway.observability.alarmTopic).toBeDefined();
    const topicRef = stack.resolve(gateway.observability.alarmTopic!.topicArn);
    expect(alarms(template)).toHaveLength(4);
    for (const alarm of alarms(template)) {
      expect(alarm.AlarmActions).toEqual([topicRef]);
      expect(alarm.OKActions).toEqual([topicRef]);
    }
    // The test's own topic and the gateway's: only the gateway's is encrypted.
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GatewayObservabilityAlarmTopicKey'), 'Arn'] } });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        })]),
      },
    });
  });

  test('a topic you give is used instead, and none is made; with alarms off there is no topic', () => {
    const given = build('eu-west-1', topic => ({ alarmTopic: topic }));
    expect(given.gateway.observability.alarmTopic).toBe(given.topic);
    given.template.resourceCountIs('AWS::SNS::Topic', 1);
    given.template.resourceCountIs('AWS::KMS::Key', 0);
    const off = build('eu-west-1', { alarms: false });
    expect(off.gateway.observability.alarmTopic).toBeUndefined();
    off.template.resourceCountIs('AWS::SNS::Topic', 1); // the test's own
    off.template.resourceCountIs('AWS::KMS::Key', 0);
  });

  test('thresholds are overridable; an alarm topic gets alarm and OK actions on every alarm', () => {
    const { template, gateway } = build('us-east-1', {
      alarmThresholds: {
        distribution5xxErrorRate: 2,
        loadBalancer5xxErrorRate: 1,
        unhealthyHosts: 2,
        targetResponseTimeP99: Duration.millis(750),
        fleetAtMaxCapacityFor: Duration.minutes(30),
      },
    }, 2);
    expect(alarmNamed(template, 'Load balancer: 5xx').Threshold).toBe(1);
    expect(alarmNamed(template, 'Target group: 2 or more').Threshold).toBe(2);
    expect(alarmNamed(template, 'Targets: p99').Threshold).toBe(0.75);
    expect(alarmNamed(template, 'Auto Scaling group').EvaluationPeriods).toBe(30);
    for (const shard of gateway.shardStacks) {
      expect(alarms(Template.fromStack(shard))[0].Threshold).toBe(2);
    }

    const withTopic = build('us-east-1', topic => ({ alarmTopic: topic }), 2);
    expect(withTopic.gateway.observability.alarms).toHaveLength(6);
    const topicRef = withTopic.stack.resolve(withTopic.topic.topicArn);
    for (const alarm of alarms(withTopic.template)) {
      expect(alarm.AlarmActions).toEqual([topicRef]);
      expect(alarm.OKActions).toEqual([topicRef]);
    }
    // In a shard stack the topic arrives as a nested stack parameter.
    for (const shard of withTopic.gateway.shardStacks) {
      const [alarm] = alarms(Template.fromStack(shard));
      expect(alarm.AlarmActions).toEqual([{ Ref: expect.stringMatching(/Topic/) }]);
      expect(alarm.OKActions).toEqual(alarm.AlarmActions);
    }
  });

  test('in us-east-1: a 5xx error rate alarm per distribution, in its shard stack, on the Global region dimension', () => {
    const { gateway, stack } = build('us-east-1', {}, 3);
    expect(gateway.observability.distributionErrorAlarms).toHaveLength(3);
    gateway.shardStacks.forEach(shard => {
      const found = alarms(Template.fromStack(shard));
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({
        Namespace: 'AWS/CloudFront',
        MetricName: '5xxErrorRate',
        Statistic: 'Average',
        Period: 300,
        Threshold: 5,
        EvaluationPeriods: 3,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        Dimensions: [{ Name: 'DistributionId', Value: { Ref: 'Distribution' } }, { Name: 'Region', Value: 'Global' }],
      });
    });
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('No CloudFront alarms'))).toEqual([]);
  });

  test.each([['eu-west-1', 'eu-west-1'], [undefined, 'not known at synth time']])(
    'outside us-east-1 (%s): no CloudFront alarm, a warning saying how to get them', (region, says) => {
      const { gateway, stack, template } = build(region, {}, 2);
      expect(gateway.observability.distributionErrorAlarms).toEqual([]);
      for (const shard of gateway.shardStacks) Template.fromStack(shard).resourceCountIs('AWS::CloudWatch::Alarm', 0);
      expect(alarms(template).filter(a => a.Namespace === 'AWS/CloudFront')).toEqual([]);
      Annotations.fromStack(stack).hasWarning('/Stack/Gateway/Observability',
        Match.stringLikeRegexp(`No CloudFront alarms were made: .*this stack's region is ${says}.*as \`observability.cloudFrontAlarmsStack\``));
    });

  test('opt-out: no alarms and no warning', () => {
    const { gateway, stack, template } = build('eu-west-1', { alarms: false }, 2);
    expect(gateway.observability.alarms).toEqual([]);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('No CloudFront alarms'))).toEqual([]);
  });

  test('bad thresholds are listed in the gateway\'s one error', () => {
    const message = errorOf(() => build('eu-west-1', {
      alarmThresholds: {
        distribution5xxErrorRate: 150,
        unhealthyHosts: 0,
        targetResponseTimeP99: Duration.seconds(0),
        fleetAtMaxCapacityFor: Duration.seconds(90),
      },
    }));
    expect(message).toContain('has 4 problems');
    expect(message).toContain('`observability.alarmThresholds.distribution5xxErrorRate` must be a number from 0 to 100, got 150');
    expect(message).toContain('`observability.alarmThresholds.unhealthyHosts` must be a whole number, at least 1, got 0');
    expect(message).toContain('`observability.alarmThresholds.targetResponseTimeP99` must be longer than zero');
    expect(message).toContain('`observability.alarmThresholds.fleetAtMaxCapacityFor` must be whole minutes from 1 to 1440, got 1 minute 30 seconds');
  });
});

describe('an ECS fleet', () => {
  const image = ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:stable');

  test('graphs the service\'s CPU and memory; the at-maximum alarm counts healthy targets against maxTasks', () => {
    const { stack, template, gateway } = build('eu-west-1', {}, 1, { fleet: Fleet.ecsFargate({ image, maxTasks: 6 }) });
    const all = widgets(stack, template);
    expect(all.map(w => w.properties.title).filter(title => title.startsWith('Fleet'))).toEqual(['Fleet CPU and memory']);
    expect(lines(widget(all, 'Fleet CPU and memory'))).toEqual(['AWS/ECS CPUUtilization Average', 'AWS/ECS MemoryUtilization Average']);
    expect(alarmNamed(template, 'ECS service at its maximum of 6 tasks for 15 minutes')).toMatchObject({
      Namespace: 'AWS/ApplicationELB', MetricName: 'HealthyHostCount', Statistic: 'Minimum', Period: 60, Threshold: 6, EvaluationPeriods: 15,
    });
    // The same construct id as the Auto Scaling group's alarm.
    expect(gateway.observability.fleetAtMaxCapacityAlarm?.node.id).toBe('FleetAtMaxCapacityAlarm');
    expect(gateway.observability.alarms).toHaveLength(4);
  });

  test('with Container Insights: running and desired tasks graphed, and the alarm counts running tasks', () => {
    const { stack, template } = build('eu-west-1', { alarmThresholds: { fleetAtMaxCapacityFor: Duration.minutes(5) } }, 1,
      { fleet: Fleet.ecsFargate({ image, containerInsights: true }) });
    const all = widgets(stack, template);
    expect(lines(widget(all, 'Fleet tasks'))).toEqual(['ECS/ContainerInsights RunningTaskCount Average', 'ECS/ContainerInsights DesiredTaskCount Average']);
    expect(alarmNamed(template, 'ECS service at its maximum of 10 tasks for 5 minutes')).toMatchObject({
      Namespace: 'ECS/ContainerInsights', MetricName: 'RunningTaskCount', Statistic: 'Minimum', Threshold: 10, EvaluationPeriods: 5,
    });
  });
});

describe('tenant insights', () => {
  const ruleStates = (template: Template) => Object.values(template.findResources('AWS::CloudWatch::InsightRule'))
    .map(r => r.Properties.RuleState);

  /** The rule body as JSON, with the log group's name (a token) as "<group>". */
  const parsedBody = (stack: Stack, body: unknown, groupLogicalId: string) => {
    const resolved: any = stack.resolve(body);
    const parts: unknown[] = resolved['Fn::Join'] ? resolved['Fn::Join'][1] : [resolved];
    return JSON.parse(parts.map(p => typeof p === 'string' ? p : (expect(p).toEqual({ Ref: groupLogicalId }), '<group>')).join(''));
  };

  test('off by default: no log delivery, no insight rule', () => {
    const { gateway, template } = build('us-east-1', {}, 2);
    for (const t of [template, ...gateway.shardStacks.map(s => Template.fromStack(s))]) {
      for (const type of ['AWS::Logs::DeliverySource', 'AWS::Logs::DeliveryDestination', 'AWS::Logs::Delivery', 'AWS::CloudWatch::InsightRule']) {
        t.resourceCountIs(type, 0);
      }
    }
    expect(gateway.observability.tenantRequestsRule).toBeUndefined();
    expect(gateway.observability.tenantErrorsRule).toBeUndefined();
  });

  test('in us-east-1: one log group and destination, a source and delivery per distribution in its shard stack, two rules', () => {
    const { gateway, stack, template } = build('us-east-1', { tenantInsights: true }, 3);
    const groups = template.findResources('AWS::Logs::LogGroup', { Properties: { LogGroupName: Match.stringLikeRegexp('^/aws/vendedlogs/cloudfront/') } });
    expect(Object.keys(groups)).toHaveLength(1);
    const groupId = Object.keys(groups)[0];
    expect(Object.values(groups)[0].Properties.RetentionInDays).toBe(30);
    template.resourceCountIs('AWS::Logs::DeliveryDestination', 1);
    const destinationId = Object.keys(template.findResources('AWS::Logs::DeliveryDestination'))[0];
    template.hasResourceProperties('AWS::Logs::DeliveryDestination', {
      OutputFormat: 'json',
      DestinationResourceArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:logs:us-east-1:${ACCOUNT}:log-group:`, { Ref: groupId }]] },
    });
    template.resourceCountIs('AWS::Logs::DeliverySource', 0);
    template.resourceCountIs('AWS::Logs::Delivery', 0);

    expect(gateway.shardStacks).toHaveLength(3);
    for (const shard of gateway.shardStacks) {
      const t = Template.fromStack(shard);
      t.resourceCountIs('AWS::Logs::DeliverySource', 1);
      t.resourceCountIs('AWS::Logs::Delivery', 1);
      const [sourceId, source] = Object.entries(t.findResources('AWS::Logs::DeliverySource'))[0];
      expect(source.Properties).toMatchObject({ LogType: 'ACCESS_LOGS' });
      expect(JSON.stringify(source.Properties.ResourceArn)).toContain('{"Ref":"Distribution"}');
      expect(JSON.stringify(source.Properties.ResourceArn)).toContain(':distribution/');
      const delivery = Object.values(t.findResources('AWS::Logs::Delivery'))[0];
      expect(delivery.Properties.DeliverySourceName).toBe(source.Properties.Name);
      expect(delivery.Properties.RecordFields).toEqual(['x-host-header', 'sc-status']);
      expect(delivery.DependsOn).toContain(sourceId);
      // The destination's ARN comes in as a parameter of the nested stack.
      expect(Object.keys(t.toJSON().Parameters ?? {})).toContain(delivery.Properties.DeliveryDestinationArn.Ref);
    }
    // The parent hands the destination's ARN to the block, which hands it to each of its shards.
    const blocks = Object.values(template.findResources('AWS::CloudFormation::Stack'))
      .filter(r => JSON.stringify(r.Properties.Parameters ?? {}).includes(`"Fn::GetAtt":["${destinationId}","Arn"]`));
    expect(blocks).toHaveLength(1);
    const block = Template.fromStack(Stack.of(gateway.shardStacks[0].nestedStackParent!));
    expect(Object.keys(block.findResources('AWS::CloudFormation::Stack'))).toHaveLength(3);
    expect(new Set(gateway.shardStacks.map(s => Object.values(Template.fromStack(s).findResources('AWS::Logs::DeliverySource'))[0].Properties.Name)).size).toBe(3);

    expect(ruleStates(template)).toEqual(['ENABLED', 'ENABLED']);
    const bodies = Object.values(template.findResources('AWS::CloudWatch::InsightRule')).map(r => parsedBody(stack, r.Properties.RuleBody, groupId));
    const common = {
      Schema: { Name: 'CloudWatchLogRule', Version: 1 },
      LogGroupNames: ['<group>'],
      LogFormat: 'JSON',
      AggregateOn: 'Count',
    };
    expect(bodies).toContainEqual({ ...common, Contribution: { Keys: ['$.x-host-header'], Filters: [] } });
    expect(bodies).toContainEqual({ ...common, Contribution: { Keys: ['$.x-host-header'], Filters: [{ Match: '$.sc-status', StartsWith: ['5'] }] } });
    expect(gateway.observability.tenantRequestsRule).toBeDefined();
    expect(gateway.observability.tenantErrorsRule).toBeDefined();
    expect(gateway.observability.tenantAccessLogs).toBeDefined();

    const top = widgets(stack, template).filter(w => w.properties.title.startsWith('Top tenants'));
    expect(top.map(w => w.properties.title)).toEqual(['Top tenants (Host header) by requests', 'Top tenants (Host header) by 5xx responses']);
    for (const w of top) {
      expect(w.properties).toMatchObject({ region: 'us-east-1', insightRule: { ruleName: '<token>', maxContributorCount: 10, orderBy: 'Sum' } });
    }
  });

  test('the log retention is settable', () => {
    const { template } = build('us-east-1', { tenantInsights: true, tenantInsightsLogRetention: RetentionDays.ONE_WEEK });
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: Match.stringLikeRegexp('^/aws/vendedlogs/'), RetentionInDays: 7 });
  });

  test.each([['eu-west-1', 'eu-west-1'], [undefined, 'not known at synth time']])(
    'outside us-east-1 (%s): a problem in the gateway\'s one error', (region, says) => {
      const message = errorOf(() => build(region, { tenantInsights: true }));
      expect(message).toContain(`\`observability.tenantInsights\` needs the gateway's stack in us-east-1, where CloudFront delivers its access logs to CloudWatch Logs, but its region is ${says}`);
      expect(message).toContain('or turn `tenantInsights` off');
    });

  test('multi-tenant distribution: one source and delivery, in the parent stack', () => {
    const { gateway, stack, template } = build('us-east-1', { tenantInsights: true }, 3, { edge: EdgeMode.multiTenantDistribution() });
    expect(gateway.distributions).toHaveLength(1);
    template.resourceCountIs('AWS::Logs::DeliverySource', 1);
    template.resourceCountIs('AWS::Logs::Delivery', 1);
    template.resourceCountIs('AWS::Logs::DeliveryDestination', 1);
    template.resourceCountIs('AWS::CloudWatch::InsightRule', 2);
    const source = Object.values(template.findResources('AWS::Logs::DeliverySource'))[0];
    const distributionId = Object.keys(template.findResources('AWS::CloudFront::Distribution'))[0];
    expect(JSON.stringify(stack.resolve(source.Properties.ResourceArn))).toContain(`{"Ref":"${distributionId}"}`);
    for (const shard of gateway.shardStacks) Template.fromStack(shard).resourceCountIs('AWS::Logs::DeliverySource', 0);
  });
});
