// Pages must not expire unseen. SQS keeps a message at most 14 days from when it was first sent
// ("Amazon SQS quotas", Amazon SQS Developer Guide,
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-limits.html);
// a 1,000,000-tenant import takes about 11 days, a larger one longer. A tenant notes when it was
// queued, so `sync` run again queues the tenants the reconciler never passed whose page is that
// old, and nothing else: a second `sync` resumes, and a `sync` with nothing to resume does nothing.
import * as fs from 'fs';
import { DynamoDBClient, ScanCommand, TransactWriteItemsCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import * as fc from 'fast-check';
import { StoredTenant, syncPlan } from '../../src/cli/control-plane';
import { PAGE_RETENTION_SECONDS, pageExpired } from '../../src/control-plane/page-retention';
import { TenantProps } from '../../src/tenants/tenants';
import { cliFolder } from '../cli/cli-harness';

const DAY = 24 * 3600 * 1000;
const NOW = Date.UTC(2026, 11, 5);
const tenant = (id: string): TenantProps => ({ id, domainNames: [`${id}.example.com`] });

test('the retention is SQS\'s maximum, 14 days; a page is past it from then on, and an unknown queue time is not', () => {
  expect(PAGE_RETENTION_SECONDS).toBe(14 * 24 * 3600);
  expect(pageExpired(NOW - 14 * DAY, NOW)).toBe(true);
  expect(pageExpired(NOW - 14 * DAY + 1, NOW)).toBe(false);
  expect(pageExpired(undefined, NOW)).toBe(false);
});

test('`sync` queues again the tenants never reconciled whose page the queue has dropped, removals too; not the others', () => {
  const stored: StoredTenant[] = [
    { id: 'dropped', tenant: tenant('dropped'), queuedAt: NOW - 15 * DAY },
    { id: 'waiting', tenant: tenant('waiting'), queuedAt: NOW - 13 * DAY },
    { id: 'passed', tenant: tenant('passed'), status: 'pending-dns', queuedAt: NOW - 20 * DAY },
    { id: 'unknown', tenant: tenant('unknown') },
    { id: 'gone', queuedAt: NOW - 15 * DAY },
    { id: 'changed', tenant: tenant('changed'), queuedAt: NOW - 15 * DAY },
  ];
  const file = ['dropped', 'waiting', 'passed', 'unknown'].map(tenant).concat({ ...tenant('changed'), webAcl: 'none' });
  const plan = syncPlan(file, stored, new Map(), NOW);
  expect(plan.requeued).toEqual(['dropped', 'gone']);
  expect(plan.writes.map(t => t.id)).toEqual(['changed']);
  expect(plan.pages).toEqual([['changed', 'dropped', 'gone']]);
});

/** The store after a `sync` at `now` that the reconciler has not passed yet. */
function afterSync(file: TenantProps[], stored: StoredTenant[], now: number): StoredTenant[] {
  const plan = syncPlan(file, stored, new Map(), now);
  const queued = new Set(plan.pages.flat());
  const byId = new Map(stored.map(s => [s.id, s]));
  for (const t of plan.writes) byId.set(t.id, { ...byId.get(t.id), id: t.id, tenant: t });
  for (const id of plan.removals) byId.set(id, { ...byId.get(id)!, tenant: undefined });
  return [...byId.values()].map(s => (queued.has(s.id) ? { ...s, queuedAt: now } : s));
}

test('property: `sync` again at once does nothing; past the retention, it queues every tenant the reconciler has not passed, once', () => {
  const ids = ['a', 'b', 'c', 'd', 'e'];
  const scenario = fc.record({
    stored: fc.subarray(ids).chain(present => fc.tuple(...present.map(id => fc.record({
      id: fc.constant(id),
      status: fc.constantFrom(undefined, 'active', 'failed'),
      age: fc.integer({ min: 0, max: 30 }),
      removed: fc.boolean(),
    }))).map(items => items.map((i): StoredTenant => ({
      id: i.id, ...(i.removed ? {} : { tenant: tenant(i.id) }), ...(i.status ? { status: i.status } : {}), queuedAt: NOW - i.age * DAY,
    })))),
    file: fc.subarray(ids),
  });
  fc.assert(fc.property(scenario, ({ stored, file }) => {
    const tenants = file.map(tenant);
    const once = afterSync(tenants, stored, NOW);
    const again = syncPlan(tenants, once, new Map(), NOW);
    expect(again).toMatchObject({ writes: [], removals: [], requeued: [], pages: [] });

    const later = NOW + 14 * DAY;
    const resumed = syncPlan(tenants, once, new Map(), later);
    expect(resumed.requeued.sort()).toEqual(once.filter(s => s.status === undefined).map(s => s.id).sort());
    expect(syncPlan(tenants, afterSync(tenants, once, later), new Map(), later).pages).toEqual([]);
  }));
});

describe('`sync` against the store', () => {
  const dynamo = mockClient(DynamoDBClient);
  const sqs = mockClient(SQSClient);
  const cli = cliFolder('control-plane-retention-');
  beforeEach(() => {
    dynamo.reset();
    sqs.reset();
    dynamo.on(TransactWriteItemsCommand).resolves({});
    dynamo.on(UpdateItemCommand).resolves({});
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
  });

  test('a tenant never reconciled, queued more than 14 days ago, is queued again and its queue time renewed; the output says so', async () => {
    const acme = tenant('acme');
    fs.writeFileSync(cli.file('tenants.json'), JSON.stringify({ tenants: [acme] }));
    dynamo.on(ScanCommand).resolves({
      Items: [
        { id: { S: 'acme' }, tenant: { S: JSON.stringify(acme) }, queuedAt: { N: String(Date.now() - 15 * DAY) } },
        { id: { S: 'domain#acme.example.com' }, owner: { S: 'acme' } },
      ],
    });
    const run = await cli.runAsync(undefined, 'sync', '--table', 'Tenants', '--queue-url', 'https://sqs/1/Pages');
    expect(run.err).toBe('');
    expect(run.out).toContain('0 tenants written, 0 removed, 1 pages queued (1 tenants queued again: the queue had dropped their pages, older than 14 days)');
    expect(dynamo.commandCalls(UpdateItemCommand).map(c => c.args[0].input)).toEqual([{
      TableName: 'Tenants',
      Key: { id: { S: 'acme' } },
      UpdateExpression: 'SET #q = :q',
      ConditionExpression: 'attribute_exists(#i)',
      ExpressionAttributeNames: { '#q': 'queuedAt', '#i': 'id' },
      ExpressionAttributeValues: { ':q': { N: expect.stringMatching(/^\d+$/) } },
    }]);
    expect(sqs.commandCalls(SendMessageBatchCommand)[0].args[0].input.Entries).toEqual([{ Id: '0', MessageBody: '{"tenantIds":["acme"]}' }]);
  });
});
