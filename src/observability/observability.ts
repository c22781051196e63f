import { Annotations, Duration, Names, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AlarmTopic } from './private/alarm-topic';
import { warnTopicPolicy } from './private/brought-topic';
import { distributionWidgets, loadBalancerWidgets } from './private/dashboard';
import { FleetWatch } from './private/fleet-watch';
import { CLOUDFRONT_REGION, cloudFrontMetric, PERIOD, sustained } from './private/metrics';
import { InsightRuleWidget, TenantInsights } from './private/tenant-insights';
import { DistributionHome } from '../edge/private/distribution-home';

/** Thresholds of the gateway's alarms. Each alarm fires after three bad five-minute periods unless said otherwise. */
export interface AlarmThresholds {
  /**
   * A distribution's 5xx error rate, in percent of its requests (one alarm per distribution).
   * @default 5
   */
  readonly distribution5xxErrorRate?: number;

  /**
   * The load balancer's 5xx responses, its own and its targets', in percent of its requests.
   * @default 5
   */
  readonly loadBalancer5xxErrorRate?: number;

  /**
   * Unhealthy targets in the target group; the alarm fires when at least this many stay
   * unhealthy for five one-minute periods (longer than an instance replacement's health checks).
   * @default 1
   */
  readonly unhealthyHosts?: number;

  /**
   * The targets' 99th percentile response time.
   * @default Duration.seconds(2)
   */
  readonly targetResponseTimeP99?: Duration;

  /**
   * How long the fleet (an Auto Scaling group, or an ECS service the gateway made) may sit at its
   * maximum size before the alarm fires: it can no longer scale out, so more load means slower
   * pages. Whole minutes, at most a day.
   * @default Duration.minutes(15)
   */
  readonly fleetAtMaxCapacityFor?: Duration;
}

/** What the gateway watches, and how. */
export interface ObservabilityOptions {
  /**
   * Make a CloudWatch dashboard (in the stack's region; CloudFront graphs read us-east-1).
   * @default true
   */
  readonly dashboard?: boolean;

  /**
   * The dashboard's name.
   * @default - a name CloudFormation generates
   */
  readonly dashboardName?: string;

  /**
   * Turn on CloudFront's additional metrics (cache hit rate, origin latency, error rates by
   * status) for every distribution, and graph them. Opt-in: CloudFront bills them per
   * distribution per month (see CloudWatch pricing).
   * @default false
   */
  readonly additionalDistributionMetrics?: boolean;

  /**
   * Make alarms. CloudFront publishes its metrics in us-east-1 and an alarm can only watch
   * metrics of its own region, so the distribution alarms are made beside the distributions when
   * the gateway's stack is in us-east-1, in `cloudFrontAlarmsStack` when it is given, and not at
   * all otherwise (synth warns).
   * @default true
   */
  readonly alarms?: boolean;

  /**
   * Where the distributions' alarms go when the gateway's stack is not in us-east-1: a stack of
   * the same app and account in us-east-1, with `crossRegionReferences: true` (CDK carries the
   * distribution ids there in SSM parameters, and deploys that stack after the gateway's). The
   * gateway makes a topic in it for those alarms (`observability.cloudFrontAlarmTopic`), like the
   * one it makes for the others: an alarm notifies a topic of its own region only.
   * @default - no distribution alarms outside us-east-1
   */
  readonly cloudFrontAlarmsStack?: Stack;

  /**
   * The topic every alarm notifies, when it fires and when it recovers. An alarm without an
   * action changes state unseen, so without one the gateway makes a topic
   * (`gateway.observability.alarmTopic`), encrypted with a KMS key of its own (about $1 a month),
   * for you to subscribe to. More actions can be added on `alarms`.
   *
   * A topic of your own must be in the alarms' region, and let CloudWatch publish: its topic policy,
   * if it has one, replaces SNS's default one and must allow `cloudwatch.amazonaws.com`
   * `sns:Publish`; if it is encrypted, the key's policy must allow that principal `kms:Decrypt` and
   * `kms:GenerateDataKey*`, so a topic under the AWS-managed `alias/aws/sns` key cannot be used.
   * @default - a topic the gateway makes, encrypted with a customer managed KMS key, TLS only
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * When the alarms fire.
   * @default - the defaults of each threshold
   */
  readonly alarmThresholds?: AlarmThresholds;

