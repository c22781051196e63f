// The control plane's decision core: desired tenants (the store, validated by the tenants file's
// own rules) and what AWS holds now (distribution tenants, their certificates, the records) ->
// the next actions and each tenant's status. Pure: no AWS SDK, no aws-cdk-lib. Every action is
// derived from state, never from what an earlier run did, and carries the whole target state of
// what it changes (not a delta), so running it twice, or after a crash, changes nothing more.
import { adoptedTenantOf, storeMoveProblems } from './adoption';
import { knowsCell, unknownCellProblem } from './cell-origins';
import { notCoveredProblem, uncoveredDomains } from './load-balancer-names';
import { throwIfProblems } from '../private/problems';
import { TenantProps, tenantProblems } from '../tenants/tenants';

/** A tenant as the store holds it: the tenants file's entry, and whether it is suspended. */
export interface DesiredTenant {
  readonly tenant: TenantProps;
  /** A suspended tenant's distribution tenant stays, disabled; its records and certificate stay. */
  readonly suspended?: boolean;
  /**
   * The origin domain of its cell, which its distribution tenant's origin parameter is set to;
   * undefined for the default cell (the distribution's own origin).
   */
  readonly origin?: string;
}

/** A distribution tenant as CloudFront reports it; the control plane names it by the tenant's id. */
export interface ObservedDistributionTenant {
  readonly name: string;
  readonly domains: readonly string[];
  readonly enabled: boolean;
  /** Status "Deployed" (false while "InProgress"). */
  readonly deployed: boolean;
  /** The fingerprint of its customizations, as `settingsOf` computes it. */
  readonly settings: string;
}

/** The values of `ObservedCertificate.state`. */
export const CERTIFICATE_STATES = ['pending', 'issued', 'failed'] as const;

/** A distribution tenant's CloudFront-managed certificate. */
export interface ObservedCertificate {
  readonly tenantId: string;
  readonly domains: readonly string[];
  readonly state: typeof CERTIFICATE_STATES[number];
  readonly reason?: string;
}

/** A CNAME in the hosted zone. Only records whose value is the routing endpoint are the control plane's. */
export interface ObservedRecord {
  readonly name: string;
  readonly value: string;
  /** Its change is INSYNC (false while PENDING). */
  readonly inSync: boolean;
}

/** The statuses a tenant can have, in the store and in events. */
export const TENANT_STATUSES = ['pending-dns', 'validating', 'active', 'suspended', 'failed'] as const;
export type TenantStatusName = typeof TENANT_STATUSES[number];

export interface TenantStatus {
  readonly tenantId: string;
  readonly status: TenantStatusName;
  /** Why, for "failed", and what is awaited otherwise. */
  readonly reason?: string;
}

export interface ObservedState {
  readonly distributionTenants: readonly ObservedDistributionTenant[];
  readonly certificates: readonly ObservedCertificate[];
  readonly records: readonly ObservedRecord[];
  /** The statuses the store holds (last written by the reconciler). */
  readonly statuses: readonly TenantStatus[];
  /** Tenants whose `adoptFrom` distribution tenant cannot be adopted, and why (the handler reads it). */
  readonly refusedAdoptions?: readonly { readonly tenantId: string; readonly reason: string }[];
}

export type Action =
  | { readonly kind: 'createTenant'; readonly tenantId: string; readonly domains: readonly string[]; readonly settings: string; readonly enabled: boolean }
  | { readonly kind: 'updateTenant'; readonly tenantId: string; readonly domains: readonly string[]; readonly settings: string }
  | { readonly kind: 'requestCertificate'; readonly tenantId: string; readonly domains: readonly string[]; readonly validation: string }
  /** CloudFront's UpdateDomainAssociation: the domain leaves `from` and joins `to` in one call. */
  | { readonly kind: 'moveDomain'; readonly domain: string; readonly from: string; readonly to: string }
  | { readonly kind: 'disableTenant'; readonly tenantId: string }
  | { readonly kind: 'enableTenant'; readonly tenantId: string }
  | { readonly kind: 'deleteTenant'; readonly tenantId: string }
  /** One ChangeResourceRecordSets request. */
  | { readonly kind: 'changeRecords'; readonly changes: readonly RecordChange[] };

export interface RecordChange {
  readonly action: 'UPSERT' | 'DELETE';
  readonly name: string;
  readonly value: string;
}

/** A status change, published as an event. `to` is "deleted" when the tenant left the store. */
export interface StatusEvent {
  readonly tenantId: string;
  readonly from?: TenantStatusName;
  readonly to: TenantStatusName | 'deleted';
  readonly reason?: string;
}

export interface Reconciliation {
  /** In the order they must run: creates and updates, moves, enable/disable, deletes, records. */
  readonly actions: readonly Action[];
  /** Every desired tenant's status now. */
  readonly statuses: readonly TenantStatus[];
  readonly events: readonly StatusEvent[];
}

