// The record groups' hash and the quota rule, pure: golden values that are a release promise,
// and properties that a domain's group depends on its name alone.
import * as fc from 'fast-check';
import {
  groupDomains, MAX_RECORDS_PER_SHARD, RECORD_GROUPS_PER_SHARD, recordGroupOf, recordGroupQuotaProblems,
} from '../../src/edge/record-groups';
import { EDGE_SHAPES, MULTI_TENANT_DISTRIBUTION, SHARDED_DISTRIBUTIONS } from '../../src/edge/shape';
import { planGateway } from '../../src/gateway/plan';
import { resolveQuotas } from '../../src/quotas/quotas';

const SHARED = { vpcOrigins: true, responseHeadersPolicies: true, cachePoliciesPerBlock: 1, cacheBehaviors: 0 };

describe('record group hash', () => {
  test('the refusal counts the edge mode\'s records per domain: two for sharded distributions, one CNAME for a multi-tenant distribution', () => {
    expect(MAX_RECORDS_PER_SHARD).toBe(1_000);
    expect(recordGroupQuotaProblems({ domainsPerDistribution: 500 }, SHARDED_DISTRIBUTIONS)).toEqual([]);
    expect(recordGroupQuotaProblems({ domainsPerDistribution: 501 }, SHARDED_DISTRIBUTIONS)).toEqual([expect.stringMatching(
      /^`quotas\.domainsPerDistribution` 501 .* needs 1002 A \+ AAAA records, .* to at most 500\.$/)]);
    expect(recordGroupQuotaProblems({ domainsPerDistribution: 1_000 }, MULTI_TENANT_DISTRIBUTION)).toEqual([]);
    expect(recordGroupQuotaProblems({ domainsPerDistribution: 1_001 }, MULTI_TENANT_DISTRIBUTION)).toEqual([expect.stringContaining(
      'with multi-tenant distribution a shard of 1001 domains needs 1001 CNAME records, but')]);
    expect(recordGroupQuotaProblems({ domainsPerDistribution: 1_001 }, MULTI_TENANT_DISTRIBUTION)[0]).toMatch(/to at most 1000\.$/);
  });

  test('golden values: these domains are in these groups in every release (changing the hash moves records on upgrade)', () => {
    const golden: [string, number][] = [
      ['example.com', 2], ['www.example.com', 3], ['acme.example.com', 0], ['shop.acme.example.com', 0], ['a.b', 0],
      ['tenant-1.example.org', 3], ['tenant-2.example.org', 2], ['tenant-3.example.org', 1], ['xn--bcher-kva.example', 0],
      ['d0.t0.example.com', 2], ['d0.t1.example.com', 1], ['d0.t2.example.com', 0],
      ['very-long-label-0123456789.deep.sub.domain.example.net', 0], ['1.example.com', 3], ['z.io', 1], ['partner.co.uk', 3],
      ['tenant-0.example.com', 3],
    ];
    expect(RECORD_GROUPS_PER_SHARD).toBe(4);
    expect(golden.map(([domain]) => [domain, recordGroupOf(domain)])).toEqual(golden);
    expect(groupDomains(golden.map(([domain]) => domain))).toEqual([0, 1, 2, 3].map(g => golden.filter(([, group]) => group === g).map(([d]) => d)));
  });

  test('property: a domain\'s group is the same under every quota value and edge mode', () => {
    fc.assert(fc.property(
      fc.uniqueArray(fc.domain(), { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 500 }), fc.constantFrom(...EDGE_SHAPES),
      (domains, perShard, edge) => {
        const list = domains.map((domain, i) => ({ id: `t${i}`, domainNames: [domain.toLowerCase()] }));
        const { quotas } = resolveQuotas({ domainsPerDistribution: perShard, recordsPerHostedZone: 100_000, distributionsPerAccount: 100_000 });
        const plan = planGateway({ tenants: list, quotas, edge, shared: SHARED });
        for (const shard of plan.shards) {
          shard.recordGroups.forEach((group, g) => group.forEach(domain => expect(g).toBe(recordGroupOf(domain))));
          expect(shard.recordGroups).toHaveLength(RECORD_GROUPS_PER_SHARD);
          expect(shard.recordGroups.flat().sort()).toEqual([...shard.zoneDomainNames].sort());
        }
      }));
  });

  test('a domain keeps its group whatever is added or removed around it', () => {
    fc.assert(fc.property(
      fc.uniqueArray(fc.domain(), { minLength: 1, maxLength: 60 }), fc.nat(),
      (domains, removedAt) => {
        const before = groupDomains(domains);
        const removed = domains.filter((_, i) => i !== removedAt % domains.length);
        const after = groupDomains([...removed, 'appended.example.com']);
        for (const domain of removed) {
          const g = recordGroupOf(domain);
          expect(before[g]).toContain(domain);
          expect(after[g]).toContain(domain);
        }
      }));
  });
});
