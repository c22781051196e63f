// The CLI's `add`, `remove`, `suspend`, `resume` and `status` against the control plane's tenant
// store (`--store`): add writes the tenant's desired item, checked by the tenants file's own rules,
// with a claim item per domain in the same transactions (see domain-claims.ts); remove, suspend and
// resume change it; each queues it as a page for the reconciler; status reads what the reconciler
// last observed. The AWS SDK is loaded only when they run.
import type * as DynamoDb from '@aws-sdk/client-dynamodb';
import type * as Sqs from '@aws-sdk/client-sqs';
import { problemList } from './commands';
import { load, StoreLocation } from './control-plane';
import { storeMoveProblems } from '../control-plane/adoption';
import { knowsCell, unknownCellProblem } from '../control-plane/cell-origins';
import { CLAIM_OWNER, claimKey, claimTransactions, isTenantKey, TENANT_ITEMS_ONLY } from '../control-plane/domain-claims';
import { notCoveredProblem, uncoveredDomains } from '../control-plane/load-balancer-names';
import { QUEUED_AT } from '../control-plane/page-retention';
import { TENANT_STATUSES } from '../control-plane/reconcile';
import { Quotas, resolveQuotas } from '../quotas/quotas';
import { configSizeProblem } from '../tenants/tenant-config';
import { TenantProps, tenantProblems } from '../tenants/tenants';

/** A tenant's state in the store, as `status --store` prints it. */
export interface StoreStatus {
  readonly tenant: string;
  readonly domains: string[];
  /**
   * What the reconciler last wrote ("pending-dns", "validating", "active", "suspended",
   * "failed"), or "queued" before its first pass and "removing" once removed from the store.
   */
  readonly status: string;
  readonly reason?: string;
  readonly suspended: boolean;
}

/** What the CLI knows of the gateway a store serves (from its stack's outputs); unknown, nothing is checked. */
export interface StoreGateway {
  /** The names the load balancer's certificates cover. */
  readonly loadBalancerNames?: readonly string[];
  /** The cells besides "default". */
  readonly cells?: readonly string[];
}

/**
 * What a store tenant cannot have, when the gateway is known: a domain the load balancer's
 * certificates do not cover (viewers would get 502), a cell the gateway does not have; a declared
 * move the reconciler cannot carry out (see storeMoveProblems). And, as a
 * template tenant, a `config` larger than one host's entry in SSM holds, so that `export` gives a
 * file the gateway takes.
 */
export function storeOnlyProblems(tenant: TenantProps, gateway: StoreGateway = {}): string[] {
  const { loadBalancerNames, cells } = gateway;
  const problems: string[] = [];
  const uncovered = loadBalancerNames === undefined ? [] : uncoveredDomains(tenant.domainNames ?? [], loadBalancerNames);
  if (uncovered.length > 0) problems.push(notCoveredProblem(uncovered, loadBalancerNames!));
  if (cells !== undefined && !knowsCell(tenant.cell, cells)) problems.push(unknownCellProblem(tenant.cell!, cells));
  problems.push(...storeMoveProblems(tenant));
  const config = configSizeProblem(tenant);
  if (config !== undefined) problems.push(config);
  return problems;
}

/** Every problem with a tenant the store is asked to take: the tenants file's rules, what a store tenant cannot have, and the domains a distribution tenant carries. */
export function storeTenantProblems(tenant: TenantProps, overrides: Quotas, gateway: StoreGateway = {}): string[] {
  const problems = [...tenantProblems([tenant]), ...storeOnlyProblems(tenant, gateway)];
  const cap = resolveQuotas(overrides).quotas.domainsPerDistribution;
  if (problems.length === 0 && tenant.domainNames.length > cap) {
    problems.push(`it has ${tenant.domainNames.length} \`domainNames\`, more than a distribution tenant takes ` +
      `(quota domainsPerDistribution, ${cap}; raise it with --quota domainsPerDistribution=<n> once AWS has raised it)`);
  }
  return problems;
}

async function withClients<T>(command: string, where: StoreLocation,
  work: (ddb: typeof DynamoDb, dynamo: DynamoDb.DynamoDBClient, sqs: typeof Sqs, queue: Sqs.SQSClient) => Promise<T>): Promise<T> {
  const ddb = load('@aws-sdk/client-dynamodb', command) as typeof DynamoDb;
  const sqs = load('@aws-sdk/client-sqs', command) as typeof Sqs;
  const dynamo = new ddb.DynamoDBClient({ region: where.region });
  const queue = new sqs.SQSClient({ region: where.region });
  try {
    return await work(ddb, dynamo, sqs, queue);
  } finally {
    dynamo.destroy();
    queue.destroy();
  }
}

function needsQueue(command: string, where: StoreLocation): string {
  if (where.queueUrl === undefined) throw new Error(`\`${command} --store\` needs --queue-url (the reconciler's queue) or --stack-name, to queue the tenant`);
  return where.queueUrl;
}

/** A domain to claim for a tenant, and the owner the caller saw holding it (sync takes a domain from it). */
export interface Claim {
  readonly domain: string;
  readonly was?: string;
}

