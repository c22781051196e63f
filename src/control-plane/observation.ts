// What the reconciler reads of a page of tenants, and how: pure, shared by the handler and the
// simulation, so the benchmark counts the calls the handler makes. The store notes which tenants
// the reconciler made and whose certificate it saw issued, so a pass reads only what can have
// changed: no read for a tenant never made (its create, if a crashed pass made it already, is
// answered "already exists"), no certificate read once issued. The distribution tenants are then
// read one GetDistributionTenant each, or with ListDistributionTenants when its pages cost fewer
// calls: a list pages through every distribution tenant of the distribution (AWS filters it by
// distribution or connection group, not by name), so it pays for a page of tenants only while
// the distribution holds few more than the page. A tenant served as the store still wants it is
// not read at all: a change behind the store's back is a sweep's to find.
import { Action, DesiredTenant, ObservedDistributionTenant, Reconciliation, TenantStatus, TenantStatusName } from './reconcile';

/**
 * What the store wants of a tenant, as one string: the reconciler notes it when the tenant is
 * served that way (active, or suspended), and does not read the tenant again while it holds.
 */
export function settledFingerprint(desired: DesiredTenant): string {
  const { suspended, tenant, origin } = desired;
  // A cell's origin that changed (its load balancer replaced) unsettles its tenants.
  return JSON.stringify(origin === undefined ? [suspended ?? false, tenant] : [suspended ?? false, tenant, origin]);
}

/** A tenant served as the store still wants it: nothing of it is read or reconciled until the store changes it. */
export function isSettled(desired: DesiredTenant | undefined, status: TenantStatusName | undefined, settledAs: string | undefined): boolean {
  return desired !== undefined && (status === 'active' || status === 'suspended') && settledAs === settledFingerprint(desired);
}

/**
 * Whether a pass may note a tenant settled: active (or suspended) with nothing of it changed this
 * pass, holding exactly the domains the store gives it (not one kept for another tenant's move),
 * enabled as wanted. A settled tenant is left out of later passes, so it must need nothing more.
 */
export function mayNoteSettled(status: TenantStatus, desired: DesiredTenant, current: ObservedDistributionTenant | undefined,
  actions: readonly Action[]): boolean {
  const id = desired.tenant.id;
  const domains = new Set(desired.tenant.domainNames);
  const touched = actions.some(a => (a.kind === 'moveDomain' ? a.from === id || a.to === id
    : a.kind === 'changeRecords' ? a.changes.some(c => domains.has(c.name)) : a.tenantId === id));
  return (status.status === 'active' || status.status === 'suspended') && !touched && current !== undefined
    && current.enabled === !desired.suspended && current.domains.length === domains.size && current.domains.every(d => domains.has(d));
}

/** A page's tenant, as the store notes it. */
export interface NotedTenant {
  readonly id: string;
  /** The store still wants it (not removed). */
  readonly desired: boolean;
  /** The reconciler made its distribution tenant (or found it made). */
  readonly created: boolean;
  /** Its managed certificate: never requested, requested and not seen issued, or seen issued for the domains requested. */
  readonly certificate: 'none' | 'requested' | 'issued';
}

export interface ObservationPlan {
  /** Read the distribution tenants with ListDistributionTenants (else one GetDistributionTenant each). */
  readonly list: boolean;
  /** The tenants whose distribution tenant is read. */
  readonly reads: string[];
  /** The tenants whose certificate is read (GetManagedCertificateDetails). */
  readonly certificateReads: string[];
}

/**
 * Distribution tenants per ListDistributionTenants call: AWS documents `MaxItems` without a
 * maximum ("ListDistributionTenants", CloudFront API Reference,
 * https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ListDistributionTenants.html),
 * so it is a setting; 100, as CloudFront's other list calls page.
 */
export const LIST_PAGE_SIZE = 100;

/** The reads of one pass over `page`, on a distribution holding about `distributionTenants`. */
export function planObservation(page: readonly NotedTenant[], distributionTenants: number, listPageSize = LIST_PAGE_SIZE): ObservationPlan {
  // A removed tenant is read even if never noted: a pass that crashed after its create made it.
  const reads = page.filter(t => t.created || !t.desired).map(t => t.id);
  const listCalls = Math.max(1, Math.ceil(distributionTenants / listPageSize));
  return {
    list: listCalls < reads.length,
    reads,
    certificateReads: page.filter(t => t.created && t.certificate === 'requested').map(t => t.id),
  };
}

/**
 * Whether a page is done after a pass (its message deleted, not handed back): nothing was done,
 * nothing is awaited (no status `pending-dns` or `validating`, every distribution tenant read is
 * deployed) and every tenant but a failed one holds every domain the store gives it. The last
 * catches a suspended tenant whose status hides a certificate still validating before a domain
 * moves in: its page waits for the move, and the removal of the tenant the domain leaves.
 */
export function pageDone(result: Reconciliation, desired: readonly DesiredTenant[], observed: readonly ObservedDistributionTenant[]): boolean {
  if (result.actions.length > 0 || observed.some(t => !t.deployed)) return false;
  if (result.statuses.some(s => s.status === 'pending-dns' || s.status === 'validating')) return false;
  const failed = new Set(result.statuses.filter(s => s.status === 'failed').map(s => s.tenantId));
  const held = new Map(observed.map(t => [t.name, new Set(t.domains)]));
  return desired.every(d => failed.has(d.tenant.id) || d.tenant.domainNames.every(name => held.get(d.tenant.id)?.has(name)));
}

/**
 * How soon a page that is not done is reconciled again (the queue's message made visible by the
 * reconciler; SQS counts a new visibility timeout from when it is set, "ChangeMessageVisibility",
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibility.html):
 * a distribution tenant deploys and a change batch goes INSYNC within about a minute, so a page that
 * acted or awaits them is seen again after this; one that awaits only certificates, after the
 * queue's `recheckAfter`.
 */
export const QUICK_RECHECK_SECONDS = 30;

/** Whether a page not done awaits what comes within about a minute (see QUICK_RECHECK_SECONDS). */
export function recheckSoon(result: Reconciliation, observed: readonly ObservedDistributionTenant[]): boolean {
  return result.actions.length > 0 || observed.some(t => !t.deployed) || result.statuses.some(s => s.status === 'pending-dns');
}
