// `add`, `remove` and `status` with --store: the control plane's tenant store (DynamoDB) and queue
// (SQS), found by name or in the gateway's stack outputs (CloudFormation); all mocked. Without
// --store the same commands edit and read the tenants file as before.
import * as fs from 'fs';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DeleteItemCommand, DynamoDBClient, GetItemCommand, ScanCommand, TransactionCanceledException, TransactWriteItemsCommand, UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { cliFolder } from '../cli/cli-harness';

const dynamo = mockClient(DynamoDBClient);
const sqs = mockClient(SQSClient);
const cloudFormation = mockClient(CloudFormationClient);
const cli = cliFolder('control-plane-store-');
const QUEUE = 'https://sqs.us-east-1.amazonaws.com/111111111111/Pages';
const BY_NAME = ['--store', '--table', 'Tenants', '--queue-url', QUEUE];

beforeEach(() => {
  dynamo.reset();
  sqs.reset();
  cloudFormation.reset();
  dynamo.on(UpdateItemCommand).resolves({});
  dynamo.on(TransactWriteItemsCommand).resolves({});
  dynamo.on(DeleteItemCommand).resolves({});
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm1' });
  sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
});

/** The gateway's stack "Edge" with its control plane's outputs (table Edge-Tenants-1, the queue) and `extra`. */
const edgeStack = (...extra: { OutputKey: string; OutputValue: string }[]) => cloudFormation.on(DescribeStacksCommand, { StackName: 'Edge' }).resolves({
  Stacks: [{
    StackName: 'Edge',
    CreationTime: new Date(),
    StackStatus: 'UPDATE_COMPLETE',
    Outputs: [
      { OutputKey: 'GatewayControlPlaneTable', OutputValue: 'Edge-Tenants-1' },
      { OutputKey: 'GatewayControlPlaneQueueUrl', OutputValue: QUEUE },
      ...extra,
    ],
  }],
});
const conditionFailed = () => Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });
/** A cancelled transaction, its reasons in the order of its items (undefined: the item's condition held). */
const cancelled = (...owners: (string | undefined | 'self')[]) => new TransactionCanceledException({
  message: 'Transaction cancelled',
  $metadata: {},
  CancellationReasons: owners.map(o => (o === undefined ? { Code: 'None' }
    : o === 'self' ? { Code: 'ConditionalCheckFailed' } : { Code: 'ConditionalCheckFailed', Item: { owner: { S: o } } })),
});
const claim = (domain: string, owner: string) => ({
  Put: {
    TableName: 'Tenants',
    Item: { id: { S: `domain#${domain}` }, owner: { S: owner } },
    ConditionExpression: 'attribute_not_exists(#i) OR #o = :o',
    ExpressionAttributeNames: { '#i': 'id', '#o': 'owner' },
    ExpressionAttributeValues: { ':o': { S: owner } },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  },
});

