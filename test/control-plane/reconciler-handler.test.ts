import {
  CloudFrontClient, CreateDistributionTenantCommand, DeleteDistributionTenantCommand, GetDistributionTenantCommand,
  GetManagedCertificateDetailsCommand, ListDistributionTenantsCommand, UpdateDistributionTenantCommand, UpdateDomainAssociationCommand,
} from '@aws-sdk/client-cloudfront';
import { BatchGetItemCommand, DeleteItemCommand, DescribeTableCommand, DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ChangeResourceRecordSetsCommand, ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { settledFingerprint } from '../../src/control-plane/observation';
import { Pacer } from '../../src/control-plane/pacing';
import { settingsOf } from '../../src/control-plane/reconcile';
import { EVENT_SOURCE, paced, reconcileMessages, ReconcilerDependencies } from '../../src/control-plane/reconciler.lambda';

const cloudFront = mockClient(CloudFrontClient);
const route53 = mockClient(Route53Client);
const dynamo = mockClient(DynamoDBClient);
const events = mockClient(EventBridgeClient);
const ENDPOINT = 'd111111abcdef8.cloudfront.net';
const TABLE = 'Tenants';
const acme = { id: 'acme', domainNames: ['acme.example.com'], webAcl: 'none' };

const EU_ORIGIN = 'eu-alb-123.eu-west-1.elb.amazonaws.com';
// The gateway's parameter name is the default: the environment names it only for a distribution made elsewhere.
const CELLS = { cellOrigins: { eu: EU_ORIGIN } };

function deps(tenantNamePrefix?: string, cells: Partial<ReconcilerDependencies['env']> = {}): ReconcilerDependencies {
  return {
    cloudFront: new CloudFrontClient({}),
    route53: new Route53Client({}),
    dynamo: new DynamoDBClient({}),
    events: new EventBridgeClient({}),
    env: { tableName: TABLE, distributionId: 'EDFDVBD6EXAMPLE', connectionGroupId: 'cg_1', routingEndpoint: ENDPOINT, hostedZoneId: 'Z1', eventBusName: 'default', tenantNamePrefix, ...cells },
    sleep: async () => {},
  };
}
const message = (ids: string[]) => ({ Records: [{ messageId: 'm1', body: JSON.stringify({ tenantIds: ids }) }] });
const notFound = () => Object.assign(new Error('not found'), { name: 'EntityNotFound' });

beforeEach(() => {
  cloudFront.reset();
  route53.reset();
  dynamo.reset();
  events.reset();
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
});

test('a new tenant: its distribution tenant is created under its id on the gateway\'s distribution and connection group, its CNAME upserted, its status written and published; the message goes back to wait', async () => {
  dynamo.on(BatchGetItemCommand).resolves({ Responses: { [TABLE]: [{ id: { S: 'acme' }, tenant: { S: JSON.stringify(acme) } }] } });
  cloudFront.on(GetDistributionTenantCommand).rejects(notFound());
  const response = await reconcileMessages(message(['acme']), deps());

  expect(cloudFront.commandCalls(CreateDistributionTenantCommand).map(c => c.args[0].input)).toEqual([{
    DistributionId: 'EDFDVBD6EXAMPLE',
    ConnectionGroupId: 'cg_1',
    Name: 'acme',
    Domains: [{ Domain: 'acme.example.com' }],
    Enabled: true,
    Customizations: { WebAcl: { Action: 'disable' } },
  }]);
  expect(route53.commandCalls(ChangeResourceRecordSetsCommand)[0].args[0].input).toEqual({
    HostedZoneId: 'Z1',
    ChangeBatch: { Changes: [{ Action: 'UPSERT', ResourceRecordSet: { Name: 'acme.example.com', Type: 'CNAME', TTL: 300, ResourceRecords: [{ Value: ENDPOINT }] } }] },
  });
  const updates = dynamo.commandCalls(UpdateItemCommand).map(c => c.args[0].input);
  expect(updates).toContainEqual(expect.objectContaining({ Key: { id: { S: 'acme' } }, ExpressionAttributeValues: { ':v': { S: settingsOf(acme) } } }));
  expect(updates).toContainEqual(expect.objectContaining({ ExpressionAttributeValues: { ':s': { S: 'pending-dns' }, ':r': { S: 'creating its distribution tenant' } } }));
  // The record's owner is noted in the store, so later passes need not read Route 53.
  expect(updates).toContainEqual({
    TableName: TABLE,
    Key: { id: { S: 'acme' } },
    UpdateExpression: 'ADD #r :n',
    ConditionExpression: 'attribute_exists(id)',
    ExpressionAttributeNames: { '#r': 'records' },
    ExpressionAttributeValues: { ':n': { SS: ['acme.example.com'] } },
  });
  expect(route53.commandCalls(ListResourceRecordSetsCommand)).toHaveLength(0);
  // A tenant the store never saw made is not read: its create is the pass's only CloudFront call, and it is noted.
  expect(cloudFront.calls()).toHaveLength(1);
  expect(updates).toContainEqual(expect.objectContaining({ Key: { id: { S: 'acme' } }, ExpressionAttributeNames: { '#a': 'created' }, ExpressionAttributeValues: { ':v': { BOOL: true } } }));
  const published = events.commandCalls(PutEventsCommand)[0].args[0].input.Entries!;
  expect(published).toEqual([expect.objectContaining({ Source: EVENT_SOURCE, EventBusName: 'default' })]);
  expect(JSON.parse(published[0].Detail!)).toEqual({ tenantId: 'acme', to: 'pending-dns', reason: 'creating its distribution tenant' });
  expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
});

test('with pacers, every CloudFront and Route 53 call, a retried one too, waits its turn at the pace', async () => {
  let now = 0;
  const clock = { now: () => now, sleep: async (ms: number) => { now += ms; } };
  const one = { perSecond: 1, burst: 1 };
  dynamo.on(BatchGetItemCommand).resolves({ Responses: { [TABLE]: [{ id: { S: 'acme' }, tenant: { S: JSON.stringify(acme) } }] } });
  // The create is throttled once, then made: two CloudFront calls; then one Route 53 call.
  cloudFront.on(CreateDistributionTenantCommand).rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' })).resolves({});
  await reconcileMessages(message(['acme']), { ...deps(), sleep: clock.sleep, pacers: { cloudFront: new Pacer(one, clock), route53: new Pacer(one, clock) } });
  expect(cloudFront.commandCalls(CreateDistributionTenantCommand)).toHaveLength(2);
  expect(route53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(1);
  // The retry's own backoff (1 s) leaves the bucket refilled: the second call waits for nothing more; Route 53's first call neither.
  expect(now).toBe(1000);
  // A bucket of one a second: three CloudFront calls in a row take two seconds of waiting.
  now = 0;
  const cf = paced(new CloudFrontClient({}), new Pacer(one, clock));
  cloudFront.on(GetDistributionTenantCommand).resolves({});
  for (let i = 0; i < 3; i++) await cf.send(new GetDistributionTenantCommand({ Identifier: 'acme' }));
  expect(now).toBe(2000);
});

test('a tenant of a cell is created with the distribution\'s origin parameter set to its cell\'s origin; one of the default cell with none', async () => {
  const eu = { id: 'eu1', domainNames: ['eu1.example.com'], cell: 'eu' };
  const home = { id: 'home', domainNames: ['home.example.com'], cell: 'default' };
  dynamo.on(BatchGetItemCommand).resolves({ Responses: { [TABLE]: [eu, home].map(t => ({ id: { S: t.id }, tenant: { S: JSON.stringify(t) } })) } });
  await reconcileMessages(message(['eu1', 'home']), deps(undefined, CELLS));
  const created = cloudFront.commandCalls(CreateDistributionTenantCommand).map(c => c.args[0].input);
  expect(created.map(c => [c.Name, c.Parameters])).toEqual([['eu1', [{ Name: 'originDomain', Value: EU_ORIGIN }]], ['home', undefined]]);
  cloudFront.reset();
  await reconcileMessages(message(['eu1']), deps(undefined, { ...CELLS, originParameter: 'cellOrigin' }));
  expect(cloudFront.commandCalls(CreateDistributionTenantCommand)[0].args[0].input.Parameters).toEqual([{ Name: 'cellOrigin', Value: EU_ORIGIN }]);
  // What was applied is noted with the origin, so a new origin for the cell (its load balancer replaced) updates the tenant.
  expect(dynamo.commandCalls(UpdateItemCommand).map(c => c.args[0].input)).toContainEqual(expect.objectContaining({
    Key: { id: { S: 'eu1' } }, ExpressionAttributeNames: { '#a': 'appliedSettings' }, ExpressionAttributeValues: { ':v': { S: settingsOf(eu, EU_ORIGIN) } },
  }));
});

test('a tenant of a cell the reconciler does not know fails with the reason, and nothing is made for it', async () => {
  dynamo.on(BatchGetItemCommand).resolves({ Responses: { [TABLE]: [{ id: { S: 'ap1' }, tenant: { S: JSON.stringify({ id: 'ap1', domainNames: ['ap1.example.com'], cell: 'ap' }) } }] } });
  await reconcileMessages(message(['ap1']), deps(undefined, CELLS));
  expect(cloudFront.commandCalls(CreateDistributionTenantCommand)).toHaveLength(0);
  expect(route53.calls()).toHaveLength(0);
  expect(JSON.parse(events.commandCalls(PutEventsCommand)[0].args[0].input.Entries![0].Detail!))
    .toEqual({ tenantId: 'ap1', to: 'failed', reason: expect.stringContaining('`cell` "ap" is not one of the gateway\'s cells ("default", "eu")') });
});

test('a create retried after a crash ("already exists") is done, not a failure', async () => {
  dynamo.on(BatchGetItemCommand).resolves({ Responses: { [TABLE]: [{ id: { S: 'acme' }, tenant: { S: JSON.stringify(acme) } }] } });
  cloudFront.on(GetDistributionTenantCommand).rejects(notFound());
  cloudFront.on(CreateDistributionTenantCommand).rejects(Object.assign(new Error('exists'), { name: 'EntityAlreadyExists' }));
  await expect(reconcileMessages(message(['acme']), deps())).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
});

test('a deployed tenant whose certificate is issued and record in place is active: no call changes anything and the message is done', async () => {
  dynamo.on(BatchGetItemCommand).resolves({
    Responses: {
      [TABLE]: [{
        id: { S: 'acme' },
        tenant: { S: JSON.stringify(acme) },
        status: { S: 'active' },
        appliedSettings: { S: settingsOf(acme) },
        certificateDomains: { SS: ['acme.example.com'] },
        records: { SS: ['acme.example.com'] },
        created: { BOOL: true },
        certificateIssued: { BOOL: true },
      }],
    },
  });
  cloudFront.on(GetDistributionTenantCommand).resolves({
    ETag: 'E1', DistributionTenant: { Id: 'dt_1', Name: 'acme', Domains: [{ Domain: 'acme.example.com' }], Enabled: true, Status: 'Deployed' },
  });
  cloudFront.on(GetManagedCertificateDetailsCommand).resolves({ ManagedCertificateDetails: { CertificateStatus: 'issued' } });
  const response = await reconcileMessages(message(['acme']), deps());
  expect(response).toEqual({ batchItemFailures: [] });
  expect(cloudFront.commandCalls(UpdateDistributionTenantCommand)).toHaveLength(0);
  expect(route53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0);
  expect(events.commandCalls(PutEventsCommand)).toHaveLength(0);
  // The certificate was seen issued: it is not read again.
  expect(cloudFront.commandCalls(GetManagedCertificateDetailsCommand)).toHaveLength(0);
});

test('a suspended tenant is disabled with its current ETag, keeping its domains and customizations', async () => {
  dynamo.on(BatchGetItemCommand).resolves({
    Responses: {
      [TABLE]: [{
        id: { S: 'acme' },
        tenant: { S: JSON.stringify(acme) },
        suspended: { BOOL: true },
        status: { S: 'active' },
        appliedSettings: { S: settingsOf(acme) },
        certificateDomains: { SS: ['acme.example.com'] },
        records: { SS: ['acme.example.com'] },
        created: { BOOL: true },
        certificateIssued: { BOOL: true },
      }],
    },
  });
  cloudFront.on(GetDistributionTenantCommand).resolves({
    ETag: 'E7',
    DistributionTenant: {
      Id: 'dt_1',
      Name: 'acme',
      DistributionId: 'EDFDVBD6EXAMPLE',
      ConnectionGroupId: 'cg_1',
      Domains: [{ Domain: 'acme.example.com' }],
      Enabled: true,
      Status: 'Deployed',
      Customizations: { WebAcl: { Action: 'disable' } },
    },
  });
  cloudFront.on(GetManagedCertificateDetailsCommand).resolves({ ManagedCertificateDetails: { CertificateStatus: 'issued' } });
  await reconcileMessages(message(['acme']), deps());
  expect(cloudFront.commandCalls(UpdateDistributionTenantCommand).map(c => c.args[0].input)).toEqual([{
    Id: 'dt_1',
    IfMatch: 'E7',
    DistributionId: 'EDFDVBD6EXAMPLE',
    ConnectionGroupId: 'cg_1',
    Domains: [{ Domain: 'acme.example.com' }],
    Customizations: { WebAcl: { Action: 'disable' } },
    Parameters: undefined,
    Enabled: false,
  }]);
  // The pass's read gave the ETag: the change needs no read of its own.
  expect(cloudFront.commandCalls(GetDistributionTenantCommand)).toHaveLength(1);
  expect(JSON.parse(events.commandCalls(PutEventsCommand)[0].args[0].input.Entries![0].Detail!)).toEqual({ tenantId: 'acme', from: 'active', to: 'suspended' });
});

test('a domain another tenant holds moves with UpdateDomainAssociation to the new tenant\'s ID, with its current ETag, once its certificate covers it', async () => {
  const shop = { id: 'shop', domainNames: ['new.shop.example.com', 'shop.acme.example.com'] };
  dynamo.on(BatchGetItemCommand).resolves({
    Responses: {
      [TABLE]: [
        {
          id: { S: 'acme' },
          tenant: { S: JSON.stringify(acme) },
          status: { S: 'active' },
          appliedSettings: { S: settingsOf(acme) },
          certificateDomains: { SS: ['acme.example.com'] },
          records: { SS: ['acme.example.com'] },
          created: { BOOL: true },
        },
        {
          id: { S: 'shop' },
          tenant: { S: JSON.stringify(shop) },
          status: { S: 'pending-dns' },
          appliedSettings: { S: settingsOf(shop) },
          certificateDomains: { SS: shop.domainNames },
          records: { SS: shop.domainNames },
          created: { BOOL: true },
        },
      ],
    },
  });
  cloudFront.on(GetDistributionTenantCommand, { Identifier: 'acme' }).resolves({
    ETag: 'EA', DistributionTenant: { Id: 'dt_acme', Name: 'acme', Domains: [{ Domain: 'acme.example.com' }, { Domain: 'shop.acme.example.com' }], Enabled: true, Status: 'Deployed' },
  });
  cloudFront.on(GetDistributionTenantCommand, { Identifier: 'shop' }).resolves({
    ETag: 'ES', DistributionTenant: { Id: 'dt_shop', Name: 'shop', Domains: [{ Domain: 'new.shop.example.com' }], Enabled: true, Status: 'Deployed' },
  });
  cloudFront.on(GetManagedCertificateDetailsCommand).resolves({ ManagedCertificateDetails: { CertificateStatus: 'issued' } });
  dynamo.on(DescribeTableCommand).resolves({ Table: { ItemCount: 1_000 } });
  await reconcileMessages(message(['acme', 'shop']), deps());
  expect(cloudFront.commandCalls(UpdateDomainAssociationCommand).map(c => c.args[0].input)).toEqual([
    { Domain: 'shop.acme.example.com', TargetResource: { DistributionTenantId: 'dt_shop' }, IfMatch: 'ES' },
  ]);
  expect(cloudFront.commandCalls(UpdateDistributionTenantCommand)).toHaveLength(0);
});

test('a tenant removed from the store: disabled first; once disabled and deployed, deleted with its ETag, its record and item deleted', async () => {
  dynamo.on(BatchGetItemCommand).resolves({ Responses: { [TABLE]: [{ id: { S: 'acme' }, status: { S: 'active' }, records: { SS: ['acme.example.com'] } }] } });
  const tenant = (enabled: boolean) => ({
    ETag: 'E9', DistributionTenant: { Id: 'dt_1', Name: 'acme', Domains: [{ Domain: 'acme.example.com' }], Enabled: enabled, Status: 'Deployed' },
  });
  cloudFront.on(GetDistributionTenantCommand).resolves(tenant(true));
  await reconcileMessages(message(['acme']), deps());
  expect(cloudFront.commandCalls(UpdateDistributionTenantCommand)[0].args[0].input).toMatchObject({ Id: 'dt_1', IfMatch: 'E9', Enabled: false });
  expect(route53.commandCalls(ChangeResourceRecordSetsCommand)[0].args[0].input.ChangeBatch!.Changes).toEqual([
    { Action: 'DELETE', ResourceRecordSet: { Name: 'acme.example.com', Type: 'CNAME', TTL: 300, ResourceRecords: [{ Value: ENDPOINT }] } },
  ]);
  expect(cloudFront.commandCalls(DeleteDistributionTenantCommand)).toHaveLength(0);
  expect(dynamo.commandCalls(UpdateItemCommand).map(c => c.args[0].input)).toContainEqual(expect.objectContaining({
    Key: { id: { S: 'acme' } }, UpdateExpression: 'DELETE #r :n', ExpressionAttributeValues: { ':n': { SS: ['acme.example.com'] } },
  }));

  cloudFront.reset();
  route53.reset();
  dynamo.on(BatchGetItemCommand).resolves({ Responses: { [TABLE]: [{ id: { S: 'acme' } }] } });
  cloudFront.on(GetDistributionTenantCommand).resolves(tenant(false));
  await reconcileMessages(message(['acme']), deps());
  expect(cloudFront.commandCalls(DeleteDistributionTenantCommand).map(c => c.args[0].input)).toEqual([{ Id: 'dt_1', IfMatch: 'E9' }]);
  expect(dynamo.commandCalls(DeleteItemCommand).map(c => c.args[0].input)).toContainEqual({ TableName: TABLE, Key: { id: { S: 'acme' } } });
});

describe('when a page that is not done comes again', () => {
  const sqs = mockClient(SQSClient);
  const QUEUE = 'https://sqs.us-east-1.amazonaws.com/111111111111/Pages';
  const withQueue = (over: Partial<ReconcilerDependencies> = {}): ReconcilerDependencies =>
    ({ ...deps(), sqs: new SQSClient({}), env: { ...deps().env, queueUrl: QUEUE }, ...over });
  const received = { Records: [{ messageId: 'm1', receiptHandle: 'rh-1', body: JSON.stringify({ tenantIds: ['acme'] }) }] };
  const issuedItem = (certificateIssued: boolean) => ({
    id: { S: 'acme' },
    tenant: { S: JSON.stringify(acme) },
    created: { BOOL: true },
    status: { S: 'validating' },
    appliedSettings: { S: settingsOf(acme) },
    certificateDomains: { SS: ['acme.example.com'] },
    certificateIssued: { BOOL: certificateIssued },
    records: { SS: ['acme.example.com'] },
  });
  const deployed = {
    ETag: 'E1',
    DistributionTenant: { Id: 'dt_1', Name: 'acme', Domains: [{ Domain: 'acme.example.com' }], Enabled: true, Status: 'Deployed', Customizations: { WebAcl: { Action: 'disable' as const } } },
  };

  beforeEach(() => {
    sqs.reset();
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
  });

  // A visibility timeout set on a received message counts from the call ("ChangeMessageVisibility",
  // Amazon SQS API Reference, https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibility.html).
  test('after an action (a deploy and DNS follow within about a minute): in 30 s, not after the queue\'s recheckAfter', async () => {
    dynamo.on(BatchGetItemCommand).resolves({ Responses: { [TABLE]: [{ id: { S: 'acme' }, tenant: { S: JSON.stringify(acme) } }] } });
    await expect(reconcileMessages(received, withQueue())).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand).map(c => c.args[0].input)).toEqual([{ QueueUrl: QUEUE, ReceiptHandle: 'rh-1', VisibilityTimeout: 30 }]);
  });

  test('awaiting only a certificate: after the queue\'s recheckAfter (its visibility timeout is left as it is)', async () => {
    dynamo.on(BatchGetItemCommand).resolves({ Responses: { [TABLE]: [issuedItem(false)] } });
    cloudFront.on(GetDistributionTenantCommand).resolves(deployed);
    cloudFront.on(GetManagedCertificateDetailsCommand).resolves({ ManagedCertificateDetails: { CertificateStatus: 'pending-validation' } });
    await expect(reconcileMessages(received, withQueue())).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand)).toHaveLength(0);
  });

  test('out of time before an action: it stops as a crash would (no status written) and the page comes again at once', async () => {
    dynamo.on(BatchGetItemCommand).resolves({ Responses: { [TABLE]: [{ id: { S: 'acme' }, tenant: { S: JSON.stringify(acme) } }] } });
    await reconcileMessages(received, withQueue({ remainingMs: () => 19_000 }));
    expect(cloudFront.commandCalls(CreateDistributionTenantCommand)).toHaveLength(0);
    expect(dynamo.commandCalls(UpdateItemCommand)).toHaveLength(0);
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(0);
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand).map(c => c.args[0].input.VisibilityTimeout)).toEqual([0]);
    // With time left, the same pass acts.
    sqs.reset();
    await reconcileMessages(received, withQueue({ remainingMs: () => 21_000 }));
    expect(cloudFront.commandCalls(CreateDistributionTenantCommand)).toHaveLength(1);
  });

  test('a done page is deleted: no failure, no visibility change', async () => {
    dynamo.on(BatchGetItemCommand).resolves({ Responses: { [TABLE]: [issuedItem(true)] } });
    cloudFront.on(GetDistributionTenantCommand).resolves(deployed);
    await expect(reconcileMessages(received, withQueue())).resolves.toEqual({ batchItemFailures: [] });
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand)).toHaveLength(0);
  });
});

