// Pure shard placement: which shard carries which tenant's domains. No CDK imports, so the CLI
// and the tests can plan without synthesizing anything.
import { cellOfPartition, partitionDifference } from './edge-partition';
import { quotaExceeded } from '../quotas/quotas';

/** What placement needs to know about a tenant. */
export interface PlacementTenant {
  readonly id: string;
  readonly domainNames: readonly string[];
  /** The shard the tenant is pinned to, if any. */
  readonly shard?: number;
  /**
   * The key of the distribution-level settings its shard must share (`edgePartitionOf`); tenants
   * of different partitions never share a shard. One partition for all when undefined.
   */
  readonly partition?: string;
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
 * Places tenants on shards of at most `domainsPerDistribution` domains each, each shard holding
 * tenants of one partition.
 *
 * Tenants are placed one by one in declaration order: a pinned tenant takes its shard, an
 * unpinned one the first shard with room that is empty or of its partition (a shard's partition
 * is its first tenant's). A tenant's shard depends only on the tenants declared before it, so
 * appending tenants never moves anyone, removing one never moves those before it, and pinned
 * tenants never move at all: a fully pinned registry (what the CLI writes) is stable whatever is
 * added or removed.
 */
export function placeTenants(tenants: readonly PlacementTenant[], limits: PlacementLimits): PlacementPlan {
  const cap = limits.domainsPerDistribution;
  const problems: string[] = [];
  const load = new Map<number, number>();
  const holders = new Map<number, string[]>();
  const shardOf = new Map<string, number>();
  /** Each used shard's partition and the tenant that fixed it. */
  const owner = new Map<number, { partition: string; tenantId: string }>();
  // Per partition, every shard before it is full or of another partition (both last), so
  // first-fit stays linear in practice.
  const firstOpen = new Map<string, number>();

  for (const tenant of tenants) {
    const count = tenant.domainNames.length;
    if (count > cap) {
      problems.push(`tenant "${tenant.id}": ` + quotaExceeded('domainsPerDistribution', cap, count,
        `its ${count} \`domainNames\` must share one distribution, which`));
    }
    const partition = tenant.partition ?? '';
    const open = (s: number) => (owner.get(s)?.partition ?? partition) === partition;
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
      if (!open(shard)) problems.push(partitionProblem(tenant.id, shard, owner.get(shard)!, partition));
    } else {
      let first = firstOpen.get(partition) ?? 0;
      while ((load.get(first) ?? 0) >= cap || !open(first)) first++;
      firstOpen.set(partition, first);
      shard = first;
      while ((load.get(shard) ?? 0) + Math.min(count, cap) > cap || !open(shard)) shard++;
    }
    if (!owner.has(shard)) owner.set(shard, { partition, tenantId: tenant.id });
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

/**
 * A pinned tenant whose settings differ from its shard's: one of the two changed its settings, or
 * the pin is new and wrong. Changing settings moves a tenant to a distribution of its new settings,
 * and CloudFront refuses a domain that another distribution still carries (CNAMEAlreadyExists), so
 * the move is declared: `movedFrom` names the shard it leaves, and the deploy moves its domains.
 */
function partitionProblem(tenantId: string, shard: number, owner: { partition: string; tenantId: string }, partition: string): string {
  const differ = partitionDifference(owner.partition, `"${owner.tenantId}"`, partition, `"${tenantId}"`);
  const cellMoves = cellOfPartition(owner.partition) !== cellOfPartition(partition);
  const what = cellMoves ? 'cell' : 'settings';
  return `tenant "${tenantId}": \`shard\` ${shard} holds tenant "${owner.tenantId}", declared before it, whose edge settings differ: ` +
    `${differ}. A shard's tenants share one distribution and so its origin (their \`cell\`), web ACL and geo restriction. ` +
    `If "${tenantId}" is new, pin it to a shard of its ${what} or leave \`shard\` out. ` +
    `If a deployed tenant's ${what} changed, it must move to another distribution${cellMoves ? ', one whose origin is its new cell' : ''}, ` +
    `without downtime: run \`cdk-multi-tenant-gateway move ${tenantId}\`, which pins it to a shard of its new ${what} and records ` +
    `\`"movedFrom": { "shard": ${shard} }\`, then deploy; the gateway moves each of its domains with CloudFront's UpdateDomainAssociation ` +
    'before either distribution changes, so they stay served (a shard that does not exist yet is made by a "prepare" deploy first; ' +
    'see "Moving tenants"). ' +
    `A tenant alone on its shard changes its ${what} in place, without a move${cellMoves ? ' (its shard\'s origin becomes the new cell\'s)' : ''}.`;
}

/** The first few ids, quoted, and how many more: a full shard can hold a hundred tenants. */
function listSome(ids: readonly string[], shown = 5): string {
  const quoted = ids.slice(0, shown).map(id => `"${id}"`).join(', ');
  return ids.length > shown ? `${quoted} and ${ids.length - shown} more` : quoted;
}
