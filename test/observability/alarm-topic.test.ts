import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as sns from 'aws-cdk-lib/aws-sns';
import { MultiTenantGateway, ObservabilityOptions, Tenants } from '../../src';
import { errorOf } from '../errors';

const ACCOUNT = '123456789012';
const OWN_ALARMS = {
  StringEquals: { 'aws:SourceAccount': ACCOUNT },
  ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:cloudwatch:eu-west-1:${ACCOUNT}:alarm:*`]] } },
};

/** A gateway in eu-west-1 whose observability options `options` makes from its stack. */
function build(options: (stack: Stack) => ObservabilityOptions = () => ({})) {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: { account: ACCOUNT, region: 'eu-west-1' } });
  const gateway = new MultiTenantGateway(stack, 'Gateway', {
    tenants: Tenants.fromList([{ id: 't0', domainNames: ['t0.example.com'] }]),
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z123', zoneName: 'example.com' }),
    distributionCertificate: acm.Certificate.fromCertificateArn(stack, 'EdgeCert', `arn:aws:acm:us-east-1:${ACCOUNT}:certificate/edge`),
    loadBalancerCertificates: [acm.Certificate.fromCertificateArn(stack, 'AlbCert', `arn:aws:acm:eu-west-1:${ACCOUNT}:certificate/o`)],
    observability: options(stack),
  });
  return { stack, gateway, template: Template.fromStack(stack) };
}

describe('the topic the gateway makes', () => {
  // The topic policy replaces SNS's default one, so it must allow CloudWatch itself, for this
  // account's alarms only ("Why didn't I receive an SNS notification for my CloudWatch alarm
  // trigger?", https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger).
  test('lets CloudWatch publish for this account\'s alarms, and keeps the TLS-only rule', () => {
    const { stack, gateway, template } = build();
    const topic = stack.resolve(gateway.observability.alarmTopic!.topicArn);
    template.resourceCountIs('AWS::SNS::TopicPolicy', 1);
    const [policy] = Object.values(template.findResources('AWS::SNS::TopicPolicy'));
    expect(policy.Properties.Topics).toEqual([topic]);
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      expect.objectContaining({ Effect: 'Deny', Principal: '*', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      { Sid: 'CloudWatchAlarmsPublish', Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish', Resource: topic, Condition: OWN_ALARMS },
    ]);
  });

  // A topic encrypted with a customer managed key needs the key's policy to let the service use it
  // ("Enable compatibility between event sources from AWS services and encrypted topics",
  // https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
  test('its key lets CloudWatch encrypt notifications, for this account\'s alarms only', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([{
          Sid: 'CloudWatchAlarmsPublish',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Resource: '*',
          Condition: OWN_ALARMS,
        }]),
      },
    });
  });
});

describe('a topic you bring', () => {
  test('encrypted with the AWS-managed alias/aws/sns key: refused, whichever way the key is given', () => {
    for (const keyOf of [
      (s: Stack) => kms.Alias.fromAliasName(s, 'Managed', 'alias/aws/sns'),
      (s: Stack) => kms.Key.fromKeyArn(s, 'Managed', `arn:aws:kms:eu-west-1:${ACCOUNT}:alias/aws/sns`),
    ]) {
      const message = errorOf(() => build(stack => ({ alarmTopic: new sns.Topic(stack, 'Mine', { masterKey: keyOf(stack) }) })));
      expect(message).toContain('`observability.alarmTopic` (Stack/Mine) is encrypted with the AWS-managed key `alias/aws/sns`, whose key policy cannot admit CloudWatch');
      expect(message).toContain('allows `cloudwatch.amazonaws.com` `kms:Decrypt` and `kms:GenerateDataKey*`');
    }
  });

  test('in another region than the alarms: refused', () => {
    const message = errorOf(() => build(stack => ({
      alarmTopic: sns.Topic.fromTopicArn(stack, 'Far', `arn:aws:sns:us-east-1:${ACCOUNT}:far`),
    })));
    expect(message).toContain('`observability.alarmTopic` (Stack/Far) is in us-east-1, but the gateway\'s alarms are in eu-west-1: an alarm notifies a topic of its own region only');
  });

  test('with a topic policy that does not admit CloudWatch: a warning; once it does, none', () => {
    const warnings = (b: ReturnType<typeof build>) =>
      Annotations.fromStack(b.stack).findWarning('*', Match.stringLikeRegexp('does not let `cloudwatch.amazonaws.com` publish'));
    const tlsOnly = build(stack => ({ alarmTopic: new sns.Topic(stack, 'Mine', { enforceSSL: true }) }));
    expect(warnings(tlsOnly)).toHaveLength(1);
    expect(warnings(tlsOnly)[0].entry.data).toContain('a topic policy replaces SNS\'s default one');

    const admitting = build(stack => {
      const topic = new sns.Topic(stack, 'Mine', { enforceSSL: true });
      topic.addToResourcePolicy(new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')], actions: ['sns:Publish'], resources: [topic.topicArn],
      }));
      return { alarmTopic: topic };
    });
    expect(warnings(admitting)).toEqual([]);
    // No policy at all keeps SNS's default one, which lets the account's alarms publish.
    expect(warnings(build(stack => ({ alarmTopic: new sns.Topic(stack, 'Mine') })))).toEqual([]);
  });

  test('encrypted with a key of the app whose policy does not let CloudWatch use it: a warning; once it does, none', () => {
    const warnings = (b: ReturnType<typeof build>) =>
      Annotations.fromStack(b.stack).findWarning('*', Match.stringLikeRegexp('whose key policy does not let `cloudwatch.amazonaws.com` use it'));
    expect(warnings(build(stack => ({ alarmTopic: new sns.Topic(stack, 'Mine', { masterKey: new kms.Key(stack, 'Key') }) })))).toHaveLength(1);
    const admitting = build(stack => {
      const key = new kms.Key(stack, 'Key');
      key.addToResourcePolicy(new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')], actions: ['kms:Decrypt', 'kms:GenerateDataKey*'], resources: ['*'],
      }));
      return { alarmTopic: new sns.Topic(stack, 'Mine', { masterKey: key }) };
    });
    expect(warnings(admitting)).toEqual([]);
  });

  test('none of it is checked with alarms off', () => {
    expect(() => build(stack => ({ alarms: false, alarmTopic: sns.Topic.fromTopicArn(stack, 'Far', `arn:aws:sns:us-east-1:${ACCOUNT}:far`) })))
      .not.toThrow();
  });
});