test('distribution tenants are named with the prefix: created, read and certificate-read by that name', async () => {
  dynamo.on(BatchGetItemCommand).resolves({ Responses: { [TABLE]: [{ id: { S: 'acme' }, tenant: { S: JSON.stringify(acme) } }] } });
  await reconcileMessages(message(['acme']), deps('store-'));
  expect(cloudFront.commandCalls(CreateDistributionTenantCommand)[0].args[0].input.Name).toBe('store-acme');

  cloudFront.reset();
  dynamo.on(BatchGetItemCommand).resolves({
    Responses: { [TABLE]: [{ id: { S: 'acme' }, tenant: { S: JSON.stringify(acme) }, created: { BOOL: true }, certificateDomains: { SS: ['acme.example.com'] } }] },
  });
  cloudFront.on(GetDistributionTenantCommand).resolves({
    ETag: 'E1', DistributionTenant: { Id: 'dt_1', Name: 'store-acme', Domains: [{ Domain: 'acme.example.com' }], Enabled: true, Status: 'InProgress' },
  });
  cloudFront.on(GetManagedCertificateDetailsCommand).resolves({ ManagedCertificateDetails: { CertificateStatus: 'pending-validation' } });
  await reconcileMessages(message(['acme']), deps('store-'));
  expect(cloudFront.commandCalls(GetDistributionTenantCommand).map(c => c.args[0].input.Identifier)).toEqual(['store-acme']);
  expect(cloudFront.commandCalls(GetManagedCertificateDetailsCommand).map(c => c.args[0].input.Identifier)).toEqual(['store-acme']);
});

