// What the dashboard and alarms watch of each kind of fleet, beyond the target group every fleet has.
import { Duration, Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { autoScalingWidgets, ecsServiceWidgets } from './dashboard';
import { groupMetric, insightsMetric, sustained } from './metrics';

/** A fleet's own graphs and its at-maximum alarm. */
export interface FleetWatch {
  /** Turns on what the graphs and the alarm read, where the gateway may. */
  prepare(): void;
  widgets(): cloudwatch.IWidget[];
  /** The alarm that the fleet has sat at its maximum size for `atMax`; none when its maximum is not known. */
  atMaxAlarm(scope: Construct, id: string, atMax: Duration): cloudwatch.Alarm | undefined;
}

const GROUP_METRICS = ['GroupInServiceInstances', 'GroupDesiredCapacity', 'GroupMaxSize'];

/**
 * An Auto Scaling group. Its in-service and capacity graphs and the max-capacity alarm read the
 * group metrics of Auto Scaling, which are switched on (free, one-minute) for a group that
 * collects none.
 */
export class AutoScalingWatch implements FleetWatch {
  constructor(private readonly group: autoscaling.IAutoScalingGroup) {}

  /** Switches the group metrics on, unless the group already collects some (then they are its owner's choice). */
  public prepare(): void {
    const resource = this.group.node.defaultChild;
    if (!(resource instanceof autoscaling.CfnAutoScalingGroup)) return;
    if (Stack.of(this.group).resolve(resource.metricsCollection) !== undefined) return;
    resource.addPropertyOverride('MetricsCollection', [{ Granularity: '1Minute', Metrics: GROUP_METRICS }]);
  }

  public widgets(): cloudwatch.IWidget[] {
    return autoScalingWidgets(this.group.autoScalingGroupName);
  }

  public atMaxAlarm(scope: Construct, id: string, atMax: Duration): cloudwatch.Alarm {
    const group = this.group.autoScalingGroupName;
    return new cloudwatch.Alarm(scope, id, {
      alarmDescription: `Auto Scaling group at its maximum size for ${atMax.toHumanString()}: it cannot scale out further`,
      metric: new cloudwatch.MathExpression({
        expression: 'IF(desired >= maximum, 1, 0)',
        usingMetrics: {
          desired: groupMetric(group, 'GroupDesiredCapacity', 'Minimum', Duration.minutes(1)),
          maximum: groupMetric(group, 'GroupMaxSize', 'Maximum', Duration.minutes(1)),
        },
        period: Duration.minutes(1),
        label: 'At maximum size',
      }),
      threshold: 1,
      ...sustained(atMax.toSeconds() / 60),
    });
  }
}

/** What an ECS service watch reads. */
export interface EcsServiceWatchProps {
  readonly service: ecs.BaseService;
  readonly targetGroup: elbv2.IApplicationTargetGroup;
  /** The most tasks the service scales to, when the gateway set it. */
  readonly maxTasks?: number;
  /** The cluster publishes Container Insights metrics. */
  readonly containerInsights: boolean;
}

/**
 * An ECS service: its CPU and memory (AWS/ECS, always published), its tasks with Container
 * Insights. The at-maximum alarm counts running tasks with Container Insights, else the healthy
 * targets (one per task) that the load balancer publishes anyway.
 */
export class EcsServiceWatch implements FleetWatch {
  constructor(private readonly props: EcsServiceWatchProps) {}

  public prepare(): void {}

  public widgets(): cloudwatch.IWidget[] {
    return ecsServiceWidgets(this.props.service, this.props.containerInsights);
  }

  public atMaxAlarm(scope: Construct, id: string, atMax: Duration): cloudwatch.Alarm | undefined {
    const max = this.props.maxTasks;
    if (max === undefined) return undefined;
    const metric = this.props.containerInsights
      ? insightsMetric(this.props.service, 'RunningTaskCount', 'Minimum')
      : this.props.targetGroup.metrics.healthyHostCount({ statistic: 'Minimum', period: Duration.minutes(1) });
    return new cloudwatch.Alarm(scope, id, {
      alarmDescription: `ECS service at its maximum of ${max} tasks for ${atMax.toHumanString()}: it cannot scale out further`,
      metric,
      threshold: max,
      ...sustained(atMax.toSeconds() / 60),
    });
  }
}
