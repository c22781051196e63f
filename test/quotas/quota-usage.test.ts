// The quota count on its own: what each usage counts, and when it is a problem.
import { MULTI_TENANT_DISTRIBUTION, SHARDED_DISTRIBUTIONS } from '../../src/edge/shape';
import { QuotaUsage, quotaUsage, usageProblems, UsageInput } from '../../src/quotas/quota-usage';
import { resolveQuotas } from '../../src/quotas/quotas';
import { PlacementPlan } from '../../src/tenants/placement';

const SHARED = { vpcOrigins: true, responseHeadersPolicies: true, cachePoliciesPerBlock: 1, cacheBehaviors: 0 };

/** `load` domains on each of `shards`. */
function placement(shards: number[], load = 1): PlacementPlan {
  return { placements: [], shards, load: new Map(shards.map(s => [s, load])), problems: [] };
}

function count(input: Partial<UsageInput> & Pick<UsageInput, 'placement'>): Map<string, QuotaUsage> {
  const usages = quotaUsage({ tenants: [], edge: SHARDED_DISTRIBUTIONS, quotas: resolveQuotas().quotas, shared: SHARED, ...input });
  return new Map(usages.map(u => [u.key, u]));
}

describe('quotaUsage', () => {
  test('a quota at its limit is full, not over; one past it is a problem', () => {
    const quotas = resolveQuotas({ distributionsPerAccount: 3 }).quotas;
    const at = count({ placement: placement([0, 1, 2]), quotas });
    expect(at.get('distributionsPerAccount')).toEqual({ key: 'distributionsPerAccount', what: 'distributions', used: 3, limit: 3, problem: undefined });
    expect(usageProblems([...at.values()])).toEqual([]);
    const over = count({ placement: placement([0, 1, 2, 3]), quotas });
    expect(usageProblems([...over.values()])).toEqual([expect.stringContaining('needs 4 but the CloudFront quota "Web distributions per AWS account" is 3')]);
  });

  test('the fullest shard\'s domains; none placed is 0', () => {
    const load = new Map([[0, 7], [1, 12], [2, 3]]);
    expect(count({ placement: { placements: [], shards: [0, 1, 2], load, problems: [] } }).get('domainsPerDistribution')!.used).toBe(12);
    expect(count({ placement: placement([]) }).get('domainsPerDistribution')!.used).toBe(0);
    expect(count({ placement: placement([]) }).get('distributionsPerAccount')!.used).toBe(0);
  });

  test('partitions are said in the distributions count', () => {
    expect(count({ placement: placement([0, 1]), partitions: 2 }).get('distributionsPerAccount')!.what).toBe('distributions (2 partitions of edge settings)');
    expect(count({ placement: placement([0, 1]), partitions: 1 }).get('distributionsPerAccount')!.what).toBe('distributions');
  });

  test('cache behaviours are counted only when there are some', () => {
    expect(count({ placement: placement([0]) }).has('cacheBehaviorsPerDistribution')).toBe(false);
    expect(count({ placement: placement([0]), shared: { ...SHARED, cacheBehaviors: 1 } }).get('cacheBehaviorsPerDistribution')!.used).toBe(1);
  });

  test('per-block resources run to the highest distribution index, one block per N', () => {
    const quotas = resolveQuotas({ distributionsPerCachePolicy: 10, distributionsPerOriginRequestPolicy: 20, distributionsPerVpcOrigin: 5 }).quotas;
    const usage = count({ placement: placement([0, 10, 25]), quotas, shared: { ...SHARED, cachePoliciesPerBlock: 3 } });
    expect(usage.get('cachePoliciesPerAccount')!.used).toBe(9); // 3 blocks of 10 x 3 policies
    expect(usage.get('originRequestPoliciesPerAccount')!.used).toBe(2);
    expect(usage.get('responseHeadersPoliciesPerAccount')!.used).toBe(1);
    expect(usage.get('vpcOriginsPerAccount')!.used).toBe(6);
    expect(usage.get('cachePoliciesPerAccount')!.what).toBe('cache policies (3 per 10 distributions)');
    expect(count({ placement: placement([0]) }).get('cachePoliciesPerAccount')!.what).toBe('cache policies (one per 100 distributions)');
  });

  test('a response headers policy of your own: every distribution shares it, and no policies of the gateway\'s are counted', () => {
    const usage = count({ placement: placement([0, 4, 9]), shared: { ...SHARED, responseHeadersPolicies: false } });
    expect(usage.get('distributionsPerResponseHeadersPolicy')!.used).toBe(3);
    expect(usage.has('responseHeadersPoliciesPerAccount')).toBe(false);
  });

  test('VPC origins: none without VPC-origin access; with cells, each load balancer counts its own blocks', () => {
    expect(count({ placement: placement([0]), shared: { ...SHARED, vpcOrigins: false } }).has('vpcOriginsPerAccount')).toBe(false);
    const quotas = resolveQuotas({ distributionsPerVpcOrigin: 5 }).quotas;
    const cells = count({ placement: placement([0, 3, 7, 12]), quotas, vpcOriginShards: [[0, 3], [7, 12]] });
    // Cell one: distributions 0 to 3, one block; cell two: 0 to 12 by index, three blocks.
    expect(cells.get('vpcOriginsPerAccount')!.used).toBe(4);
    expect(cells.get('vpcOriginsPerAccount')!.what).toBe('vpc origins (one per 5 distributions of each cell\'s load balancer)');
    expect(count({ placement: placement([0]), vpcOriginShards: [[0]] }).get('vpcOriginsPerAccount')!.problem).toBeUndefined();
  });

  test('multi-tenant: one distribution whatever the shards; a distribution tenant per tenant; a CNAME per domain', () => {
    const tenants = [{ domainNames: ['a.example.com', 'b.example.com'] }, { domainNames: ['c.example.com'], externalDns: true }];
    const usage = count({ placement: placement([0, 1, 2]), edge: MULTI_TENANT_DISTRIBUTION, tenants });
    expect(usage.get('multiTenantDistributionsPerAccount')!.used).toBe(1);
    expect(usage.get('distributionTenantsPerAccount')!.used).toBe(2);
    expect(usage.get('recordsPerHostedZone')).toMatchObject({ used: 2, what: 'CNAME records in the hosted zone' });
    expect(usage.has('distributionsPerAccount')).toBe(false);
    expect(usage.get('cachePoliciesPerAccount')!.used).toBe(1);
    const sharded = count({ placement: placement([0, 1, 2]), tenants });
    expect(sharded.get('recordsPerHostedZone')).toMatchObject({ used: 4, what: 'A + AAAA records in the hosted zone' });
    expect(sharded.has('distributionTenantsPerAccount')).toBe(false);
  });

  test('what each problem says it counts: record kinds by mode, the distribution range, the cells', () => {
    const tenants = [{ domainNames: ['a.example.com', 'b.example.com'] }];
    const quotas = resolveQuotas({
      recordsPerHostedZone: 1, cachePoliciesPerAccount: 1, distributionsPerCachePolicy: 1, vpcOriginsPerAccount: 1,
    }).quotas;
    const problems = (input: Partial<UsageInput> & Pick<UsageInput, 'placement'>) => usageProblems([...count({ tenants, quotas, ...input }).values()]);
    expect(problems({ placement: placement([0]) })).toEqual([
      expect.stringMatching(/^An A and an AAAA record for each of 2 tenant domains needs 4 but/),
    ]);
    expect(problems({ placement: placement([0]), edge: MULTI_TENANT_DISTRIBUTION })).toEqual([
      expect.stringMatching(/^A CNAME record for each of 2 tenant domains needs 2 but/),
    ]);
    expect(problems({ placement: placement([0, 1]) })).toContainEqual(expect.stringMatching(/^Cache policies for distributions 0 to 1 needs 2 but/));
    expect(problems({ placement: placement([0, 1]), shared: { ...SHARED, cachePoliciesPerBlock: 2 } })).toContainEqual(
      expect.stringMatching(/^Cache policies for distributions 0 to 1 \(the default, shared-path and per-path ones: 2 per block\) needs 4 but/));
    expect(problems({ placement: placement([0, 1]), vpcOriginShards: [[0], [1]] })).toContainEqual(
      expect.stringMatching(/^VPC origins for the distributions of 2 cells, each cell's load balancer with its own, needs 2 but/));
    const oneEach = resolveQuotas({ vpcOriginsPerAccount: 1, distributionsPerVpcOrigin: 1 }).quotas;
    expect(problems({ placement: placement([0, 1]), vpcOriginShards: [[0, 1]], quotas: oneEach }))
      .toContainEqual(expect.stringMatching(/^VPC origins for the distributions of 1 cell, each cell's load balancer with its own, needs 2 but/));
    expect(problems({ placement: placement([0]), vpcOriginShards: [[0], []] })).toEqual(expect.not.arrayContaining([expect.stringMatching(/^VPC origins/)]));
    const one = resolveQuotas({ cachePoliciesPerAccount: 1, distributionsPerCachePolicy: 1 }).quotas;
    expect(usageProblems([...count({ placement: placement([0]), quotas: one, shared: { ...SHARED, cachePoliciesPerBlock: 2 } }).values()]))
      .toEqual([expect.stringMatching(/^Cache policies for distribution 0 \(the default/)]);
  });

  test('each quota is counted once, in a fixed order; none over means no problems at all', () => {
    const keys = (input: Partial<UsageInput> & Pick<UsageInput, 'placement'>) => quotaUsage({
      tenants: [], edge: SHARDED_DISTRIBUTIONS, quotas: resolveQuotas().quotas, shared: SHARED, ...input,
    }).map(u => u.key);
    expect(keys({ placement: placement([0]) })).toEqual(['distributionsPerAccount', 'domainsPerDistribution', 'recordsPerHostedZone',
      'cachePoliciesPerAccount', 'originRequestPoliciesPerAccount', 'responseHeadersPoliciesPerAccount', 'vpcOriginsPerAccount']);
    expect(keys({ placement: placement([0]), vpcOriginShards: [[0]] })).toEqual(['distributionsPerAccount', 'domainsPerDistribution',
      'recordsPerHostedZone', 'cachePoliciesPerAccount', 'originRequestPoliciesPerAccount', 'responseHeadersPoliciesPerAccount', 'vpcOriginsPerAccount']);
    expect(keys({ placement: placement([0]), edge: MULTI_TENANT_DISTRIBUTION })).toEqual(['multiTenantDistributionsPerAccount', 'domainsPerDistribution',
      'recordsPerHostedZone', 'distributionTenantsPerAccount', 'cachePoliciesPerAccount', 'originRequestPoliciesPerAccount',
      'responseHeadersPoliciesPerAccount', 'vpcOriginsPerAccount']);
    const defaults = { tenants: [], edge: SHARDED_DISTRIBUTIONS, quotas: resolveQuotas().quotas, shared: SHARED, placement: placement([0]) };
    expect(usageProblems(quotaUsage(defaults))).toHaveLength(0);
  });

  test('partitions of edge settings are named in the distributions problem', () => {
    const quotas = resolveQuotas({ distributionsPerAccount: 1 }).quotas;
    const tenants = [{ domainNames: ['a.example.com'] }, { domainNames: ['b.example.com'] }];
    expect(usageProblems([...count({ placement: placement([0, 1]), quotas, tenants, partitions: 2 }).values()])).toEqual([expect.stringMatching(
      /^Placing 2 tenants at 100 domains per distribution, 2 partitions of edge settings on distributions of their own, needs 2 but/)]);
    expect(usageProblems([...count({ placement: placement([0, 1]), quotas, tenants }).values()])).toEqual([expect.stringMatching(
      /^Placing 2 tenants at 100 domains per distribution needs 2 but/)]);
  });
});
