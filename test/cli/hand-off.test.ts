// `hand-off`: a template tenant walked to the control plane's store. On the tenants file (no AWS)
// it sets `handOff` a stage at a time; with --store it adds the tenant to the store, adopting the
// distribution tenant CloudFront says serves its first domain. CloudFront, DynamoDB, SQS and
// CloudFormation are mocked (aws-sdk-client-mock).
import * as fs from 'fs';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudFrontClient, EntityNotFound, GetDistributionTenantByDomainCommand } from '@aws-sdk/client-cloudfront';
import { DynamoDBClient, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { cliFolder } from './cli-harness';
import { storeTenant } from '../../src/cli/hand-off';
import { parseRegistry } from '../../src/cli/registry-file';
import { TenantProps } from '../../src/tenants/tenants';

const folder = cliFolder('tenants-cli-hand-off-');
const cloudFront = mockClient(CloudFrontClient);
const dynamo = mockClient(DynamoDBClient);
const sqs = mockClient(SQSClient);
const cloudFormation = mockClient(CloudFormationClient);
beforeEach(() => {
  cloudFront.reset();
  dynamo.reset();
  sqs.reset();
  cloudFormation.reset();
  dynamo.on(TransactWriteItemsCommand).resolves({});
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm1' });
});

const QUEUE = 'https://sqs.us-east-1.amazonaws.com/111111111111/Pages';
const BY_NAME = ['--store', '--table', 'Tenants', '--queue-url', QUEUE];
const MULTI_TENANT = { edge: 'multiTenantDistribution', tenantNamePrefix: 'gw-' };
const ACME: TenantProps = { id: 'acme', domainNames: ['acme.example.com', 'www.acme.example.com'], shard: 0, config: { plan: 'gold' } };
const SHOP: TenantProps = { id: 'shop', domainNames: ['shop.example.com'], shard: 0 };

/** Writes the tenants file; `settings` null leaves them out (sharded distributions). */
function writeTenants(tenants: object[], settings: object | null = MULTI_TENANT): string {
  const text = JSON.stringify({ tenants, ...(settings ? { settings } : {}) }, null, 2) + '\n';
  fs.writeFileSync(folder.file('tenants.json'), text);
  return text;
}
const fileText = () => fs.readFileSync(folder.file('tenants.json'), 'utf8');
const written = () => parseRegistry(fileText(), 'tenants.json').tenants;

describe('hand-off on the tenants file', () => {
  test('walks a tenant from no handOff to "prepare", then to "store", with the next steps; a third run is refused; nobody else changes', () => {
    writeTenants([ACME, SHOP]);
    const prepare = folder.run('hand-off', 'acme');
    expect(prepare).toMatchObject({ code: 0, err: '' });
    expect(written()).toEqual([{ ...ACME, handOff: 'prepare' }, SHOP]);
    expect(prepare.out).toContain('Tenant "acme" is handed to the control plane in three steps; this is the first.');
    expect(prepare.out).toContain('Next, check the file, commit it, then deploy:\n  npx cdk-multi-tenant-gateway validate\n' +
      'Next, after the deploy, add it to the control plane\'s store, which adopts its distribution tenant:\n' +
      '  npx cdk-multi-tenant-gateway hand-off acme --store --stack-name <stack>');

    const store = folder.run('hand-off', 'acme');
    expect(store).toMatchObject({ code: 0, err: '' });
    expect(written()).toEqual([{ ...ACME, handOff: 'store' }, SHOP]);
    expect(store.out).toContain('Tenant "acme" leaves the template at the next deploy');
    expect(store.out).toMatch(/Next, check the file, commit it, then deploy:\n {2}npx cdk-multi-tenant-gateway validate$/);

    const done = fileText();
    const again = folder.run('hand-off', 'acme');
    expect(again.code).toBe(1);
    expect(again.err).toBe('tenant "acme" is at `handOff` "store" already: the hand-off is done on the template side (deploy it, if you have ' +
      'not). Keep its entry while the store serves the tenant: it holds the tenant\'s DNS records');
    expect(fileText()).toBe(done);
  });

  test('repeats --file in the next step, and keeps the file\'s other settings and its line endings', () => {
    const text = JSON.stringify({ tenants: [SHOP], settings: { ...MULTI_TENANT, zoneName: 'example.com' } }, null, 2).replace(/\n/g, '\r\n') + '\r\n';
    fs.writeFileSync(folder.file('edge.json'), text);
    const run = folder.run('hand-off', 'shop', '--file', 'edge.json');
    expect(run.out).toContain('  npx cdk-multi-tenant-gateway hand-off shop --store --stack-name <stack> --file edge.json');
    const after = fs.readFileSync(folder.file('edge.json'), 'utf8');
    expect(after).toBe(text.replace('"shard": 0\r\n', '"shard": 0,\r\n      "handOff": "prepare"\r\n'));
  });

  test('refuses, in one error listing every problem, a tenant with a declared move on a file of sharded distributions; the file is left as it was', () => {
    const text = writeTenants([{ ...ACME, shard: 1, movedFrom: { shard: 0, stage: 'prepare' } }, SHOP], null);
    const run = folder.run('hand-off', 'acme');
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/^Cannot hand off tenant "acme": it has 2 problems:\n/);
    expect(run.err).toContain('  - tenant "acme": `handOff` "prepare" and `movedFrom` are both given; a tenant does one thing at a time: ' +
      'finish its move and remove `movedFrom`, then hand it off');
    expect(run.err).toContain('  - tenant "acme": `handOff` "prepare" hands the tenant\'s distribution tenant to the control plane, which needs a ' +
      'multi-tenant distribution with a control plane');
    expect(run.err).toContain('with sharded distributions the tenant has none: remove `handOff`');
    expect(fileText()).toBe(text);
  });

  test('refuses a tenant adopted from elsewhere, an unknown id, and store flags without --store', () => {
    writeTenants([{ ...ACME, externalDns: true, adoptFrom: { distributionId: 'E2QWRUHEXAMPLE', stage: 'prepare' } }]);
    const adopting = folder.run('hand-off', 'acme');
    expect(adopting.code).toBe(1);
    expect(adopting.err).toContain('`handOff` "prepare" and `adoptFrom` are both given');
    expect(folder.run('hand-off', 'acmee')).toMatchObject({ code: 1, err: 'tenants.json has no tenant "acmee" (did you mean "acme"?)' });
    expect(folder.run('hand-off', 'acme', '--table', 'Tenants').err).toBe('--table names the control plane\'s store: add --store to work on it, or leave it out to edit tenants.json');
    expect(folder.run('hand-off')).toMatchObject({ code: 2, err: expect.stringMatching(/`hand-off` needs exactly one tenant id/) });
  });
});

