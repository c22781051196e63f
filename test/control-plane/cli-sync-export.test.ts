import * as fs from 'fs';
import {
  DeleteItemCommand, DynamoDBClient, ScanCommand, TransactionCanceledException, TransactWriteItemsCommand, UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { exportText, PAGE_SIZE, syncPlan } from '../../src/cli/control-plane';
import { cliFolder } from '../cli/cli-harness';

const dynamo = mockClient(DynamoDBClient);
const sqs = mockClient(SQSClient);
const cli = cliFolder('control-plane-cli-');
const acme = { id: 'acme', domainNames: ['acme.example.com'] };
const shop = { id: 'shop', domainNames: ['shop.example.com'] };

beforeEach(() => {
  dynamo.reset();
  sqs.reset();
  sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
  dynamo.on(TransactWriteItemsCommand).resolves({});
  dynamo.on(DeleteItemCommand).resolves({});
});

describe('syncPlan', () => {
  test('a domain\'s old and new tenant share a page, however far apart they are in the file', () => {
    const many = Array.from({ length: 2 * PAGE_SIZE }, (_, i) => ({ id: `t${i}`, domainNames: [`t${i}.example.com`] }));
    const stored = [...many.map(t => ({ id: t.id, tenant: t })), { id: 'old', tenant: { id: 'old', domainNames: ['moving.example.com', 'old.example.com'] } }];
    const file = [{ id: 'new', domainNames: ['moving.example.com'] }, ...many.map(t => ({ ...t, webAcl: 'none' })),
      { id: 'old', domainNames: ['old.example.com'] }];
    const pages = syncPlan(file, stored).pages;
    expect(pages.find(p => p.includes('new'))).toContain('old');
    expect(pages.flat().sort()).toEqual(file.map(t => t.id).sort());
    expect(pages.every(p => p.length <= PAGE_SIZE)).toBe(true);
  });

  test('a tenant whose `config` changed is written, whatever the order of its keys', () => {
    const gold = { ...acme, config: { plan: 'gold', region: 'eu' } };
    const stored = [{ id: 'acme', tenant: gold }];
    expect(syncPlan([{ ...acme, config: { region: 'eu', plan: 'gold' } }], stored).writes).toEqual([]);
    expect(syncPlan([{ ...acme, config: { plan: 'silver', region: 'eu' } }], stored).writes).toEqual([{ ...acme, config: { plan: 'silver', region: 'eu' } }]);
    expect(syncPlan([acme], stored).writes).toEqual([acme]);
  });

  test('a tenant that now names a distribution tenant to adopt, or another one, is written', () => {
    const external = { ...acme, externalDns: true };
    const adopting = (id: string) => ({ ...external, adoptFrom: { distributionTenantId: id } });
    expect(syncPlan([adopting('dt_2abcDEF0123456789')], [{ id: 'acme', tenant: external }]).writes).toEqual([adopting('dt_2abcDEF0123456789')]);
    expect(syncPlan([adopting('dt_2abcDEF0123456789')], [{ id: 'acme', tenant: adopting('dt_2abcDEF0123456789') }]).writes).toEqual([]);
    expect(syncPlan([adopting('dt_9zyxWVU9876543210')], [{ id: 'acme', tenant: adopting('dt_2abcDEF0123456789') }]).writes).toEqual([adopting('dt_9zyxWVU9876543210')]);
  });

  test('new and changed tenants are written, removed ones marked, unchanged ones left alone; all queued in pages', () => {
    const plan = syncPlan([{ ...acme, webAcl: 'none' }, shop], [{ id: 'acme', tenant: acme }, { id: 'shop', tenant: shop }, { id: 'old', tenant: { id: 'old', domainNames: ['old.example.com'] } }, { id: 'gone' }]);
    expect(plan).toMatchObject({ writes: [{ ...acme, webAcl: 'none' }], removals: ['old'], pages: [['acme', 'old']] });
  });

  test('claims each domain of the file its tenant does not hold (saying who held it), and releases the claims on domains the file no longer has', () => {
    const claims = new Map([['acme.example.com', 'acme'], ['moving.example.com', 'old'], ['old.example.com', 'old']]);
    const plan = syncPlan([acme, shop, { id: 'new', domainNames: ['moving.example.com'] }],
      [{ id: 'acme', tenant: acme }, { id: 'shop', tenant: shop }, { id: 'old', tenant: { id: 'old', domainNames: ['moving.example.com', 'old.example.com'] } }], claims);
    // shop was stored before claims existed: it is claimed now, though unchanged.
    expect(plan.claims).toEqual({ shop: [{ domain: 'shop.example.com' }], new: [{ domain: 'moving.example.com', was: 'old' }] });
    expect(plan.releases).toEqual({ old: ['old.example.com'] });
    expect(plan.writes).toEqual([{ id: 'new', domainNames: ['moving.example.com'] }]);
  });

  test(`pages hold ${PAGE_SIZE} tenants`, () => {
    const tenants = Array.from({ length: 2 * PAGE_SIZE + 1 }, (_, i) => ({ id: `t${i}`, domainNames: [`t${i}.example.com`] }));
    expect(syncPlan(tenants, []).pages.map(p => p.length)).toEqual([PAGE_SIZE, PAGE_SIZE, 1]);
  });
});

test('export writes the store\'s tenants in id order, refusing what the tenants file would refuse', () => {
  expect(JSON.parse(exportText([{ id: 'shop', tenant: shop }, { id: 'gone' }, { id: 'acme', tenant: acme }], 'store'))).toEqual({ tenants: [acme, shop] });
  expect(() => exportText([{ id: 'a', tenant: acme }, { id: 'b', tenant: { id: 'b', domainNames: ['acme.example.com'] } }], 'store'))
    .toThrow(/already belongs to tenant "acme"/);
});

test('`sync` writes the file\'s changes to the table and sends the pages to the queue', async () => {
  fs.writeFileSync(cli.file('tenants.json'), JSON.stringify({ tenants: [acme, shop] }));
  dynamo.on(ScanCommand).resolves({ Items: [{ id: { S: 'acme' }, tenant: { S: JSON.stringify(acme) } }] });
  const run = await cli.runAsync(undefined, 'sync', '--table', 'Tenants', '--queue-url', 'https://sqs.us-east-1.amazonaws.com/1/Pages', '--region', 'us-east-1');
  expect(run.err).toBe('');
  expect(run.code).toBe(0);
  expect(run.out).toContain('1 tenants written, 0 removed, 1 pages queued');
  expect(dynamo.commandCalls(TransactWriteItemsCommand).map(c => c.args[0].input.TransactItems)).toEqual([[{
    Put: {
      TableName: 'Tenants',
      Item: { id: { S: 'domain#shop.example.com' }, owner: { S: 'shop' } },
      ConditionExpression: 'attribute_not_exists(#i) OR #o = :o',
      ExpressionAttributeNames: { '#i': 'id', '#o': 'owner' },
      ExpressionAttributeValues: { ':o': { S: 'shop' } },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  }, {
    Update: {
      TableName: 'Tenants',
      Key: { id: { S: 'shop' } },
      UpdateExpression: 'SET #t = :t, #q = :q',
      ExpressionAttributeNames: { '#t': 'tenant', '#q': 'queuedAt' },
      ExpressionAttributeValues: { ':t': { S: JSON.stringify(shop) }, ':q': { N: expect.stringMatching(/^\d+$/) } },
    },
  }], [expect.objectContaining({ Put: expect.objectContaining({ Item: { id: { S: 'domain#acme.example.com' }, owner: { S: 'acme' } } }) })]]);
  expect(dynamo.commandCalls(UpdateItemCommand)).toHaveLength(0);
  expect(sqs.commandCalls(SendMessageBatchCommand)[0].args[0].input).toEqual({
    QueueUrl: 'https://sqs.us-east-1.amazonaws.com/1/Pages', Entries: [{ Id: '0', MessageBody: JSON.stringify({ tenantIds: ['shop'] }) }],
  });
});

test('`sync` refuses a file the tenants-file rules refuse, before it writes anything', async () => {
  fs.writeFileSync(cli.file('tenants.json'), JSON.stringify({ tenants: [acme, { id: 'Shop', domainNames: ['acme.example.com'] }] }));
  const run = await cli.runAsync(undefined, 'sync', '--table', 'Tenants', '--queue-url', 'https://sqs/1/Pages');
  expect(run.code).toBe(1);
  expect(run.err).toMatch(/`id` "Shop" must be 1-63 lower-case[\s\S]*already belongs to tenant "acme"/);
  expect(dynamo.commandCalls(UpdateItemCommand)).toHaveLength(0);
});

test('`export` writes the store as the tenants file, and `sync` and `export` need --table', async () => {
  // The domain claims beside the tenants are not exported.
  dynamo.on(ScanCommand).resolves({
    Items: [{ id: { S: 'shop' }, tenant: { S: JSON.stringify(shop) } }, { id: { S: 'domain#shop.example.com' }, owner: { S: 'shop' } },
      { id: { S: 'acme' }, tenant: { S: JSON.stringify(acme) } }],
  });
  const run = await cli.runAsync(undefined, 'export', '--table', 'Tenants', '--region', 'us-east-1');
  expect(run.code).toBe(0);
  expect(JSON.parse(fs.readFileSync(cli.file('tenants.json'), 'utf8'))).toEqual({ tenants: [acme, shop] });
  const bare = await cli.runAsync(undefined, 'export');
  expect(bare.code).not.toBe(0);
  expect(bare.err).toContain('`export` needs --stack-name <stack> (the gateway\'s stack, whose outputs name the store) or --table <name>');
});

test('`sync` takes a moving domain\'s claim from its old owner only, and a domain another store tenant took since the read refuses that tenant alone', async () => {
  fs.writeFileSync(cli.file('tenants.json'), JSON.stringify({ tenants: [acme, { id: 'new', domainNames: ['moving.example.com'] }] }));
  dynamo.on(ScanCommand).resolves({
    Items: [{ id: { S: 'acme' }, tenant: { S: JSON.stringify(acme) } }, { id: { S: 'domain#acme.example.com' }, owner: { S: 'acme' } },
      { id: { S: 'old' }, tenant: { S: JSON.stringify({ id: 'old', domainNames: ['moving.example.com'] }) } }, { id: { S: 'domain#moving.example.com' }, owner: { S: 'old' } }],
  });
  dynamo.on(TransactWriteItemsCommand).rejects(new TransactionCanceledException({
    message: 'cancelled', $metadata: {}, CancellationReasons: [{ Code: 'ConditionalCheckFailed', Item: { owner: { S: 'intruder' } } }, { Code: 'None' }],
  }));
  const run = await cli.runAsync(undefined, 'sync', '--table', 'Tenants', '--queue-url', 'https://sqs/1/Pages');
  expect(run.code).toBe(1);
  expect(run.err).toMatch(/not every tenant was written[\s\S]*tenant "new": `domainNames` "moving.example.com" is held by store tenant "intruder"/);
  const put = dynamo.commandCalls(TransactWriteItemsCommand)[0].args[0].input.TransactItems![0].Put!;
  expect(put.ConditionExpression).toBe('attribute_not_exists(#i) OR #o = :o OR #o = :w');
  expect(put.ExpressionAttributeValues).toEqual({ ':o': { S: 'new' }, ':w': { S: 'old' } });
  // The rest is synced and queued all the same.
  expect(dynamo.commandCalls(UpdateItemCommand).map(c => c.args[0].input.Key!.id.S)).toEqual(['old']);
  expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(1);
});

test('`sync` refuses a tenant that declares a move the reconciler cannot carry out, naming each problem, before it writes anything', async () => {
  fs.writeFileSync(cli.file('tenants.json'), JSON.stringify({ tenants: [{ ...acme, adoptFrom: { distributionId: 'E2QWRUHEXAMPLE' } }, shop] }));
  const run = await cli.runAsync(undefined, 'sync', '--table', 'Tenants', '--queue-url', 'https://sqs/1/Pages');
  expect(run.code).toBe(1);
  expect(run.err).toContain('tenant "acme": `adoptFrom`: the control plane adopts a distribution tenant of the gateway\'s distribution as the tenant\'s own, ' +
    'named by `distributionTenantId` alone (not `distributionId`)');
  expect(run.err).toContain('tenant "acme": `adoptFrom` needs `"externalDns": true`');
  expect(dynamo.calls()).toHaveLength(0);
});

test('`sync` refuses a tenant whose `config` a template tenant could not have, naming it, before it writes anything', async () => {
  fs.writeFileSync(cli.file('tenants.json'), JSON.stringify({ tenants: [{ ...acme, config: { blob: 'x'.repeat(5000) } }, { ...shop, cell: 'eu' }] }));
  const run = await cli.runAsync(undefined, 'sync', '--table', 'Tenants', '--queue-url', 'https://sqs/1/Pages');
  expect(run.code).toBe(1);
  expect(run.err).toMatch(/cannot take a tenant as the file has them:\n  - tenant "acme": its `config` makes \d+ bytes per host/);
  // Without the stack's outputs the cells are not known: the reconciler checks them.
  expect(run.err).not.toContain('shop');
  expect(dynamo.calls()).toHaveLength(0);
});
