// How a shard's DNS records are batched: each group is one AWS::Route53::RecordSetGroup, which
// CloudFormation writes in one Route 53 change request, instead of one request per record. Pure,
// so the plan can check the groups' sizes before anything is built.
import type { EdgeShape } from './shape';
import type { ResolvedQuotas } from '../quotas/quotas';

/**
 * The most records a group holds. Route 53 takes at most 1,000 records in one change request and
 * counts an UPSERT twice; an update of a group may send each of its records as an UPSERT (or a
 * DELETE and a CREATE), so 500 records is the most whose any update still fits one request.
 */
export const MAX_RECORDS_PER_GROUP = 500;

/**
 * The hash groups of every shard, whatever its quota, edge mode or tenants. A domain's group
 * depends on its name alone: were the count to follow a setting, changing it would re-hash
 * domains into other groups, and CloudFormation, which creates a group before it updates or
 * deletes the others, would ask Route 53 to create records another group still holds (refused).
 *
 * Four groups take a shard of up to 500 domains of A and AAAA records (1,000 CNAMEs) at half
 * their room, so the hash's unevenness never fills one; the price is a change request per
 * non-empty group at a first deploy (four for a full shard, instead of one). An edit touches only
 * the groups of the domains it changes: one for a tenant of one domain.
 */
export const RECORD_GROUPS_PER_SHARD = 4;

/** The most records a shard may need: its groups at half their room (see RECORD_GROUPS_PER_SHARD). */
export const MAX_RECORDS_PER_SHARD = (RECORD_GROUPS_PER_SHARD * MAX_RECORDS_PER_GROUP) / 2;

/**
 * The group of a domain: a hash of its name, so a domain stays in its group whatever is added or
 * removed around it, and whatever the quotas or the edge mode. The hash is a release promise
 * (tests pin its values): a record that moved between groups would be created by one group's
 * update while the other still holds it, and fail.
 */
export function recordGroupOf(domain: string): number {
  let hash = 0x811c9dc5; // FNV-1a, 32 bits: a stable hash needs the bit operations
  for (let i = 0; i < domain.length; i++) {
    hash ^= domain.charCodeAt(i); // eslint-disable-line no-bitwise
    hash = Math.imul(hash, 0x01000193) >>> 0; // eslint-disable-line no-bitwise
  }
  return hash % RECORD_GROUPS_PER_SHARD;
}

/** The domains of each group, in declaration order; a group with no domains is empty (and not made). */
export function groupDomains(domains: readonly string[]): string[][] {
  const out: string[][] = Array.from({ length: RECORD_GROUPS_PER_SHARD }, () => []);
  for (const domain of domains) out[recordGroupOf(domain)].push(domain);
  return out;
}

/** A shard size whose records the fixed groups cannot take with room for the hash's unevenness. */
export function recordGroupQuotaProblems(quotas: Pick<ResolvedQuotas, 'domainsPerDistribution'>, edge: EdgeShape): string[] {
  const perDomain = edge.recordTypes.length;
  const records = quotas.domainsPerDistribution * perDomain;
  if (records <= MAX_RECORDS_PER_SHARD) return [];
  const most = Math.floor(MAX_RECORDS_PER_SHARD / perDomain);
  return [`\`quotas.domainsPerDistribution\` ${quotas.domainsPerDistribution} is more than the gateway's DNS takes: ` +
    `with ${edge.description} a shard of ${quotas.domainsPerDistribution} domains needs ${records} ${edge.recordTypes.join(' + ')} records, ` +
    `but a shard's records go in ${RECORD_GROUPS_PER_SHARD} record groups (one Route 53 change request each, at most ` +
    `${MAX_RECORDS_PER_GROUP} records) planned at half full, ${MAX_RECORDS_PER_SHARD} records in all. The number of groups is fixed, ` +
    `so that no record ever moves between groups. Set \`quotas.domainsPerDistribution\` to at most ${most}.`];
}