test('a requested certificate is read until it is issued, then noted and read no more', async () => {
  dynamo.on(BatchGetItemCommand).resolves({
    Responses: {
      [TABLE]: [{
        id: { S: 'acme' },
        tenant: { S: JSON.stringify(acme) },
        created: { BOOL: true },
        appliedSettings: { S: settingsOf(acme) },
        certificateDomains: { SS: ['acme.example.com'] },
        records: { SS: ['acme.example.com'] },
        status: { S: 'validating' },
      }],
    },
  });
  cloudFront.on(GetDistributionTenantCommand).resolves({
    ETag: 'E1', DistributionTenant: { Id: 'dt_1', Name: 'acme', Domains: [{ Domain: 'acme.example.com' }], Enabled: true, Status: 'Deployed' },
  });
  cloudFront.on(GetManagedCertificateDetailsCommand).resolves({ ManagedCertificateDetails: { CertificateStatus: 'issued' } });
  await expect(reconcileMessages(message(['acme']), deps())).resolves.toEqual({ batchItemFailures: [] });
  expect(dynamo.commandCalls(UpdateItemCommand).map(c => c.args[0].input)).toContainEqual(expect.objectContaining({
    Key: { id: { S: 'acme' } }, ExpressionAttributeNames: { '#a': 'certificateIssued' }, ExpressionAttributeValues: { ':v': { BOOL: true } },
  }));
  expect(JSON.parse(events.commandCalls(PutEventsCommand)[0].args[0].input.Entries![0].Detail!)).toEqual({ tenantId: 'acme', from: 'validating', to: 'active' });
});

