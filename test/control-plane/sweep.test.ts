// The drift sweep in the reconciler's handler: the schedule's message walks the table a chunk at
// a time, queueing every tenant for a full pass behind which it queues its next step; a full pass
// reads what normal passes trust the store's notes for, and finds a change made behind its back.
import {
  CloudFrontClient, GetDistributionTenantCommand, GetManagedCertificateDetailsCommand, UpdateDistributionTenantCommand,
} from '@aws-sdk/client-cloudfront';
import { BatchGetItemCommand, DeleteItemCommand, DynamoDBClient, PutItemCommand, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { Route53Client } from '@aws-sdk/client-route-53';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { settledFingerprint } from '../../src/control-plane/observation';
import { settingsOf } from '../../src/control-plane/reconcile';
import { reconcileMessages, ReconcilerDependencies, SWEEP_CHUNK, SWEEP_KEY, SWEEP_PAGE } from '../../src/control-plane/reconciler.lambda';

const cloudFront = mockClient(CloudFrontClient);
const dynamo = mockClient(DynamoDBClient);
const events = mockClient(EventBridgeClient);
const sqs = mockClient(SQSClient);
const TABLE = 'Tenants';
const QUEUE = 'https://sqs.us-east-1.amazonaws.com/111111111111/Pages';
const acme = { id: 'acme', domainNames: ['acme.example.com'] };

function deps(): ReconcilerDependencies {
  return {
    cloudFront: new CloudFrontClient({}),
    route53: new Route53Client({}),
    dynamo: new DynamoDBClient({}),
    events: new EventBridgeClient({}),
    sqs: new SQSClient({}),
    env: {
      tableName: TABLE,
      distributionId: 'EDFDVBD6EXAMPLE',
      connectionGroupId: 'cg_1',
      routingEndpoint: 'd111111abcdef8.cloudfront.net',
      hostedZoneId: 'Z1',
      eventBusName: 'default',
      queueUrl: QUEUE,
    },
    sleep: async () => {},
  };
}
const message = (body: object) => ({ Records: [{ messageId: 'm1', body: JSON.stringify(body) }] });
const ids = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ id: { S: `t${from + i}` } }));
const sentBodies = () => sqs.commandCalls(SendMessageBatchCommand).flatMap(c => c.args[0].input.Entries!.map(e => JSON.parse(e.MessageBody!)));

beforeEach(() => {
  cloudFront.reset();
  dynamo.reset();
  events.reset();
  sqs.reset();
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
  sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
});

describe('a sweep step', () => {
  test(`the first marks the sweep under way, queues the tenants among the table's next ${SWEEP_CHUNK} items as full pages of ${SWEEP_PAGE}, then itself behind them`, async () => {
    dynamo.on(PutItemCommand).resolves({});
    dynamo.on(ScanCommand).resolves({ Items: ids(0, 150), LastEvaluatedKey: { id: { S: 't149' } } });
    await expect(reconcileMessages(message({ sweep: {} }), deps())).resolves.toEqual({ batchItemFailures: [] });

    const put = dynamo.commandCalls(PutItemCommand)[0].args[0].input;
    expect(put).toMatchObject({ TableName: TABLE, Item: { id: { S: SWEEP_KEY } }, ConditionExpression: 'attribute_not_exists(#i) OR #a < :stale' });
    // Tenant ids hold no "#": the scan leaves out the domain claims and the sweep's own item.
    expect(dynamo.commandCalls(ScanCommand).map(c => c.args[0].input)).toEqual([{
      TableName: TABLE,
      ExclusiveStartKey: undefined,
      Limit: SWEEP_CHUNK,
      ProjectionExpression: '#i',
      FilterExpression: 'NOT contains(#i, :h)',
      ExpressionAttributeNames: { '#i': 'id' },
      ExpressionAttributeValues: { ':h': { S: '#' } },
    }]);
    // The next step goes last, so the sweep moves at the pace the queue is worked through.
    expect(sentBodies()).toEqual([
      { tenantIds: Array.from({ length: 100 }, (_, i) => `t${i}`), full: true },
      { tenantIds: Array.from({ length: 50 }, (_, i) => `t${100 + i}`), full: true },
      { sweep: { start: { id: { S: 't149' } } } },
    ]);
    expect(sqs.commandCalls(SendMessageBatchCommand)[0].args[0].input.QueueUrl).toBe(QUEUE);
    expect(dynamo.commandCalls(DeleteItemCommand)).toHaveLength(0);
  });

  test('a step of more than ten messages sends them in batches of ten, the next step last', async () => {
    dynamo.on(PutItemCommand).resolves({});
    dynamo.on(ScanCommand).resolves({ Items: ids(0, 1050), LastEvaluatedKey: { id: { S: 't1049' } } });
    await reconcileMessages(message({ sweep: {} }), deps());
    expect(sqs.commandCalls(SendMessageBatchCommand).map(c => c.args[0].input.Entries!.length)).toEqual([10, 2]);
    expect(sentBodies()[11]).toEqual({ sweep: { start: { id: { S: 't1049' } } } });
  });

  test('the last resumes where the previous stopped, and ends the sweep', async () => {
    dynamo.on(ScanCommand).resolves({ Items: ids(0, 3) });
    dynamo.on(DeleteItemCommand).resolves({});
    await reconcileMessages(message({ sweep: { start: { id: { S: 't2099' } } } }), deps());
    expect(dynamo.commandCalls(PutItemCommand)).toHaveLength(0);
    expect(dynamo.commandCalls(ScanCommand)[0].args[0].input.ExclusiveStartKey).toEqual({ id: { S: 't2099' } });
    expect(sentBodies()).toEqual([{ tenantIds: ['t0', 't1', 't2'], full: true }]);
    expect(dynamo.commandCalls(DeleteItemCommand)[0].args[0].input).toEqual({ TableName: TABLE, Key: { id: { S: SWEEP_KEY } } });
  });

  test('a sweep while another is under way is skipped', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => {});
    dynamo.on(PutItemCommand).rejects(Object.assign(new Error('conditional'), { name: 'ConditionalCheckFailedException' }));
    await expect(reconcileMessages(message({ sweep: {} }), deps())).resolves.toEqual({ batchItemFailures: [] });
    expect(dynamo.commandCalls(ScanCommand)).toHaveLength(0);
    expect(sqs.calls()).toHaveLength(0);
    expect(log).toHaveBeenCalledWith('A drift sweep is under way: this one is skipped.');
    log.mockRestore();
  });
});