  /**
   * Tenant-level visibility: the top tenants (by Host header) by requests and by 5xx responses.
   * Turns on CloudFront standard logging (v2) of every distribution into one CloudWatch Logs log
   * group, each record trimmed to the host header and status, with two Contributor Insights
   * rules over it (`observability.tenantRequestsRule`, `tenantErrorsRule`) graphed on the dashboard.
   *
   * The gateway's stack must be in us-east-1, where CloudFront's log deliveries are made. A
   * distribution can have only one access-log delivery to CloudWatch Logs, so none may be
   * configured on them outside the gateway.
   *
   * Opt-in, as it is billed per request: CloudWatch vended log ingestion (about $0.50 per GB;
   * trimmed records are around 0.1 KB, against 0.5 KB with every field, so roughly $0.05 per
   * million requests) and storage for the retention, plus Contributor Insights (about $0.50 per
   * rule per month, two rules, and $0.02 per million log events matched, per rule). See
   * CloudWatch pricing.
   * @default false
   */
  readonly tenantInsights?: boolean;

  /**
   * How long to keep the access logs of `tenantInsights`.
   * @default RetentionDays.ONE_MONTH
   */
  readonly tenantInsightsLogRetention?: logs.RetentionDays;
}

/** What a gateway's observability watches. */
interface WatchTargets {
  readonly options: ObservabilityOptions;
  /** Each distribution with where its alarms and log deliveries go. */
  readonly homes: readonly DistributionHome[];
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  readonly targetGroup: elbv2.IApplicationTargetGroup;
  /** What is watched of the fleet beyond its target group: none for targets of the user's. */
  readonly fleet?: FleetWatch;
  /** The load balancers and fleets of the cells besides "default". */
  readonly cells?: readonly CellWatchTargets[];
}

/** What is watched of one cell the gateway made. */
interface CellWatchTargets {
  readonly name: string;
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  readonly targetGroup: elbv2.IApplicationTargetGroup;
  readonly fleet?: FleetWatch;
}

/**
 * A dashboard and alarms for a gateway: its distributions, load balancer and fleet.
 *
 * The CloudFront graphs aggregate with `SEARCH` over every distribution in the account
 * (`AWS/CloudFront` has no dimension to tell the gateway's own apart): one line per statistic
 * whether there is one shard or 500, and no per-distribution metric list that would outgrow
 * CloudWatch's limits. Run the gateway in an account of its own to have them count only its
 * tenants. Alarms watch each distribution by its id, so they are exact.
 */
export class GatewayObservability extends Construct {
  /** @internal */
  public static _watch(scope: Construct, id: string, targets: WatchTargets): GatewayObservability {
    return new GatewayObservability(scope, id, targets);
  }

  /** The dashboard, unless turned off. */
  public readonly dashboard?: cloudwatch.Dashboard;

  /** The topic every alarm notifies: the one given, or the one the gateway made (none with `alarms: false`). */
  public readonly alarmTopic?: sns.ITopic;

  /** Every alarm made, for adding actions. */
  public readonly alarms: cloudwatch.Alarm[];

  /**
   * One 5xx-error-rate alarm per distribution: each in its distribution's stack when the gateway
   * is in us-east-1, else in `cloudFrontAlarmsStack` (none without it).
   */
  public readonly distributionErrorAlarms: cloudwatch.Alarm[];

  /** The topic the distribution alarms notify when they are in `cloudFrontAlarmsStack`, made there. */
  public readonly cloudFrontAlarmTopic?: sns.ITopic;

  /** The load balancer's 5xx error rate alarm. */
  public readonly loadBalancerErrorAlarm?: cloudwatch.Alarm;

  /** The unhealthy targets alarm. */
  public readonly unhealthyHostsAlarm?: cloudwatch.Alarm;

  /** The targets' p99 response time alarm. */
  public readonly targetResponseTimeAlarm?: cloudwatch.Alarm;

  /**
   * The fleet-at-maximum-capacity alarm: for an Auto Scaling group, or an ECS service the gateway
   * made (none for an ECS service or targets of your own, whose maximum it does not know).
   */
  public readonly fleetAtMaxCapacityAlarm?: cloudwatch.Alarm;

  /** With `tenantInsights`: the log group of every distribution's access logs (host header and status). */
  public readonly tenantAccessLogs?: logs.ILogGroup;

  /** With `tenantInsights`: the Contributor Insights rule of the top hosts by requests. */
  public readonly tenantRequestsRule?: cloudwatch.CfnInsightRule;

  /** With `tenantInsights`: the Contributor Insights rule of the top hosts by 5xx responses. */
  public readonly tenantErrorsRule?: cloudwatch.CfnInsightRule;

