// The control plane's reconciler: an SQS-driven Lambda handler. Each message names a page of
// tenant ids; the handler reads their desired state from the DynamoDB table, what CloudFront and
// Route 53 hold for them, runs the pure reconciler once, carries out its actions, writes the
// statuses and publishes an EventBridge event per status change. A message whose tenants are not
// settled yet (an action ran, or something is deploying or validating) is handed back to SQS,
// which delivers it again after the queue's visibility timeout: the wait needs no scheduler.
// A sweep message (from the drift sweep's schedule) walks the table a chunk at a time and queues
// every tenant again for a full pass, which reads everything instead of trusting the store's notes.
// AWS SDK v3 only (the Lambda runtime ships it); no aws-cdk-lib.
import {
  CloudFrontClient, CreateDistributionTenantCommand, Customizations, DeleteDistributionTenantCommand, DistributionTenant,
  GetDistributionTenantCommand, GetManagedCertificateDetailsCommand, ListDistributionTenantsCommand, Parameter, UpdateDistributionTenantCommand,
  UpdateDomainAssociationCommand,
} from '@aws-sdk/client-cloudfront';
import {
  AttributeValue, BatchGetItemCommand, DeleteItemCommand, DescribeTableCommand, DynamoDBClient, PutItemCommand, ScanCommand, UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ChangeResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { ChangeMessageVisibilityCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { adoptedTenantOf, adoptionProblem, noManagedCertificateProblem, storeMoveProblems } from './adoption';
import { CELL_ORIGINS_VARIABLE, cellOrigin, decodeCellOrigins, DEFAULT_ORIGIN_PARAMETER, ORIGIN_PARAMETER_VARIABLE } from './cell-origins';
import { isTenantKey, TENANT_ITEMS_ONLY } from './domain-claims';
import { decodeLoadBalancerNames, LOAD_BALANCER_NAMES_VARIABLE } from './load-balancer-names';
import {
  isSettled, LIST_PAGE_SIZE, mayNoteSettled, NotedTenant, pageDone, planObservation, QUICK_RECHECK_SECONDS, recheckSoon, settledFingerprint,
} from './observation';
import { CLOUDFRONT_RATE_VARIABLE, DEFAULT_CLOUDFRONT_PER_SECOND, DEFAULT_ROUTE53_PER_SECOND, Pacer, PAGE_TENANTS, passRate, ROUTE53_RATE_VARIABLE } from './pacing';
import { Action, DesiredTenant, ObservedCertificate, ObservedState, reconcile, RecordChange, settingsOf, StatusEvent, TenantStatus } from './reconcile';
import { sendBatches } from './send-batches';
import { retrying } from '../runtime/retrying';
import { TenantProps } from '../tenants/tenants';

/** Where the handler works, from its environment. */
export interface ReconcilerEnvironment {
  readonly tableName: string;
  readonly distributionId: string;
  readonly connectionGroupId: string;
  readonly routingEndpoint: string;
  readonly hostedZoneId: string;
  readonly eventBusName: string;
  /** Put before a tenant's id to name its distribution tenant. */
  readonly tenantNamePrefix?: string;
  /** The queue of pages: a sweep queues every tenant on it. */
  readonly queueUrl?: string;
  /** The names the load balancer's certificates cover (a tenant with a domain none covers fails); unknown when undefined. */
  readonly loadBalancerNames?: readonly string[];
  /** The origin domain of each cell besides the default; a tenant of another cell fails. None when undefined. */
  readonly cellOrigins?: { readonly [cell: string]: string };
  /** The distribution's origin domain parameter, which a cell's distribution tenant sets. */
  readonly originParameter?: string;
}

export interface ReconcilerDependencies {
  readonly cloudFront: CloudFrontClient;
  readonly route53: Route53Client;
  readonly dynamo: DynamoDBClient;
  readonly events: EventBridgeClient;
  /** For the drift sweep, which queues pages, and to bring a page back sooner than the queue would. */
  readonly sqs?: SQSClient;
  /** The pace of CloudFront's and Route 53's calls (none: as fast as they answer). */
  readonly pacers?: { readonly cloudFront: Pacer; readonly route53: Pacer };
  readonly env: ReconcilerEnvironment;
  /** The time left before the function's timeout, in ms (none: no limit). */
  remainingMs?(): number;
  sleep(ms: number): Promise<void>;
}

/** The SQS event, as much of it as the handler reads. */
export interface ReconcilerEvent {
  readonly Records: readonly { readonly messageId: string; readonly body: string; readonly receiptHandle?: string }[];
}

/** Partial batch response: the messages SQS delivers again. */
export interface ReconcilerResponse {
  readonly batchItemFailures: { readonly itemIdentifier: string }[];
}

/** The events' source and detail type, for EventBridge rules. */
export const EVENT_SOURCE = 'cdk-multi-tenant-gateway.control-plane';
export const EVENT_DETAIL_TYPE = 'Tenant status changed';

const clock = { now: () => Date.now(), sleep: (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms)) };
/** Kept while the function's environment is warm: each of the passes that run at once paces its share. */
let pacers: ReconcilerDependencies['pacers'];

/** The Lambda entry point. */
export async function handler(event: ReconcilerEvent, context?: { getRemainingTimeInMillis(): number }): Promise<ReconcilerResponse> {
  const env = process.env;
  pacers ??= {
    cloudFront: new Pacer(passRate(env[CLOUDFRONT_RATE_VARIABLE], DEFAULT_CLOUDFRONT_PER_SECOND), clock),
    route53: new Pacer(passRate(env[ROUTE53_RATE_VARIABLE], DEFAULT_ROUTE53_PER_SECOND), clock),
  };
  return reconcileMessages(event, {
    pacers,
    remainingMs: context && (() => context.getRemainingTimeInMillis()),
    cloudFront: new CloudFrontClient({ maxAttempts: 5 }),
    route53: new Route53Client({ maxAttempts: 5 }),
    dynamo: new DynamoDBClient({}),
    events: new EventBridgeClient({}),
    sqs: new SQSClient({}),
    env: {
      tableName: env.TABLE_NAME!,
      distributionId: env.DISTRIBUTION_ID!,
      connectionGroupId: env.CONNECTION_GROUP_ID!,
      routingEndpoint: env.ROUTING_ENDPOINT!,
      hostedZoneId: env.HOSTED_ZONE_ID!,
      eventBusName: env.EVENT_BUS_NAME ?? 'default',
      tenantNamePrefix: env.TENANT_NAME_PREFIX ?? '',
      queueUrl: env.QUEUE_URL,
      loadBalancerNames: decodeLoadBalancerNames(env[LOAD_BALANCER_NAMES_VARIABLE]),
      cellOrigins: decodeCellOrigins(env[CELL_ORIGINS_VARIABLE]),
      originParameter: env[ORIGIN_PARAMETER_VARIABLE],
    },
    sleep: clock.sleep,
  });
}

/** A client whose every call (each retry too) waits for its turn at the pace. */
export function paced<C extends { send(command: never): Promise<unknown> }>(client: C, pacer: Pacer | undefined): Pick<C, 'send'> {
  if (pacer === undefined) return client;
  const send = async (command: never) => {
    await pacer.take();
    return client.send(command);
  };
  return { send: send as C['send'] };
}

/**
 * A queue message: a page of tenants (`full` from a sweep: read everything, trust no note), or a
 * step of the drift sweep (`start`: where its scan of the table resumes; absent on the first).
 */
export type ReconcilerMessage =
  | { readonly tenantIds: string[]; readonly full?: boolean }
  | { readonly sweep: { readonly start?: { [key: string]: AttributeValue } } };

/** One pass per message; a message not settled yet goes back to the queue. */
export async function reconcileMessages(event: ReconcilerEvent, deps: ReconcilerDependencies): Promise<ReconcilerResponse> {
  const batchItemFailures: { itemIdentifier: string }[] = [];
  for (const record of event.Records) {
    const message = JSON.parse(record.body) as ReconcilerMessage;
    if ('sweep' in message) {
      await sweepStep(message.sweep.start, deps);
      continue;
    }
    // The domain claims beside the tenants are no tenants, whoever queued them.
    const outcome = await reconcilePage(message.tenantIds.filter(isTenantKey), deps, message.full ?? false);
    if (outcome.done) continue;
    batchItemFailures.push({ itemIdentifier: record.messageId });
    // Handed back, the message comes again after the queue's visibility timeout (`recheckAfter`), or sooner when told.
    if (outcome.recheckSeconds !== undefined && deps.sqs && deps.env.queueUrl && record.receiptHandle) {
      await retrying(() => deps.sqs!.send(new ChangeMessageVisibilityCommand({
        QueueUrl: deps.env.queueUrl, ReceiptHandle: record.receiptHandle, VisibilityTimeout: outcome.recheckSeconds,
      })), deps);
    }
  }
  return { batchItemFailures };
}

/**
 * Time a pass keeps for its next action and the writes after the last: an action is one or two
 * paced calls (a retry backs off up to 20 s), the statuses and events a page's worth of writes.
 */
export const ACTION_MARGIN_MS = 20_000;

/** The drift sweep's item in the table: present while a sweep walks it, so two never overlap. */
export const SWEEP_KEY = 'sweep#running';
/**
 * Store items a sweep step reads (DynamoDB Scan's Limit, which counts the items read before the
 * filter: the domain claims too, so a step of tenants of two domains holds about 67 of them); it
 * queues their tenants in pages of SWEEP_PAGE, then the next step behind them. A page queued
 * meanwhile (an `add`) waits behind at most one step: about 2 CloudFront calls a tenant, under
 * 30 s at 5 calls a second.
 */
export const SWEEP_CHUNK = 200;
/** Tenants per page a sweep queues: as `sync` pages. */
export const SWEEP_PAGE = PAGE_TENANTS;
/** A sweep item older than this belongs to a sweep that died (its step went to the dead-letter queue). */
const SWEEP_STALE_MS = 14 * 24 * 3600 * 1000;

/**
 * One step of the drift sweep: queues the next SWEEP_CHUNK tenants of the table as full pages,
 * then itself behind them, so the sweep goes at the pace the reconciler works through the queue
 * (within the API rates) and never floods it. The first step is refused while
 * another sweep is under way; the last removes the sweep's item.
 */
export async function sweepStep(start: { [key: string]: AttributeValue } | undefined, deps: ReconcilerDependencies): Promise<void> {
  const { tableName, queueUrl } = deps.env;
  if (deps.sqs === undefined || queueUrl === undefined) throw new Error('the drift sweep needs the queue (QUEUE_URL)');
  if (start === undefined) {
    const now = Date.now();
    try {
      await retrying(() => deps.dynamo.send(new PutItemCommand({
        TableName: tableName,
        Item: { id: { S: SWEEP_KEY }, startedAt: { N: String(now) } },
        ConditionExpression: 'attribute_not_exists(#i) OR #a < :stale',
        ExpressionAttributeNames: { '#i': 'id', '#a': 'startedAt' },
        ExpressionAttributeValues: { ':stale': { N: String(now - SWEEP_STALE_MS) } },
      })), deps);
    } catch (e) {
      if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
      console.log('A drift sweep is under way: this one is skipped.');
      return;
    }
  }
  const scanned = await retrying(() => deps.dynamo.send(new ScanCommand({
    TableName: tableName,
    ExclusiveStartKey: start,
    Limit: SWEEP_CHUNK,
    ProjectionExpression: '#i',
    ...TENANT_ITEMS_ONLY,
  })), deps, ['ProvisionedThroughputExceededException']);
  const ids = (scanned.Items ?? []).map(item => item.id.S!);
  const next = scanned.LastEvaluatedKey;
  const messages: ReconcilerMessage[] = [];
  for (let i = 0; i < ids.length; i += SWEEP_PAGE) messages.push({ tenantIds: ids.slice(i, i + SWEEP_PAGE), full: true });
  if (next !== undefined) messages.push({ sweep: { start: next } });
  // The next step goes last, behind this chunk's pages.
  for (const entries of sendBatches(messages)) {
    const sent = await retrying(() => deps.sqs!.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries })), deps);
    if ((sent.Failed ?? []).length > 0) throw new Error(`SQS refused ${sent.Failed!.length} of the sweep's messages: ${sent.Failed![0].Message}`);
  }
  if (next === undefined) {
    await retrying(() => deps.dynamo.send(new DeleteItemCommand({ TableName: tableName, Key: { id: { S: SWEEP_KEY } } })), deps);
  }
}

