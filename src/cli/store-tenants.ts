// The CLI's `add`, `remove` and `status` against the control plane's tenant store (`--store`):
// add and remove write the tenant's desired item, checked by the tenants file's own rules, and
// queue it as a page for the reconciler; status reads what the reconciler last observed. The
// AWS SDK is loaded only when they run.
import type * as DynamoDb from '@aws-sdk/client-dynamodb';
import type * as Sqs from '@aws-sdk/client-sqs';
import { problemList } from './commands';
import { load, StoreLocation } from './control-plane';
import { TENANT_STATUSES } from '../control-plane/reconcile';
import { Quotas, resolveQuotas } from '../quotas/quotas';
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

/** Every problem with a tenant the store is asked to take: the tenants file's rules, and the domains a distribution tenant carries. */
export function storeTenantProblems(tenant: TenantProps, overrides: Quotas): string[] {
  const problems = tenantProblems([tenant]);
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

/** `add --store`: writes a new tenant's desired item (refused when the id is taken) and queues it. */
export async function addToStore(tenant: TenantProps, overrides: Quotas, where: StoreLocation): Promise<void> {
  const problems = storeTenantProblems(tenant, overrides);
  if (problems.length > 0) throw new Error(`Cannot add tenant "${tenant.id}": ${problemList('it', problems)}`);
  const queueUrl = needsQueue('add', where);
  await withClients('add', where, async (ddb, dynamo, sqs, queue) => {
    try {
      await dynamo.send(new ddb.UpdateItemCommand({
        TableName: where.table,
        Key: { id: { S: tenant.id } },
        UpdateExpression: 'SET #t = :t',
        // A removed tenant whose item the reconciler has not deleted yet may come back; a kept one is a duplicate.
        ConditionExpression: 'attribute_not_exists(#t)',
        ExpressionAttributeNames: { '#t': 'tenant' },
        ExpressionAttributeValues: { ':t': { S: JSON.stringify(tenant) } },
      }));
    } catch (e) {
      if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
      throw new Error(`Cannot add tenant "${tenant.id}": the store ${where.table} has a tenant "${tenant.id}" already`);
    }
    await queue.send(new sqs.SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ tenantIds: [tenant.id] }) }));
  });
}

/** `remove --store`: marks the tenant removed (the reconciler deletes its distribution tenant, records and item) and queues it. */
export async function removeFromStore(id: string, where: StoreLocation): Promise<void> {
  const queueUrl = needsQueue('remove', where);
  await withClients('remove', where, async (ddb, dynamo, sqs, queue) => {
    try {
      await dynamo.send(new ddb.UpdateItemCommand({
        TableName: where.table,
        Key: { id: { S: id } },
        UpdateExpression: 'REMOVE #t',
        ConditionExpression: 'attribute_exists(#t)',
        ExpressionAttributeNames: { '#t': 'tenant' },
      }));
    } catch (e) {
      if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
      throw new Error(`Cannot remove tenant "${id}": the store ${where.table} has no tenant "${id}"`);
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
      const got = await dynamo.send(new ddb.GetItemCommand({ TableName: where.table, Key: { id: { S: id } }, ConsistentRead: true }));
      if (got.Item === undefined) throw new Error(`The store ${where.table} has no tenant "${id}"`);
      return [statusOf(got.Item)];
    }
    const items: StoreStatus[] = [];
    let start: { [key: string]: DynamoDb.AttributeValue } | undefined;
    do {
      const page = await dynamo.send(new ddb.ScanCommand({ TableName: where.table, ExclusiveStartKey: start }));
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