describe('a page read with ListDistributionTenants', () => {
  const ids = ['a', 'b', 'c'];
  const item = (id: string) => ({
    id: { S: id },
    tenant: { S: JSON.stringify({ id, domainNames: [`${id}.example.com`] }) },
    created: { BOOL: true },
    status: { S: 'active' },
    appliedSettings: { S: settingsOf({ id, domainNames: [`${id}.example.com`] }) },
    certificateDomains: { SS: [`${id}.example.com`] },
    certificateIssued: { BOOL: true },
    records: { SS: [`${id}.example.com`] },
  });
  const summary = (name: string, domain: string) => ({
    Id: `dt_${name}`,
    Arn: `arn:aws:cloudfront::111111111111:distribution-tenant/dt_${name}`,
    Name: name,
    DistributionId: 'EDFDVBD6EXAMPLE',
    Domains: [{ Domain: domain }],
    Enabled: true,
    Status: 'Deployed',
    ETag: 'E1',
    CreatedTime: new Date(0),
    LastModifiedTime: new Date(0),
  });

  beforeEach(() => {
    dynamo.on(BatchGetItemCommand).resolves({ Responses: { [TABLE]: ids.map(item) } });
    cloudFront.on(ListDistributionTenantsCommand, { Marker: undefined }).resolves({
      NextMarker: 'p2', DistributionTenantList: [summary('store-a', 'a.example.com'), summary('www', 'www.example.com')],
    });
    cloudFront.on(ListDistributionTenantsCommand, { Marker: 'p2' }).resolves({
      DistributionTenantList: [summary('store-b', 'b.example.com'), summary('store-c', 'c.example.com'), summary('store-zz', 'zz.example.com')],
    });
  });

  test('when its pages cost fewer calls than a read each: every page of the distribution\'s tenants, 100 a call', async () => {
    dynamo.on(DescribeTableCommand).resolves({ Table: { ItemCount: 150 } });
    await expect(reconcileMessages(message(ids), deps('store-'))).resolves.toEqual({ batchItemFailures: [] });
    expect(cloudFront.commandCalls(ListDistributionTenantsCommand).map(c => c.args[0].input)).toEqual([
      { AssociationFilter: { DistributionId: 'EDFDVBD6EXAMPLE' }, Marker: undefined, MaxItems: 100 },
      { AssociationFilter: { DistributionId: 'EDFDVBD6EXAMPLE' }, Marker: 'p2', MaxItems: 100 },
    ]);
    expect(cloudFront.commandCalls(GetDistributionTenantCommand)).toHaveLength(0);
  });

  test('a listed tenant\'s first change uses the summary\'s ETag: no read of its own', async () => {
    dynamo.on(DescribeTableCommand).resolves({ Table: { ItemCount: 150 } });
    dynamo.on(BatchGetItemCommand).resolves({ Responses: { [TABLE]: [{ ...item('a'), suspended: { BOOL: true } }, item('b'), item('c')] } });
    await reconcileMessages(message(ids), deps('store-'));
    expect(cloudFront.commandCalls(UpdateDistributionTenantCommand).map(c => c.args[0].input)).toEqual([
      expect.objectContaining({ Id: 'dt_store-a', IfMatch: 'E1', Enabled: false, Domains: [{ Domain: 'a.example.com' }] }),
    ]);
    expect(cloudFront.commandCalls(GetDistributionTenantCommand)).toHaveLength(0);
  });

  // A DistributionTenantSummary has no Parameters, and UpdateDistributionTenant is a PUT of the
  // whole distribution tenant ("DistributionTenantSummary", "UpdateDistributionTenant", CloudFront API Reference,
  // https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DistributionTenantSummary.html).
  test('a listed tenant of a cell keeps its cell\'s origin when changed: a summary carries no parameters, the store gives them', async () => {
    dynamo.on(DescribeTableCommand).resolves({ Table: { ItemCount: 150 } });
    const a = { id: 'a', domainNames: ['a.example.com'], cell: 'eu' };
    dynamo.on(BatchGetItemCommand).resolves({
      Responses: { [TABLE]: [{ ...item('a'), tenant: { S: JSON.stringify(a) }, appliedSettings: { S: settingsOf(a, EU_ORIGIN) }, suspended: { BOOL: true } }, item('b'), item('c')] },
    });
    await reconcileMessages(message(ids), deps('store-', CELLS));
    expect(cloudFront.commandCalls(UpdateDistributionTenantCommand).map(c => c.args[0].input)).toEqual([
      expect.objectContaining({ Id: 'dt_store-a', Enabled: false, Parameters: [{ Name: 'originDomain', Value: EU_ORIGIN }] }),
    ]);
  });

  test('distribution tenants of the list that are not the page\'s (a template\'s, another page\'s) are left alone', async () => {
    dynamo.on(DescribeTableCommand).resolves({ Table: { ItemCount: 150 } });
    await reconcileMessages(message(ids), deps('store-'));
    expect(cloudFront.commandCalls(UpdateDistributionTenantCommand)).toHaveLength(0);
    expect(cloudFront.commandCalls(DeleteDistributionTenantCommand)).toHaveLength(0);
    expect(route53.calls()).toHaveLength(0);
  });

  test('a list longer than the store\'s (stale) item count said stops after as many calls as reads, and reads the rest one by one', async () => {
    dynamo.on(DescribeTableCommand).resolves({ Table: { ItemCount: 0 } });
    cloudFront.on(ListDistributionTenantsCommand, { Marker: 'p2' }).resolves({ NextMarker: 'p3', DistributionTenantList: [summary('store-b', 'b.example.com')] });
    cloudFront.on(ListDistributionTenantsCommand, { Marker: 'p3' }).resolves({ NextMarker: 'p4', DistributionTenantList: [summary('other', 'other.example.com')] });
    cloudFront.on(GetDistributionTenantCommand).callsFake(input => ({ ETag: 'E1', DistributionTenant: summary(input.Identifier, `${input.Identifier.slice(6)}.example.com`) }));
    await expect(reconcileMessages(message(ids), deps('store-'))).resolves.toEqual({ batchItemFailures: [] });
    expect(cloudFront.commandCalls(ListDistributionTenantsCommand).map(c => c.args[0].input.Marker)).toEqual([undefined, 'p2', 'p3']);
    expect(cloudFront.commandCalls(GetDistributionTenantCommand).map(c => c.args[0].input.Identifier)).toEqual(['store-c']);
  });

  // A DistributionTenantSummary carries the distribution tenant's Id and ConnectionGroupId
  // (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DistributionTenantSummary.html).
  test('a distribution tenant to adopt is found in the list by the ID `adoptFrom` gives (before it is noted by name)', async () => {
    dynamo.on(DescribeTableCommand).resolves({ Table: { ItemCount: 150 } });
    const w = { id: 'w', domainNames: ['www.example.com'], externalDns: true, adoptFrom: { distributionTenantId: 'dt_2wwwDEF0123456789' } };
    dynamo.on(BatchGetItemCommand).resolves({ Responses: { [TABLE]: [...ids.map(item), { id: { S: 'w' }, tenant: { S: JSON.stringify(w) } }] } });
    cloudFront.on(ListDistributionTenantsCommand, { Marker: undefined }).resolves({
      NextMarker: 'p2', DistributionTenantList: [summary('store-a', 'a.example.com'), { ...summary('www', 'www.example.com'), Id: 'dt_2wwwDEF0123456789', ConnectionGroupId: 'cg_1' }],
    });
    cloudFront.on(GetManagedCertificateDetailsCommand, { Identifier: 'www' }).resolves({ ManagedCertificateDetails: { CertificateStatus: 'issued' } });
    await reconcileMessages(message([...ids, 'w']), deps('store-'));
    expect(cloudFront.commandCalls(GetDistributionTenantCommand)).toHaveLength(0);
    expect(cloudFront.commandCalls(CreateDistributionTenantCommand)).toHaveLength(0);
    expect(dynamo.commandCalls(UpdateItemCommand).map(c => c.args[0].input)).toContainEqual(expect.objectContaining({
      Key: { id: { S: 'w' } }, ExpressionAttributeNames: { '#a': 'distributionTenant' }, ExpressionAttributeValues: { ':v': { S: 'www' } },
    }));
  });

  test('on a distribution with many more tenants than the page, one read each instead', async () => {
    dynamo.on(DescribeTableCommand).resolves({ Table: { ItemCount: 100_000 } });
    cloudFront.on(GetDistributionTenantCommand).callsFake(input => ({ ETag: 'E1', DistributionTenant: summary(input.Identifier, `${input.Identifier.slice(6)}.example.com`) }));
    await expect(reconcileMessages(message(ids), deps('store-'))).resolves.toEqual({ batchItemFailures: [] });
    expect(cloudFront.commandCalls(ListDistributionTenantsCommand)).toHaveLength(0);
    expect(cloudFront.commandCalls(GetDistributionTenantCommand).map(c => c.args[0].input.Identifier)).toEqual(['store-a', 'store-b', 'store-c']);
  });
});