/** What the store holds for a tenant: desired state, and what the reconciler last applied. */
interface StoreItem {
  readonly desired?: DesiredTenant;
  readonly status?: TenantStatus;
  readonly appliedSettings?: string;
  readonly certificateDomains?: string[];
  /** The names whose CNAME the reconciler wrote for this tenant (Route 53 is not read each pass: its API rate is the account's). */
  readonly records?: string[];
  /** The reconciler made its distribution tenant (or was told it exists). */
  readonly created?: boolean;
  /** Its certificate was seen issued for `certificateDomains` (an issued certificate is not read again). */
  readonly certificateIssued?: boolean;
  /** What the store wanted when the tenant was last seen served so (see settledFingerprint). */
  readonly settledAs?: string;
  /** The name of the distribution tenant it adopted (`adoptFrom`), noted once it is the tenant's: a removal deletes it. */
  readonly distributionTenant?: string;
  /** Removed with `remove --store --release`: its distribution tenant and records are left serving, no longer the store's. */
  readonly released?: boolean;
}

/** A distribution tenant as read this pass, with its ETag: the first change to it needs no read of its own. */
interface Fresh { readonly current: DistributionTenant; readonly etag?: string }

/** The name of a distribution tenant the reconciler makes for a tenant. */
const nameOf = (id: string, deps: ReconcilerDependencies) => `${deps.env.tenantNamePrefix ?? ''}${id}`;