describe('add --store', () => {
  test('writes the tenant as the file would hold it with a claim per domain, in one transaction, only if its id and domains are free, and queues it', async () => {
    const run = await cli.runAsync(undefined, 'add', 'acme', 'acme.example.com', 'www.acme.example.com', '--web-acl', 'none', ...BY_NAME);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toContain('Added tenant "acme" to the store Tenants and queued it');
    expect(run.out).toContain('status acme --store --table Tenants');
    expect(dynamo.commandCalls(TransactWriteItemsCommand).map(c => c.args[0].input)).toEqual([{
      TransactItems: [claim('acme.example.com', 'acme'), claim('www.acme.example.com', 'acme'), {
        Update: {
          TableName: 'Tenants',
          Key: { id: { S: 'acme' } },
          // When it was queued: `sync` queues it again once the queue has dropped a page that old.
          UpdateExpression: 'SET #t = :t, #q = :q',
          ConditionExpression: 'attribute_not_exists(#t)',
          ExpressionAttributeNames: { '#t': 'tenant', '#q': 'queuedAt' },
          ExpressionAttributeValues: {
            ':t': { S: JSON.stringify({ id: 'acme', domainNames: ['acme.example.com', 'www.acme.example.com'], webAcl: 'none' }) },
            ':q': { N: expect.stringMatching(/^\d+$/) },
          },
        },
      }],
    }]);
    expect(sqs.commandCalls(SendMessageCommand).map(c => c.args[0].input)).toEqual([{ QueueUrl: QUEUE, MessageBody: '{"tenantIds":["acme"]}' }]);
    expect(fs.existsSync(cli.file('tenants.json'))).toBe(false);
  });

  test('refuses, by the tenants file\'s rules and before any write, a tenant the file would refuse', async () => {
    const run = await cli.runAsync(undefined, 'add', 'Bad Id', 'not a domain', '--web-acl', 'nope', ...BY_NAME);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/Cannot add tenant "Bad Id": it has 3 problems/);
    expect(run.err).toMatch(/`id` "Bad Id"/);
    expect(run.err).toMatch(/"not a domain"/);
    expect(run.err).toMatch(/webAcl/);
    expect(dynamo.calls()).toHaveLength(0);
    expect(sqs.calls()).toHaveLength(0);
  });

  test('refuses an id the store has, and queues nothing', async () => {
    dynamo.on(TransactWriteItemsCommand).rejects(cancelled(undefined, 'self'));
    const run = await cli.runAsync(undefined, 'add', 'acme', 'acme.example.com', ...BY_NAME);
    expect(run.code).toBe(1);
    expect(run.err).toBe('Cannot add tenant "acme": the store Tenants has a tenant "acme" already');
    expect(sqs.calls()).toHaveLength(0);
  });

  test('refuses a domain another store tenant holds, naming it, and queues nothing', async () => {
    dynamo.on(TransactWriteItemsCommand).rejects(cancelled(undefined, 'shop', 'bazaar', undefined));
    const run = await cli.runAsync(undefined, 'add', 'acme', 'acme.example.com', 'shop.example.com', 'bazaar.example.com', ...BY_NAME);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/Cannot add tenant "acme": it has 2 problems/);
    expect(run.err).toMatch(/`domainNames` "shop.example.com" is held by store tenant "shop"/);
    expect(run.err).toMatch(/`domainNames` "bazaar.example.com" is held by store tenant "bazaar"/);
    expect(dynamo.commandCalls(DeleteItemCommand)).toHaveLength(0);
    expect(sqs.calls()).toHaveLength(0);
  });

  // TransactWriteItems groups up to 100 actions ("TransactWriteItems", Amazon DynamoDB API
  // Reference, https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html).
  test('a tenant of 100 domains is written in two transactions of at most 100 items, its item in the last; a refusal in the last releases the first\'s claims', async () => {
    const domains = Array.from({ length: 100 }, (_, i) => `d${i}.acme.example.com`);
    const ok = await cli.runAsync(undefined, 'add', 'acme', ...domains, ...BY_NAME);
    expect(ok.err).toBe('');
    const sent = dynamo.commandCalls(TransactWriteItemsCommand).map(c => c.args[0].input.TransactItems!);
    expect(sent.map(items => items.length)).toEqual([1, 100]);
    expect(sent.flat().map(i => i.Put?.Item!.id.S ?? i.Update!.Key!.id.S)).toEqual([...domains.map(d => `domain#${d}`), 'acme']);

    dynamo.reset();
    dynamo.on(TransactWriteItemsCommand).resolvesOnce({}).rejects(cancelled(...Array.from({ length: 98 }, () => undefined), 'shop'));
    dynamo.on(DeleteItemCommand).resolves({});
    const refused = await cli.runAsync(undefined, 'add', 'acme', ...domains, ...BY_NAME);
    expect(refused.err).toBe('Cannot add tenant "acme": `domainNames` "d99.acme.example.com" is held by store tenant "shop"');
    expect(dynamo.commandCalls(DeleteItemCommand).map(c => c.args[0].input.Key!.id.S)).toEqual(['domain#d0.acme.example.com']);
  });

  test('keeps `cell` and `config` in the tenant\'s item, as the file would hold them', async () => {
    const run = await cli.runAsync(undefined, 'add', 'acme', 'acme.example.com', '--config', 'plan=gold', '--cell', 'eu', ...BY_NAME);
    expect(run.err).toBe('');
    const written = dynamo.commandCalls(TransactWriteItemsCommand)[0].args[0].input.TransactItems!.at(-1)!.Update!;
    expect(JSON.parse(written.ExpressionAttributeValues![':t'].S!)).toEqual({ id: 'acme', domainNames: ['acme.example.com'], config: { plan: 'gold' }, cell: 'eu' });
  });

  test('refuses a `config` larger than a template tenant\'s may be (so `export` gives a file the gateway takes), before any write', async () => {
    const run = await cli.runAsync(undefined, 'add', 'acme', 'acme.example.com', '--config', `blob=${'x'.repeat(5000)}`, ...BY_NAME);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/its `config` makes \d+ bytes per host, more than the 4096 bytes a standard SSM parameter holds \(the largest value is `config.blob`/);
    expect(dynamo.calls()).toHaveLength(0);
  });

  test('refuses a `cell` the gateway\'s stack outputs do not list, naming the cells it has, before any write', async () => {
    const add = (cell: string) => cli.runAsync(undefined, 'add', 'acme', 'acme.example.com', '--cell', cell, '--store', '--stack-name', 'Edge', '--region', 'us-east-1');
    edgeStack({ OutputKey: 'GatewayControlPlaneCells', OutputValue: 'eu,us' });
    let run = await add('ap');
    expect(run.code).toBe(1);
    expect(run.err).toContain('`cell` "ap" is not one of the gateway\'s cells ("default", "eu", "us")');
    expect(dynamo.calls()).toHaveLength(0);
    run = await add('us');
    expect(run.err).toBe('');
    expect(dynamo.commandCalls(TransactWriteItemsCommand)).toHaveLength(1);
    // A gateway without cells writes no such output: only "default" is taken.
    edgeStack();
    run = await add('eu');
    expect(run.err).toContain('`cell` "eu" is not one of the gateway\'s cells ("default")');
  });

  test('finds the table and the queue in the gateway\'s stack outputs (--stack-name)', async () => {
    edgeStack({ OutputKey: 'GatewayDnsTargets0', OutputValue: '{"edge":"multiTenantDistribution","shards":{}}' });
    const run = await cli.runAsync(undefined, 'add', 'acme', 'acme.example.com', '--store', '--stack-name', 'Edge', '--region', 'us-east-1');
    expect(run.err).toBe('');
    expect(dynamo.commandCalls(TransactWriteItemsCommand)[0].args[0].input.TransactItems![0].Put!.TableName).toBe('Edge-Tenants-1');
    expect(sqs.commandCalls(SendMessageCommand)[0].args[0].input.QueueUrl).toBe(QUEUE);
  });

  test('a stack without a control plane is told so', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'Edge', CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE', Outputs: [] }] });
    const run = await cli.runAsync(undefined, 'remove', 'acme', '--store', '--stack-name', 'Edge');
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/stack Edge has no control plane outputs \(ControlPlaneTable, ControlPlaneQueueUrl\)/);
    expect(dynamo.calls()).toHaveLength(0);
  });

  test('store flags without --store are refused; without them add edits the file as before', async () => {
    const refused = await cli.runAsync(undefined, 'add', 'acme', 'acme.example.com', '--table', 'Tenants');
    expect(refused.err).toMatch(/--table names the control plane's store: add --store/);
    fs.writeFileSync(cli.file('tenants.json'), JSON.stringify({ tenants: [] }));
    const run = cli.run('add', 'acme', 'acme.example.com');
    expect(run.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(cli.file('tenants.json'), 'utf8')).tenants).toEqual([{ id: 'acme', domainNames: ['acme.example.com'], shard: 0 }]);
    expect(dynamo.calls()).toHaveLength(0);
  });
});

