// The `quotas` prop: every key must name a quota, as in the tenants file's `settings.quotas`.
import * as fc from 'fast-check';
import { Quotas } from '../../src';
import { closestQuota, QUOTA_SPECS, quotaConflicts, resolveQuotas } from '../../src/quotas/quotas';
import { settingsProblems } from '../../src/tenants/tenants';
import { errorOf } from '../errors';
import { build, tenants } from '../gateway-fixture';

const KEYS = Object.keys(QUOTA_SPECS);

describe('unknown keys in the `quotas` prop', () => {
  test('are refused in the gateway\'s one error, with the quota meant when it is near', () => {
    const quotas = { domainsPerDistributon: 50, DistributionsPerAccount: 600, shards: 3 } as Quotas;
    const message = errorOf(() => build(tenants(1), { quotas }));
    expect(message).toContain('has 3 problems');
    expect(message).toContain('`quotas.domainsPerDistributon` is not a quota; did you mean "domainsPerDistribution"?');
    expect(message).toContain('`quotas.DistributionsPerAccount` is not a quota; did you mean "distributionsPerAccount"?');
    expect(message).toContain(`\`quotas.shards\` is not a quota (known: ${KEYS.join(', ')})`);
  });

  test('the tenants file\'s `settings.quotas` suggests alike', () => {
    expect(settingsProblems({ quotas: { domainsPerDistributon: 50, shards: 3 } })).toEqual([
      '`settings.quotas.domainsPerDistributon` is not a quota; did you mean "domainsPerDistribution"?',
      `\`settings.quotas.shards\` is not a quota (known: ${KEYS.join(', ')})`,
    ]);
  });

  test('a known key passes, and an unknown one never resolves to a figure', () => {
    expect(resolveQuotas({ domainsPerDistribution: 50 }).problems).toEqual([]);
    const { quotas, problems } = resolveQuotas({ domainsPerDistributon: 50 } as Quotas);
    expect(problems).toHaveLength(1);
    expect(quotas.domainsPerDistribution).toBe(100);
  });

  test('every quota name with one letter dropped, doubled or changed is taken for that quota', () => {
    const typo = fc.tuple(fc.constantFrom(...KEYS), fc.nat(), fc.constantFrom('drop', 'double', 'change')).map(([key, at, kind]) => {
      const i = at % key.length;
      const edited = kind === 'drop' ? key.slice(0, i) + key.slice(i + 1)
        : kind === 'double' ? key.slice(0, i) + key[i] + key.slice(i)
          : key.slice(0, i) + (key[i] === 'x' ? 'y' : 'x') + key.slice(i + 1);
      return { key, edited };
    });
    fc.assert(fc.property(typo, ({ key, edited }) => {
      if (KEYS.includes(edited)) return; // an edit that lands on another quota is that quota
      expect(closestQuota(edited)).toBe(key);
    }), { numRuns: 300 });
  });
});

test('a quota given both in the file and elsewhere must have one figure', () => {
  expect(quotaConflicts({ domainsPerDistribution: 50 }, { domainsPerDistribution: 100, distributionsPerAccount: 600 }, 'tenants.json',
    key => `\`quotas.${key}\``)).toEqual([
    '`quotas.domainsPerDistribution` is 50, but tenants.json says `settings.quotas.domainsPerDistribution` 100; give it in one place',
  ]);
  expect(quotaConflicts({ domainsPerDistribution: 100 }, { domainsPerDistribution: 100 }, 'tenants.json', key => key)).toEqual([]);
  expect(quotaConflicts({ distributionsPerAccount: 600 }, undefined, 'tenants.json', key => key)).toEqual([]);
});
