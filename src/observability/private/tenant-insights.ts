import { ArnFormat, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DistributionHome } from '../../edge/private/distribution-home';
import { acknowledgeCheckov } from '../../private/nag';

/** The standard log (v2) fields the rules read: the Host header the viewer sent (the tenant's domain) and the status. */
export const TENANT_INSIGHTS_FIELDS = ['x-host-header', 'sc-status'];

/** Properties of a TenantInsights. */
export interface TenantInsightsProps {
  /** The distributions whose access logs to analyse. */
  readonly homes: readonly DistributionHome[];
  /** How long to keep the access logs. */
  readonly retention: logs.RetentionDays;
}

/**
 * CloudFront standard logging (v2) of every distribution into one CloudWatch Logs log group,
 * trimmed to the host header and status, and two Contributor Insights rules over it: the
 * hosts with the most requests, and with the most 5xx responses. Only for us-east-1 stacks,
 * where CloudFront's log deliveries must be made.
 */
export class TenantInsights extends Construct {
  /** The log group the access logs go to. */
  public readonly logGroup: logs.LogGroup;
  /** Top hosts by requests. */
  public readonly requestsRule: cloudwatch.CfnInsightRule;
  /** Top hosts by 5xx responses. */
  public readonly errorsRule: cloudwatch.CfnInsightRule;

  constructor(scope: Construct, id: string, props: TenantInsightsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.logGroup = new logs.LogGroup(this, 'AccessLogs', {
      // Under /aws/vendedlogs/, whose resource policy the log delivery service keeps short.
      logGroupName: `/aws/vendedlogs/cloudfront/${Names.uniqueResourceName(this, { maxLength: 200, allowedSpecialCharacters: '-' })}`,
      retention: props.retention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    acknowledgeCheckov(this.logGroup, 'CKV_AWS_158', 'Access logs of hosts and statuses only; CloudWatch Logs encrypts them at rest ' +
      'with its own key, and a customer managed key would need a key policy for the log delivery service.');
    acknowledgeCheckov(this.logGroup, 'CKV_AWS_338', 'Opt-in tenant insights: the retention is the user\'s cost decision (`tenantInsightsLogRetention`).');

    const destination = new logs.CfnDeliveryDestination(this, 'Destination', {
      name: Names.uniqueResourceName(this, { maxLength: 60, allowedSpecialCharacters: '-' }),
      // The log group's ARN without the `:*` that `logGroupArn` carries.
      destinationResourceArn: stack.formatArn({
        service: 'logs',
        resource: 'log-group',
        resourceName: this.logGroup.logGroupName,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
      outputFormat: 'json',
    });

    // Each delivery lands beside its distribution, in its shard's stack: onboarding still
    // touches one template, and each template stays small.
    for (const home of props.homes) {
      home.addLogDelivery('TenantInsightsDelivery', { destinationArn: destination.attrArn, recordFields: TENANT_INSIGHTS_FIELDS });
    }

    const rule = (ruleId: string, suffix: string, filters: object[]) => new cloudwatch.CfnInsightRule(this, ruleId, {
      ruleName: `${Names.uniqueResourceName(this, { maxLength: 100, allowedSpecialCharacters: '-' })}-${suffix}`,
      ruleState: 'ENABLED',
      ruleBody: stack.toJsonString({
        Schema: { Name: 'CloudWatchLogRule', Version: 1 },
        LogGroupNames: [this.logGroup.logGroupName],
        LogFormat: 'JSON',
        Contribution: { Keys: ['$.x-host-header'], Filters: filters },
        AggregateOn: 'Count',
      }),
    });
    this.requestsRule = rule('RequestsRule', 'TopHostsByRequests', []);
    // CloudFront's v2 JSON logs carry the status as a string ("503"), so match it as one.
    this.errorsRule = rule('ErrorsRule', 'TopHostsBy5xx', [{ Match: '$.sc-status', StartsWith: ['5'] }]);
  }
}

/**
 * A dashboard graph of a Contributor Insights rule's top contributors: a metric widget with an
 * `insightRule`, which the L2 graph widgets cannot express.
 */
export class InsightRuleWidget extends cloudwatch.ConcreteWidget {
  constructor(private readonly title: string, private readonly rule: cloudwatch.CfnInsightRule, private readonly region: string) {
    super(12, 6);
  }

  public toJson(): any[] {
    return [{
      type: 'metric',
      width: this.width,
      height: this.height,
      x: this.x,
      y: this.y,
      properties: {
        title: this.title,
        view: 'timeSeries',
        stacked: false,
        region: this.region,
        period: 300,
        insightRule: { ruleName: this.rule.attrRuleName, maxContributorCount: 10, orderBy: 'Sum' },
        legend: { position: 'bottom' },
      },
    }];
  }
}