export interface ReconcileContext {
  /** The connection group's routing endpoint, every managed CNAME's value. */
  readonly routingEndpoint: string;
  /** The Route 53 limits of one change batch; AWS's by default. */
  readonly batchLimits?: BatchLimits;
  /**
   * The names the load balancer's certificates cover: a tenant with a domain none covers fails
   * (viewers would get 502) and nothing is done for it. Unknown, nothing is checked.
   */
  readonly loadBalancerNames?: readonly string[];
  /** The cells besides the default one a tenant may name; a tenant of another cell fails. None by default. */
  readonly cells?: readonly string[];
}

/**
 * ChangeResourceRecordSets: at most 1,000 ResourceRecord elements and 32,000 characters of Value
 * per request, an UPSERT counting twice in both ("ChangeResourceRecordSets", Route 53 API
 * Reference, https://docs.aws.amazon.com/Route53/latest/APIReference/API_ChangeResourceRecordSets.html).
 */
export interface BatchLimits {
  readonly resourceRecords: number;
  readonly valueCharacters: number;
}
export const ROUTE53_BATCH_LIMITS: BatchLimits = { resourceRecords: 1_000, valueCharacters: 32_000 };

/**
 * The fingerprint of what a distribution tenant carries besides its domains: its customizations
 * and its cell's origin. A tenant's `config` is not CloudFront's (the app reads it from the store).
 */
export function settingsOf(tenant: TenantProps, origin?: string): string {
  const { webAcl, geoRestriction, cell } = tenant;
  return JSON.stringify([webAcl ?? null, geoRestriction ?? null, cell ?? null, origin ?? null]);
}

/** Every problem with the store's tenants: the tenants file's rules, word for word. */
export function desiredProblems(desired: readonly DesiredTenant[]): string[] {
  return tenantProblems(desired.map(d => d.tenant));
}