/** The distribution tenant a store tenant takes over and may take over now: its declared move is one the store takes. */
const adopting = (item: StoreItem | undefined): string | undefined =>
  item?.desired && storeMoveProblems(item.desired.tenant).length === 0 ? adoptedTenantOf(item.desired.tenant) : undefined;

/**
 * How CloudFront knows a tenant's distribution tenant: the name it was adopted under, the ID
 * `adoptFrom` gives (until its first pass adopts it), or the name the reconciler makes it with.
 */
const identifierOf = (id: string, item: StoreItem | undefined, deps: ReconcilerDependencies) =>
  item?.distributionTenant ?? adopting(item) ?? nameOf(id, deps);

/** What a pass leaves of its page: done (the message deleted), or to be seen again, in `recheckSeconds` when sooner than the queue's. */
export interface PassOutcome {
  readonly done: boolean;
  readonly recheckSeconds?: number;
}

/**
 * One pass over a page of tenants. Done when nothing was done, nothing is awaited and every tenant
 * holds its domains (see pageDone). A full pass (a sweep's) trusts none of the store's notes: it
 * reads every tenant and certificate, settled or not.
 */
export async function reconcilePage(tenantIds: readonly string[], deps: ReconcilerDependencies, full = false): Promise<PassOutcome> {
  const store = await readStore(tenantIds, deps);
  // A tenant served as the store still wants it is neither read nor reconciled again (but by a sweep).
  const open = full ? [...tenantIds]
    : tenantIds.filter(id => !isSettled(store.get(id)?.desired, store.get(id)?.status?.status, store.get(id)?.settledAs));
  const desired = open.flatMap(id => store.get(id)?.desired ?? []);
  const identify = (id: string) => identifierOf(id, store.get(id), deps);
  const { observed, fresh, adoptable } = await observe(open, store, identify, deps, full);
  const result = reconcile(desired, observed, {
    routingEndpoint: deps.env.routingEndpoint, loadBalancerNames: deps.env.loadBalancerNames, cells: Object.keys(deps.env.cellOrigins ?? {}),
  });
  const byId = new Map(desired.map(d => [d.tenant.id, d]));
  const recordedBy = new Map<string, string>(); // name -> the item that lists its CNAME
  for (const id of tenantIds) for (const name of store.get(id)?.records ?? []) recordedBy.set(name, id);
  for (const action of result.actions) {
    // Stop short of the function's timeout as a crash would, before the statuses: the next
    // delivery goes on from what AWS holds.
    if ((deps.remainingMs?.() ?? Infinity) < ACTION_MARGIN_MS) {
      console.log(`Out of time after ${result.actions.indexOf(action)} of ${result.actions.length} actions: the page goes back to the queue.`);
      return { done: false, recheckSeconds: 0 };
    }
    await execute(action, byId, fresh, identify, deps);
    if (action.kind === 'changeRecords') await noteRecords(action.changes, desired, recordedBy, deps);
  }
  const settled = new Set(result.statuses.filter(s => {
    const wanted = store.get(s.tenantId)?.desired;
    return wanted !== undefined && mayNoteSettled(s, wanted, observed.distributionTenants.find(t => t.name === s.tenantId), result.actions);
  }).map(s => s.tenantId));
  // An adopted distribution tenant is the tenant's once it is reconciled as such: from then on a
  // removal deletes it. One refused, or whose tenant failed before anything was done, stays its own.
  for (const s of result.statuses) {
    const name = adoptable.get(s.tenantId);
    if (s.status !== 'failed' && name !== undefined) await setAttribute(s.tenantId, 'distributionTenant', { S: name }, deps);
  }
  await writeStatuses(result.statuses, result.events, settled, store, deps, full);
  // A tenant removed before its distribution tenant was made leaves only its item.
  for (const e of result.events) {
    if (e.to === 'deleted' && !observed.distributionTenants.some(t => t.name === e.tenantId)) {
      await retrying(() => deps.dynamo.send(new DeleteItemCommand({ TableName: deps.env.tableName, Key: { id: { S: e.tenantId } } })), deps);
    }
  }
  await publish(result.events, deps);
  if (pageDone(result, desired, observed.distributionTenants)) return { done: true };
  return recheckSoon(result, observed.distributionTenants) ? { done: false, recheckSeconds: QUICK_RECHECK_SECONDS } : { done: false };
}