describe('a full pass', () => {
  const settledItem = {
    id: { S: 'acme' },
    tenant: { S: JSON.stringify(acme) },
    status: { S: 'active' },
    created: { BOOL: true },
    appliedSettings: { S: settingsOf(acme) },
    certificateDomains: { SS: ['acme.example.com'] },
    certificateIssued: { BOOL: true },
    records: { SS: ['acme.example.com'] },
    settledAs: { S: settledFingerprint({ tenant: acme }) },
  };

  test('reads a settled tenant and its issued certificate anyway; one disabled behind the store\'s back is enabled again and its settled note dropped', async () => {
    dynamo.on(BatchGetItemCommand).resolves({ Responses: { [TABLE]: [settledItem] } });
    dynamo.on(UpdateItemCommand).resolves({});
    cloudFront.on(GetDistributionTenantCommand).resolves({
      ETag: 'E1', DistributionTenant: { Id: 'dt_1', Name: 'acme', Domains: [{ Domain: 'acme.example.com' }], Enabled: false, Status: 'Deployed' },
    });
    cloudFront.on(GetManagedCertificateDetailsCommand).resolves({ ManagedCertificateDetails: { CertificateStatus: 'issued' } });
    cloudFront.on(UpdateDistributionTenantCommand).resolves({});
    const response = await reconcileMessages(message({ tenantIds: ['acme'], full: true }), deps());

    expect(cloudFront.commandCalls(GetManagedCertificateDetailsCommand)).toHaveLength(1);
    expect(cloudFront.commandCalls(UpdateDistributionTenantCommand).map(c => c.args[0].input)).toEqual([expect.objectContaining({ Id: 'dt_1', IfMatch: 'E1', Enabled: true })]);
    expect(dynamo.commandCalls(UpdateItemCommand).map(c => c.args[0].input)).toContainEqual(expect.objectContaining({
      Key: { id: { S: 'acme' } }, UpdateExpression: 'SET #s = :s, #r = :r REMOVE #f', ExpressionAttributeValues: { ':s': { S: 'pending-dns' }, ':r': expect.anything() },
    }));
    // The same message (still full) comes back until the tenant is settled again.
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });

    // Without the flag the same tenant is trusted: nothing is read.
    cloudFront.resetHistory();
    await reconcileMessages(message({ tenantIds: ['acme'] }), deps());
    expect(cloudFront.calls()).toHaveLength(0);
  });

  test('a certificate no longer issued is noted so, and read again by later passes', async () => {
    dynamo.on(BatchGetItemCommand).resolves({ Responses: { [TABLE]: [settledItem] } });
    dynamo.on(UpdateItemCommand).resolves({});
    cloudFront.on(GetDistributionTenantCommand).resolves({
      ETag: 'E1', DistributionTenant: { Id: 'dt_1', Name: 'acme', Domains: [{ Domain: 'acme.example.com' }], Enabled: true, Status: 'Deployed' },
    });
    cloudFront.on(GetManagedCertificateDetailsCommand).resolves({ ManagedCertificateDetails: { CertificateStatus: 'revoked' } });
    await reconcileMessages(message({ tenantIds: ['acme'], full: true }), deps());
    expect(dynamo.commandCalls(UpdateItemCommand).map(c => c.args[0].input)).toContainEqual(expect.objectContaining({
      ExpressionAttributeNames: { '#a': 'certificateIssued' }, ExpressionAttributeValues: { ':v': { BOOL: false } },
    }));
  });
});

test('a page that names a domain claim reconciles only its tenants', async () => {
  dynamo.on(BatchGetItemCommand).resolves({ Responses: { [TABLE]: [] } });
  await reconcileMessages(message({ tenantIds: ['domain#acme.example.com'] }), deps());
  expect(dynamo.commandCalls(BatchGetItemCommand)).toHaveLength(0);
  expect(cloudFront.calls()).toHaveLength(0);
});
