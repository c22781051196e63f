// Integration test of the deployable example (examples/deployable) in a sandbox account: a gateway
// with two tenants in a hosted zone of yours, updated to three. Run through test/integ/run.sh
// (docs/integration-tests.md); without credentials it only compares this file's snapshot.
//
// What it proves once deployed:
// - HTTPS on each tenant domain answers 200 with a page showing that domain as its Host, so the
//   viewer's Host reaches the app through CloudFront and the load balancer;
// - an alarm set to ALARM notifies the alarm topic: a message reaches an SQS queue subscribed to it;
// - a third tenant is added by an update: before integ-runner deploys the stack with three tenants,
//   its preDeploy hook (deploy-two-tenants.sh) deploys the same stack with two, so integ-runner's
//   deploy is an update, and the third domain must answer like the others.
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { DeployableGatewayStack, exampleTenants } from '../../examples/deployable/lib/gateway-stack';

// Placeholders when unset, so the snapshot checked without credentials never changes.
const hostedZoneId = process.env.INTEG_HOSTED_ZONE_ID ?? 'Z0000000000INTEGEXAMPLE';
const zoneName = process.env.INTEG_ZONE_NAME ?? 'integ.example.com';
const region = process.env.INTEG_REGION ?? 'us-east-1';
const availabilityZones = (process.env.INTEG_AVAILABILITY_ZONES ?? `${region}a,${region}b`).split(',');

// The hook deploys this app with INTEG_TENANT_COUNT=2 first.
const tenantCount = Number(process.env.INTEG_TENANT_COUNT ?? 3);

const app = new App();
const stack = new DeployableGatewayStack(app, 'MultiTenantGatewayInteg', {
  env: { region },
  hostedZoneId,
  zoneName,
  availabilityZones,
  tenantCount,
});
const queue = new sqs.Queue(stack, 'AlarmNotifications', { enforceSSL: true, retentionPeriod: Duration.hours(1) });
stack.gateway.observability.alarmTopic!.addSubscription(new subscriptions.SqsSubscription(queue));

const integ = new IntegTest(app, 'MultiTenantGateway', {
  testCases: [stack],
  regions: [region],
  // The update under test is the one from two tenants to three, made by the hook.
  stackUpdateWorkflow: false,
  hooks: { preDeploy: ['bash deploy-two-tenants.sh'] },
  // In the gateway's region, so the assertions can name its alarm and queue.
  assertionStack: new Stack(app, 'MultiTenantGatewayIntegAssertions', { env: { region } }),
});

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// New records and certificates take minutes to be served: each call is retried until it passes.
for (const tenant of exampleTenants(zoneName, tenantCount)) {
  const domain = tenant.domainNames[0];
  integ.assertions.httpApiCall(`https://${domain}/`)
    .expect(ExpectedResult.objectLike({ status: 200, body: Match.stringLikeRegexp(`Host: ${escape(domain)}`) }))
    .waitForAssertions({ totalTimeout: Duration.minutes(20), interval: Duration.seconds(30) });
}

// SetAlarmState changes the state and runs the alarm's actions ("SetAlarmState", CloudWatch API
// reference, https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_SetAlarmState.html);
// SNS delivers to a subscribed queue ("Fanout Amazon SNS notifications to Amazon SQS queues",
// https://docs.aws.amazon.com/sns/latest/dg/sns-sqs-as-subscriber.html).
const alarm = stack.gateway.observability.unhealthyHostsAlarm!;
integ.assertions.awsApiCall('CloudWatch', 'setAlarmState', {
  AlarmName: alarm.alarmName,
  StateValue: 'ALARM',
  StateReason: 'Integration test: the alarm topic must deliver this',
}).next(integ.assertions.awsApiCall('SQS', 'receiveMessage', {
  QueueUrl: queue.queueUrl,
  WaitTimeSeconds: 20,
}).expect(ExpectedResult.objectLike({
  Messages: Match.arrayWith([Match.objectLike({ Body: Match.stringLikeRegexp('NewStateValue.{1,6}ALARM') })]),
})).waitForAssertions({ totalTimeout: Duration.minutes(5), interval: Duration.seconds(10) }));