describe('remove --store', () => {
  test('marks the tenant removed, only if the store has it, releases its domains\' claims, and queues it', async () => {
    dynamo.on(UpdateItemCommand).resolves({ Attributes: { id: { S: 'acme' }, tenant: { S: JSON.stringify({ id: 'acme', domainNames: ['acme.example.com', 'www.acme.example.com'] }) } } });
    dynamo.on(DeleteItemCommand, { Key: { id: { S: 'domain#www.acme.example.com' } } }).rejects(conditionFailed());
    const run = await cli.runAsync(undefined, 'remove', 'acme', ...BY_NAME);
    expect(run.err).toBe('');
    expect(dynamo.commandCalls(UpdateItemCommand).map(c => c.args[0].input)).toEqual([{
      TableName: 'Tenants',
      Key: { id: { S: 'acme' } },
      UpdateExpression: 'REMOVE #t',
      ConditionExpression: 'attribute_exists(#t)',
      ExpressionAttributeNames: { '#t': 'tenant' },
      ReturnValues: 'ALL_OLD',
    }]);
    // A claim is released only by its owner: one another tenant took since is left alone.
    expect(dynamo.commandCalls(DeleteItemCommand).map(c => c.args[0].input)).toEqual(['acme.example.com', 'www.acme.example.com'].map(d => ({
      TableName: 'Tenants',
      Key: { id: { S: `domain#${d}` } },
      ConditionExpression: '#o = :o',
      ExpressionAttributeNames: { '#o': 'owner' },
      ExpressionAttributeValues: { ':o': { S: 'acme' } },
    })));
    expect(sqs.commandCalls(SendMessageCommand).map(c => c.args[0].input.MessageBody)).toEqual(['{"tenantIds":["acme"]}']);
  });

  test('with --release, marks it released in the same write (the reconciler then leaves its distribution tenant and records serving); only with --store', async () => {
    dynamo.on(UpdateItemCommand).resolves({ Attributes: { id: { S: 'acme' }, tenant: { S: JSON.stringify({ id: 'acme', domainNames: ['acme.example.com'] }) } } });
    const run = await cli.runAsync(undefined, 'remove', 'acme', ...BY_NAME, '--release');
    expect(run.err).toBe('');
    expect(run.out).toContain('Released tenant "acme" from the store Tenants; its distribution tenant and records keep serving');
    expect(dynamo.commandCalls(UpdateItemCommand).map(c => c.args[0].input)).toEqual([{
      TableName: 'Tenants',
      Key: { id: { S: 'acme' } },
      UpdateExpression: 'REMOVE #t SET #r = :r',
      ConditionExpression: 'attribute_exists(#t)',
      ExpressionAttributeNames: { '#t': 'tenant', '#r': 'released' },
      ExpressionAttributeValues: { ':r': { BOOL: true } },
      ReturnValues: 'ALL_OLD',
    }]);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(1);
    const file = await cli.runAsync(undefined, 'remove', 'acme', '--release');
    expect(file.err).toContain('`--release` goes with `remove --store`');
  });

  test('a tenant the store does not have is an error, and nothing is queued', async () => {
    dynamo.on(UpdateItemCommand).rejects(conditionFailed());
    const run = await cli.runAsync(undefined, 'remove', 'ghost', ...BY_NAME);
    expect(run.err).toBe('Cannot remove tenant "ghost": the store Tenants has no tenant "ghost"');
    expect(sqs.calls()).toHaveLength(0);
  });

  test('needs the queue', async () => {
    const run = await cli.runAsync(undefined, 'remove', 'acme', '--store', '--table', 'Tenants');
    expect(run.err).toMatch(/`remove --store` needs --queue-url/);
    expect(dynamo.calls()).toHaveLength(0);
  });
});

