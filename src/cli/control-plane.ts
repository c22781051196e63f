// The CLI's control-plane commands: `sync` sends the tenants file to the tenant store (the
// pull-request flow stays: `validate` on the pull request, `sync` on merge) and queues the changed
// tenants for the reconciler; `export` writes the store back as a tenants file. Both load the AWS
// SDK only when they run, and check tenants with the tenants file's own rules.
import * as fs from 'fs';
import type * as DynamoDb from '@aws-sdk/client-dynamodb';
import type * as Sqs from '@aws-sdk/client-sqs';
import { writeFileAtomic } from './safe-write';
import { Claim, releaseClaims, StoreGateway, storeOnlyProblems, writeWithClaims } from './store-tenants';
import { CLAIM_OWNER, claimedDomain, isClaimKey, isTenantKey } from '../control-plane/domain-claims';
import { PAGE_TENANTS } from '../control-plane/pacing';
import { pageExpired, QUEUED_AT } from '../control-plane/page-retention';
import { settingsOf } from '../control-plane/reconcile';
import { sendBatches } from '../control-plane/send-batches';
import { TenantProps, Tenants } from '../tenants/tenants';

/** Tenant ids per queue message: a page the reconciler works through in one pass. */
export const PAGE_SIZE = PAGE_TENANTS;

/** A tenant as the store holds it (only what `sync` and `export` read). */
export interface StoredTenant {
  readonly id: string;
  /** Absent once the tenant is removed (the reconciler deletes the item after the distribution tenant). */
  readonly tenant?: TenantProps;
  /** What the reconciler last wrote; absent before its first pass over the tenant. */
  readonly status?: string;
  /** When the tenant was last queued (milliseconds since the epoch), when known. */
  readonly queuedAt?: number;
}

export interface SyncPlan {
  /** Tenants new in the file, or changed. */
  readonly writes: TenantProps[];
  /** Tenants in the store that the file no longer has. */
  readonly removals: string[];
  /**
   * Tenants the reconciler never passed whose page is older than the queue keeps (SQS dropped it):
   * queued again, so a second `sync` resumes an import longer than the queue's retention.
   */
  readonly requeued: string[];
  /** The ids to reconcile, in pages; the old and new tenant of a moving domain share a page. */
  readonly pages: string[][];
  /** Per tenant, the domains whose claim it does not hold yet (with the owner seen, when another). */
  readonly claims: { readonly [tenantId: string]: Claim[] };
  /** The claims of domains no tenant of the file has, by owner. */
  readonly releases: { readonly [owner: string]: string[] };
}

/**
 * What `sync` changes: pure, so the command's effect is tested without AWS. `claims` are the
 * store's domain claims (domain -> owner): a domain of the file whose claim its tenant does not
 * hold is claimed (tenants stored before claims existed are claimed so too), a claim on a domain
 * the file no longer has is released.
 */
export function syncPlan(tenants: readonly TenantProps[], stored: readonly StoredTenant[],
  claims: ReadonlyMap<string, string> = new Map(), now = Date.now()): SyncPlan {
  const before = new Map(stored.map(s => [s.id, s.tenant]));
  const writes = tenants.filter(t => {
    const old = before.get(t.id);
    return old === undefined || JSON.stringify(old.domainNames) !== JSON.stringify(t.domainNames) || settingsOf(old) !== settingsOf(t)
      || old.externalDns !== t.externalDns || old.certificateValidation !== t.certificateValidation || !sameConfig(old.config, t.config)
      || old.adoptFrom?.distributionTenantId !== t.adoptFrom?.distributionTenantId;
  });
  const kept = new Set(tenants.map(t => t.id));
  const removals = stored.filter(s => s.tenant !== undefined && !kept.has(s.id)).map(s => s.id);
  const changed = new Set([...writes.map(t => t.id), ...removals]);
  const requeued = stored.filter(s => !changed.has(s.id) && s.status === undefined && pageExpired(s.queuedAt, now)).map(s => s.id);
  const toClaim: { [tenantId: string]: Claim[] } = {};
  const inFile = new Set<string>();
  for (const t of tenants) {
    for (const domain of t.domainNames) {
      inFile.add(domain);
      const owner = claims.get(domain);
      if (owner !== t.id) (toClaim[t.id] ??= []).push(owner === undefined ? { domain } : { domain, was: owner });
    }
  }
  const releases: { [owner: string]: string[] } = {};
  for (const [domain, owner] of claims) if (!inFile.has(domain)) (releases[owner] ??= []).push(domain);
  return {
    writes, removals, requeued, pages: pagesOf([...writes.map(t => t.id), ...removals, ...requeued], tenants, stored), claims: toClaim, releases,
  };
}

