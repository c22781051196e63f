// Pure shard placement: which shard carries which tenant's domains. No CDK imports, so the CLI
// and the tests can plan without synthesizing anything.
import { quotaExceeded } from '../quotas/quotas';

/** What placement needs to know about a tenant. */
export interface PlacementTenant {
  readonly id: string;
  readonly domainNames: readonly string[];
  /** The shard the tenant is pinned to, if any. */
  readonly shard?: number;
}

/** Where one tenant's domains live. */
export interface TenantPlacement {
  /** The tenant's id. */
  readonly tenantId: string;
  /** The tenant's domain names, all on the same shard. */
  readonly domainNames: string[];
  /** The shard (0-based) that carries them: a nested stack, and in the sharded edge mode a distribution. */
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
 * Places tenants on shards of at most `domainsPerDistribution` domains each.
 *
 * Tenants are placed one by one in declaration order: a pinned tenant takes its shard, an
 * unpinned one the first shard with room. A tenant's shard depends only on the tenants declared
 * before it, so appending tenants never moves anyone, removing one never moves those before it,
 * and pinned tenants never move at all: a fully pinned registry (what the CLI writes) is stable
 * whatever is added or removed.
 */
export function placeTenants(tenants: readonly PlacementTenant[], limits: PlacementLimits): PlacementPlan {
  const cap = limits.domainsPerDistribution;
  const problems: string[] = [];
  const load = new Map<number, number>();
  const holders = new Map<number, string[]>();
  const shardOf = new Map<string, number>();
  let firstOpen = 0; // every shard before it is full, so first-fit stays linear in practice

  for (const tenant of tenants) {
    const count = tenant.domainNames.length;
    if (count > cap) {
      problems.push(`tenant "${tenant.id}": ` + quotaExceeded('domainsPerDistribution', cap, count,
        `its ${count} \`domainNames\` must share one distribution, which`));
    }
    let shard: number;
    if (tenant.shard !== undefined) {
      shard = tenant.shard;
      const used = load.get(shard) ?? 0;
      if (shard >= limits.distributionsPerAccount) {
        problems.push(`tenant "${tenant.id}": \`shard\` ${shard} is past the last distribution the account may have; ` +
          quotaExceeded('distributionsPerAccount', limits.distributionsPerAccount, shard + 1, `shard ${shard}`));
      } else if (count <= cap && used + count > cap) {
        const before = listSome(holders.get(shard)!);
        problems.push(`tenant "${tenant.id}": \`shard\` ${shard} already holds ${used} domains of tenants declared ` +
          `before it (${before}); its ${count} more ` + quotaExceeded('domainsPerDistribution', cap, used + count,
          `would make ${used + count}: shard ${shard}`) + ' Or pin the tenant to a shard with room.');
      }
    } else {
      while ((load.get(firstOpen) ?? 0) >= cap) firstOpen++;
      shard = firstOpen;
      while ((load.get(shard) ?? 0) + Math.min(count, cap) > cap) shard++;
    }
    load.set(shard, (load.get(shard) ?? 0) + count);
    if (!holders.has(shard)) holders.set(shard, []);
    holders.get(shard)!.push(tenant.id);
    shardOf.set(tenant.id, shard);
  }

  const shards = [...load.keys()].sort((a, b) => a - b);
  const placements = tenants.map(tenant => ({
    tenantId: tenant.id,
    domainNames: [...tenant.domainNames],
    shard: shardOf.get(tenant.id)!,
    pinned: tenant.shard !== undefined,
  }));
  return { placements, shards, load, problems };
}

/** The first few ids, quoted, and how many more: a full shard can hold a hundred tenants. */
function listSome(ids: readonly string[], shown = 5): string {
  const quoted = ids.slice(0, shown).map(id => `"${id}"`).join(', ');
  return ids.length > shown ? `${quoted} and ${ids.length - shown} more` : quoted;
}
