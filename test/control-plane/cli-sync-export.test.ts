import * as fs from 'fs';
import { DynamoDBClient, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
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

  test('new and changed tenants are written, removed ones marked, unchanged ones left alone; all queued in pages', () => {
    const plan = syncPlan([{ ...acme, webAcl: 'none' }, shop], [{ id: 'acme', tenant: acme }, { id: 'shop', tenant: shop }, { id: 'old', tenant: { id: 'old', domainNames: ['old.example.com'] } }, { id: 'gone' }]);
    expect(plan).toEqual({ writes: [{ ...acme, webAcl: 'none' }], removals: ['old'], pages: [['acme', 'old']] });
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
  expect(dynamo.commandCalls(UpdateItemCommand).map(c => c.args[0].input)).toEqual([{
    TableName: 'Tenants',
    Key: { id: { S: 'shop' } },
    UpdateExpression: 'SET #t = :t',
    ExpressionAttributeNames: { '#t': 'tenant' },
    ExpressionAttributeValues: { ':t': { S: JSON.stringify(shop) } },
  }]);
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
  dynamo.on(ScanCommand).resolves({ Items: [{ id: { S: 'shop' }, tenant: { S: JSON.stringify(shop) } }, { id: { S: 'acme' }, tenant: { S: JSON.stringify(acme) } }] });
  const run = await cli.runAsync(undefined, 'export', '--table', 'Tenants', '--region', 'us-east-1');
  expect(run.code).toBe(0);
  expect(JSON.parse(fs.readFileSync(cli.file('tenants.json'), 'utf8'))).toEqual({ tenants: [acme, shop] });
  const bare = await cli.runAsync(undefined, 'export');
  expect(bare.code).not.toBe(0);
  expect(bare.err).toContain('`export` needs --stack-name <stack> (the gateway\'s stack, whose outputs name the store) or --table <name>');
});
