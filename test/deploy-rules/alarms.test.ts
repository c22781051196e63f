// The AWS rules the gateway's alarms rely on to notify anyone, one test each, beside the document
// that states the rule.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as sns from 'aws-cdk-lib/aws-sns';
import { MultiTenantGateway, ObservabilityOptions, Tenants } from '../../src';
import { errorOf } from '../errors';

const ACCOUNT = '123456789012';

/** A gateway of two one-domain shards in `region`, whose observability options `observability` makes from its stack. */
function build(region: string, observability: (stack: Stack) => ObservabilityOptions = () => ({})) {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: { account: ACCOUNT, region } });
  const gateway = new MultiTenantGateway(stack, 'Gateway', {
    tenants: Tenants.fromList([{ id: 'a', domainNames: ['a.example.com'] }, { id: 'b', domainNames: ['b.example.com'] }]),
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z123', zoneName: 'example.com' }),
    distributionCertificate: acm.Certificate.fromCertificateArn(stack, 'EdgeCert', `arn:aws:acm:us-east-1:${ACCOUNT}:certificate/edge`),
    loadBalancerCertificates: [acm.Certificate.fromCertificateArn(stack, 'AlbCert', `arn:aws:acm:${region}:${ACCOUNT}:certificate/o`)],
    quotas: { domainsPerDistribution: 1 },
    observability: observability(stack),
  });
  return { stack, gateway };
}

/** The CloudFront alarms in a us-east-1 stack of the gateway's app. */
function inUsEast1(stack: Stack): ObservabilityOptions {
  const edge = new Stack(stack.node.root, 'Edge', { env: { account: ACCOUNT, region: 'us-east-1' }, crossRegionReferences: true });
  return { cloudFrontAlarmsStack: edge };
}

/** Every template of the app, the nested stacks' included, with the region each deploys in. */
function templates(b: ReturnType<typeof build>): { region: string; template: Template }[] {
  const stacks = b.stack.node.root.node.findAll().filter(Stack.isStack);
  return stacks.map(s => ({ region: s.region, template: Template.fromStack(s) }));
}

// "Why didn't I receive an SNS notification for my CloudWatch alarm trigger?" (AWS Knowledge Center,
// https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger): a topic's access
// policy decides who may publish; CloudWatch alarms need an Allow for `cloudwatch.amazonaws.com`.
// A CloudFormation AWS::SNS::TopicPolicy sets the topic's whole policy ("AWS::SNS::TopicPolicy",
// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sns-topicpolicy.html),
// replacing SNS's default one, so a policy with only a TLS deny lets no alarm publish.
test('a topic policy replaces the default one: every topic policy the gateway writes allows CloudWatch to publish', () => {
  const all = templates(build('eu-west-1', inUsEast1));
  const policies = all.flatMap(({ template }) => Object.values(template.findResources('AWS::SNS::TopicPolicy')));
  expect(policies).toHaveLength(2); // the gateway's topic and the one beside the CloudFront alarms
  for (const policy of policies) {
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual(expect.objectContaining({
      Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish',
    }));
  }
});

// "Enable compatibility between event sources from AWS services and encrypted topics" (Amazon SNS
// Developer Guide, https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services):
// a service that publishes to an encrypted topic (CloudWatch among them) needs a customer managed
// key whose policy allows it kms:Decrypt and kms:GenerateDataKey*; the AWS managed key for SNS
// cannot be given that statement.
test('KMS: the key of every topic the gateway makes lets CloudWatch use it, and a topic under alias/aws/sns is refused', () => {
  const all = templates(build('eu-west-1', inUsEast1));
  const keys = all.flatMap(({ template }) => Object.values(template.findResources('AWS::KMS::Key')));
  expect(keys).toHaveLength(2);
  for (const key of keys) {
    expect(key.Properties.KeyPolicy.Statement).toContainEqual(expect.objectContaining({
      Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    }));
  }
  expect(errorOf(() => build('eu-west-1', stack => ({
    alarmTopic: new sns.Topic(stack, 'Mine', { masterKey: kms.Alias.fromAliasName(stack, 'Managed', 'alias/aws/sns') }),
  })))).toContain('is encrypted with the AWS-managed key `alias/aws/sns`');
});

// "Types of metrics for CloudFront" (Amazon CloudFront Developer Guide,
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/programming-cloudwatch-metrics.html):
// CloudFront's metrics are read from US East (N. Virginia), us-east-1, with the dimension Region=Global.
test('CloudFront metrics are in us-east-1: every AWS/CloudFront alarm is in a us-east-1 template, whatever the gateway\'s region', () => {
  for (const b of [build('us-east-1'), build('eu-west-1', inUsEast1)]) {
    const cloudFront = templates(b).flatMap(({ region, template }) => Object.values(template.findResources('AWS::CloudWatch::Alarm'))
      .filter(a => a.Properties.Namespace === 'AWS/CloudFront').map(a => ({ region, alarm: a.Properties })));
    expect(cloudFront).toHaveLength(2);
    for (const { region, alarm } of cloudFront) {
      expect(region).toBe('us-east-1');
      expect(alarm.Dimensions).toContainEqual({ Name: 'Region', Value: 'Global' });
    }
  }
});

// "Using Amazon CloudWatch alarms" (Amazon CloudWatch User Guide,
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html) and the
// PutMetricAlarm reference (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html):
// an alarm watches a metric of its own region, and its SNS action is a topic ARN of that region.
test('an alarm notifies a topic in its own region: every alarm action is a topic of the alarm\'s own template', () => {
  const b = build('eu-west-1', inUsEast1);
  const regional = templates(b).filter(({ template }) => Object.keys(template.findResources('AWS::CloudWatch::Alarm')).length > 0);
  expect(regional.map(r => r.region).sort()).toEqual(['eu-west-1', 'us-east-1']);
  for (const { template } of regional) {
    const topics = Object.keys(template.findResources('AWS::SNS::Topic'));
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      for (const action of [...alarm.Properties.AlarmActions, ...alarm.Properties.OKActions]) {
        expect(topics).toContain(action.Ref);
      }
    }
  }
  expect(errorOf(() => build('eu-west-1', stack => ({ alarmTopic: sns.Topic.fromTopicArn(stack, 'Far', `arn:aws:sns:us-east-1:${ACCOUNT}:far`) }))))
    .toContain('an alarm notifies a topic of its own region only');
});
