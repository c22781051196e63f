// A store tenant's write in DynamoDB transactions: its domain claims in order, no transaction over
// the limit, and room for the tenant's own item in the last.
import * as fc from 'fast-check';
import { claimedDomain, claimKey, claimTransactions, isClaimKey, isTenantKey, TRANSACTION_ITEMS } from '../../src/control-plane/domain-claims';
import { SWEEP_KEY } from '../../src/control-plane/reconciler.lambda';
import { tenantProblems } from '../../src/tenants/tenants';

// TransactWriteItems groups up to 100 actions ("TransactWriteItems", Amazon DynamoDB API
// Reference, https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html).
test('claims are cut into transactions of at most the limit, in order, the last leaving room for the tenant\'s item', () => {
  expect(TRANSACTION_ITEMS).toBe(100);
  fc.assert(fc.property(fc.integer({ min: 0, max: 450 }), fc.integer({ min: 2, max: 100 }), (count, limit) => {
    const domains = Array.from({ length: count }, (_, i) => `d${i}.example.com`);
    const groups = claimTransactions(domains, limit);
    expect(groups.flat()).toEqual(domains);
    expect(groups.every(g => g.length <= limit)).toBe(true);
    expect(groups[groups.length - 1].length + 1).toBeLessThanOrEqual(limit);
    // No more transactions than the items need.
    expect(groups.length).toBe(Math.max(1, Math.ceil((count + 1) / limit)));
  }));
  expect(claimTransactions(Array.from({ length: 99 }, (_, i) => `d${i}.example.com`))).toHaveLength(1);
});

test('a claim\'s key is never a tenant\'s: the tenants file refuses an id that looks like one', () => {
  expect(isClaimKey(claimKey('acme.example.com'))).toBe(true);
  expect(isClaimKey('acme')).toBe(false);
  expect(tenantProblems([{ id: claimKey('acme.example.com'), domainNames: ['acme.example.com'] }]).join()).toMatch(/`id` "domain#acme.example.com"/);
});

test('a tenant key holds no "#"; a claim\'s and the sweep marker\'s do, and a claim names its domain', () => {
  expect(isTenantKey('acme')).toBe(true);
  expect(isTenantKey(claimKey('acme.example.com'))).toBe(false);
  expect(isTenantKey(SWEEP_KEY)).toBe(false);
  expect(claimedDomain(claimKey('acme.example.com'))).toBe('acme.example.com');
});
