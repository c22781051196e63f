import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** The service principal that publishes a CloudWatch alarm's notifications. */
export const CLOUDWATCH_PRINCIPAL = 'cloudwatch.amazonaws.com';

/**
 * The conditions that admit CloudWatch only on behalf of the alarms of `scope`'s account and
 * region: `aws:SourceAccount` and `aws:SourceArn`, so no other account's alarm can publish
 * (the confused-deputy guard the SNS and KMS documents ask for).
 */
export function ownAlarmsOnly(scope: Construct): Record<string, Record<string, string>> {
  const stack = Stack.of(scope);
  return {
    StringEquals: { 'aws:SourceAccount': stack.account },
    ArnLike: {
      'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
    },
  };
}

/**
 * The topic the gateway's alarms notify when no topic is given: encrypted with a customer managed
 * KMS key (CloudWatch cannot publish to a topic under the AWS-managed `aws/sns` key, whose policy
 * cannot admit it), rotated yearly, and publishing over TLS only. A topic policy replaces SNS's
 * default one, so it says that CloudWatch may publish, for this account's alarms in this region.
 * Subscribe to it.
 */
export class AlarmTopic extends Construct {
  public readonly topic: sns.Topic;
  public readonly key: kms.Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const conditions = ownAlarmsOnly(this);
    this.key = new kms.Key(this, 'Key', {
      description: 'Encrypts the gateway alarm topic; CloudWatch alarms may use it to publish',
      enableKeyRotation: true,
      // It guards notifications in flight only: nothing stays encrypted under it once the topic is gone.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'CloudWatchAlarmsPublish',
      principals: [new iam.ServicePrincipal(CLOUDWATCH_PRINCIPAL)],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions,
    }));
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'Gateway alarms',
      masterKey: this.key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'CloudWatchAlarmsPublish',
      principals: [new iam.ServicePrincipal(CLOUDWATCH_PRINCIPAL)],
      actions: ['sns:Publish'],
      resources: [this.topic.topicArn],
      conditions,
    }));
  }
}
