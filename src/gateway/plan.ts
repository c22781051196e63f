// The gateway's plan, computed once and shared with the CLI: placement, per-shard tenant config,
// DNS-validated certificates, and the quota usage the edge mode implies. Pure: no aws-cdk-lib.
import { CertificatePlan, planCertificates } from '../certificates/certificate-plan';
import { handOffShapeProblems } from '../moves/hand-off';
import { planMoves, TenantMove } from '../moves/move-plan';
import { shardContents, sourceShards } from '../moves/move-shards';
import { groupDomains, MAX_RECORDS_PER_GROUP, recordGroupQuotaProblems } from '../edge/record-groups';
import { distributionOfShard, EdgeShape } from '../edge/shape';
import { blocksFor } from '../quotas/blocks';
import { QuotaUsage, quotaUsage, SharedResources, usageProblems } from '../quotas/quota-usage';
import { quotaExceeded, ResolvedQuotas } from '../quotas/quotas';
import { edgePartitionOf } from '../tenants/edge-partition';
import { TenantEdgeSettings } from '../tenants/edge-settings';
import { placeTenants, PlacementPlan, TenantPlacement } from '../tenants/placement';
import { tenantConfigParts, tenantConfigProblems } from '../tenants/tenant-config';
import { DEFAULT_CELL, isHandedOff, TenantProps } from '../tenants/tenants';

/** What the plan is made from. */
export interface PlanInput {
  readonly tenants: readonly TenantProps[];
  readonly quotas: ResolvedQuotas;
  readonly edge: EdgeShape;
  readonly shared: SharedResources;
  /** The zone to plan DNS-validated certificates in; none are planned when undefined. */
  readonly certificateZone?: string;
  /** The gateway's cells besides "default", whose names tenants may give in `cell`. */
  readonly cells?: readonly PlannedCell[];
  /** The gateway's AWS account, when synth knows it: a move from another account is refused. */
  readonly account?: string;
}

/** A cell as the plan sees it. */
export interface PlannedCell {
  readonly name: string;
  /** CloudFront reaches it through VPC origins of its own (a load balancer of the gateway's, with VPC-origin access). */
  readonly vpcOrigins: boolean;
}

/** The tenants of one cell. */
export interface CellPlan {
  readonly cell: string;
  /** The shards serving only this cell, ascending (sharded distributions); none when the shards share one distribution. */
  readonly shards: readonly number[];
  readonly tenants: number;
  readonly domains: number;
  /** The VPC origins its load balancer takes (sharded distributions, VPC-origin access); 0 otherwise. */
  readonly vpcOrigins: number;
}

/** One shard: a nested stack with its tenants, their records and their config. */
export interface ShardPlan {
  readonly index: number;
  /** The distribution that serves it (its own, or the one every shard shares). */
  readonly distribution: number;
  /** Its tenants, in declaration order. */
  readonly tenants: readonly TenantProps[];
  /** Every domain of its tenants. */
  readonly domainNames: readonly string[];
  /** The domains whose records the gateway makes (not `externalDns`). */
  readonly zoneDomainNames: readonly string[];
  /** The zone domains of each of its record groups (one Route 53 change request each); empty groups are not made. */
  readonly recordGroups: readonly (readonly string[])[];
  /** The host → tenant and config map, as the JSON parts its parameters hold (each within SSM's standard tier). */
  readonly tenantConfig: readonly string[];
  /**
   * The edge settings its distribution takes, which all its tenants share (its first tenant's);
   * undefined when the shards share one distribution, whose tenants carry their own.
   */
  readonly edgeSettings?: TenantEdgeSettings;
}

/** The shards of one partition: tenants of the same distribution-level settings (sharded mode). */
export interface PartitionPlan {
  /** The partition key (`edgePartitionOf`), readable. */
  readonly partition: string;
  /** Its shards, ascending. */
  readonly shards: readonly number[];
  readonly tenants: number;
  readonly domains: number;
}

/** The whole plan. */
export interface GatewayPlan {
  readonly placements: readonly TenantPlacement[];
  readonly shards: readonly ShardPlan[];
  /** The partitions of the shards, in order of first use; none when the shards share one distribution. */
  readonly partitions: readonly PartitionPlan[];
  /** Every cell ("default" first), with its tenants; only "default" when the gateway has no cells. */
  readonly cells: readonly CellPlan[];
  readonly usage: readonly QuotaUsage[];
  /** DNS-validated certificates, when `certificateZone` was given. */
  readonly certificates?: CertificatePlan;
  /** The moves the tenants file declares (`movedFrom`, `adoptFrom`), each domain's ordered move. */
  readonly moves: readonly TenantMove[];
  /** Every problem the plan found: placement, quotas, tenant config sizes, certificates. */
  readonly problems: readonly string[];
}

