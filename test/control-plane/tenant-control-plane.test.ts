import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { TenantControlPlane, TenantControlPlaneProps } from '../../src/control-plane/tenant-control-plane';

function synth(over: Partial<TenantControlPlaneProps> = {}) {
  const stack = new Stack(new App(), 'ControlPlane', { env: { account: '111111111111', region: 'us-east-1' } });
  const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789', zoneName: 'example.com' });
  const controlPlane = new TenantControlPlane(stack, 'ControlPlane', {
    distributionId: 'EDFDVBD6EXAMPLE', connectionGroupId: 'cg_2abc', routingEndpoint: 'd111111abcdef8.cloudfront.net', hostedZone, ...over,
  });
  return { controlPlane, template: Template.fromStack(stack) };
}

test('the store is an on-demand table keyed by tenant id, with point-in-time recovery, kept when removed', () => {
  const { template } = synth();
  template.hasResource('AWS::DynamoDB::Table', {
    DeletionPolicy: 'Retain',
    Properties: Match.objectLike({
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    }),
  });
});

test('pages come from an encrypted queue whose visibility timeout is the recheck delay, with a dead-letter queue; two passes at most at once, reporting partial batch failures', () => {
  const { template } = synth({ recheckAfter: Duration.minutes(5) });
  template.hasResourceProperties('AWS::SQS::Queue', {
    VisibilityTimeout: 300,
    SqsManagedSseEnabled: true,
    RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 60 },
  });
  // At most two passes at once, by the event source's maximum concurrency, whose least is 2
  // ("ScalingConfig", AWS Lambda API Reference, https://docs.aws.amazon.com/lambda/latest/dg/API_ScalingConfig.html):
  // an event source does not heed reserved concurrency, and its throttled messages count as received
  // ("Configuring scaling behavior for SQS event source mappings", https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html).
  template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { BatchSize: 1, FunctionResponseTypes: ['ReportBatchItemFailures'], ScalingConfig: { MaximumConcurrency: 2 } });
  template.hasResourceProperties('AWS::Lambda::Function', {
    Handler: 'index.handler',
    Timeout: 160,
    ReservedConcurrentExecutions: 2,
    Environment: {
      Variables: Match.objectLike({
        DISTRIBUTION_ID: 'EDFDVBD6EXAMPLE',
        CONNECTION_GROUP_ID: 'cg_2abc',
        ROUTING_ENDPOINT: 'd111111abcdef8.cloudfront.net',
        HOSTED_ZONE_ID: 'Z0123456789',
        EVENT_BUS_NAME: 'default',
      }),
    },
  });
});

// SQS keeps a message 4 days unless told otherwise, and at most 1,209,600 seconds (14 days)
// ("Amazon SQS quotas", Amazon SQS Developer Guide,
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-limits.html;
// "CreateQueue", MessageRetentionPeriod, Amazon SQS API Reference,
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html).
// A 1,000,000-tenant import takes about 11 days at CloudFront's rate: its last pages must not expire.
test('the queue and its dead-letter queue keep pages for SQS\'s maximum, 14 days, not the default 4', () => {
  const { template } = synth();
  const queues = Object.values(template.findResources('AWS::SQS::Queue'));
  expect(queues).toHaveLength(2);
  expect(queues.map(q => q.Properties.MessageRetentionPeriod)).toEqual([1_209_600, 1_209_600]);
});

test('the load balancer\'s names, when given, are in the reconciler\'s environment; absent, the variable is too', () => {
  const named = synth({ loadBalancerNames: ['*.example.com', 'example.com'] }).template;
  named.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ LOAD_BALANCER_NAMES: '*.example.com,example.com' }) } });
  const variables = Object.values(synth().template.findResources('AWS::Lambda::Function')).map(f => f.Properties.Environment.Variables);
  expect(variables.filter(v => 'LOAD_BALANCER_NAMES' in v)).toEqual([]);
});