/**
 * The ids in pages of about PAGE_SIZE, where a domain that changes tenant has its old and its new
 * tenant in the same page: the reconciler sees a page alone, and a domain whose new owner it did
 * not see would look unwanted (removed, its record deleted) instead of moved.
 */
function pagesOf(ids: readonly string[], tenants: readonly TenantProps[], stored: readonly StoredTenant[]): string[][] {
  const oldOwner = new Map<string, string>();
  for (const s of stored) for (const d of s.tenant?.domainNames ?? []) oldOwner.set(d, s.id);
  const linked = new Map<string, Set<string>>();
  const link = (a: string, b: string) => {
    for (const [x, y] of [[a, b], [b, a]]) linked.set(x, (linked.get(x) ?? new Set()).add(y));
  };
  for (const t of tenants) {
    for (const d of t.domainNames) {
      const was = oldOwner.get(d);
      if (was !== undefined && was !== t.id) link(was, t.id);
    }
  }
  const placed = new Set<string>();
  const pages: string[][] = [];
  let page: string[] = [];
  for (const id of ids) {
    if (placed.has(id)) continue;
    // The tenants linked to this one by moving domains, transitively: one group, one page.
    const group = [id];
    placed.add(id);
    for (let i = 0; i < group.length; i++) {
      for (const other of linked.get(group[i]) ?? []) {
        if (!placed.has(other)) { placed.add(other); group.push(other); }
      }
    }
    if (page.length > 0 && page.length + group.length > PAGE_SIZE) { pages.push(page); page = []; }
    page.push(...group);
  }
  if (page.length > 0) pages.push(page);
  return pages;
}

/** The store as a tenants file's text, in id order; checked by the file's rules before it is written. */
export function exportText(stored: readonly StoredTenant[], source: string): string {
  const tenants = stored.flatMap(s => s.tenant ?? []).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const text = JSON.stringify({ tenants }, null, 2) + '\n';
  Tenants.fromJson(text, source);
  return text;
}

/** Whether two tenants' `config` hold the same settings, in any key order. */
function sameConfig(a: TenantProps['config'], b: TenantProps['config']): boolean {
  const sorted = (c: TenantProps['config']) => JSON.stringify(Object.entries(c ?? {}).sort(([x], [y]) => (x < y ? -1 : 1)));
  return sorted(a) === sorted(b);
}

/** Where the store is, and what the CLI knows of its gateway (from the stack's outputs). */
export interface StoreLocation extends StoreGateway {
  readonly table: string;
  readonly queueUrl?: string;
  readonly region?: string;
}

/** An AWS SDK client package, loaded when a command runs; a clear error when it is not installed. */
export const load = (name: string, command: string): unknown => {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(name);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw e;
    throw new Error(`\`${command}\` writes the tenant store with the AWS SDK for JavaScript v3, which is not installed here (${name} is missing). ` +
      'Install the clients beside it:\n  npm install --save-dev @aws-sdk/client-dynamodb @aws-sdk/client-sqs');
  }
};