/** Plans a gateway. Call only with valid quotas (positive whole numbers), or placement cannot end. */
export function planGateway(input: PlanInput): GatewayPlan {
  const { tenants, quotas, edge } = input;
  const placement = placeGatewayTenants(tenants, quotas, edge);
  const byShard = new Map<number, TenantProps[]>();
  placement.placements.forEach((p, i) => byShard.set(p.shard, [...(byShard.get(p.shard) ?? []), tenants[i]]));
  const moves = planMoves({ tenants, shards: placement.placements.map(p => p.shard), edge, account: input.account });
  const byId = new Map(tenants.map(t => [t.id, t]));

  // A move's source shard stays while the move is declared: its distribution serves the domains
  // until they move, and its record groups keep their records (see src/moves/move-shards.ts).
  const shardIndexes = [...new Set([...placement.shards, ...sourceShards(moves.moves)])].sort((a, b) => a - b);
  const shards = shardIndexes.map((index): ShardPlan => {
    const own = byShard.get(index) ?? [];
    const contents = shardContents(index, own, moves.moves, byId);
    const zoneDomainNames = [...contents.zoneDomainNames];
    const first = own[0] ?? contents.departing[0];
    return {
      index,
      distribution: distributionOfShard(edge, index),
      tenants: [...contents.tenants],
      domainNames: [...contents.domainNames],
      zoneDomainNames,
      recordGroups: groupDomains(zoneDomainNames),
      // A tenant handed to the control plane has its config in the store; the template keeps its records only.
      tenantConfig: tenantConfigParts(own.filter(t => !isHandedOff(t))),
      edgeSettings: edge.oneDistribution ? undefined : { cell: first.cell, webAcl: first.webAcl, geoRestriction: first.geoRestriction },
    };
  });
  const partitions = edge.oneDistribution ? [] : partitionsOf(shards);
  // A VPC origin serves the distributions of one load balancer, so each cell reached by VPC
  // origins counts its own (one distribution in all with a multi-tenant distribution).
  const vpcOriginCells = new Set(input.shared.vpcOrigins ? [DEFAULT_CELL, ...(input.cells ?? []).filter(c => c.vpcOrigins).map(c => c.name)] : []);
  const cells = cellsOf(tenants, shards, input.cells ?? [], cell => vpcOriginCells.has(cell) ? quotas.distributionsPerVpcOrigin : undefined);
  const vpcOriginShards = edge.oneDistribution ? [placement.shards]
    : cells.filter(c => vpcOriginCells.has(c.cell) && c.shards.length > 0).map(c => c.shards);
  const usage = quotaUsage({
    tenants,
    placement,
    edge,
    quotas,
    shared: input.shared,
    partitions: Math.max(1, partitions.length),
    vpcOriginShards: (input.cells ?? []).length > 0 ? vpcOriginShards : undefined,
  });
  const certificates = input.certificateZone === undefined ? undefined
    : planCertificates(input.certificateZone, [...placement.placements, ...moves.moves.filter(m => m.stage === 'prepare' && m.source.shard !== undefined)
      .map(m => ({ tenantId: m.tenantId, domainNames: m.domainNames, shard: m.source.shard! }))], quotas, edge.oneDistribution);
  return {
    placements: placement.placements,
    shards,
    partitions,
    cells,
    usage,
    certificates,
    moves: moves.moves,
    problems: [
      ...moves.problems,
      ...unknownCellProblems(tenants, input.cells ?? []),
      ...placement.problems,
      ...usageProblems(usage),
      ...(edge.distributionTenants ? tenantDomainProblems(tenants, quotas) : certificateValidationProblems(tenants, edge)),
      ...handOffShapeProblems(tenants, edge),
      ...recordGroupQuotaProblems(quotas, edge),
      ...recordGroupProblems(shards, edge),
      ...tenantConfigProblems(tenants),
      ...(certificates?.problems ?? []),
    ],
  };
}

/**
 * Places tenants on shards. With a distribution per shard, a shard's tenants must share its
 * distribution-level settings, so placement keeps partitions apart; with one distribution, each
 * distribution tenant carries its own settings and partitions do not split shards.
 */