// Lambda holds at most 4 KB of environment variables ("Lambda quotas", AWS Lambda Developer Guide,
// https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html): the names get 2,048 characters of it.
test('load balancer names with a comma, empty, or too many for the reconciler\'s environment are refused in one error', () => {
  expect(() => synth({ loadBalancerNames: ['a.example.com,b.example.com', ' '] })).toThrow(
    /`loadBalancerNames` "a.example.com,b.example.com" must be a certificate name[\s\S]*`loadBalancerNames` " " must be/);
  const many = Array.from({ length: 100 }, (_, i) => `tenant-with-a-long-name-${i}.example.com`);
  expect(() => synth({ loadBalancerNames: many })).toThrow(/`loadBalancerNames` come to \d+ characters, more than the 2048 the reconciler's environment has room for/);
});

test('the cells\' origin domains, when given, are in the reconciler\'s environment as JSON, with the parameter\'s name; absent, neither is', () => {
  const { template } = synth({ cellOrigins: { eu: 'eu.origin.example.net' }, originParameter: 'cellOrigin' });
  template.hasResourceProperties('AWS::Lambda::Function', {
    Environment: { Variables: Match.objectLike({ CELL_ORIGINS: '{"eu":"eu.origin.example.net"}', ORIGIN_PARAMETER: 'cellOrigin' }) },
  });
  const variables = Object.values(synth().template.findResources('AWS::Lambda::Function')).map(f => f.Properties.Environment.Variables);
  expect(variables.filter(v => 'CELL_ORIGINS' in v || 'ORIGIN_PARAMETER' in v)).toEqual([]);
});

// A parameter's name: 1-128 of [a-zA-Z0-9-_] ("Parameter", CloudFront API Reference,
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_Parameter.html); the environment takes 4 KB in all.
test('cells named as the tenants file could not name them, the default cell, too many cells, or a bad parameter name are refused in one error', () => {
  expect(() => synth({ cellOrigins: { EU: 'eu.example.net', default: 'x.example.net' }, originParameter: 'origin domain' })).toThrow(
    /has 3 problems:\n {2}- `cellOrigins` key "EU" must be 1-32 lower-case letters[\s\S]*`cellOrigins` "default": the default cell's origin is the distribution's own[\s\S]*`originParameter` "origin domain" must be a distribution parameter's name/);
  const many = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`cell-${i}`, `cell-${i}.example.net`]));
  expect(() => synth({ cellOrigins: many })).toThrow(/`cellOrigins` has 12 cells, more than the control plane's reconciler has room for/);
  expect(() => synth({ cellOrigins: Object.fromEntries(Object.entries(many).slice(0, 8)) })).not.toThrow();
});

// Route 53 takes 10 requests a second for the whole account ("Throttling for Amazon Route 53 API
// requests", https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/throttling-api-requests.html):
// the reconciler takes half. CloudFront publishes no rate ("Quotas", CloudFront Developer Guide): a setting.
test('the reconciler\'s pace is in its environment: 5 CloudFront and 5 Route 53 calls a second unless set; a pace of 0 or above 100 is refused', () => {
  synth().template.hasResourceProperties('AWS::Lambda::Function', {
    Environment: { Variables: Match.objectLike({ CLOUDFRONT_PER_SECOND: '5', ROUTE53_PER_SECOND: '5' }) },
  });
  synth({ cloudFrontCallsPerSecond: 12.5 }).template.hasResourceProperties('AWS::Lambda::Function', {
    Environment: { Variables: Match.objectLike({ CLOUDFRONT_PER_SECOND: '12.5' }) },
  });
  expect(() => synth({ cloudFrontCallsPerSecond: 0, route53CallsPerSecond: 500 })).toThrow(
    /has 2 problems:\n {2}- `cloudFrontCallsPerSecond` 0 must be from 1 to 100 calls a second[^\n]*\n {2}- `route53CallsPerSecond` 500 must be from 1 to 100/);
});