async function readStore(ids: readonly string[], deps: ReconcilerDependencies): Promise<Map<string, StoreItem>> {
  const items = new Map<string, StoreItem>();
  // BatchGetItem takes 100 keys a request.
  for (let i = 0; i < ids.length; i += 100) {
    let keys: { [k: string]: { S: string } }[] | undefined = ids.slice(i, i + 100).map(id => ({ id: { S: id } }));
    while (keys && keys.length > 0) {
      const got = await retrying(() => deps.dynamo.send(new BatchGetItemCommand({
        RequestItems: { [deps.env.tableName]: { Keys: keys!, ConsistentRead: true } },
      })), deps, ['ProvisionedThroughputExceededException']);
      for (const item of got.Responses?.[deps.env.tableName] ?? []) {
        const id = item.id.S!;
        const tenant = item.tenant?.S === undefined ? undefined : JSON.parse(item.tenant.S) as TenantProps;
        const origin = tenant && cellOrigin(tenant.cell, deps.env.cellOrigins ?? {});
        items.set(id, {
          desired: tenant && { tenant, suspended: item.suspended?.BOOL ?? false, ...(origin === undefined ? {} : { origin }) },
          status: item.status?.S === undefined ? undefined
            : { tenantId: id, status: item.status.S as TenantStatus['status'], ...(item.reason?.S ? { reason: item.reason.S } : {}) },
          appliedSettings: item.appliedSettings?.S,
          certificateDomains: item.certificateDomains?.SS,
          records: item.records?.SS,
          created: item.created?.BOOL,
          certificateIssued: item.certificateIssued?.BOOL,
          settledAs: item.settledAs?.S,
          distributionTenant: item.distributionTenant?.S,
          released: item.released?.BOOL,
        });
      }
      keys = got.UnprocessedKeys?.[deps.env.tableName]?.Keys as typeof keys;
    }
  }
  return items;
}

