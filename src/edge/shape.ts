// What an edge mode needs, as data: the plan, the quota count and the CLI read it without
// loading aws-cdk-lib. Each EdgeMode variant states its shape; nothing switches on a mode's name.

/** What an edge mode makes for a placement plan. */
export interface EdgeShape {
  /** The mode as a tenants file's `settings.edge` names it. */
  readonly name: string;
  /** The mode, for messages. */
  readonly description: string;
  /** The DNS record types made for each tenant domain whose DNS the gateway makes. */
  readonly recordTypes: readonly string[];
  /** All shards share one distribution (true), or each shard has its own. */
  readonly oneDistribution: boolean;
  /** Each tenant is a CloudFront distribution tenant of its own. */
  readonly distributionTenants: boolean;
}

/** One distribution per shard, an alias A and AAAA record per domain. */
export const SHARDED_DISTRIBUTIONS: EdgeShape = Object.freeze({
  name: 'shardedDistributions',
  description: 'sharded distributions',
  recordTypes: Object.freeze(['A', 'AAAA']),
  oneDistribution: false,
  distributionTenants: false,
});

/** One multi-tenant distribution, a distribution tenant per tenant, a CNAME per domain. */
export const MULTI_TENANT_DISTRIBUTION: EdgeShape = Object.freeze({
  name: 'multiTenantDistribution',
  description: 'multi-tenant distribution',
  recordTypes: Object.freeze(['CNAME']),
  oneDistribution: true,
  distributionTenants: true,
});

/** Every edge mode's shape: what a tenants file's `settings.edge` can name. */
export const EDGE_SHAPES: readonly EdgeShape[] = Object.freeze([SHARDED_DISTRIBUTIONS, MULTI_TENANT_DISTRIBUTION]);

/** The shape a tenants file names, or undefined for a name that is none. */
export function edgeShapeNamed(name: string): EdgeShape | undefined {
  return EDGE_SHAPES.find(shape => shape.name === name);
}

/** The index of the distribution that serves a shard. */
export function distributionOfShard(shape: EdgeShape, shard: number): number {
  return shape.oneDistribution ? 0 : shard;
}

/** How many distributions the shards have: one per used shard, or the one they share. */
export function distributionCount(shape: EdgeShape, shards: readonly number[]): number {
  if (shards.length === 0) return 0;
  return shape.oneDistribution ? 1 : shards.length;
}

/**
 * One past the highest distribution index: the per-block resources are counted up to it, as
 * shard n's distribution is n whether or not every shard below it is used.
 */
export function distributionIndexBound(shape: EdgeShape, shards: readonly number[]): number {
  if (shards.length === 0) return 0;
  return shape.oneDistribution ? 1 : Math.max(...shards) + 1;
}