/** The store's tenants, and its domain claims (domain -> owner) apart. */
async function readStore(dynamo: DynamoDb.DynamoDBClient, sdk: typeof DynamoDb, table: string):
Promise<{ tenants: StoredTenant[]; claims: Map<string, string> }> {
  const tenants: StoredTenant[] = [];
  const claims = new Map<string, string>();
  let start: { [key: string]: DynamoDb.AttributeValue } | undefined;
  do {
    const page = await dynamo.send(new sdk.ScanCommand({
      TableName: table,
      ProjectionExpression: '#i, #t, #o, #s, #q',
      ExpressionAttributeNames: { '#i': 'id', '#t': 'tenant', '#o': CLAIM_OWNER, '#s': 'status', '#q': QUEUED_AT },
      ExclusiveStartKey: start,
    }));
    for (const item of page.Items ?? []) {
      const id = item.id.S!;
      if (isClaimKey(id)) {claims.set(claimedDomain(id), item[CLAIM_OWNER]?.S ?? '');} else if (isTenantKey(id)) {
        tenants.push({
          id,
          tenant: item.tenant?.S === undefined ? undefined : JSON.parse(item.tenant.S) as TenantProps,
          ...(item.status?.S === undefined ? {} : { status: item.status.S }),
          ...(item[QUEUED_AT]?.N === undefined ? {} : { queuedAt: Number(item[QUEUED_AT].N) }),
        });
      }
    }
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return { tenants, claims };
}

/** `sync`: the file's tenants into the store, the removed ones marked, the changed ones queued. Returns the plan carried out. */
export async function syncFile(file: string, source: string, where: StoreLocation): Promise<SyncPlan> {
  const tenants = Tenants.fromFile(file).list;
  const refused = tenants.flatMap(t => storeOnlyProblems(t, where).map(p => `tenant "${t.id}": ${p}`));
  if (refused.length > 0) throw new Error(`${source}: the control plane cannot take ${refused.length === 1 ? 'a tenant' : 'tenants'} as the file has them:\n  - ${refused.join('\n  - ')}`);
  if (where.queueUrl === undefined) throw new Error('`sync` needs --queue-url: the reconciler\'s queue, from the stack\'s outputs');
  const ddb = load('@aws-sdk/client-dynamodb', 'sync') as typeof DynamoDb;
  const sqs = load('@aws-sdk/client-sqs', 'sync') as typeof Sqs;
  const dynamo = new ddb.DynamoDBClient({ region: where.region });
  const queue = new sqs.SQSClient({ region: where.region });
  try {
    const store = await readStore(dynamo, ddb, where.table);
    const now = Date.now();
    const plan = syncPlan(tenants, store.tenants, store.claims, now);
    // Each written tenant with the claims of its new domains, in the same transactions: a domain
    // another store tenant took since the store was read refuses that tenant's write.
    const problems: string[] = [];
    const written = new Set(plan.writes.map(t => t.id));
    for (const tenant of [...plan.writes, ...tenants.filter(t => !written.has(t.id) && plan.claims[t.id] !== undefined)]) {
      const refusals = await writeWithClaims(ddb, dynamo, where.table, tenant.id, plan.claims[tenant.id] ?? [],
        written.has(tenant.id) ? { props: tenant, queuedAt: now } : undefined);
      problems.push(...refusals.map(p => `tenant "${tenant.id}": ${p}`));
    }
    for (const id of plan.removals) {
      await dynamo.send(new ddb.UpdateItemCommand({
        TableName: where.table,
        Key: { id: { S: id } },
        UpdateExpression: 'SET #q = :q REMOVE #t',
        ExpressionAttributeNames: { '#t': 'tenant', '#q': QUEUED_AT },
        ExpressionAttributeValues: { ':q': { N: String(now) } },
      }));
    }
    for (const id of plan.requeued) {
      try {
        await dynamo.send(new ddb.UpdateItemCommand({
          TableName: where.table,
          Key: { id: { S: id } },
          UpdateExpression: 'SET #q = :q',
          // An item the reconciler deleted since (its removal done) is not made again.
          ConditionExpression: 'attribute_exists(#i)',
          ExpressionAttributeNames: { '#q': QUEUED_AT, '#i': 'id' },
          ExpressionAttributeValues: { ':q': { N: String(now) } },
        }));
      } catch (e) {
        if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
      }
    }
    for (const [owner, domains] of Object.entries(plan.releases)) await releaseClaims(ddb, dynamo, where.table, owner, domains);
    for (const entries of sendBatches(plan.pages.map(tenantIds => ({ tenantIds })))) {
      const sent = await queue.send(new sqs.SendMessageBatchCommand({ QueueUrl: where.queueUrl, Entries: entries }));
      if ((sent.Failed ?? []).length > 0) throw new Error(`${source}: SQS refused ${sent.Failed!.length} pages: ${sent.Failed![0].Message}`);
    }
    if (problems.length > 0) {
      throw new Error(`${source}: not every tenant was written (the rest are synced and queued):\n  - ${problems.join('\n  - ')}`);
    }
    return plan;
  } finally {
    dynamo.destroy();
    queue.destroy();
  }
}

/** `export`: the store written as a tenants file (atomically). Returns the number of tenants. */
export async function exportStore(file: string, source: string, where: StoreLocation): Promise<number> {
  const ddb = load('@aws-sdk/client-dynamodb', 'export') as typeof DynamoDb;
  const dynamo = new ddb.DynamoDBClient({ region: where.region });
  try {
    const stored = (await readStore(dynamo, ddb, where.table)).tenants;
    const text = exportText(stored, source);
    if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === text) return stored.filter(s => s.tenant).length;
    writeFileAtomic(file, text);
    return stored.filter(s => s.tenant).length;
  } finally {
    dynamo.destroy();
  }
}
