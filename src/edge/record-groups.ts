// How a shard's DNS records are batched: each group is one AWS::Route53::RecordSetGroup, which
// CloudFormation writes in one Route 53 change request, instead of one request per record. Pure,
// so the plan can check the groups' sizes before anything is built.

/**
 * The most records a group holds. Route 53 takes at most 1,000 records in one change request and
 * counts an UPSERT twice; an update of a group may send each of its records as an UPSERT (or a
 * DELETE and a CREATE), so 500 records is the most whose any update still fits one request.
 */
export const MAX_RECORDS_PER_GROUP = 500;

/**
 * Groups are planned at half that, so that the hash which spreads domains over them never fills
 * one: a full shard at the default 100 domains has one group, a shard raised to 500 domains of
 * A + AAAA records has four.
 */
const PLANNED_RECORDS_PER_GROUP = MAX_RECORDS_PER_GROUP / 2;

/** How many groups a shard of up to `domainsPerShard` domains has; fixed by the quota, not by the shard's tenants. */
export function recordGroupCount(domainsPerShard: number, recordsPerDomain: number): number {
  return Math.max(1, Math.ceil((domainsPerShard * recordsPerDomain) / PLANNED_RECORDS_PER_GROUP));
}

/**
 * The group of a domain: a hash of its name, so a domain stays in its group whatever is added or
 * removed around it. A record that moved between groups would be created by one group's update
 * while the other still holds it, and fail.
 */
export function recordGroupOf(domain: string, groups: number): number {
  let hash = 0x811c9dc5; // FNV-1a, 32 bits: a stable hash needs the bit operations
  for (let i = 0; i < domain.length; i++) {
    hash ^= domain.charCodeAt(i); // eslint-disable-line no-bitwise
    hash = Math.imul(hash, 0x01000193) >>> 0; // eslint-disable-line no-bitwise
  }
  return hash % groups;
}

/** The domains of each group, in declaration order; a group with no domains is empty. */
export function groupDomains(domains: readonly string[], groups: number): string[][] {
  const out: string[][] = Array.from({ length: groups }, () => []);
  for (const domain of domains) out[recordGroupOf(domain, groups)].push(domain);
  return out;
}