  private constructor(scope: Construct, id: string, targets: WatchTargets) {
    super(scope, id);
    const props = targets.options;
    const additional = props.additionalDistributionMetrics ?? false;
    if (additional) {
      for (const home of targets.homes.filter(h => !h.distribution.node.tryFindChild('MonitoringSubscription'))) {
        home.addMonitoringSubscription();
      }
    }
    targets.fleet?.prepare();
    for (const cell of targets.cells ?? []) cell.fleet?.prepare();
    if (props.tenantInsights ?? false) {
      const insights = new TenantInsights(this, 'TenantInsights', {
        homes: targets.homes,
        retention: props.tenantInsightsLogRetention ?? logs.RetentionDays.ONE_MONTH,
      });
      this.tenantAccessLogs = insights.logGroup;
      this.tenantRequestsRule = insights.requestsRule;
      this.tenantErrorsRule = insights.errorsRule;
    }

    this.distributionErrorAlarms = [];
    this.alarms = [];
    if (props.alarms ?? true) {
      const t = props.alarmThresholds ?? {};
      const region = Stack.of(this).region;
      const distributionAlarm = (home: DistributionHome): cloudwatch.AlarmProps => ({
        alarmDescription: `CloudFront distribution ${home.distribution.node.path}: 5xx error rate at or above ${t.distribution5xxErrorRate ?? 5}%`,
        metric: cloudFrontMetric('5xxErrorRate', 'Average', { DistributionId: home.distribution.distributionId }),
        threshold: t.distribution5xxErrorRate ?? 5,
        ...sustained(3),
      });
      const edgeStack = props.cloudFrontAlarmsStack;
      if (region === CLOUDFRONT_REGION) {
        this.distributionErrorAlarms.push(...targets.homes.map(home => home.addAlarm('Distribution5xxAlarm', distributionAlarm(home))));
      } else if (edgeStack) {
        // One scope per gateway in the user's stack (several gateways may share it); each alarm's id
        // comes from its distribution's path, so adding a shard adds an alarm and moves none.
        const edgeScope = new Construct(edgeStack, Names.uniqueId(this));
        this.distributionErrorAlarms.push(...targets.homes.map(home =>
          new cloudwatch.Alarm(edgeScope, `${Names.nodeUniqueId(home.distribution.node)}5xxAlarm`, distributionAlarm(home))));
        this.cloudFrontAlarmTopic = new AlarmTopic(edgeScope, 'AlarmTopic').topic;
        notify(this.distributionErrorAlarms, this.cloudFrontAlarmTopic);
      } else {
        Annotations.of(this).addWarningV2('cdk-multi-tenant-gateway:cloudfront-alarms-region',
          'No CloudFront alarms were made: CloudFront publishes its metrics in us-east-1 and an alarm only watches metrics of its own region, ' +
          `but this stack's region is ${Token.isUnresolved(region) ? 'not known at synth time' : region}. The dashboard still graphs them. ` +
          'To have them, pass a stack in us-east-1 (same account, `crossRegionReferences: true`) as `observability.cloudFrontAlarmsStack`, ' +
          'or deploy the gateway in us-east-1.');
      }

      const own = originAlarms(this, targets, t, '');
      this.loadBalancerErrorAlarm = own.loadBalancerError;
      this.unhealthyHostsAlarm = own.unhealthyHosts;
      this.targetResponseTimeAlarm = own.targetResponseTime;
      this.fleetAtMaxCapacityAlarm = own.fleetAtMaxCapacity;
      this.alarms.push(...this.distributionErrorAlarms, ...own.all);
      // Each cell's alarms under a scope of its own, so the default cell's keep their ids.
      for (const cell of targets.cells ?? []) {
        this.alarms.push(...originAlarms(new Construct(this, `Cell${cell.name}`), cell, t, `Cell "${cell.name}": `).all);
      }
      if (props.alarmTopic) warnTopicPolicy(this, 'observability.alarmTopic', props.alarmTopic);
      this.alarmTopic = props.alarmTopic ?? new AlarmTopic(this, 'AlarmTopic').topic;
      const elsewhere = new Set(this.cloudFrontAlarmTopic ? this.distributionErrorAlarms : []);
      notify(this.alarms.filter(alarm => !elsewhere.has(alarm)), this.alarmTopic);
    }

    if (props.dashboard ?? true) {
      this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
        dashboardName: props.dashboardName,
        defaultInterval: Duration.hours(3),
      });
      this.dashboard.addWidgets(...distributionWidgets(additional));
      this.dashboard.addWidgets(...loadBalancerWidgets(targets));
      const fleetWidgets = targets.fleet?.widgets() ?? [];
      if (fleetWidgets.length > 0) this.dashboard.addWidgets(...fleetWidgets);
      for (const cell of targets.cells ?? []) {
        this.dashboard.addWidgets(new cloudwatch.TextWidget({ markdown: `## Cell "${cell.name}": load balancer and fleet`, width: 24, height: 1 }));
        this.dashboard.addWidgets(...loadBalancerWidgets(cell));
        const widgets = cell.fleet?.widgets() ?? [];
        if (widgets.length > 0) this.dashboard.addWidgets(...widgets);
      }
      if (this.tenantRequestsRule && this.tenantErrorsRule) {
        this.dashboard.addWidgets(
          new InsightRuleWidget('Top tenants (Host header) by requests', this.tenantRequestsRule, CLOUDFRONT_REGION),
          new InsightRuleWidget('Top tenants (Host header) by 5xx responses', this.tenantErrorsRule, CLOUDFRONT_REGION),
        );
      }
    }
  }
}

