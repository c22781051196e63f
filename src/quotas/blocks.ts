// "One per N distributions": CloudFront lets a cache policy, an origin request policy, a response
// headers policy or a VPC origin serve at most N distributions (each an AWS quota), so the gateway
// makes one such resource per block of N. The gateway's resources and the quota count both use
// this arithmetic, so they cannot disagree.

/**
 * The block a distribution belongs to: distribution d uses block floor(d / perBlock). Stable as
 * distributions are added, so no distribution ever changes policy or VPC origin.
 */
export function blockOf(distribution: number, perBlock: number): number {
  return Math.floor(distribution / perBlock);
}

/** How many blocks distributions 0 .. `distributions` - 1 need. */
export function blocksFor(distributions: number, perBlock: number): number {
  return distributions <= 0 ? 0 : blockOf(distributions - 1, perBlock) + 1;
}
