// How one bound on concurrent CloudFront changes is spent across the gateway's templates. The
// shards live in blocks (a nested stack of up to 50 shards each); CloudFormation orders only
// resources of one template against each other, and a DependsOn between two blocks orders the
// whole blocks. So the bound is split, not chained through: blocks run in lanes (block b waits for
// block b - lanes only when there are more blocks than the bound), the shards of a block in waves
// (its k-th shard waits for its (k - shardsAtOnce)-th), and a shard's CloudFront resources in waves
// too (its k-th distribution tenant waits for its (k - perShardAtOnce)-th). At most the sum over
// the lanes of shardsAtOnce x perShardAtOnce CloudFront resources then change at once, never more
// than the bound. A DependsOn on a resource that does not change costs nothing, so routine onboarding
// (one shard changes) never waits.

/** How the bound is spent: each figure is the most of its kind that CloudFormation runs at once. */
export interface ChangeWaves {
  /** Blocks that deploy side by side; block b waits for block b - `blockLanes`. */
  readonly blockLanes: number;
  /** The waves of the blocks of lane l (block b is in lane b mod `blockLanes`). */
  readonly lanes: readonly LaneWaves[];
}

/** The waves inside each block of one lane. */
export interface LaneWaves {
  /** Shards of a block at once; its k-th shard waits for its (k - `shardsAtOnce`)-th. */
  readonly shardsAtOnce: number;
  /** CloudFront resources of a shard at once; its k-th waits for its (k - `perShardAtOnce`)-th. */
  readonly perShardAtOnce: number;
}

/**
 * Splits `bound` over `blocks` blocks of at most `shardsPerBlock` shards, each shard holding at
 * most `perShard` CloudFront resources (1 distribution, or up to a shard's tenants). Each lane
 * gets an equal share, the first lanes one more of what is left over.
 */
export function changeWaves(bound: number, blocks: number, shardsPerBlock: number, perShard: number): ChangeWaves {
  const blockLanes = Math.max(1, Math.min(blocks, bound));
  const lanes = Array.from({ length: blockLanes }, (_, l): LaneWaves => {
    const share = Math.max(1, Math.floor(bound / blockLanes) + (l < bound % blockLanes ? 1 : 0));
    const perShardAtOnce = Math.min(share, perShard);
    return { shardsAtOnce: Math.min(shardsPerBlock, Math.max(1, Math.floor(share / perShardAtOnce))), perShardAtOnce };
  });
  return { blockLanes, lanes };
}

/** Makes item k wait for item k - `width`, so at most `width` of `items` run at once. */
export function chainInWaves<T>(items: readonly T[], width: number, wait: (item: T, on: T) => void): void {
  for (let k = width; k < items.length; k++) wait(items[k], items[k - width]);
}
