import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecs from 'aws-cdk-lib/aws-ecs';

export const PERIOD = Duration.minutes(5);
/** Where CloudFront publishes its metrics and delivers its logs. */
export const CLOUDFRONT_REGION = 'us-east-1';

/** Alarm settings for a breach that lasts `periods` periods; no data (no traffic) is no breach. */
export function sustained(periods: number) {
  return {
    evaluationPeriods: periods,
    datapointsToAlarm: periods,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  };
}

/** A CloudFront metric: in us-east-1, with the Region dimension CloudFront gives it. */
export function cloudFrontMetric(metricName: string, statistic: string, dimensions: Record<string, string>): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/CloudFront',
    metricName,
    dimensionsMap: { ...dimensions, Region: 'Global' },
    statistic,
    period: PERIOD,
  });
}

/**
 * `fn` (SUM, AVG, MAX) over one CloudFront metric of every distribution in the account: one line
 * whatever the number of distributions (SEARCH returns up to 500 series, the per-account
 * distribution quota), read from us-east-1 whatever the dashboard's region.
 */
export function acrossDistributions(fn: string, metricName: string, statistic: string, label: string): cloudwatch.MathExpression {
  const search = `SEARCH('{AWS/CloudFront,DistributionId,Region} MetricName="${metricName}"', '${statistic}', ${PERIOD.toSeconds()})`;
  return new cloudwatch.MathExpression({
    expression: `${fn}(${search})`,
    usingMetrics: {},
    searchRegion: CLOUDFRONT_REGION,
    period: PERIOD,
    label,
  });
}

export function groupMetric(group: string, metricName: string, statistic: string, period: Duration, label?: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/AutoScaling',
    metricName,
    dimensionsMap: { AutoScalingGroupName: group },
    statistic,
    period,
    label,
  });
}

/** A Container Insights metric of an ECS service (published only when the cluster has them on). */
export function insightsMetric(service: ecs.BaseService, metricName: string, statistic: string, label?: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'ECS/ContainerInsights',
    metricName,
    dimensionsMap: { ClusterName: service.cluster.clusterName, ServiceName: service.serviceName },
    statistic,
    period: Duration.minutes(1),
    label,
  });
}
