// Pure shard placement: which distribution carries which tenant's domains. No CDK imports, so
// the CLI and the tests can plan without synthesizing anything.
import { quotaExceeded } from './quotas';

/** What placement needs to know about a tenant. */
export interface PlacementTenant {
  readonly id: string;
  readonly domainNames: readonly string[];
  /** The shard the tenant is pinned to, if any. */
  readonly distribution?: number;
}

/** Where one tenant's domains live. */
export interface TenantPlacement {
  /** The tenant's id. */
  readonly tenantId: string;
  /** The tenant's domain names, all on the same distribution. */
  readonly domainNames: string[];
  /** The distribution shard (0-based) that carries them. */
  readonly shard: number;
  /** Whether the tenant is pinned to its shard in the registry. */
  readonly pinned: boolean;
}

/** The limits placement works within. */
export interface PlacementLimits {
  readonly domainsPerDistribution: number;
  readonly distributionsPerAccount: number;
}

/** The outcome of placing tenants: placements in declaration order, or the problems. */
export interface PlacementPlan {
  readonly placements: TenantPlacement[];
  /** Shard indexes that carry at least one tenant, ascending. */
  readonly shards: number[];
  /** Domains on each used shard. */
  readonly load: ReadonlyMap<number, number>;
  readonly problems: string[];
}

/**
 * Places tenants on distribution shards of at most `domainsPerDistribution` domains each.
 *
 * Pinned tenants keep their shard. Unpinned tenants fill shards first-fit, in declaration order,
 * around the pinned ones. So appending tenants never moves an existing one, and a fully pinned
 * registry (what the CLI writes) never moves anyone, whatever is added or removed.
 */
export function placeTenants(tenants: readonly PlacementTenant[], limits: PlacementLimits): PlacementPlan {
  const cap = limits.domainsPerDistribution;
  const problems: string[] = [];
  const load = new Map<number, number>();
  const pinnedTo = new Map<number, string[]>();
  const shardOf = new Map<string, number>();

  for (const tenant of tenants) {
    const count = tenant.domainNames.length;
    if (count > cap) {
      problems.push(`tenant "${tenant.id}": ` + quotaExceeded('domainsPerDistribution', cap, count,
        `its ${count} \`domainNames\` must share one distribution, which`));
    }
    if (tenant.distribution === undefined) continue;
    const shard = tenant.distribution;
    if (shard >= limits.distributionsPerAccount) {
      problems.push(`tenant "${tenant.id}": \`distribution\` ${shard} is past the last distribution the account may have; ` +
        quotaExceeded('distributionsPerAccount', limits.distributionsPerAccount, shard + 1, `shard ${shard}`));
    }
    load.set(shard, (load.get(shard) ?? 0) + count);
    pinnedTo.set(shard, [...(pinnedTo.get(shard) ?? []), tenant.id]);
    shardOf.set(tenant.id, shard);
  }

  for (const [shard, ids] of [...pinnedTo].sort(([a], [b]) => a - b)) {
    const used = load.get(shard)!;
    if (used > cap) {
      problems.push(`distribution ${shard}: pinned tenants ${ids.map(id => `"${id}"`).join(', ')} hold ${used} domains. ` +
        quotaExceeded('domainsPerDistribution', cap, used, `distribution ${shard}`) +
        ' Or pin some of these tenants to another distribution.');
    }
  }

  // First-fit: `firstOpen` skips shards known to be full, so large lists stay linear in practice.
  let firstOpen = 0;
  for (const tenant of tenants) {
    if (tenant.distribution !== undefined) continue;
    const count = Math.min(tenant.domainNames.length, cap);
    while ((load.get(firstOpen) ?? 0) >= cap) firstOpen++;
    let shard = firstOpen;
    while ((load.get(shard) ?? 0) + count > cap) shard++;
    load.set(shard, (load.get(shard) ?? 0) + tenant.domainNames.length);
    shardOf.set(tenant.id, shard);
  }

  const shards = [...load.keys()].sort((a, b) => a - b);
  if (shards.length > limits.distributionsPerAccount) {
    problems.push(quotaExceeded('distributionsPerAccount', limits.distributionsPerAccount, shards.length,
      `Placing ${tenants.length} tenants at ${cap} domains per distribution`));
  }

  const placements = tenants.map(tenant => ({
    tenantId: tenant.id,
    domainNames: [...tenant.domainNames],
    shard: shardOf.get(tenant.id)!,
    pinned: tenant.distribution !== undefined,
  }));
  return { placements, shards, load, problems };
}
