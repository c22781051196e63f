// How full the quotas are that a tenant list alone decides: records in the hosted zone, and the
// policies and VPC origins the distribution shards share. Pure, so the gateway at synth time and
// the CLI's `plan` and `validate` count, and word their errors, the same way.
import { PlacementPlan } from '../tenants/placement';
import { Quotas, quotaExceeded, ResolvedQuotas } from './quotas';

/** How full one quota is, and the error when it is over. */
export interface QuotaUsage {
  readonly key: keyof Quotas;
  /** What `used` counts. */
  readonly what: string;
  readonly used: number;
  readonly limit: number;
  /** The error message when `used` exceeds `limit`. */
  readonly problem?: string;
}

/** Which shared resources the gateway makes one per block of distributions. */
export interface SharedResources {
  /** CloudFront VPC origins (VPC-origin access). */
  readonly vpcOrigins: boolean;
  /** The gateway's own response headers policies (none when the user brings one). */
  readonly responseHeadersPolicies: boolean;
}

/** Records in the hosted zone: an A and an AAAA for each domain whose DNS the gateway makes. */
export function recordUsage(tenants: readonly { domainNames: readonly string[]; externalDns?: boolean }[],
  quotas: ResolvedQuotas): QuotaUsage {
  const domains = tenants.filter(t => !t.externalDns).reduce((n, t) => n + t.domainNames.length, 0);
  return usage('recordsPerHostedZone', 'A + AAAA records in the hosted zone', 2 * domains, quotas,
    `An A and an AAAA record for each of ${domains} tenant domains`);
}

/**
 * Policies and VPC origins: shard n uses block floor(n / per-block quota), so the blocks needed
 * run up to the highest shard index, whether or not every shard below it is used.
 */
export function sharedResourceUsage(plan: PlacementPlan, quotas: ResolvedQuotas, shared: SharedResources): QuotaUsage[] {
  const highest = plan.shards.length > 0 ? plan.shards[plan.shards.length - 1] : -1;
  const blocks: [keyof Quotas, keyof Quotas, string][] = [
    ['distributionsPerCachePolicy', 'cachePoliciesPerAccount', 'Cache policies'],
    ['distributionsPerOriginRequestPolicy', 'originRequestPoliciesPerAccount', 'Origin request policies'],
  ];
  if (shared.responseHeadersPolicies) {
    blocks.push(['distributionsPerResponseHeadersPolicy', 'responseHeadersPoliciesPerAccount', 'Response headers policies']);
  }
  if (shared.vpcOrigins) blocks.push(['distributionsPerVpcOrigin', 'vpcOriginsPerAccount', 'VPC origins']);
  return blocks.map(([per, cap, what]) => usage(cap, `${what.toLowerCase()} (one per ${quotas[per]} distributions)`,
    highest < 0 ? 0 : Math.floor(highest / quotas[per]) + 1, quotas, `${what} for ${highest + 1} distribution shards`));
}

/** The errors of the quotas that are over. */
export function usageProblems(usages: readonly QuotaUsage[]): string[] {
  return usages.flatMap(u => (u.problem === undefined ? [] : [u.problem]));
}

function usage(key: keyof Quotas, what: string, used: number, quotas: ResolvedQuotas, need: string): QuotaUsage {
  const limit = quotas[key];
  return { key, what, used, limit, problem: used > limit ? quotaExceeded(key, limit, used, need) : undefined };
}