test('a tenant served as the store still wants it is not read again; one the store changed since is', async () => {
  const settled = {
    id: { S: 'acme' },
    tenant: { S: JSON.stringify(acme) },
    status: { S: 'active' },
    created: { BOOL: true },
    settledAs: { S: settledFingerprint({ tenant: acme }) },
  };
  dynamo.on(BatchGetItemCommand).resolves({ Responses: { [TABLE]: [settled] } });
  await expect(reconcileMessages(message(['acme']), deps())).resolves.toEqual({ batchItemFailures: [] });
  expect(cloudFront.calls()).toHaveLength(0);
  expect(dynamo.commandCalls(UpdateItemCommand)).toHaveLength(0);

  const changed = { ...acme, domainNames: ['acme.example.com', 'www.acme.example.com'] };
  dynamo.on(BatchGetItemCommand).resolves({ Responses: { [TABLE]: [{ ...settled, tenant: { S: JSON.stringify(changed) } }] } });
  cloudFront.on(GetDistributionTenantCommand).resolves({
    ETag: 'E1', DistributionTenant: { Id: 'dt_1', Name: 'acme', Domains: [{ Domain: 'acme.example.com' }], Enabled: true, Status: 'Deployed' },
  });
  await reconcileMessages(message(['acme']), deps());
  expect(cloudFront.commandCalls(UpdateDistributionTenantCommand)[0].args[0].input.Domains).toEqual([{ Domain: 'acme.example.com' }, { Domain: 'www.acme.example.com' }]);
});

