// Domain claims: the tenant store holds, beside each tenant's item, one item per domain a store
// tenant holds, keyed `domain#<name>` and naming its owner. A write that adds a tenant or a domain
// puts the claim in the same DynamoDB transaction as the tenant, on condition that no other tenant
// holds it, so two store tenants never hold one domain, without reading the whole store. Tenant ids
// are lower-case letters, digits and hyphens, so no tenant's key starts like a claim's. Pure: shared
// by the CLI and the reconciler (which skip claims wherever they read the table).

/** What starts every claim item's key. */
export const CLAIM_PREFIX = 'domain#';

/** The key of a domain's claim item. */
export function claimKey(domain: string): string {
  return `${CLAIM_PREFIX}${domain}`;
}

/** Whether a store key is a domain claim (not a tenant). */
export function isClaimKey(key: string): boolean {
  return key.startsWith(CLAIM_PREFIX);
}

/** The domain a claim item's key names. */
export function claimedDomain(key: string): string {
  return key.slice(CLAIM_PREFIX.length);
}

/**
 * Whether a store key is a tenant's. Tenant ids hold no "#"; every other item of the store does:
 * the domain claims and the drift sweep's marker.
 */
export function isTenantKey(key: string): boolean {
  return !key.includes('#');
}

/** A DynamoDB Scan's filter that keeps the tenants' items only (see `isTenantKey`). */
export const TENANT_ITEMS_ONLY = {
  FilterExpression: 'NOT contains(#i, :h)',
  ExpressionAttributeNames: { '#i': 'id' },
  ExpressionAttributeValues: { ':h': { S: '#' } },
};

/** The claim item's attribute naming the tenant that holds the domain. */
export const CLAIM_OWNER = 'owner';

/**
 * Actions per DynamoDB transaction: TransactWriteItems groups up to 100 actions, no two on the
 * same item, 4 MB in all ("TransactWriteItems", Amazon DynamoDB API Reference,
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html).
 */
export const TRANSACTION_ITEMS = 100;

/**
 * A tenant's write in transactions: its claims in groups of TRANSACTION_ITEMS, the tenant's own
 * item in the last group, so the tenant is written only once every domain is claimed. A tenant of
 * up to 99 domains is one transaction.
 */
export function claimTransactions(domains: readonly string[], perTransaction = TRANSACTION_ITEMS): string[][] {
  const last = Math.min(domains.length, perTransaction - 1);
  const head = domains.slice(0, domains.length - last);
  return [...chunk(head, perTransaction), domains.slice(domains.length - last)];
}

function chunk(items: readonly string[], size: number): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