export function placeGatewayTenants(tenants: readonly TenantProps[], quotas: ResolvedQuotas, edge: EdgeShape): PlacementPlan {
  if (edge.oneDistribution) return placeTenants(tenants, quotas);
  return placeTenants(tenants.map(t => ({ id: t.id, domainNames: t.domainNames, shard: t.shard, partition: edgePartitionOf(t) })), quotas);
}

function partitionsOf(shards: readonly ShardPlan[]): PartitionPlan[] {
  const byKey = new Map<string, ShardPlan[]>();
  for (const shard of shards) {
    const key = edgePartitionOf(shard.edgeSettings!);
    byKey.set(key, [...(byKey.get(key) ?? []), shard]);
  }
  return [...byKey].map(([partition, own]) => ({
    partition,
    shards: own.map(s => s.index),
    tenants: own.reduce((n, s) => n + s.tenants.length, 0),
    domains: own.reduce((n, s) => n + s.domainNames.length, 0),
  }));
}

/** Every cell's tenants and, with a distribution per shard, its shards. */
function cellsOf(tenants: readonly TenantProps[], shards: readonly ShardPlan[], cells: readonly PlannedCell[],
  perVpcOrigin: (cell: string) => number | undefined): CellPlan[] {
  const names = [DEFAULT_CELL, ...cells.map(c => c.name)];
  return names.map(cell => {
    const own = tenants.filter(t => (t.cell ?? DEFAULT_CELL) === cell);
    const served = shards.filter(s => s.edgeSettings !== undefined && (s.edgeSettings.cell ?? DEFAULT_CELL) === cell).map(s => s.index);
    const per = perVpcOrigin(cell);
    return {
      cell,
      shards: served,
      vpcOrigins: per === undefined || served.length === 0 ? 0 : blocksFor(Math.max(...served) + 1, per),
      tenants: own.length,
      domains: own.reduce((n, t) => n + t.domainNames.length, 0),
    };
  });
}

/** Tenants that name a cell the gateway does not have. */
function unknownCellProblems(tenants: readonly TenantProps[], cells: readonly PlannedCell[]): string[] {
  const known = [DEFAULT_CELL, ...cells.map(c => c.name)];
  return tenants.filter(t => t.cell !== undefined && !known.includes(t.cell)).map(t => `tenant "${t.id}": \`cell\` "${t.cell}" ` +
    `is not one of the gateway's cells (${known.map(c => `"${c}"`).join(', ')}); name one of them, or add the cell to the gateway's ` +
    '`cells` and its name to the tenants file\'s `settings.cells`');
}

/** Tenants with more domains than one distribution tenant takes. */
function tenantDomainProblems(tenants: readonly TenantProps[], quotas: ResolvedQuotas): string[] {
  return tenants.filter(t => t.domainNames.length > quotas.domainsPerDistributionTenant).map(t => `tenant "${t.id}": ` +
    quotaExceeded('domainsPerDistributionTenant', quotas.domainsPerDistributionTenant, t.domainNames.length,
      `its ${t.domainNames.length} \`domainNames\` share one distribution tenant, which`));
}

/** `certificateValidation` where no distribution tenant has a certificate of its own: it would be ignored. */
function certificateValidationProblems(tenants: readonly TenantProps[], edge: EdgeShape): string[] {
  return tenants.filter(t => t.certificateValidation !== undefined).map(t => `tenant "${t.id}": \`certificateValidation\` ` +
    `"${t.certificateValidation}" applies only to a multi-tenant distribution with CloudFront-managed tenant certificates, not to ` +
    `${edge.description}, whose certificate covers the whole distribution; remove it`);
}

/** Groups that hashing filled past what one change request takes (unlikely: the quota check keeps groups planned at half). */
function recordGroupProblems(shards: readonly ShardPlan[], edge: EdgeShape): string[] {
  return shards.flatMap(shard => shard.recordGroups.flatMap((domains, g) => {
    const records = domains.length * edge.recordTypes.length;
    return records <= MAX_RECORDS_PER_GROUP ? [] : [`shard ${shard.index}: record group ${g} would hold ${records} records, more than the ` +
      `${MAX_RECORDS_PER_GROUP} one Route 53 change request takes; pin some of its tenants (${domains.slice(0, 3).join(', ')}, ...) to another shard`];
  }));
}