/**
 * Claims `claims` for tenant `id` and, when `tenant` is given, writes its item in the same
 * transaction as the last claims: DynamoDB transactions of at most 100 items, each claim on
 * condition that no other tenant holds it (but `was`). Returns the problems, in the user's terms,
 * when a condition fails; the claims this call took in an earlier transaction are then released.
 */
export async function writeWithClaims(ddb: typeof DynamoDb, dynamo: DynamoDb.DynamoDBClient, table: string, id: string,
  claims: readonly Claim[], tenant?: { readonly props: TenantProps; readonly condition?: string; readonly queuedAt?: number }): Promise<string[]> {
  const was = new Map(claims.map(c => [c.domain, c.was]));
  const taken: string[] = [];
  const groups = claimTransactions(claims.map(c => c.domain));
  for (const [n, group] of groups.entries()) {
    const last = n === groups.length - 1;
    const items: DynamoDb.TransactWriteItem[] = group.map(domain => ({
      Put: {
        TableName: table,
        Item: { id: { S: claimKey(domain) }, [CLAIM_OWNER]: { S: id } },
        ConditionExpression: `attribute_not_exists(#i) OR #o = :o${was.get(domain) === undefined ? '' : ' OR #o = :w'}`,
        ExpressionAttributeNames: { '#i': 'id', '#o': CLAIM_OWNER },
        ExpressionAttributeValues: { ':o': { S: id }, ...(was.get(domain) === undefined ? {} : { ':w': { S: was.get(domain)! } }) },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    }));
    if (last && tenant) {
      items.push({
        Update: {
          TableName: table,
          Key: { id: { S: id } },
          // When it was queued: `sync` queues it again once SQS has dropped a page that old (see page-retention.ts).
          UpdateExpression: tenant.queuedAt === undefined ? 'SET #t = :t' : 'SET #t = :t, #q = :q',
          ...(tenant.condition === undefined ? {} : { ConditionExpression: tenant.condition }),
          ExpressionAttributeNames: { '#t': 'tenant', ...(tenant.queuedAt === undefined ? {} : { '#q': QUEUED_AT }) },
          ExpressionAttributeValues: { ':t': { S: JSON.stringify(tenant.props) }, ...(tenant.queuedAt === undefined ? {} : { ':q': { N: String(tenant.queuedAt) } }) },
        },
      });
    }
    if (items.length === 0) continue;
    try {
      await dynamo.send(new ddb.TransactWriteItemsCommand({ TransactItems: items }));
      taken.push(...group);
    } catch (e) {
      if ((e as Error).name !== 'TransactionCanceledException') throw e;
      await releaseClaims(ddb, dynamo, table, id, taken);
      const reasons = (e as DynamoDb.TransactionCanceledException).CancellationReasons ?? [];
      const problems = reasons.flatMap((reason, i) => {
        if (reason.Code !== 'ConditionalCheckFailed') return [];
        if (i >= group.length) return [`the store ${table} has a tenant "${id}" already`];
        return [`\`domainNames\` "${group[i]}" is held by store tenant "${reason.Item?.[CLAIM_OWNER]?.S ?? 'unknown'}"`];
      });
      if (problems.length === 0) throw e;
      return problems;
    }
  }
  return [];
}

/** Deletes tenant `id`'s claims on `domains` (a claim another tenant took since is left alone). */
export async function releaseClaims(ddb: typeof DynamoDb, dynamo: DynamoDb.DynamoDBClient, table: string, id: string,
  domains: readonly string[]): Promise<void> {
  for (const domain of domains) {
    try {
      await dynamo.send(new ddb.DeleteItemCommand({
        TableName: table,
        Key: { id: { S: claimKey(domain) } },
        ConditionExpression: '#o = :o',
        ExpressionAttributeNames: { '#o': CLAIM_OWNER },
        ExpressionAttributeValues: { ':o': { S: id } },
      }));
    } catch (e) {
      if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
    }
  }
}

/**
 * `add --store`: claims the tenant's domains and writes its item in DynamoDB transactions, refused
 * when the id is taken or another store tenant holds a domain; then queues it.
 */
export async function addToStore(tenant: TenantProps, overrides: Quotas, where: StoreLocation): Promise<void> {
  const problems = storeTenantProblems(tenant, overrides, where);
  if (problems.length > 0) throw new Error(`Cannot add tenant "${tenant.id}": ${problemList('it', problems)}`);
  const queueUrl = needsQueue('add', where);
  await withClients('add', where, async (ddb, dynamo, sqs, queue) => {
    // A removed tenant whose item the reconciler has not deleted yet may come back; a kept one is a duplicate.
    const refused = await writeWithClaims(ddb, dynamo, where.table, tenant.id, tenant.domainNames.map(domain => ({ domain })),
      { props: tenant, condition: 'attribute_not_exists(#t)', queuedAt: Date.now() });
    if (refused.length === 1) throw new Error(`Cannot add tenant "${tenant.id}": ${refused[0]}`);
    if (refused.length > 1) throw new Error(`Cannot add tenant "${tenant.id}": ${problemList('it', refused)}`);
    await queue.send(new sqs.SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ tenantIds: [tenant.id] }) }));
  });
}