test('reaching active notes what the store wanted, so later passes skip the tenant', async () => {
  dynamo.on(BatchGetItemCommand).resolves({
    Responses: {
      [TABLE]: [{
        id: { S: 'acme' },
        tenant: { S: JSON.stringify(acme) },
        created: { BOOL: true },
        appliedSettings: { S: settingsOf(acme) },
        certificateDomains: { SS: ['acme.example.com'] },
        certificateIssued: { BOOL: true },
        records: { SS: ['acme.example.com'] },
        status: { S: 'pending-dns' },
      }],
    },
  });
  cloudFront.on(GetDistributionTenantCommand).resolves({
    ETag: 'E1', DistributionTenant: { Id: 'dt_1', Name: 'acme', Domains: [{ Domain: 'acme.example.com' }], Enabled: true, Status: 'Deployed' },
  });
  await reconcileMessages(message(['acme']), deps());
  expect(dynamo.commandCalls(UpdateItemCommand).map(c => c.args[0].input)).toContainEqual({
    TableName: TABLE,
    Key: { id: { S: 'acme' } },
    UpdateExpression: 'SET #s = :s, #r = :r, #f = :f',
    ExpressionAttributeNames: { '#s': 'status', '#r': 'reason', '#f': 'settledAs' },
    ExpressionAttributeValues: { ':s': { S: 'active' }, ':r': { S: '' }, ':f': { S: settledFingerprint({ tenant: acme }) } },
  });
});