async function observe(ids: readonly string[], store: Map<string, StoreItem>, identify: (id: string) => string, deps: ReconcilerDependencies,
  full: boolean):
  Promise<{ observed: ObservedState; fresh: Map<string, Fresh>; adoptable: Map<string, string> }> {
  const cf = paced(deps.cloudFront, deps.pacers?.cloudFront);
  // A released tenant's distribution tenant and records are no longer the store's: not read, so
  // the pass sees nothing to undo and only its item goes.
  const ours = ids.filter(id => !(store.get(id)?.released && store.get(id)?.desired === undefined));
  // A full pass takes every tenant as made, and every certificate as not seen issued: all are read.
  const notes = ours.map((id): NotedTenant => {
    const item = store.get(id);
    const certificate = item?.certificateDomains === undefined ? 'none' : item.certificateIssued && !full ? 'issued' : 'requested';
    // A distribution tenant to adopt exists before the tenant's first pass, so it is read.
    return { id, desired: item?.desired !== undefined, created: full || (item?.created ?? false) || adopting(item) !== undefined, certificate };
  });
  const toRead = notes.filter(t => t.created || !t.desired).length;
  const plan = planObservation(notes, toRead > 1 ? await distributionTenantCount(deps) : 0);
  const found = new Map<string, DistributionTenant>();
  const fresh = new Map<string, Fresh>();
  let unread = plan.reads;
  if (plan.list) {
    const wanted = new Map(plan.reads.map(id => [identify(id), id]));
    let marker: string | undefined;
    let calls = 0;
    do {
      const page = await retrying(() => cf.send(new ListDistributionTenantsCommand({
        AssociationFilter: { DistributionId: deps.env.distributionId }, Marker: marker, MaxItems: LIST_PAGE_SIZE,
      })), deps);
      for (const t of page.DistributionTenantList ?? []) {
        const id = wanted.get(t.Name!) ?? wanted.get(t.Id!);
        if (id === undefined) continue;
        found.set(id, t as DistributionTenant);
        // A summary carries all an update sends back but parameters, which an update of a store
        // tenant takes from the store (its cell), not from the read.
        fresh.set(id, { current: t as DistributionTenant, etag: t.ETag });
      }
      marker = page.NextMarker;
      // The item count is an estimate (stale for hours on a growing store): a list longer than a
      // read each stops there, and the rest are read one by one, so a pass costs at most twice that.
    } while (marker && ++calls < plan.reads.length);
    unread = marker ? plan.reads.filter(id => !found.has(id)) : [];
  }
  for (const id of unread) {
    try {
      const got = await retrying(() => cf.send(new GetDistributionTenantCommand({ Identifier: identify(id) })), deps);
      found.set(id, got.DistributionTenant!);
      fresh.set(id, { current: got.DistributionTenant!, etag: got.ETag });
    } catch (e) {
      if ((e as Error).name !== 'EntityNotFound') throw e;
    }
  }
  // A distribution tenant to adopt, read for the first time (not yet noted as the tenant's): it
  // must be the gateway's, and its managed certificate is taken as it is (its domains, its state).
  const refusedAdoptions: { tenantId: string; reason: string }[] = [];
  const certificates: ObservedState['certificates'][number][] = [];
  const adoptable = new Map<string, string>(); // tenant id -> the name of the distribution tenant it adopts
  const appliedNow = new Map<string, string>(); // tenant id -> the settings an adopted distribution tenant was found with
  for (const id of ids) {
    const item = store.get(id);
    const t = found.get(id);
    if (adopting(item) === undefined || item!.distributionTenant !== undefined || t === undefined) continue;
    const adopted = adoptionProblem({ id: t.Id!, distributionId: t.DistributionId, connectionGroupId: t.ConnectionGroupId }, deps.env)
      ?? (item!.certificateDomains === undefined ? await adoptCertificate(id, t, deps) : undefined);
    if (typeof adopted === 'string') {
      // Not the tenant's: neither changed nor, on removal, deleted.
      refusedAdoptions.push({ tenantId: id, reason: adopted });
      found.delete(id);
      fresh.delete(id);
      continue;
    }
    if (adopted !== undefined) certificates.push(adopted);
    adoptable.set(id, t.Name!);
    // Settings it already has as the store wants them (the template's, from the same tenants-file entry) are not written again.
    if (item!.appliedSettings === undefined && servesAsWanted(t, item!.desired!, deps)) {
      const settings = settingsOf(item!.desired!.tenant, item!.desired!.origin);
      await setAttribute(id, 'appliedSettings', { S: settings }, deps);
      appliedNow.set(id, settings);
    }
  }
  // The customizations' fingerprint is the store's record of what was applied (CloudFront keeps no free-form field for it).
  const distributionTenants = [...found].map(([id, t]) => ({
    name: id,
    domains: (t.Domains ?? []).map(d => d.Domain!),
    enabled: t.Enabled ?? false,
    deployed: t.Status === 'Deployed',
    settings: store.get(id)?.appliedSettings ?? appliedNow.get(id) ?? '',
  }));
  for (const { id, certificate } of notes) {
    const domains = store.get(id)?.certificateDomains;
    // One adopted this pass had no `certificateDomains` in the store as read: adoptCertificate gave it.
    if (!found.has(id) || domains === undefined) continue;
    if (certificate === 'issued') {
      certificates.push({ tenantId: id, domains, state: 'issued' });
      continue;
    }
    if (!plan.certificateReads.includes(id)) continue;
    const details = await retrying(() => cf.send(new GetManagedCertificateDetailsCommand({ Identifier: identify(id) })), deps);
    const status = details.ManagedCertificateDetails?.CertificateStatus;
    certificates.push({ tenantId: id, domains, ...certificateState(status) });
    if (status === 'issued' && !store.get(id)?.certificateIssued) await setAttribute(id, 'certificateIssued', { BOOL: true }, deps);
    if (status !== 'issued' && store.get(id)?.certificateIssued) await setAttribute(id, 'certificateIssued', { BOOL: false }, deps);
  }
  // A sweep notes a distribution tenant it found made that the store did not know of.
  for (const id of found.keys()) if (full && store.get(id)?.desired !== undefined && !store.get(id)?.created) await setAttribute(id, 'created', { BOOL: true }, deps);
  // The records are those the store says were written: a record written is taken as INSYNC (the
  // certificate's validation waits for propagation anyway); one changed behind the store's back is
  // not seen here. Listing them (ListResourceRecordSets, 300 a call in name order) would page
  // through the whole zone for a page of tenants scattered in it, on Route 53's account-wide rate.
  const records = ours.flatMap(id => (store.get(id)?.records ?? []).map(name => ({ name, value: deps.env.routingEndpoint, inSync: true })));
  const statuses = ids.flatMap(id => store.get(id)?.status ?? []);
  return { observed: { distributionTenants, certificates, records, statuses, refusedAdoptions }, fresh, adoptable };
}

