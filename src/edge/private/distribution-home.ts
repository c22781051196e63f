import { Names } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/**
 * A distribution and the construct it lives in, where what watches it goes: its alarms and its
 * log deliveries land in the distribution's own template (a shard's nested stack), so onboarding
 * still touches one template and each template stays small.
 */
export class DistributionHome {
  private source?: logs.CfnDeliverySource;

  constructor(private readonly scope: Construct, public readonly distribution: cloudfront.IDistribution) {}

  /** Turns on CloudFront's additional metrics for the distribution (billed per distribution per month). */
  public addMonitoringSubscription(): cloudfront.CfnMonitoringSubscription {
    return new cloudfront.CfnMonitoringSubscription(this.scope, 'MonitoringSubscription', {
      distributionId: this.distribution.distributionId,
      monitoringSubscription: { realtimeMetricsSubscriptionConfig: { realtimeMetricsSubscriptionStatus: 'Enabled' } },
    });
  }

  /** An alarm beside the distribution. */
  public addAlarm(id: string, props: cloudwatch.AlarmProps): cloudwatch.Alarm {
    return new cloudwatch.Alarm(this.scope, id, props);
  }

  /**
   * A delivery of the distribution's access logs (CloudFront standard logging v2). CloudFront
   * allows one delivery source per distribution, so every delivery shares it.
   */
  public addLogDelivery(id: string, props: { destinationArn: string; recordFields?: string[] }): logs.CfnDelivery {
    this.source = this.source ?? new logs.CfnDeliverySource(this.scope, 'AccessLogSource', {
      name: Names.uniqueResourceName(this.scope, { maxLength: 60, allowedSpecialCharacters: '-' }),
      logType: 'ACCESS_LOGS',
      resourceArn: this.distribution.distributionArn,
    });
    const delivery = new logs.CfnDelivery(this.scope, id, {
      deliverySourceName: this.source.name,
      deliveryDestinationArn: props.destinationArn,
      recordFields: props.recordFields,
    });
    delivery.node.addDependency(this.source);
    return delivery;
  }
}