// GetDistributionTenant and GetManagedCertificateDetails take a distribution tenant's ID or name
// ("GetDistributionTenant", CloudFront API Reference, Identifier: "the ARN, ID, or name",
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_GetDistributionTenant.html): an
// adoption reads by the ID `adoptFrom` gives, then by the name it notes. UpdateDistributionTenant
// replaces the distribution tenant whole, with the ETag of its read
// (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_UpdateDistributionTenant.html), so a
// certificate it holds is sent back.
describe('adopting a distribution tenant (a template tenant handed off with `handOff`)', () => {
  const DT_ID = 'dt_2abcDEF0123456789';
  const adopting = { id: 'acme', domainNames: ['acme.example.com'], externalDns: true, adoptFrom: { distributionTenantId: DT_ID } };
  const CERTIFICATE = { Arn: 'arn:aws:acm:us-east-1:111111111111:certificate/managed' };
  const templateTenant = (over: object = {}) => ({
    ETag: 'ET',
    DistributionTenant: {
      Id: DT_ID,
      Name: 'acme',
      DistributionId: 'EDFDVBD6EXAMPLE',
      ConnectionGroupId: 'cg_1',
      Domains: [{ Domain: 'acme.example.com' }],
      Enabled: true,
      Status: 'Deployed',
      Customizations: { Certificate: CERTIFICATE },
      ...over,
    },
  });
  const stored = (tenant: object = adopting) => dynamo.on(BatchGetItemCommand).resolves({
    Responses: { [TABLE]: [{ id: { S: 'acme' }, tenant: { S: JSON.stringify(tenant) } }] },
  });
  const notes = () => dynamo.commandCalls(UpdateItemCommand).map(c => c.args[0].input)
    .filter(u => u.UpdateExpression === 'SET #a = :v').map(u => [u.ExpressionAttributeNames!['#a'], u.ExpressionAttributeValues![':v']]);
  const published = () => events.commandCalls(PutEventsCommand).flatMap(c => c.args[0].input.Entries!.map(e => JSON.parse(e.Detail!)));

  test('its first pass reads it by the ID given, takes its certificate as it is, writes settings it lacks keeping that certificate, and notes it as the tenant\'s', async () => {
    stored({ ...adopting, webAcl: 'none' });
    cloudFront.on(GetDistributionTenantCommand, { Identifier: DT_ID }).resolves(templateTenant());
    cloudFront.on(GetManagedCertificateDetailsCommand, { Identifier: 'acme' }).resolves({ ManagedCertificateDetails: { CertificateStatus: 'issued' } });
    await reconcileMessages(message(['acme']), deps('store-'));
    expect(cloudFront.commandCalls(CreateDistributionTenantCommand)).toHaveLength(0);
    // One update: the settings the store applies, the certificate sent back as CloudFront reports it, no new certificate asked.
    expect(cloudFront.commandCalls(UpdateDistributionTenantCommand).map(c => c.args[0].input)).toEqual([{
      Id: DT_ID,
      IfMatch: 'ET',
      DistributionId: 'EDFDVBD6EXAMPLE',
      ConnectionGroupId: 'cg_1',
      Domains: [{ Domain: 'acme.example.com' }],
      Customizations: { WebAcl: { Action: 'disable' }, Certificate: CERTIFICATE },
      Parameters: undefined,
      Enabled: true,
    }]);
    // Its records are the template's: the store writes none.
    expect(route53.calls()).toHaveLength(0);
    expect(notes()).toEqual(expect.arrayContaining([
      ['certificateDomains', { SS: ['acme.example.com'] }], ['certificateIssued', { BOOL: true }], ['distributionTenant', { S: 'acme' }],
    ]));
    expect(published()).toEqual([{ tenantId: 'acme', to: 'active' }]);
  });

  test('one already serving as the store wants (the template\'s settings from the same entry) is adopted without a single change', async () => {
    const eu = { ...adopting, cell: 'eu', geoRestriction: { allow: ['FR', 'DE'] } };
    stored(eu);
    cloudFront.on(GetDistributionTenantCommand).resolves(templateTenant({
      Customizations: { Certificate: CERTIFICATE, GeoRestrictions: { RestrictionType: 'whitelist', Locations: ['DE', 'FR'] } },
      Parameters: [{ Name: 'originDomain', Value: EU_ORIGIN }],
    }));
    cloudFront.on(GetManagedCertificateDetailsCommand).resolves({ ManagedCertificateDetails: { CertificateStatus: 'issued' } });
    await reconcileMessages(message(['acme']), deps('store-', CELLS));
    expect(cloudFront.commandCalls(UpdateDistributionTenantCommand)).toHaveLength(0);
    expect(notes()).toContainEqual(['appliedSettings', { S: settingsOf(eu, EU_ORIGIN) }]);
    expect(published()).toEqual([{ tenantId: 'acme', to: 'active' }]);
  });

  test('once noted, it is known by its name: a removal disables and deletes the adopted distribution tenant, not one named like the store\'s', async () => {
    dynamo.on(BatchGetItemCommand).resolves({ Responses: { [TABLE]: [{ id: { S: 'acme' }, status: { S: 'active' }, distributionTenant: { S: 'acme' }, created: { BOOL: true } }] } });
    cloudFront.on(GetDistributionTenantCommand, { Identifier: 'acme' }).resolves(templateTenant());
    await reconcileMessages(message(['acme']), deps('store-'));
    expect(cloudFront.commandCalls(GetDistributionTenantCommand).map(c => c.args[0].input.Identifier)).toEqual(['acme']);
    const updates = cloudFront.commandCalls(UpdateDistributionTenantCommand).map(c => c.args[0].input);
    expect(updates.map(u => [u.Id, u.Enabled])).toEqual([[DT_ID, false]]);
  });

  test('a released tenant (remove --store --release) is forgotten: its item deleted, its distribution tenant and records neither read nor changed', async () => {
    dynamo.on(BatchGetItemCommand).resolves({
      Responses: {
        [TABLE]: [{
          id: { S: 'acme' }, status: { S: 'active' }, distributionTenant: { S: 'acme' }, created: { BOOL: true }, released: { BOOL: true }, records: { SS: ['acme.example.com'] },
        }],
      },
    });
    await reconcileMessages(message(['acme']), deps('store-'));
    expect(cloudFront.calls()).toHaveLength(0);
    expect(route53.calls()).toHaveLength(0);
    expect(dynamo.commandCalls(DeleteItemCommand).map(c => c.args[0].input.Key)).toEqual([{ id: { S: 'acme' } }]);
    expect(published()).toEqual([{ tenantId: 'acme', from: 'active', to: 'deleted' }]);
  });

  test('one on another distribution or connection group, without a managed certificate, or not found is refused: failed with the reason, nothing changed or noted as the tenant\'s', async () => {
    const refusal = async (setUp: () => void) => {
      cloudFront.reset();
      dynamo.reset();
      events.reset();
      events.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
      stored();
      setUp();
      await reconcileMessages(message(['acme']), deps('store-'));
      expect(cloudFront.commandCalls(CreateDistributionTenantCommand)).toHaveLength(0);
      expect(cloudFront.commandCalls(UpdateDistributionTenantCommand)).toHaveLength(0);
      expect(notes().map(([name]) => name)).not.toContain('distributionTenant');
      const [event] = published();
      expect(event).toEqual({ tenantId: 'acme', to: 'failed', reason: expect.any(String) });
      return event.reason as string;
    };
    expect(await refusal(() => cloudFront.on(GetDistributionTenantCommand).resolves(templateTenant({ DistributionId: 'EOTHER0000001', ConnectionGroupId: 'cg_9' }))))
      .toBe(`\`adoptFrom\`: distribution tenant ${DT_ID} is on distribution EOTHER0000001, not the gateway's EDFDVBD6EXAMPLE and connection group cg_9, not the gateway's cg_1`);
    expect(await refusal(() => {
      cloudFront.on(GetDistributionTenantCommand).resolves(templateTenant());
      cloudFront.on(GetManagedCertificateDetailsCommand).rejects(notFound());
    })).toMatch(new RegExp(`^\`adoptFrom\`: distribution tenant ${DT_ID} has no CloudFront-managed certificate`));
    expect(await refusal(() => cloudFront.on(GetDistributionTenantCommand).rejects(notFound())))
      .toBe(`\`adoptFrom\`: distribution tenant ${DT_ID} was not found`);
  });
});