/** A managed certificate's state as the pure reconciler sees it, from its CloudFront status. */
function certificateState(status: string | undefined): Pick<ObservedCertificate, 'state' | 'reason'> {
  if (status === 'issued') return { state: 'issued' };
  if (status === 'pending-validation' || status === undefined) return { state: 'pending' };
  return { state: 'failed', reason: `the managed certificate is ${status}` };
}

/**
 * About how many distribution tenants the distribution holds: the store's item count (DynamoDB
 * refreshes it about every six hours). It counts the domain claims too, so it runs high: a list is
 * then chosen less often, and a pass still costs at most a read a tenant.
 */
async function distributionTenantCount(deps: ReconcilerDependencies): Promise<number> {
  const described = await retrying(() => deps.dynamo.send(new DescribeTableCommand({ TableName: deps.env.tableName })), deps);
  return described.Table?.ItemCount ?? Number.MAX_SAFE_INTEGER;
}

/**
 * The managed certificate of a distribution tenant to adopt, noted as the tenant's (it covers the
 * domains the distribution tenant has now); why it cannot be adopted when it has none.
 */
async function adoptCertificate(id: string, t: DistributionTenant, deps: ReconcilerDependencies): Promise<ObservedCertificate | string> {
  const cf = paced(deps.cloudFront, deps.pacers?.cloudFront);
  let status: string | undefined;
  try {
    const details = await retrying(() => cf.send(new GetManagedCertificateDetailsCommand({ Identifier: t.Name! })), deps);
    status = details.ManagedCertificateDetails?.CertificateStatus;
  } catch (e) {
    if ((e as Error).name !== 'EntityNotFound') throw e;
  }
  if (status === undefined) return noManagedCertificateProblem(t.Id!);
  const domains = (t.Domains ?? []).map(d => d.Domain!);
  await setAttribute(id, 'certificateDomains', { SS: domains }, deps);
  await setAttribute(id, 'certificateIssued', { BOOL: status === 'issued' }, deps);
  return { tenantId: id, domains, ...certificateState(status) };
}

/** The customizations a tenant's edge settings make (its web ACL and geo restriction). */
export function customizationsOf(tenant: TenantProps): Customizations | undefined {
  const c: Customizations = {
    ...(tenant.webAcl === undefined ? {} : { WebAcl: tenant.webAcl === 'none' ? { Action: 'disable' } : { Action: 'override', Arn: tenant.webAcl } }),
    ...(tenant.geoRestriction === undefined ? {} : {
      GeoRestrictions: tenant.geoRestriction.allow
        ? { RestrictionType: 'whitelist', Locations: tenant.geoRestriction.allow }
        : { RestrictionType: 'blacklist', Locations: tenant.geoRestriction.deny ?? [] },
    }),
  };
  return Object.keys(c).length === 0 ? undefined : c;
}

/**
 * Whether a distribution tenant has the web ACL, geo restriction and origin parameter the store
 * would send for this tenant (CloudFront may list them in another order).
 */
export function servesAsWanted(t: DistributionTenant, desired: DesiredTenant, deps: ReconcilerDependencies): boolean {
  const edge = (c: Customizations | undefined) => JSON.stringify([
    c?.WebAcl === undefined ? null : [c.WebAcl.Action, c.WebAcl.Arn ?? null],
    c?.GeoRestrictions === undefined ? null : [c.GeoRestrictions.RestrictionType, [...c.GeoRestrictions.Locations ?? []].sort()],
  ]);
  const parameters = (p: Parameter[] | undefined) => JSON.stringify((p ?? []).map(x => [x.Name, x.Value]).sort());
  return edge(t.Customizations) === edge(customizationsOf(desired.tenant)) && parameters(t.Parameters) === parameters(parametersOf(desired, deps));
}