/** Has `topic` notified when each alarm fires and when it recovers. */
function notify(alarms: readonly cloudwatch.Alarm[], topic: sns.ITopic): void {
  const action = new actions.SnsAction(topic);
  for (const alarm of alarms) {
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
  }
}

/** The alarms of one load balancer and its fleet. */
interface OriginAlarms {
  readonly loadBalancerError: cloudwatch.Alarm;
  readonly unhealthyHosts: cloudwatch.Alarm;
  readonly targetResponseTime: cloudwatch.Alarm;
  readonly fleetAtMaxCapacity?: cloudwatch.Alarm;
  readonly all: cloudwatch.Alarm[];
}

/** A load balancer's 5xx rate, its targets' health and p99 response time, and its fleet at its maximum; `label` starts each description. */
function originAlarms(scope: Construct, targets: Omit<CellWatchTargets, 'name'>, t: AlarmThresholds, label: string): OriginAlarms {
  const lb = targets.loadBalancer.metrics;
  const loadBalancerError = new cloudwatch.Alarm(scope, 'LoadBalancer5xxAlarm', {
    alarmDescription: `${label}Load balancer: 5xx responses (its own and its targets') at or above ${t.loadBalancer5xxErrorRate ?? 5}% of requests`,
    metric: new cloudwatch.MathExpression({
      expression: '100 * (FILL(elb, 0) + FILL(target, 0)) / requests',
      usingMetrics: {
        elb: lb.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { period: PERIOD }),
        target: lb.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period: PERIOD }),
        requests: lb.requestCount({ period: PERIOD }),
      },
      period: PERIOD,
      label: '5xx error rate (%)',
    }),
    threshold: t.loadBalancer5xxErrorRate ?? 5,
    ...sustained(3),
  });

  const tg = targets.targetGroup.metrics;
  const unhealthyHosts = new cloudwatch.Alarm(scope, 'UnhealthyHostsAlarm', {
    alarmDescription: `${label}Target group: ${t.unhealthyHosts ?? 1} or more unhealthy targets for five minutes`,
    metric: tg.unhealthyHostCount({ statistic: 'Maximum', period: Duration.minutes(1) }),
    threshold: t.unhealthyHosts ?? 1,
    ...sustained(5),
  });

  const p99 = t.targetResponseTimeP99 ?? Duration.seconds(2);
  const targetResponseTime = new cloudwatch.Alarm(scope, 'TargetResponseTimeAlarm', {
    alarmDescription: `${label}Targets: p99 response time at or above ${p99.toHumanString()}`,
    metric: lb.targetResponseTime({ statistic: 'p99', period: PERIOD }),
    threshold: p99.toMilliseconds() / 1000,
    ...sustained(3),
  });

  const fleetAtMaxCapacity = targets.fleet?.atMaxAlarm(scope, 'FleetAtMaxCapacityAlarm', t.fleetAtMaxCapacityFor ?? Duration.minutes(15));
  return {
    loadBalancerError,
    unhealthyHosts,
    targetResponseTime,
    fleetAtMaxCapacity,
    all: [loadBalancerError, unhealthyHosts, targetResponseTime, ...(fleetAtMaxCapacity ? [fleetAtMaxCapacity] : [])],
  };
}
