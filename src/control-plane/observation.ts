// What the reconciler reads of a page of tenants, and how: pure, shared by the handler and the
// simulation, so the benchmark counts the calls the handler makes. The store notes which tenants
// the reconciler made and whose certificate it saw issued, so a pass reads only what can have
// changed: no read for a tenant never made (its create, if a crashed pass made it already, is
// answered "already exists"), no certificate read once issued. The distribution tenants are then
// read one GetDistributionTenant each, or with ListDistributionTenants when its pages cost fewer
// calls: a list pages through every distribution tenant of the distribution (AWS filters it by
// distribution or connection group, not by name), so it pays for a page of tenants only while
// the distribution holds few more than the page.

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