/**
 * A tenant's customizations with the certificate CloudFront reports on its distribution tenant: the
 * reconciler sets web ACL and geo restriction only, and an update replaces the distribution tenant
 * whole, so a certificate it holds (an adopted one's) is sent back as it is.
 */
export function withCertificate(customizations: Customizations | undefined, current: Customizations | undefined): Customizations | undefined {
  return current?.Certificate === undefined ? customizations : { ...customizations, Certificate: current.Certificate };
}

/**
 * The parameters of a store tenant's distribution tenant: its cell's origin domain, or none (the
 * distribution's default, the default cell's origin). An update replaces the distribution tenant
 * whole (a PUT with the read's ETag), so every update of a store tenant sends them.
 */
export function parametersOf(desired: DesiredTenant, deps: ReconcilerDependencies): Parameter[] | undefined {
  return desired.origin === undefined ? undefined : [{ Name: deps.env.originParameter ?? DEFAULT_ORIGIN_PARAMETER, Value: desired.origin }];
}

async function execute(action: Action, tenants: Map<string, DesiredTenant>, fresh: Map<string, Fresh>, identify: (id: string) => string,
  deps: ReconcilerDependencies): Promise<void> {
  const cf = paced(deps.cloudFront, deps.pacers?.cloudFront);
  // The first change to a tenant read this pass uses that read; any later one, or a retry after a
  // stale ETag (PreconditionFailed), reads it afresh.
  const get = async (id: string): Promise<Fresh> => {
    const read = fresh.get(id);
    fresh.delete(id);
    if (read) return read;
    const got = await retrying(() => cf.send(new GetDistributionTenantCommand({ Identifier: identify(id) })), deps);
    return { current: got.DistributionTenant!, etag: got.ETag };
  };
  switch (action.kind) {
    case 'createTenant': {
      const desired = tenants.get(action.tenantId)!;
      try {
        await retrying(() => cf.send(new CreateDistributionTenantCommand({
          DistributionId: deps.env.distributionId,
          ConnectionGroupId: deps.env.connectionGroupId,
          Name: nameOf(action.tenantId, deps),
          Domains: action.domains.map(Domain => ({ Domain })),
          Enabled: action.enabled,
          Customizations: customizationsOf(desired.tenant),
          Parameters: parametersOf(desired, deps),
        })), deps);
      } catch (e) {
        // Made by a pass that crashed before it recorded it: the name is the tenant's id, so it is the same one.
        if ((e as Error).name !== 'EntityAlreadyExists') throw e;
      }
      await setAttribute(action.tenantId, 'appliedSettings', { S: action.settings }, deps);
      await setAttribute(action.tenantId, 'created', { BOOL: true }, deps);
      return;
    }
    case 'updateTenant':
    case 'requestCertificate':
    case 'enableTenant':
    case 'disableTenant': {
      const desired = tenants.get(action.tenantId);
      await retrying(async () => {
        const { current, etag } = await get(action.tenantId);
        const certificate = action.kind === 'requestCertificate' ? {
          ManagedCertificateRequest: {
            ValidationTokenHost: action.validation === 'self-hosted' ? 'self-hosted' as const : 'cloudfront' as const,
            PrimaryDomainName: action.domains[0],
          },
        } : {};
        return cf.send(new UpdateDistributionTenantCommand({
          Id: current.Id,
          IfMatch: etag,
          DistributionId: current.DistributionId,
          ConnectionGroupId: current.ConnectionGroupId,
          Domains: (action.kind === 'updateTenant' ? action.domains : (current.Domains ?? []).map(d => d.Domain!)).map(Domain => ({ Domain })),
          Customizations: action.kind === 'updateTenant' && desired ? withCertificate(customizationsOf(desired.tenant), current.Customizations) : current.Customizations,
          Parameters: desired ? parametersOf(desired, deps) : current.Parameters,
          Enabled: action.kind === 'enableTenant' ? true : action.kind === 'disableTenant' ? false : current.Enabled,
          ...certificate,
        }));
      }, deps, ['PreconditionFailed']);
      if (action.kind === 'updateTenant') await setAttribute(action.tenantId, 'appliedSettings', { S: action.settings }, deps);
      if (action.kind === 'requestCertificate') {
        await setAttribute(action.tenantId, 'certificateDomains', { SS: [...action.domains] }, deps);
        await setAttribute(action.tenantId, 'certificateIssued', { BOOL: false }, deps);
      }
      return;
    }
    case 'moveDomain': {
      fresh.delete(action.from);
      await retrying(async () => {
        const { current, etag } = await get(action.to);
        return cf.send(new UpdateDomainAssociationCommand({
          Domain: action.domain, TargetResource: { DistributionTenantId: current.Id }, IfMatch: etag,
        }));
      }, deps, ['PreconditionFailed']);
      return;
    }
    case 'deleteTenant': {
      await retrying(async () => {
        const { current, etag } = await get(action.tenantId);
        return cf.send(new DeleteDistributionTenantCommand({ Id: current.Id, IfMatch: etag }));
      }, deps, ['PreconditionFailed']);
      await retrying(() => deps.dynamo.send(new DeleteItemCommand({ TableName: deps.env.tableName, Key: { id: { S: action.tenantId } } })), deps);
      return;
    }
    case 'changeRecords':
      await retrying(() => paced(deps.route53, deps.pacers?.route53).send(new ChangeResourceRecordSetsCommand({
        HostedZoneId: deps.env.hostedZoneId,
        ChangeBatch: {
          Changes: action.changes.map(c => ({
            Action: c.action, ResourceRecordSet: { Name: c.name, Type: 'CNAME', TTL: 300, ResourceRecords: [{ Value: c.value }] },
          })),
        },
      })), deps, ['PriorRequestNotComplete']);
      return;
  }
}