// Lambda runs a function 15 minutes at most ("Lambda quotas"); Lambda refuses an SQS event source
// whose queue's visibility timeout is shorter than the function's timeout ("Creating and
// configuring an Amazon SQS event source mapping", AWS Lambda Developer Guide,
// https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html).
test('the reconciler\'s timeout fits a full pass over a page at its CloudFront pace, and the recheck delay is at least that', () => {
  const timeout = (over: Partial<TenantControlPlaneProps>) => {
    const functions = Object.values(synth(over).template.findResources('AWS::Lambda::Function'));
    const queues = Object.values(synth(over).template.findResources('AWS::SQS::Queue')).filter(q => q.Properties.RedrivePolicy);
    return [functions[0].Properties.Timeout, queues[0].Properties.VisibilityTimeout];
  };
  expect(timeout({})).toEqual([160, 160]);
  expect(timeout({ cloudFrontCallsPerSecond: 2 })).toEqual([400, 400]);
  expect(timeout({ cloudFrontCallsPerSecond: 1 })).toEqual([800, 800]);
  expect(timeout({ cloudFrontCallsPerSecond: 50 })).toEqual([60, 120]);
  expect(() => synth({ cloudFrontCallsPerSecond: 2, recheckAfter: Duration.minutes(5) })).toThrow(
    /`recheckAfter` 5 minutes must be from 6 minutes 40 seconds \(the reconciler's timeout at its CloudFront pace/);
});

test('the reconciler may change distribution tenants, the gateway\'s distribution and connection group, the zone\'s records and the table, and put events; nothing else', () => {
  const { template } = synth();
  const policies = Object.values(template.findResources('AWS::IAM::Policy'));
  const statements = policies.flatMap(p => p.Properties.PolicyDocument.Statement);
  const cloudFront = statements.find(s => [s.Action].flat().includes('cloudfront:CreateDistributionTenant'));
  expect([cloudFront.Resource].flat().map((r: unknown) => JSON.stringify(r))).toEqual([
    expect.stringContaining(':distribution/EDFDVBD6EXAMPLE'), expect.stringContaining(':distribution-tenant/*'), expect.stringContaining(':connection-group/cg_2abc'),
  ]);
  const records = statements.find(s => [s.Action].flat().includes('route53:ChangeResourceRecordSets'));
  expect(JSON.stringify(records.Resource)).toContain('hostedzone/Z0123456789');
  expect(statements.some(s => [s.Action].flat().includes('events:PutEvents'))).toBe(true);
  // Only the list call, which names no resource, is granted on "*"; it only reads.
  expect(statements.filter(s => s.Resource === '*').map(s => s.Action)).toEqual(['cloudfront:ListDistributionTenants']);
  // The table's grant carries DescribeTable, whose item count tells the reconciler whether a list is cheaper than a read each.
  const table = statements.find(s => [s.Action].flat().includes('dynamodb:BatchGetItem'));
  expect(table.Action).toContain('dynamodb:DescribeTable');
});

test('bad props are one error listing every problem', () => {
  expect(() => synth({ distributionId: '', recheckAfter: Duration.seconds(30) })).toThrow(
    /TenantControlPlane has 2 problems:\n {2}- `distributionId` must be a non-empty string, got ""\n {2}- `recheckAfter` 30 seconds must be from 2 minutes 40 seconds \(the reconciler's timeout/);
});

describe('drift sweep', () => {
  test('every 6 hours by default, an EventBridge rule puts a sweep message on the reconciler\'s own queue, which the reconciler may send to', () => {
    const { template, controlPlane } = synth();
    const queue = Stack.of(controlPlane).getLogicalId(controlPlane.queue.node.defaultChild as never);
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(6 hours)',
      State: 'ENABLED',
      Targets: [{ Arn: { 'Fn::GetAtt': [queue, 'Arn'] }, Id: Match.anyValue(), Input: '{"sweep":{}}' }],
    });
    // EventBridge may send to the queue (the queue's policy), and so may the reconciler (for the sweep's steps).
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Allow', Action: Match.arrayWith(['sqs:SendMessage']), Principal: { Service: 'events.amazonaws.com' } })]) },
    });
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(p => p.Properties.PolicyDocument.Statement);
    expect(statements).toContainEqual(expect.objectContaining({ Action: expect.arrayContaining(['sqs:SendMessage']), Resource: { 'Fn::GetAtt': [queue, 'Arn'] } }));
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ QUEUE_URL: { Ref: queue } }) },
    });
  });

  test('sweepEvery sets the rate; zero turns the sweep off', () => {
    synth({ sweepEvery: Duration.days(1) }).template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 day)' });
    const off = synth({ sweepEvery: Duration.seconds(0) });
    off.template.resourceCountIs('AWS::Events::Rule', 0);
    expect(off.controlPlane.sweepSchedule).toBeUndefined();
  });

  // EventBridge rates are whole minutes, hours or days ("Rate expressions reference",
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rate-expressions.html).
  test.each([Duration.minutes(30), Duration.seconds(5430)])('a sweep more often than hourly, or not in whole minutes, is refused: %s', every => {
    expect(() => synth({ sweepEvery: every })).toThrow(/`sweepEvery` .* must be whole minutes, at least 1 hour \(a sweep reads every tenant again\), or Duration.seconds\(0\) to turn the sweep off/);
  });
});

test('the by-design checkov findings are acknowledged on their own resources, each with its reason', () => {
  const { template } = synth();
  const skips = (type: string) => Object.values(template.findResources(type))
    .map(r => (r.Metadata?.checkov?.skip ?? []).map((k: { id: string; comment: string }) => (k.comment.length > 20 ? k.id : `${k.id} without a reason`)));
  expect(skips('AWS::DynamoDB::Table')).toEqual([['CKV_AWS_119']]);
  expect(skips('AWS::SQS::Queue')).toEqual([['CKV_AWS_27'], ['CKV_AWS_27']]);
  expect(skips('AWS::Lambda::Function')).toEqual([['CKV_AWS_116', 'CKV_AWS_117', 'CKV_AWS_173']]);
});
