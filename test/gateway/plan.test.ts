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

describe('each quota is counted only in the edge modes that use it', () => {
  // At AWS's defaults or below, never raised: a quota a mode does not use must not refuse it.
  test('distributions per account: 501 shards are 501 distributions when sharded, one multi-tenant distribution otherwise', () => {
    const quotas = resolveQuotas({ domainsPerDistribution: 1 }).quotas;
    const list = tenants(501, 1);
    const sharded = planGateway({ tenants: list, quotas, edge: SHARDED_DISTRIBUTIONS, shared: GATEWAY_POLICIES });
    expect(used(sharded, 'distributionsPerAccount')).toBe(501);
    expect(sharded.problems).toContainEqual(expect.stringContaining('needs 501 but the CloudFront quota "Web distributions per AWS account" is 500'));
    expect(used(sharded, 'multiTenantDistributionsPerAccount')).toBeUndefined();
    expect(used(sharded, 'distributionTenantsPerAccount')).toBeUndefined();

    const multi = planGateway({ tenants: list, quotas, edge: MULTI_TENANT_DISTRIBUTION, shared: GATEWAY_POLICIES });
    expect(multi.shards).toHaveLength(501);
    expect(used(multi, 'distributionsPerAccount')).toBeUndefined();
    expect(used(multi, 'multiTenantDistributionsPerAccount')).toBe(1);
    expect(used(multi, 'distributionTenantsPerAccount')).toBe(501);
    expect(multi.problems).toEqual([]);
  });

  test('distribution tenants per account: counted in multi-tenant mode only', () => {
    const quotas = resolveQuotas({ distributionTenantsPerAccount: 3 }).quotas;
    const list = tenants(4, 1);
    expect(plan({ tenants: list, edge: SHARDED_DISTRIBUTIONS, quotas }).problems).toEqual([]);
    expect(plan({ tenants: list, edge: MULTI_TENANT_DISTRIBUTION, quotas }).problems).toEqual([expect.stringContaining(
      'A distribution tenant for each of 4 tenants needs 4 but the CloudFront quota "Distribution tenants per AWS account" is 3')]);
  });

  test('domains per distribution tenant: counted in multi-tenant mode only', () => {
    const quotas = resolveQuotas({ domainsPerDistributionTenant: 2 }).quotas;
    const list = tenants(1, 3);
    expect(plan({ tenants: list, edge: SHARDED_DISTRIBUTIONS, quotas }).problems).toEqual([]);
    expect(plan({ tenants: list, edge: MULTI_TENANT_DISTRIBUTION, quotas }).problems).toEqual([expect.stringContaining(
      'tenant "t0": its 3 `domainNames` share one distribution tenant, which needs 3 but the CloudFront quota "Aliases per distribution tenant" is 2')]);
  });

  test('records per hosted zone: two per domain when sharded, one when multi-tenant; none for externalDns', () => {
    const quotas = resolveQuotas({ recordsPerHostedZone: 3 }).quotas;
    const list: TenantProps[] = [...tenants(3, 1), { id: 'ext', domainNames: ['ext.example.org'], externalDns: true }];
    expect(used(plan({ tenants: list, edge: MULTI_TENANT_DISTRIBUTION, quotas }), 'recordsPerHostedZone')).toBe(3);
    expect(plan({ tenants: list, edge: MULTI_TENANT_DISTRIBUTION, quotas }).problems).toEqual([]);
    expect(used(plan({ tenants: list, edge: SHARDED_DISTRIBUTIONS, quotas }), 'recordsPerHostedZone')).toBe(6);
  });
});

describe('shard order', () => {
  test('pins declared out of order: shards ascend, each with its own tenants, and placement fills around them', () => {
    const list: TenantProps[] = [
      { id: 'twelve', domainNames: ['twelve.example.com'], shard: 12 },
      { id: 'three', domainNames: ['three.example.com'], shard: 3 },
      { id: 'free', domainNames: ['free.example.com'] },
      { id: 'seven', domainNames: ['seven.example.com'], shard: 7 },
      { id: 'zero', domainNames: ['zero.example.com'], shard: 0 },
    ];
    const p = plan({ tenants: list, edge: SHARDED_DISTRIBUTIONS });
    expect(p.problems).toEqual([]);
    expect(p.shards.map(s => [s.index, s.tenants.map(t => t.id)])).toEqual([[0, ['free', 'zero']], [3, ['three']], [7, ['seven']], [12, ['twelve']]]);
    expect(p.placements.map(pl => pl.shard)).toEqual([12, 3, 0, 7, 0]);
    expect(p.partitions.map(part => part.shards)).toEqual([[0, 3, 7, 12]]);
    expect(p.cells[0].shards).toEqual([0, 3, 7, 12]);
  });

});
