import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/**
 * The topic the gateway's alarms notify when no topic is given: encrypted with a customer managed
 * KMS key (CloudWatch cannot publish to a topic under the AWS-managed `aws/sns` key, whose policy
 * cannot admit it), rotated yearly, and publishing over TLS only. Subscribe to it.
 */
export class AlarmTopic extends Construct {
  public readonly topic: sns.Topic;
  public readonly key: kms.Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: 'Encrypts the gateway alarm topic; CloudWatch alarms may use it to publish',
      enableKeyRotation: true,
      // It guards notifications in flight only: nothing stays encrypted under it once the topic is gone.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'CloudWatchAlarmsPublish',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
    }));
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'Gateway alarms',
      masterKey: this.key,
      enforceSSL: true,
    });
  }
}
