import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { acrossDistributions, groupMetric, insightsMetric, PERIOD } from './metrics';

export function graph(title: string, left: cloudwatch.IMetric[], leftLabel?: string): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({ title, left, width: 8, height: 6, leftYAxis: { label: leftLabel, min: 0, showUnits: false } });
}

export function distributionWidgets(additional: boolean): cloudwatch.IWidget[] {
  const all = '(all distributions in the account)';
  const widgets = [
    graph(`CloudFront requests ${all}`, [acrossDistributions('SUM', 'Requests', 'Sum', 'Requests')], 'Count'),
    graph(`CloudFront error rates ${all}`, [
      acrossDistributions('AVG', '4xxErrorRate', 'Average', '4xx, average over distributions'),
      acrossDistributions('AVG', '5xxErrorRate', 'Average', '5xx, average over distributions'),
      acrossDistributions('MAX', '5xxErrorRate', 'Average', '5xx, worst distribution'),
    ], 'Percent'),
    graph(`CloudFront bytes downloaded ${all}`, [acrossDistributions('SUM', 'BytesDownloaded', 'Sum', 'Bytes downloaded')], 'Bytes'),
  ];
  if (additional) {
    widgets.push(
      graph(`CloudFront cache hit rate ${all}`, [
        acrossDistributions('AVG', 'CacheHitRate', 'Average', 'Average over distributions'),
        acrossDistributions('MIN', 'CacheHitRate', 'Average', 'Lowest distribution'),
      ], 'Percent'),
      // CloudFront publishes OriginLatency with percentile statistics only.
      graph(`CloudFront origin latency, p90 ${all}`, [
        acrossDistributions('AVG', 'OriginLatency', 'p90', 'p90, average over distributions'),
        acrossDistributions('MAX', 'OriginLatency', 'p90', 'p90, slowest distribution'),
      ], 'Milliseconds'),
    );
  }
  return widgets;
}

export function loadBalancerWidgets(props: {
  loadBalancer: elbv2.IApplicationLoadBalancer; targetGroup: elbv2.IApplicationTargetGroup;
}): cloudwatch.IWidget[] {
  const lb = props.loadBalancer.metrics;
  const tg = props.targetGroup.metrics;
  return [
    graph('Load balancer requests', [lb.requestCount({ period: PERIOD, label: 'Requests' })], 'Count'),
    graph('Load balancer 5xx', [
      lb.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { period: PERIOD, label: 'Load balancer 5xx' }),
      lb.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period: PERIOD, label: 'Target 5xx' }),
    ], 'Count'),
    graph('Target response time', [
      lb.targetResponseTime({ statistic: 'p50', period: PERIOD, label: 'p50' }),
      lb.targetResponseTime({ statistic: 'p99', period: PERIOD, label: 'p99' }),
    ], 'Seconds'),
    graph('Targets', [
      tg.healthyHostCount({ statistic: 'Minimum', period: Duration.minutes(1), label: 'Healthy' }),
      tg.unhealthyHostCount({ statistic: 'Maximum', period: Duration.minutes(1), label: 'Unhealthy' }),
    ], 'Count'),
  ];
}

/** The app servers' sizes (Auto Scaling group metrics) and CPU. */
export function autoScalingWidgets(group: string): cloudwatch.IWidget[] {
  return [
    graph('Fleet instances', [
      groupMetric(group, 'GroupInServiceInstances', 'Average', Duration.minutes(1), 'In service'),
      groupMetric(group, 'GroupDesiredCapacity', 'Average', Duration.minutes(1), 'Desired'),
      groupMetric(group, 'GroupMaxSize', 'Maximum', Duration.minutes(1), 'Maximum'),
    ], 'Count'),
    graph('Fleet CPU', [new cloudwatch.Metric({
      namespace: 'AWS/EC2',
      metricName: 'CPUUtilization',
      dimensionsMap: { AutoScalingGroupName: group },
      statistic: 'Average',
      period: PERIOD,
      label: 'CPU, average over instances',
    })], 'Percent'),
  ];
}

/** The ECS service's tasks (with Container Insights) and its CPU and memory. */
export function ecsServiceWidgets(service: ecs.BaseService, containerInsights: boolean): cloudwatch.IWidget[] {
  const widgets: cloudwatch.IWidget[] = [];
  if (containerInsights) {
    widgets.push(graph('Fleet tasks', [
      insightsMetric(service, 'RunningTaskCount', 'Average', 'Running'),
      insightsMetric(service, 'DesiredTaskCount', 'Average', 'Desired'),
    ], 'Count'));
  }
  widgets.push(graph('Fleet CPU and memory', [
    service.metricCpuUtilization({ period: PERIOD, label: 'CPU, average over tasks' }),
    service.metricMemoryUtilization({ period: PERIOD, label: 'Memory, average over tasks' }),
  ], 'Percent'));
  return widgets;
}