/**
 * `remove --store`: marks the tenant removed and releases its domains' claims (the reconciler
 * deletes its distribution tenant, records and item), then queues it.
 */
export async function removeFromStore(id: string, where: StoreLocation, release = false): Promise<void> {
  const queueUrl = needsQueue('remove', where);
  await withClients('remove', where, async (ddb, dynamo, sqs, queue) => {
    let old: TenantProps;
    try {
      // Released, the reconciler forgets the tenant and leaves its distribution tenant and records serving.
      const removed = await dynamo.send(new ddb.UpdateItemCommand({
        TableName: where.table,
        Key: { id: { S: id } },
        UpdateExpression: release ? 'REMOVE #t SET #r = :r' : 'REMOVE #t',
        ConditionExpression: 'attribute_exists(#t)',
        ExpressionAttributeNames: { '#t': 'tenant', ...(release ? { '#r': 'released' } : {}) },
        ...(release ? { ExpressionAttributeValues: { ':r': { BOOL: true } } } : {}),
        ReturnValues: 'ALL_OLD',
      }));
      old = JSON.parse(removed.Attributes?.tenant?.S ?? '{"domainNames":[]}') as TenantProps;
    } catch (e) {
      if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
      throw new Error(`Cannot remove tenant "${id}": the store ${where.table} has no tenant "${id}"`);
    }
    await releaseClaims(ddb, dynamo, where.table, id, old.domainNames);
    await queue.send(new sqs.SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ tenantIds: [id] }) }));
  });
}

/** `suspend --store` and `resume --store`: sets the tenant's `suspended` flag (refused when the store has no such tenant) and queues it. */
export async function setSuspended(id: string, suspended: boolean, where: StoreLocation): Promise<void> {
  const command = suspended ? 'suspend' : 'resume';
  const queueUrl = needsQueue(command, where);
  await withClients(command, where, async (ddb, dynamo, sqs, queue) => {
    try {
      await dynamo.send(new ddb.UpdateItemCommand({
        TableName: where.table,
        Key: { id: { S: id } },
        UpdateExpression: 'SET #s = :s',
        ConditionExpression: 'attribute_exists(#t)',
        ExpressionAttributeNames: { '#s': 'suspended', '#t': 'tenant' },
        ExpressionAttributeValues: { ':s': { BOOL: suspended } },
      }));
    } catch (e) {
      if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
      throw new Error(`Cannot ${command} tenant "${id}": the store ${where.table} has no tenant "${id}"`);
    }
    await queue.send(new sqs.SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ tenantIds: [id] }) }));
  });
}

/** `status --store`: one tenant's state (refused when the store has none), or every tenant's in id order. */
export async function storeStatuses(id: string | undefined, where: StoreLocation): Promise<StoreStatus[]> {
  const ddb = load('@aws-sdk/client-dynamodb', 'status') as typeof DynamoDb;
  const dynamo = new ddb.DynamoDBClient({ region: where.region });
  try {
    if (id !== undefined) {
      if (!isTenantKey(id)) throw new Error(`The store ${where.table} has no tenant "${id}"`);
      const got = await dynamo.send(new ddb.GetItemCommand({ TableName: where.table, Key: { id: { S: id } }, ConsistentRead: true }));
      if (got.Item === undefined) throw new Error(`The store ${where.table} has no tenant "${id}"`);
      return [statusOf(got.Item)];
    }
    const items: StoreStatus[] = [];
    let start: { [key: string]: DynamoDb.AttributeValue } | undefined;
    do {
      // The domain claims and the sweep's marker beside the tenants are no tenants.
      const page = await dynamo.send(new ddb.ScanCommand({ TableName: where.table, ExclusiveStartKey: start, ...TENANT_ITEMS_ONLY }));
      items.push(...(page.Items ?? []).map(statusOf));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return items.sort((a, b) => (a.tenant < b.tenant ? -1 : a.tenant > b.tenant ? 1 : 0));
  } finally {
    dynamo.destroy();
  }
}

function statusOf(item: { [key: string]: DynamoDb.AttributeValue }): StoreStatus {
  const tenant = item.tenant?.S === undefined ? undefined : JSON.parse(item.tenant.S) as TenantProps;
  const written = item.status?.S;
  const status = tenant === undefined ? 'removing' : written !== undefined && (TENANT_STATUSES as readonly string[]).includes(written) ? written : 'queued';
  const reason = item.reason?.S;
  return { tenant: item.id.S!, domains: tenant?.domainNames ?? [], status, ...(reason ? { reason } : {}), suspended: item.suspended?.BOOL ?? false };
}

/** A tenant is settled when it is served or deliberately off. */
export function settled(status: StoreStatus): boolean {
  return status.status === 'active' || status.status === 'suspended';
}

/** One line per tenant. */
export function formatStoreStatuses(statuses: readonly StoreStatus[]): string[] {
  return statuses.map(s => `${s.tenant}: ${s.status}${s.reason ? ` (${s.reason})` : ''}${s.domains.length > 0 ? ` — ${s.domains.join(', ')}` : ''}`);
}