// GetDistributionTenantByDomain answers the distribution tenant a domain is associated with, and
// EntityNotFound when none is ("GetDistributionTenantByDomain", Amazon CloudFront API Reference,
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_GetDistributionTenantByDomain.html). A domain
// is associated with one resource at a time ("Move an alternate domain name", CloudFront Developer Guide,
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/alternate-domain-names-move.html), so the
// tenant's first domain names its distribution tenant; a distribution tenant's name is unique in the account
// and cannot change ("CreateDistributionTenant", https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateDistributionTenant.html),
// so the name tells the gateway's apart.
describe('hand-off --store', () => {
  const DT = 'dt_2xVInRKCfUzQHgxosDs9hiLk1AB';
  const served = (name: string, id = DT) => cloudFront.on(GetDistributionTenantByDomainCommand, { Domain: 'acme.example.com' }).resolves({
    DistributionTenant: { Id: id, Name: name, DistributionId: 'EMULTI', Status: 'Deployed', Domains: [{ Domain: 'acme.example.com', Status: 'active' }] },
  });
  const claim = (domain: string) => ({
    Put: {
      TableName: 'Tenants',
      Item: { id: { S: `domain#${domain}` }, owner: { S: 'acme' } },
      ConditionExpression: 'attribute_not_exists(#i) OR #o = :o',
      ExpressionAttributeNames: { '#i': 'id', '#o': 'owner' },
      ExpressionAttributeValues: { ':o': { S: 'acme' } },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  });

  test('at "prepare": writes the file\'s tenant without shard and handOff, with externalDns and the distribution tenant to adopt, claims its domains, queues it', async () => {
    const text = writeTenants([{ ...ACME, handOff: 'prepare' }, SHOP]);
    served('gw-acme');
    const run = await folder.runAsync(undefined, 'hand-off', 'acme', ...BY_NAME);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(cloudFront.commandCalls(GetDistributionTenantByDomainCommand).map(c => c.args[0].input)).toEqual([{ Domain: 'acme.example.com' }]);
    expect(dynamo.commandCalls(TransactWriteItemsCommand).map(c => c.args[0].input)).toEqual([{
      TransactItems: [claim('acme.example.com'), claim('www.acme.example.com'), {
        Update: {
          TableName: 'Tenants',
          Key: { id: { S: 'acme' } },
          UpdateExpression: 'SET #t = :t, #q = :q',
          ConditionExpression: 'attribute_not_exists(#t)',
          ExpressionAttributeNames: { '#t': 'tenant', '#q': 'queuedAt' },
          ExpressionAttributeValues: {
            ':t': {
              S: JSON.stringify({
                id: 'acme',
                domainNames: ['acme.example.com', 'www.acme.example.com'],
                externalDns: true,
                config: { plan: 'gold' },
                certificateValidation: 'cloudfront',
                adoptFrom: { distributionTenantId: DT },
              }),
            },
            ':q': { N: expect.stringMatching(/^\d+$/) },
          },
        },
      }],
    }]);
    expect(sqs.commandCalls(SendMessageCommand).map(c => c.args[0].input)).toEqual([{ QueueUrl: QUEUE, MessageBody: '{"tenantIds":["acme"]}' }]);
    expect(run.out).toContain(`Added tenant "acme" to the store Tenants and queued it for the reconciler, which adopts its distribution tenant gw-acme (${DT}) as it stands.`);
    expect(run.out).toContain('Warning: a `sync` from a file without tenant "acme" marks it removed, and the reconciler then deletes its distribution tenant');
    expect(run.out).toContain('Next, follow it until it is active:\n  npx cdk-multi-tenant-gateway status acme --store --table Tenants\n' +
      'Next, then let the template go of it, and deploy:\n  npx cdk-multi-tenant-gateway hand-off acme');
    expect(fileText()).toBe(text);
  });

  test('at "store", finds the store in the stack\'s outputs; the template side is done, so the next step is to follow it only', async () => {
    writeTenants([{ ...ACME, handOff: 'store' }]);
    served('gw-acme');
    cloudFormation.on(DescribeStacksCommand, { StackName: 'Edge' }).resolves({
      Stacks: [{
        StackName: 'Edge',
        CreationTime: new Date(),
        StackStatus: 'UPDATE_COMPLETE',
        Outputs: [{ OutputKey: 'GatewayControlPlaneTable', OutputValue: 'Edge-Tenants-1' }, { OutputKey: 'GatewayControlPlaneQueueUrl', OutputValue: QUEUE }],
      }],
    });
    const run = await folder.runAsync(undefined, 'hand-off', 'acme', '--store', '--stack-name', 'Edge');
    expect(run).toMatchObject({ code: 0, err: '' });
    expect(dynamo.commandCalls(TransactWriteItemsCommand)[0].args[0].input.TransactItems!.at(-1)!.Update!.TableName).toBe('Edge-Tenants-1');
    expect(run.out).toMatch(/Next, follow it until it is active:\n {2}npx cdk-multi-tenant-gateway status acme --store --stack-name Edge$/);
  });

  test('refuses, before anything is written, a domain served by another\'s distribution tenant (naming it) or by none', async () => {
    writeTenants([{ ...ACME, handOff: 'prepare' }]);
    served('old-gw-acme', 'dt_other');
    const other = await folder.runAsync(undefined, 'hand-off', 'acme', ...BY_NAME);
    expect(other).toMatchObject({
      code: 1,
      err: 'Cannot hand off tenant "acme" to the store: acme.example.com is served by distribution tenant "old-gw-acme" (dt_other) of EMULTI, ' +
        'not by the gateway\'s "gw-acme"',
    });

    cloudFront.reset();
    cloudFront.on(GetDistributionTenantByDomainCommand).rejects(new EntityNotFound({ message: 'not found', $metadata: {} }));
    const none = await folder.runAsync(undefined, 'hand-off', 'acme', ...BY_NAME);
    expect(none).toMatchObject({
      code: 1,
      err: 'Cannot hand off tenant "acme" to the store: no distribution tenant serves acme.example.com (the gateway makes "gw-acme" when it deploys the tenant)',
    });
    expect(dynamo.calls()).toHaveLength(0);
    expect(sqs.calls()).toHaveLength(0);
  });

  test('without a recorded prefix, a name ending in the tenant id is the gateway\'s (as `status` reads it), and the refusal says to record it', async () => {
    writeTenants([{ ...ACME, handOff: 'prepare' }], { edge: 'multiTenantDistribution' });
    served('acme-old');
    const refused = await folder.runAsync(undefined, 'hand-off', 'acme', ...BY_NAME);
    expect(refused.err).toBe('Cannot hand off tenant "acme" to the store: acme.example.com is served by distribution tenant "acme-old" (dt_2xVInRKCfUzQHgxosDs9hiLk1AB) ' +
      'of EMULTI, not by the gateway\'s "<tenantNamePrefix>acme" (record the gateway\'s `tenantNamePrefix` in `settings.tenantNamePrefix` to have the name checked exactly)');
    expect(dynamo.calls()).toHaveLength(0);
    served('edge-acme');
    expect(await folder.runAsync(undefined, 'hand-off', 'acme', ...BY_NAME)).toMatchObject({ code: 0, err: '' });
  });

  test('refuses a tenant not at "prepare" or "store", and a file the gateway would refuse, before asking AWS', async () => {
    writeTenants([ACME]);
    const early = await folder.runAsync(undefined, 'hand-off', 'acme', ...BY_NAME);
    expect(early).toMatchObject({ code: 1, err: expect.stringMatching(/^Cannot hand off tenant "acme" to the store: it has no `handOff` in tenants\.json\. Run `hand-off acme` and deploy first/) });
    writeTenants([{ ...ACME, handOff: 'prepare' }], null);
    const sharded = await folder.runAsync(undefined, 'hand-off', 'acme', ...BY_NAME);
    expect(sharded).toMatchObject({ code: 1, err: expect.stringMatching(/^tenants\.json has 1 problem:\n {2}- tenant "acme": `handOff` "prepare" hands/) });
    expect(sharded.err).toMatch(/Fix them \(run `validate`\) first\.$/);
    expect([cloudFront.calls(), dynamo.calls(), sqs.calls()]).toEqual([[], [], []]);
  });

  test('needs the queue, to queue the tenant, before asking CloudFront', async () => {
    writeTenants([{ ...ACME, handOff: 'prepare' }]);
    const run = await folder.runAsync(undefined, 'hand-off', 'acme', '--store', '--table', 'Tenants');
    expect(run).toMatchObject({ code: 1, err: '`hand-off --store` needs --queue-url (the reconciler\'s queue) or --stack-name, to queue the tenant' });
    expect(cloudFront.calls()).toHaveLength(0);
  });

  test('the store\'s checks still apply: a domain another store tenant holds is refused by name, and nothing is queued', async () => {
    writeTenants([{ ...ACME, handOff: 'prepare' }]);
    served('gw-acme');
    dynamo.on(TransactWriteItemsCommand).rejects(Object.assign(new Error('cancelled'), {
      name: 'TransactionCanceledException',
      CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed', Item: { owner: { S: 'bazaar' } } }, { Code: 'None' }],
    }));
    const run = await folder.runAsync(undefined, 'hand-off', 'acme', ...BY_NAME);
    expect(run).toMatchObject({ code: 1, err: 'Cannot add tenant "acme": `domainNames` "www.acme.example.com" is held by store tenant "bazaar"' });
    expect(sqs.calls()).toHaveLength(0);
  });
});

describe('the store\'s tenant', () => {
  test('keeps the validation a tenant had: "cloudfront" for one whose DNS the gateway hosts, its own or none (self-hosted) for an external-DNS one', () => {
    expect(storeTenant({ id: 'a', domainNames: ['a.example.com'], handOff: 'store', shard: 3 }, 'dt_a'))
      .toEqual({ id: 'a', domainNames: ['a.example.com'], externalDns: true, certificateValidation: 'cloudfront', adoptFrom: { distributionTenantId: 'dt_a' } });
    expect(storeTenant({ id: 'b', domainNames: ['b.example'], externalDns: true, handOff: 'prepare' }, 'dt_b'))
      .toEqual({ id: 'b', domainNames: ['b.example'], externalDns: true, adoptFrom: { distributionTenantId: 'dt_b' } });
    expect(storeTenant({ id: 'c', domainNames: ['c.example'], externalDns: true, certificateValidation: 'cloudfront', cell: 'eu', webAcl: 'none' }, 'dt_c'))
      .toEqual({ id: 'c', domainNames: ['c.example'], externalDns: true, cell: 'eu', webAcl: 'none', certificateValidation: 'cloudfront', adoptFrom: { distributionTenantId: 'dt_c' } });
  });
});