/**
 * Records in the store which item each written CNAME belongs to (after Route 53 accepted the
 * batch: a crash before this only makes the next pass write the records again).
 */
async function noteRecords(changes: readonly RecordChange[], desired: readonly DesiredTenant[], recordedBy: Map<string, string>,
  deps: ReconcilerDependencies): Promise<void> {
  const owner = new Map(desired.flatMap(d => d.tenant.domainNames.map(name => [name, d.tenant.id] as const)));
  const add = new Map<string, string[]>();
  const drop = new Map<string, string[]>();
  const push = (map: Map<string, string[]>, id: string, name: string) => map.set(id, [...(map.get(id) ?? []), name]);
  for (const change of changes) {
    const before = recordedBy.get(change.name);
    if (change.action === 'UPSERT') {
      const id = owner.get(change.name)!;
      push(add, id, change.name);
      if (before !== undefined && before !== id) push(drop, before, change.name);
      recordedBy.set(change.name, id);
    } else if (before !== undefined) {
      push(drop, before, change.name);
      recordedBy.delete(change.name);
    }
  }
  for (const [map, verb] of [[add, 'ADD'], [drop, 'DELETE']] as const) {
    for (const [id, names] of map) {
      try {
        await retrying(() => deps.dynamo.send(new UpdateItemCommand({
          TableName: deps.env.tableName,
          Key: { id: { S: id } },
          UpdateExpression: `${verb} #r :n`,
          // An item the reconciler deleted (its tenant deleted) is not made again.
          ConditionExpression: 'attribute_exists(id)',
          ExpressionAttributeNames: { '#r': 'records' },
          ExpressionAttributeValues: { ':n': { SS: names } },
        })), deps);
      } catch (e) {
        if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
      }
    }
  }
}

async function setAttribute(id: string, name: string, value: { S: string } | { SS: string[] } | { BOOL: boolean },
  deps: ReconcilerDependencies): Promise<void> {
  await retrying(() => deps.dynamo.send(new UpdateItemCommand({
    TableName: deps.env.tableName,
    Key: { id: { S: id } },
    UpdateExpression: 'SET #a = :v',
    ExpressionAttributeNames: { '#a': name },
    ExpressionAttributeValues: { ':v': value },
  })), deps);
}

/**
 * Writes each changed status, and notes what the store wanted of a tenant now served so. A full
 * pass that finds a noted tenant no longer so (drift) drops the note, so later passes read it.
 */
async function writeStatuses(statuses: readonly TenantStatus[], events: readonly StatusEvent[], settled: ReadonlySet<string>,
  store: Map<string, StoreItem>, deps: ReconcilerDependencies, full: boolean): Promise<void> {
  const changed = new Set(events.map(e => e.tenantId));
  for (const s of statuses) {
    const item = store.get(s.tenantId);
    const settledAs = settled.has(s.tenantId) && item?.desired ? settledFingerprint(item.desired) : undefined;
    const note = settledAs !== undefined && settledAs !== item?.settledAs;
    const unnote = full && settledAs === undefined && item?.settledAs !== undefined;
    if (!changed.has(s.tenantId) && !note && !unnote) continue;
    await retrying(() => deps.dynamo.send(new UpdateItemCommand({
      TableName: deps.env.tableName,
      Key: { id: { S: s.tenantId } },
      UpdateExpression: note ? 'SET #s = :s, #r = :r, #f = :f' : unnote ? 'SET #s = :s, #r = :r REMOVE #f' : 'SET #s = :s, #r = :r',
      ExpressionAttributeNames: { '#s': 'status', '#r': 'reason', ...(note || unnote ? { '#f': 'settledAs' } : {}) },
      ExpressionAttributeValues: { ':s': { S: s.status }, ':r': { S: s.reason ?? '' }, ...(note ? { ':f': { S: settledAs } } : {}) },
    })), deps);
  }
}

async function publish(events: readonly StatusEvent[], deps: ReconcilerDependencies): Promise<void> {
  // PutEvents takes 10 entries a request.
  for (let i = 0; i < events.length; i += 10) {
    const entries = events.slice(i, i + 10).map(e => ({
      Source: EVENT_SOURCE, DetailType: EVENT_DETAIL_TYPE, EventBusName: deps.env.eventBusName, Detail: JSON.stringify(e),
    }));
    const result = await retrying(() => deps.events.send(new PutEventsCommand({ Entries: entries })), deps);
    if ((result.FailedEntryCount ?? 0) > 0) throw new Error(`EventBridge refused ${result.FailedEntryCount} of ${entries.length} events`);
  }
}