/** The next actions, statuses and events. Throws, listing every problem, on tenants the file would refuse. */
export function reconcile(desired: readonly DesiredTenant[], observed: ObservedState, context: ReconcileContext): Reconciliation {
  throwIfProblems('Tenant store', desiredProblems(desired));
  const endpoint = context.routingEndpoint;
  const held = new Map<string, string>(); // domain -> the distribution tenant holding it
  const onCloudFront = new Map(observed.distributionTenants.map(t => [t.name, t]));
  for (const t of observed.distributionTenants) for (const d of t.domains) held.set(d, t.name);
  const wanted = new Map<string, string>(); // domain -> the tenant the store gives it to
  const desiredIds = new Set<string>();
  const recorded = new Set<string>(); // the names whose CNAME the control plane keeps
  for (const { tenant } of desired) {
    desiredIds.add(tenant.id);
    for (const d of tenant.domainNames) {
      wanted.set(d, tenant.id);
      if (!tenant.externalDns) recorded.add(d);
    }
  }
  const certificates = new Map(observed.certificates.map(c => [c.tenantId, c]));
  const refusedAdoptions = new Map((observed.refusedAdoptions ?? []).map(r => [r.tenantId, r.reason]));
  const records = new Map(observed.records.map(r => [r.name, r]));

  const changes: Action[] = [];
  const moves: Action[] = [];
  const switches: Action[] = [];
  const deletes: Action[] = [];
  const recordChanges: RecordChange[] = [];
  const statuses: TenantStatus[] = [];

  for (const { tenant, suspended, origin } of desired) {
    const id = tenant.id;
    const want = tenant.domainNames;
    const current = onCloudFront.get(id);
    const settings = settingsOf(tenant, origin);
    const free = want.filter(d => !held.has(d));
    const elsewhere = want.filter(d => held.has(d) && held.get(d) !== id);
    const status = (s: TenantStatusName, reason?: string) =>
      statuses.push(reason === undefined ? { tenantId: id, status: s } : { tenantId: id, status: s, reason });
    const move = storeMoveProblems(tenant);
    if (move.length > 0) {
      status('failed', move.join('; '));
      continue;
    }
    const adopted = adoptedTenantOf(tenant);
    const refusal = refusedAdoptions.get(id) ?? (adopted !== undefined && current === undefined
      ? `\`adoptFrom\`: distribution tenant ${adopted} was not found` : undefined);
    if (refusal !== undefined) {
      // Never made anew: the domains are on the distribution tenant it was told to adopt.
      status('failed', refusal);
      continue;
    }
    if (!knowsCell(tenant.cell, context.cells ?? [])) {
      status('failed', unknownCellProblem(tenant.cell!, context.cells ?? []));
      continue;
    }
    const uncovered = context.loadBalancerNames === undefined ? [] : uncoveredDomains(want, context.loadBalancerNames);
    if (uncovered.length > 0) {
      status('failed', notCoveredProblem(uncovered, context.loadBalancerNames!));
      continue;
    }

    if (!tenant.externalDns) {
      for (const name of want) {
        const record = records.get(name);
        if (record?.value !== endpoint) recordChanges.push({ action: 'UPSERT', name, value: endpoint });
      }
    }

    if (current === undefined) {
      if (free.length > 0) {
        changes.push({ kind: 'createTenant', tenantId: id, domains: free, settings, enabled: !suspended });
        status(suspended ? 'suspended' : 'pending-dns', 'creating its distribution tenant');
      } else {
        // CloudFront creates a distribution tenant with at least one domain no one else holds,
        // and a domain moves only to a distribution tenant that exists.
        const holders = [...new Set(elsewhere.map(d => held.get(d)!))];
        const kept = holders.filter(h => desiredIds.has(h));
        if (kept.length > 0) {
          status('failed', `every domain is on another tenant (${kept.join(', ')}); give the tenant one domain of its own, then move the rest`);
        } else {
          status('pending-dns', `waiting for the removal of ${holders.join(', ')}`);
        }
      }
      continue;
    }

    // Domains leave a distribution tenant here only when no other tenant wants them: a domain
    // another tenant wants leaves by a move, so it is served at every moment.
    const keep = current.domains.filter(d => want.includes(d) || (wanted.has(d) && wanted.get(d) !== id));
    const domains = [...keep, ...free.filter(d => !keep.includes(d))];
    if (domains.length > 0 && (!sameSet(domains, current.domains) || settings !== current.settings)) {
      changes.push({ kind: 'updateTenant', tenantId: id, domains, settings });
    }

    const certificate = certificates.get(id);
    // A certificate that still names a domain moved away is no problem; one that misses a wanted domain is.
    const covered = certificate !== undefined && want.every(d => certificate.domains.includes(d));
    if (!covered) {
      changes.push({ kind: 'requestCertificate', tenantId: id, domains: want, validation: tenant.certificateValidation ?? (tenant.externalDns ? 'self-hosted' : 'cloudfront') });
    }
    const issued = covered && certificate.state === 'issued';
    if (issued && current.deployed) {
      for (const domain of elsewhere) moves.push({ kind: 'moveDomain', domain, from: held.get(domain)!, to: id });
    }

    if (suspended && current.enabled) switches.push({ kind: 'disableTenant', tenantId: id });
    if (!suspended && !current.enabled) switches.push({ kind: 'enableTenant', tenantId: id });

    const recordsReady = tenant.externalDns || want.every(d => records.get(d)?.value === endpoint && records.get(d)!.inSync);
    if (covered && certificate.state === 'failed') status('failed', `its certificate failed: ${certificate.reason ?? 'no reason given'}`);
    else if (suspended) status('suspended');
    else if (!current.deployed || !recordsReady || !want.every(d => current.domains.includes(d)) || !current.enabled) status('pending-dns', 'its distribution tenant or records are not deployed yet');
    else if (!issued) status('validating', 'its certificate is not issued yet');
    else status('active');
  }

  for (const current of observed.distributionTenants) {
    if (desiredIds.has(current.name)) continue;
    // A domain another tenant wants leaves by a move first; a tenant that cannot take it yet
    // (not created) is created once the domain is free.
    const awaited = current.domains.some(d => wanted.has(d) && onCloudFront.has(wanted.get(d)!));
    if (awaited) continue;
    if (current.enabled) switches.push({ kind: 'disableTenant', tenantId: current.name });
    else if (current.deployed) deletes.push({ kind: 'deleteTenant', tenantId: current.name });
  }
  for (const record of observed.records) {
    if (record.value === endpoint && !recorded.has(record.name)) recordChanges.push({ action: 'DELETE', name: record.name, value: record.value });
  }

  const previous = new Map(observed.statuses.map(s => [s.tenantId, s]));
  const events: StatusEvent[] = [];
  for (const s of statuses) {
    const before = previous.get(s.tenantId);
    // A reason that only narrows what is awaited is no change; a new failure reason is.
    if (before?.status !== s.status || (s.status === 'failed' && before.reason !== s.reason)) {
      events.push({ tenantId: s.tenantId, from: before?.status, to: s.status, reason: s.reason });
    }
  }
  for (const s of observed.statuses) {
    if (!desiredIds.has(s.tenantId)) events.push({ tenantId: s.tenantId, from: s.status, to: 'deleted' });
  }

  const batches = batchRecordChanges(recordChanges, context.batchLimits ?? ROUTE53_BATCH_LIMITS)
    .map((batch): Action => ({ kind: 'changeRecords', changes: batch }));
  return { actions: [...changes, ...moves, ...switches, ...deletes, ...batches], statuses, events };
}

/** Splits record changes into the fewest requests Route 53 takes, in order (an UPSERT counts twice). */
export function batchRecordChanges(changes: readonly RecordChange[], limits: BatchLimits = ROUTE53_BATCH_LIMITS): RecordChange[][] {
  const batches: RecordChange[][] = [];
  let batch: RecordChange[] = [];
  let records = 0;
  let characters = 0;
  for (const change of changes) {
    const weight = change.action === 'UPSERT' ? 2 : 1;
    if (weight > limits.resourceRecords || weight * change.value.length > limits.valueCharacters) {
      throw new Error(`record ${change.name}: one ${change.action} exceeds a ChangeResourceRecordSets request's limits`);
    }
    if (records + weight > limits.resourceRecords || characters + weight * change.value.length > limits.valueCharacters) {
      batches.push(batch);
      batch = [];
      records = 0;
      characters = 0;
    }
    batch.push(change);
    records += weight;
    characters += weight * change.value.length;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every(x => set.has(x));
}
