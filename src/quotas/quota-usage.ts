// How full the quotas are that a tenant list and an edge mode decide: distributions, records in the
// hosted zone, distribution tenants, and the policies and VPC origins the distributions share.
// Pure, so the gateway at synth time and the CLI count, and word their errors, the same way.
import { blocksFor } from './blocks';
import { Quotas, quotaExceeded, ResolvedQuotas } from './quotas';
import { distributionCount, distributionIndexBound, EdgeShape } from '../edge/shape';
import type { PlacementPlan } from '../tenants/placement';

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
  /** The gateway's own response headers policies (false when the user brings one, which every distribution then shares). */
  readonly responseHeadersPolicies: boolean;
  /** Cache policies per block of distributions: the default one, the shared paths' and one per cached path behaviour. */
  readonly cachePoliciesPerBlock: number;
  /** Cache behaviours of each distribution besides the default one. */
  readonly cacheBehaviors: number;
}

/** What the quota count reads. */
export interface UsageInput {
  readonly tenants: readonly { readonly domainNames: readonly string[]; readonly externalDns?: boolean }[];
  readonly placement: PlacementPlan;
  readonly edge: EdgeShape;
  readonly quotas: ResolvedQuotas;
  readonly shared: SharedResources;
  /** How many partitions of edge settings the shards fall into (each needs distributions of its own). */
  readonly partitions?: number;
  /**
   * The shards of each load balancer reached through VPC origins of its own (a cell's), which
   * count their VPC origins apart.
   * @default - one load balancer serving every shard
   */
  readonly vpcOriginShards?: readonly (readonly number[])[];
}

/** Every quota the tenants and the edge mode decide, with how full it is. */
export function quotaUsage(input: UsageInput): QuotaUsage[] {
  const { edge, quotas, placement } = input;
  const distributions = distributionCount(edge, placement.shards);
  const indexBound = distributionIndexBound(edge, placement.shards);
  const fullest = Math.max(0, ...placement.load.values());
  const usages: QuotaUsage[] = [];

  if (edge.oneDistribution) {
    usages.push(usage('multiTenantDistributionsPerAccount', 'multi-tenant distributions', distributions, quotas,
      'The gateway\'s multi-tenant distribution'));
  } else {
    const partitions = input.partitions ?? 1;
    const apart = partitions > 1 ? `, ${partitions} partitions of edge settings on distributions of their own,` : '';
    usages.push(usage('distributionsPerAccount', partitions > 1 ? `distributions (${partitions} partitions of edge settings)` : 'distributions',
      distributions, quotas, `Placing ${input.tenants.length} tenants at ${quotas.domainsPerDistribution} domains per distribution${apart}`));
  }
  usages.push({ key: 'domainsPerDistribution', what: 'domains in the fullest shard', used: fullest, limit: quotas.domainsPerDistribution });
  usages.push(recordUsage(input.tenants, edge, quotas));
  if (edge.distributionTenants) {
    usages.push(usage('distributionTenantsPerAccount', 'distribution tenants', input.tenants.length, quotas,
      `A distribution tenant for each of ${input.tenants.length} tenants`));
  }

  if (input.shared.cacheBehaviors > 0) {
    usages.push(usage('cacheBehaviorsPerDistribution', 'cache behaviours per distribution besides the default', input.shared.cacheBehaviors,
      quotas, '`cache.sharedPaths` and `behaviors`, a cache behaviour each in every distribution,'));
  }
  const range = indexBound === 1 ? 'distribution 0' : `distributions 0 to ${indexBound - 1}`;
  const perBlock = input.shared.cachePoliciesPerBlock;
  const cacheBlocks = blocksFor(indexBound, quotas.distributionsPerCachePolicy);
  usages.push(usage('cachePoliciesPerAccount',
    `cache policies (${perBlock === 1 ? 'one' : perBlock} per ${quotas.distributionsPerCachePolicy} distributions)`, cacheBlocks * perBlock, quotas,
    perBlock === 1 ? `Cache policies for ${range}` : `Cache policies for ${range} (the default, shared-path and per-path ones: ${perBlock} per block)`));
  const blocks: [keyof Quotas, keyof Quotas, string][] = [
    ['distributionsPerOriginRequestPolicy', 'originRequestPoliciesPerAccount', 'Origin request policies'],
  ];
  if (input.shared.responseHeadersPolicies) {
    blocks.push(['distributionsPerResponseHeadersPolicy', 'responseHeadersPoliciesPerAccount', 'Response headers policies']);
  } else {
    usages.push(usage('distributionsPerResponseHeadersPolicy', 'distributions sharing your response headers policy', distributions, quotas,
      '`responseHeadersPolicy`, which every distribution shares,'));
  }
  const perLoadBalancer = input.vpcOriginShards;
  if (input.shared.vpcOrigins && perLoadBalancer === undefined) blocks.push(['distributionsPerVpcOrigin', 'vpcOriginsPerAccount', 'VPC origins']);
  for (const [per, cap, what] of blocks) {
    usages.push(usage(cap, `${what.toLowerCase()} (one per ${quotas[per]} distributions)`, blocksFor(indexBound, quotas[per]), quotas,
      `${what} for ${range}`));
  }
  if (input.shared.vpcOrigins && perLoadBalancer !== undefined) {
    const per = quotas.distributionsPerVpcOrigin;
    const count = perLoadBalancer.reduce((n, shards) => n + blocksFor(distributionIndexBound(edge, shards), per), 0);
    usages.push(usage('vpcOriginsPerAccount', `vpc origins (one per ${per} distributions of each cell's load balancer)`, count, quotas,
      `VPC origins for the distributions of ${perLoadBalancer.length} cell${perLoadBalancer.length === 1 ? '' : 's'}, each cell's load balancer with its own,`));
  }
  return usages;
}

/** The errors of the quotas that are over. */
export function usageProblems(usages: readonly QuotaUsage[]): string[] {
  return usages.flatMap(u => (u.problem === undefined ? [] : [u.problem]));
}

/** Records in the hosted zone: the edge mode's record types for each domain whose DNS the gateway makes. */
function recordUsage(tenants: UsageInput['tenants'], edge: EdgeShape, quotas: ResolvedQuotas): QuotaUsage {
  const domains = tenants.filter(t => !t.externalDns).reduce((n, t) => n + t.domainNames.length, 0);
  const types = edge.recordTypes;
  const kinds = types.length === 1 ? `${article(types[0])} record` : `${types.slice(0, -1).map(article).join(', ')} and ${article(types[types.length - 1])} record`;
  return usage('recordsPerHostedZone', `${types.join(' + ')} records in the hosted zone`, types.length * domains, quotas,
    `${kinds[0].toUpperCase()}${kinds.slice(1)} for each of ${domains} tenant domains`);
}

function article(recordType: string): string {
  return /^[AEIOU]/.test(recordType) ? `an ${recordType}` : `a ${recordType}`;
}

function usage(key: keyof Quotas, what: string, used: number, quotas: ResolvedQuotas, need: string): QuotaUsage {
  const limit = quotas[key];
  return { key, what, used, limit, problem: used > limit ? quotaExceeded(key, limit, used, need) : undefined };
}