describe('suspend and resume --store', () => {
  test.each([['suspend', true], ['resume', false]] as const)('%s sets the store\'s suspended flag, only on a tenant it has, and queues it', async (command, flag) => {
    const run = await cli.runAsync(undefined, command, 'acme', ...BY_NAME);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toContain(`${command === 'suspend' ? 'Suspended' : 'Resumed'} tenant "acme" in the store Tenants and queued it`);
    expect(dynamo.commandCalls(UpdateItemCommand).map(c => c.args[0].input)).toEqual([{
      TableName: 'Tenants',
      Key: { id: { S: 'acme' } },
      UpdateExpression: 'SET #s = :s',
      ConditionExpression: 'attribute_exists(#t)',
      ExpressionAttributeNames: { '#s': 'suspended', '#t': 'tenant' },
      ExpressionAttributeValues: { ':s': { BOOL: flag } },
    }]);
    expect(sqs.commandCalls(SendMessageCommand).map(c => c.args[0].input)).toEqual([{ QueueUrl: QUEUE, MessageBody: '{"tenantIds":["acme"]}' }]);
  });

  test('a tenant the store does not have is an error, and nothing is queued', async () => {
    dynamo.on(UpdateItemCommand).rejects(conditionFailed());
    const run = await cli.runAsync(undefined, 'suspend', 'ghost', ...BY_NAME);
    expect(run.code).toBe(1);
    expect(run.err).toBe('Cannot suspend tenant "ghost": the store Tenants has no tenant "ghost"');
    expect(sqs.calls()).toHaveLength(0);
  });

  test('work on the store only', async () => {
    const run = await cli.runAsync(undefined, 'resume', 'acme');
    expect(run.code).not.toBe(0);
    expect(run.err).toMatch(/`resume` works on the control plane's store: add --store/);
    expect(dynamo.calls()).toHaveLength(0);
  });
});

describe('status --store', () => {
  const item = (id: string, status?: string, extra: object = {}) => ({
    id: { S: id }, tenant: { S: JSON.stringify({ id, domainNames: [`${id}.example.com`] }) }, ...(status ? { status: { S: status } } : {}), ...extra,
  });

  test('one tenant: what the reconciler last wrote, read consistently; exit 0 once active', async () => {
    dynamo.on(GetItemCommand).resolves({ Item: item('acme', 'active', { reason: { S: '' } }) });
    const run = await cli.runAsync(undefined, 'status', 'acme', '--store', '--table', 'Tenants', '--json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out)).toEqual([{ tenant: 'acme', domains: ['acme.example.com'], status: 'active', suspended: false }]);
    expect(dynamo.commandCalls(GetItemCommand)[0].args[0].input).toEqual({ TableName: 'Tenants', Key: { id: { S: 'acme' } }, ConsistentRead: true });
  });

  test('every tenant, paged, in id order: queued before the first pass, failed with its reason, removing; exit 1 while any is not settled', async () => {
    dynamo.on(ScanCommand).resolvesOnce({ Items: [item('shop', 'failed', { reason: { S: 'its certificate failed: CAA' } }), item('new')], LastEvaluatedKey: { id: { S: 'new' } } })
      .resolvesOnce({ Items: [{ id: { S: 'gone' }, status: { S: 'active' } }, item('acme', 'suspended', { suspended: { BOOL: true } })] });
    const run = await cli.runAsync(undefined, 'status', '--store', '--table', 'Tenants');
    expect(run.code).toBe(1);
    expect(run.out.split('\n')).toEqual([
      'acme: suspended — acme.example.com',
      'gone: removing',
      'new: queued — new.example.com',
      'shop: failed (its certificate failed: CAA) — shop.example.com',
    ]);
    expect(dynamo.commandCalls(ScanCommand)[1].args[0].input.ExclusiveStartKey).toEqual({ id: { S: 'new' } });
    // The domain claims and the sweep's marker beside the tenants are filtered out by the scan itself.
    expect(dynamo.commandCalls(ScanCommand)[0].args[0].input).toMatchObject({
      FilterExpression: 'NOT contains(#i, :h)', ExpressionAttributeNames: { '#i': 'id' }, ExpressionAttributeValues: { ':h': { S: '#' } },
    });
  });

  test('a tenant the store does not have is an error', async () => {
    dynamo.on(GetItemCommand).resolves({});
    const run = await cli.runAsync(undefined, 'status', 'ghost', '--store', '--table', 'Tenants');
    expect(run.code).toBe(1);
    expect(run.err).toBe('The store Tenants has no tenant "ghost"');
  });
});

test('`sync` and `export` find the store in the stack outputs too', async () => {
  edgeStack();
  dynamo.on(ScanCommand).resolves({ Items: [] });
  fs.writeFileSync(cli.file('tenants.json'), JSON.stringify({ tenants: [{ id: 'acme', domainNames: ['acme.example.com'] }] }));
  const sync = await cli.runAsync(undefined, 'sync', '--stack-name', 'Edge');
  expect(sync.err).toBe('');
  expect(dynamo.commandCalls(TransactWriteItemsCommand)[0].args[0].input.TransactItems![1].Update!.TableName).toBe('Edge-Tenants-1');
  expect(sqs.calls()[0].args[0].input).toMatchObject({ QueueUrl: QUEUE });
  const exported = await cli.runAsync(undefined, 'export', '--stack-name', 'Edge');
  expect(exported.err).toBe('');
  expect(dynamo.commandCalls(ScanCommand).map(c => c.args[0].input.TableName)).toEqual(['Edge-Tenants-1', 'Edge-Tenants-1']);
});
