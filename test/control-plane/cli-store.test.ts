// `add`, `remove` and `status` with --store: the control plane's tenant store (DynamoDB) and queue
// (SQS), found by name or in the gateway's stack outputs (CloudFormation); all mocked. Without
// --store the same commands edit and read the tenants file as before.
import * as fs from 'fs';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient, GetItemCommand, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
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
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm1' });
  sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
});

const conditionFailed = () => Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });

describe('add --store', () => {
  test('writes the tenant as the file would hold it, only if its id is free, and queues it as a page', async () => {
    const run = await cli.runAsync(undefined, 'add', 'acme', 'acme.example.com', 'www.acme.example.com', '--config', 'plan=gold', ...BY_NAME);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toContain('Added tenant "acme" to the store Tenants and queued it');
    expect(run.out).toContain('status acme --store --table Tenants');
    expect(dynamo.commandCalls(UpdateItemCommand).map(c => c.args[0].input)).toEqual([{
      TableName: 'Tenants',
      Key: { id: { S: 'acme' } },
      UpdateExpression: 'SET #t = :t',
      ConditionExpression: 'attribute_not_exists(#t)',
      ExpressionAttributeNames: { '#t': 'tenant' },
      ExpressionAttributeValues: { ':t': { S: JSON.stringify({ id: 'acme', domainNames: ['acme.example.com', 'www.acme.example.com'], config: { plan: 'gold' } }) } },
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
    dynamo.on(UpdateItemCommand).rejects(conditionFailed());
    const run = await cli.runAsync(undefined, 'add', 'acme', 'acme.example.com', ...BY_NAME);
    expect(run.code).toBe(1);
    expect(run.err).toBe('Cannot add tenant "acme": the store Tenants has a tenant "acme" already');
    expect(sqs.calls()).toHaveLength(0);
  });

  test('finds the table and the queue in the gateway\'s stack outputs (--stack-name)', async () => {
    cloudFormation.on(DescribeStacksCommand, { StackName: 'Edge' }).resolves({
      Stacks: [{
        StackName: 'Edge',
        CreationTime: new Date(),
        StackStatus: 'UPDATE_COMPLETE',
        Outputs: [
          { OutputKey: 'GatewayControlPlaneTable', OutputValue: 'Edge-Tenants-1' },
          { OutputKey: 'GatewayControlPlaneQueueUrl', OutputValue: QUEUE },
          { OutputKey: 'GatewayDnsTargets0', OutputValue: '{"edge":"multiTenantDistribution","shards":{}}' },
        ],
      }],
    });
    const run = await cli.runAsync(undefined, 'add', 'acme', 'acme.example.com', '--store', '--stack-name', 'Edge', '--region', 'us-east-1');
    expect(run.err).toBe('');
    expect(dynamo.commandCalls(UpdateItemCommand)[0].args[0].input.TableName).toBe('Edge-Tenants-1');
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
  test('marks the tenant removed, only if the store has it, and queues it', async () => {
    const run = await cli.runAsync(undefined, 'remove', 'acme', ...BY_NAME);
    expect(run.err).toBe('');
    expect(dynamo.commandCalls(UpdateItemCommand).map(c => c.args[0].input)).toEqual([{
      TableName: 'Tenants',
      Key: { id: { S: 'acme' } },
      UpdateExpression: 'REMOVE #t',
      ConditionExpression: 'attribute_exists(#t)',
      ExpressionAttributeNames: { '#t': 'tenant' },
    }]);
    expect(sqs.commandCalls(SendMessageCommand).map(c => c.args[0].input.MessageBody)).toEqual(['{"tenantIds":["acme"]}']);
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
  });

  test('a tenant the store does not have is an error', async () => {
    dynamo.on(GetItemCommand).resolves({});
    const run = await cli.runAsync(undefined, 'status', 'ghost', '--store', '--table', 'Tenants');
    expect(run.code).toBe(1);
    expect(run.err).toBe('The store Tenants has no tenant "ghost"');
  });
});

test('`sync` and `export` find the store in the stack outputs too', async () => {
  cloudFormation.on(DescribeStacksCommand).resolves({
    Stacks: [{
      StackName: 'Edge',
      CreationTime: new Date(),
      StackStatus: 'UPDATE_COMPLETE',
      Outputs: [{ OutputKey: 'GatewayControlPlaneTable', OutputValue: 'Edge-Tenants-1' }, { OutputKey: 'GatewayControlPlaneQueueUrl', OutputValue: QUEUE }],
    }],
  });
  dynamo.on(ScanCommand).resolves({ Items: [] });
  fs.writeFileSync(cli.file('tenants.json'), JSON.stringify({ tenants: [{ id: 'acme', domainNames: ['acme.example.com'] }] }));
  const sync = await cli.runAsync(undefined, 'sync', '--stack-name', 'Edge');
  expect(sync.err).toBe('');
  expect(dynamo.commandCalls(UpdateItemCommand)[0].args[0].input.TableName).toBe('Edge-Tenants-1');
  expect(sqs.calls()[0].args[0].input).toMatchObject({ QueueUrl: QUEUE });
  const exported = await cli.runAsync(undefined, 'export', '--stack-name', 'Edge');
  expect(exported.err).toBe('');
  expect(dynamo.commandCalls(ScanCommand).map(c => c.args[0].input.TableName)).toEqual(['Edge-Tenants-1', 'Edge-Tenants-1']);
});
