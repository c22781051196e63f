import { MULTI_TENANT_DISTRIBUTION, SHARDED_DISTRIBUTIONS } from '../../src/edge/shape';
import { planGateway, PlanInput } from '../../src/gateway/plan';
import { resolveQuotas } from '../../src/quotas/quotas';
import { TenantProps } from '../../src/tenants/tenants';

const QUOTAS = resolveQuotas().quotas;
const GATEWAY_POLICIES = { vpcOrigins: true, responseHeadersPolicies: true, cachePoliciesPerBlock: 1, cacheBehaviors: 0 };

function tenants(count: number, domainsEach: number): TenantProps[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `t${i}`,
    domainNames: Array.from({ length: domainsEach }, (__, d) => `d${d}.t${i}.example.com`),
  }));
}

function plan(input: Partial<PlanInput> & Pick<PlanInput, 'tenants' | 'edge'>) {
  return planGateway({ quotas: QUOTAS, shared: GATEWAY_POLICIES, ...input });
}

function used(p: ReturnType<typeof planGateway>, key: string): number | undefined {
  return p.usage.find(u => u.key === key)?.used;
}

describe('the plan asks the edge mode what it makes', () => {
  test('multi-tenant: 9,800 domains take 9,800 CNAME records and pass at default quotas', () => {
    const p = plan({ tenants: tenants(4_900, 2), edge: MULTI_TENANT_DISTRIBUTION });
    expect(p.problems).toEqual([]);
    expect(used(p, 'recordsPerHostedZone')).toBe(9_800);
    expect(used(p, 'distributionTenantsPerAccount')).toBe(4_900);
    expect(used(p, 'multiTenantDistributionsPerAccount')).toBe(1);
    // One distribution: one of each shared policy and one VPC origin, whatever the shard count.
    expect(used(p, 'cachePoliciesPerAccount')).toBe(1);
    expect(used(p, 'vpcOriginsPerAccount')).toBe(1);
    expect(p.shards).toHaveLength(98);
    expect(new Set(p.shards.map(s => s.distribution))).toEqual(new Set([0]));
  });

  test('sharded: the same 9,800 domains take an A and an AAAA each, over the zone quota', () => {
    const p = plan({ tenants: tenants(4_900, 2), edge: SHARDED_DISTRIBUTIONS });
    expect(p.problems).toEqual([expect.stringContaining(
      'An A and an AAAA record for each of 9800 tenant domains needs 19600 but the Route 53 quota "Records per hosted zone" is 10000')]);
  });

  test('multi-tenant: 10,001 domains fail, naming 10,001', () => {
    const list = [...tenants(5_000, 2), { id: 'one-more', domainNames: ['one-more.example.com'] }];
    const p = plan({ tenants: list, edge: MULTI_TENANT_DISTRIBUTION });
    expect(p.problems).toEqual([
      expect.stringContaining('A CNAME record for each of 10001 tenant domains needs 10001 but the Route 53 quota "Records per hosted zone" is 10000'),
    ]);
  });

  test('a response headers policy of your own counts the distributions that share it: one in multi-tenant mode', () => {
    const own = { vpcOrigins: true, responseHeadersPolicies: false, cachePoliciesPerBlock: 1, cacheBehaviors: 0 };
    const list = tenants(15_000, 1);
    const quotas = resolveQuotas({ distributionTenantsPerAccount: 20_000, recordsPerHostedZone: 20_000 }).quotas;
    const multi = planGateway({ tenants: list, quotas, edge: MULTI_TENANT_DISTRIBUTION, shared: own });
    expect(multi.shards).toHaveLength(150);
    expect(multi.problems).toEqual([]);
    expect(used(multi, 'distributionsPerResponseHeadersPolicy')).toBe(1);

    const sharded = planGateway({ tenants: tenants(15_000, 1), quotas, edge: SHARDED_DISTRIBUTIONS, shared: own });
    expect(sharded.problems).toContainEqual(expect.stringContaining(
      '`responseHeadersPolicy`, which every distribution shares, needs 150 but the CloudFront quota "Distributions associated with the same response headers policy" is 100'));
  });

  test('distributions per account count used shards; per-block resources run to the highest shard', () => {
    const list: TenantProps[] = [{ id: 'a', domainNames: ['a.example.com'], shard: 0 }, { id: 'b', domainNames: ['b.example.com'], shard: 120 }];
    const p = plan({ tenants: list, edge: SHARDED_DISTRIBUTIONS });
    expect(used(p, 'distributionsPerAccount')).toBe(2);
    expect(used(p, 'cachePoliciesPerAccount')).toBe(2);
    expect(used(p, 'vpcOriginsPerAccount')).toBe(3);
  });

  test('cache policies count every policy of a block (default, shared-path, per-path) in each block; cache behaviours per distribution', () => {
    const list = tenants(101, 1).map((t, i) => (i === 100 ? { ...t, shard: 150 } : t));
    const p = plan({ tenants: list, edge: SHARDED_DISTRIBUTIONS, shared: { ...GATEWAY_POLICIES, cachePoliciesPerBlock: 3, cacheBehaviors: 4 } });
    // Distributions 0 to 150 span two blocks of 100: 3 policies each.
    expect(used(p, 'cachePoliciesPerAccount')).toBe(6);
    expect(used(p, 'cacheBehaviorsPerDistribution')).toBe(4);
    expect(p.problems).toEqual([]);
  });
});
