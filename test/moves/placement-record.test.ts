// The placement guard's pure part: the record synth writes, and which changes between two records
// the guard refuses. Why an undeclared change must be refused: a domain is on one distribution or
// distribution tenant at a time ("Move an alternate domain name", CloudFront Developer Guide,
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/alternate-domain-names-move.html),
// so a remove-here/add-there fails with CNAMEAlreadyExists or leaves the domain on none.
import * as fc from 'fast-check';
import { MULTI_TENANT_DISTRIBUTION, SHARDED_DISTRIBUTIONS } from '../../src/edge/shape';
import { planGateway } from '../../src/gateway/plan';
import {
  decodePlacement, encodePlacement, PlacedTenant, PlacementRecord, placementRecordOf, refusal, undeclaredMoves,
} from '../../src/moves/placement-record';
import { resolveQuotas } from '../../src/quotas/quotas';
import { TenantProps } from '../../src/tenants/tenants';

const QUOTAS = resolveQuotas().quotas;
const SHARED = { vpcOrigins: true, responseHeadersPolicies: true, cachePoliciesPerBlock: 1, cacheBehaviors: 0 };
function recordOf(tenants: TenantProps[], edge = SHARDED_DISTRIBUTIONS): PlacementRecord {
  const plan = planGateway({ tenants, quotas: QUOTAS, shared: SHARED, edge, certificateZone: 'example.com' });
  return placementRecordOf({ placements: plan.placements, moves: plan.moves, distributionTenants: edge.distributionTenants });
}
const sharded = (tenants: PlacedTenant[]): PlacementRecord => ({ version: 1, distributionTenants: false, tenants });

const stays: TenantProps = { id: 'stays', domainNames: ['stays.example.com'], shard: 0 };
const acme = (shard: number, stage?: string): TenantProps => ({
  id: 'acme', domainNames: ['www.acme.example.com', 'acme.example.com'], shard, ...(stage ? { movedFrom: { shard: 0, stage } } : {}),
});

describe('the record of a plan', () => {
  test('each tenant with the shard that serves it, its domains sorted, its pin; tenants by id', () => {
    expect(recordOf([stays, acme(0), { id: 'free', domainNames: ['free.example.com'] }])).toEqual({
      version: 1,
      distributionTenants: false,
      tenants: [
        { id: 'acme', shard: 0, domains: ['acme.example.com', 'www.acme.example.com'], pinned: true },
        { id: 'free', shard: 0, domains: ['free.example.com'] },
        { id: 'stays', shard: 0, domains: ['stays.example.com'], pinned: true },
      ],
    });
  });

  test('a move between shards: served by its source while it prepares, by its target once it moves, both naming the source', () => {
    expect(recordOf([stays, acme(1, 'prepare')]).tenants[0]).toEqual(expect.objectContaining({ id: 'acme', shard: 0, movedFrom: 0 }));
    expect(recordOf([stays, acme(1, 'move')]).tenants[0]).toEqual(expect.objectContaining({ id: 'acme', shard: 1, movedFrom: 0 }));
  });

  test('an adoption is recorded at its target only', () => {
    const adopted = recordOf([stays, { id: 'old', domainNames: ['old.example.com'], externalDns: true, adoptFrom: { distributionId: 'E2QWRUHEXAMPLE', stage: 'prepare' } }]);
    expect(adopted.tenants[0]).toEqual({ id: 'old', shard: 0, domains: ['old.example.com'] });
  });

  test('a multi-tenant distribution is recorded as such', () => {
    expect(recordOf([stays], MULTI_TENANT_DISTRIBUTION).distributionTenants).toBe(true);
  });

  test('the same tenants in another order give the same bytes; the bytes decode to the record', () => {
    const free = { id: 'free', domainNames: ['b.example.com', 'a.example.com'] };
    const one = encodePlacement(recordOf([stays, acme(0), free]));
    expect(encodePlacement(recordOf([free, acme(0), stays]))).toBe(one);
    expect(one).not.toMatch(/\s/);
    expect(decodePlacement(one)).toEqual(recordOf([stays, acme(0), free]));
  });

  test.each([
    ['not JSON', '{'],
    ['null', 'null'],
    ['another version', JSON.stringify({ version: 2, distributionTenants: false, tenants: [] })],
    ['a tenant without a shard', JSON.stringify({ version: 1, distributionTenants: false, tenants: [{ id: 'a', domains: [] }] })],
    ['a domain that is not a string', JSON.stringify({ version: 1, distributionTenants: false, tenants: [{ id: 'a', shard: 0, domains: [1] }] })],
  ])('%s is not a record this version reads', (_, text) => {
    expect(decodePlacement(text)).toBeUndefined();
  });
});

describe('undeclared moves', () => {
  test('an edited pin: the domains, the tenant, both shards, and the fix (put the pin back, then declare the move)', () => {
    const moves = undeclaredMoves(recordOf([stays, acme(0)]), recordOf([stays, acme(1)]));
    expect(moves.map(m => [m.tenantId, m.domain, m.fromShard, m.toShard])).toEqual([
      ['acme', 'acme.example.com', 0, 1], ['acme', 'www.acme.example.com', 0, 1],
    ]);
    const message = refusal(moves);
    expect(message).toContain('tenant "acme": "acme.example.com" shard 0 -> 1; tenant "acme": "www.acme.example.com" shard 0 -> 1');
    expect(message).toContain('put its `"shard": 0` back, then declare the move with `npx cdk-multi-tenant-gateway move acme --shard 1`');
  });

  test('a declared move is allowed at both of its deploys', () => {
    const before = recordOf([stays, acme(0)]);
    const prepare = recordOf([stays, acme(1, 'prepare')]);
    const move = recordOf([stays, acme(1, 'move')]);
    expect(undeclaredMoves(before, prepare)).toEqual([]);
    expect(undeclaredMoves(prepare, move)).toEqual([]);
    expect(undeclaredMoves(before, move)).toEqual([]);
  });

  test('a moved tenant put back by hand after its move is refused: nothing declares that way back', () => {
    const moves = undeclaredMoves(recordOf([stays, acme(1, 'move')]), recordOf([stays, acme(0)]));
    expect(moves).toHaveLength(2);
  });

  test('an unpinned tenant re-placed by a removal is told to pin where it was', () => {
    // Shards of one domain each: removing the first tenant re-places the second (unpinned) onto shard 0.
    const quotas = { ...QUOTAS, domainsPerDistribution: 1 };
    const of = (tenants: TenantProps[]) => {
      const plan = planGateway({ tenants, quotas, shared: SHARED, edge: SHARDED_DISTRIBUTIONS, certificateZone: 'example.com' });
      return placementRecordOf({ placements: plan.placements, moves: plan.moves, distributionTenants: false });
    };
    const first = { id: 'first', domainNames: ['first.example.com'] };
    const second = { id: 'second', domainNames: ['second.example.com'] };
    const moves = undeclaredMoves(of([first, second]), of([second]));
    expect(moves).toEqual([expect.objectContaining({ tenantId: 'second', fromShard: 1, toShard: 0, pinned: false })]);
    expect(refusal(moves)).toContain('tenant "second": pin it where it was: `"shard": 1`');
  });

  test('a domain given to a tenant on another shard names both tenants', () => {
    const before = sharded([{ id: 'a', shard: 0, domains: ['x.example.com'] }, { id: 'b', shard: 1, domains: ['b.example.com'] }]);
    const after = sharded([{ id: 'a', shard: 0, domains: [] }, { id: 'b', shard: 1, domains: ['b.example.com', 'x.example.com'] }]);
    const moves = undeclaredMoves(before, after);
    expect(moves).toEqual([expect.objectContaining({ domain: 'x.example.com', tenantId: 'b', fromTenantId: 'a', fromShard: 0, toShard: 1 })]);
    expect(refusal(moves)).toContain('(from tenant "a")');
    // On the same shard's distribution the alias stays where it is.
    expect(undeclaredMoves(before, sharded([{ id: 'a', shard: 0, domains: [] }, { id: 'b', shard: 0, domains: ['x.example.com'] }]))
      .filter(m => m.domain === 'x.example.com')).toEqual([]);
  });

  test('a multi-tenant distribution: a shard change (even with movedFrom) and a domain changing tenant are refused', () => {
    const mt = (tenants: PlacedTenant[]): PlacementRecord => ({ version: 1, distributionTenants: true, tenants });
    const before = mt([{ id: 'a', shard: 0, domains: ['a.example.com'] }, { id: 'b', shard: 0, domains: [] }]);
    const moved = undeclaredMoves(before, mt([{ id: 'a', shard: 1, movedFrom: 0, domains: ['a.example.com'] }, { id: 'b', shard: 0, domains: [] }]));
    expect(moved).toEqual([expect.objectContaining({ domain: 'a.example.com', fromShard: 0, toShard: 1 })]);
    expect(refusal(moved)).toContain('a distribution tenant never changes shard');
    const retenanted = undeclaredMoves(before, mt([{ id: 'a', shard: 0, domains: [] }, { id: 'b', shard: 0, domains: ['a.example.com'] }]));
    expect(retenanted).toEqual([expect.objectContaining({ domain: 'a.example.com', tenantId: 'b', fromTenantId: 'a' })]);
  });

  test('a change of edge mode refuses every domain that stays, with the way to migrate', () => {
    const before = sharded([{ id: 'a', shard: 0, domains: ['a.example.com'] }]);
    const moves = undeclaredMoves(before, { ...before, distributionTenants: true });
    expect(moves).toHaveLength(1);
    expect(refusal(moves)).toContain('edge mode changed');
  });
});

describe('properties', () => {
  // A placement: up to 8 tenants of distinct domains on shards 0-3, some with a declared move.
  const placement = fc.uniqueArray(fc.constantFrom(...'abcdefghijklmnop'), { minLength: 1, maxLength: 16 }).chain(domains =>
    fc.tuple(...domains.map(() => fc.record({ tenant: fc.integer({ min: 0, max: 7 }), shard: fc.integer({ min: 0, max: 3 }) })))
      .map(spec => {
        const tenants = new Map<number, PlacedTenant>();
        domains.forEach((d, i) => {
          const { tenant, shard } = spec[i];
          const was = tenants.get(tenant);
          tenants.set(tenant, { id: `t${tenant}`, shard: was?.shard ?? shard, domains: [...(was?.domains ?? []), `${d}.example.com`] });
        });
        return sharded([...tenants.values()]);
      }));
  const relocation = fc.array(fc.record({ shard: fc.integer({ min: 0, max: 3 }), declared: fc.boolean(), kept: fc.boolean() }),
    { minLength: 8, maxLength: 8 });

  /** Each tenant of `before` kept or removed, on a new shard, its move declared or not; plus one new tenant. */
  function next(before: PlacementRecord, plan: { shard: number; declared: boolean; kept: boolean }[]): PlacementRecord {
    const tenants = before.tenants.flatMap((t, i) => (plan[i].kept ? [{
      ...t, shard: plan[i].shard, ...(plan[i].declared && plan[i].shard !== t.shard ? { movedFrom: t.shard } : {}),
    }] : []));
    return sharded([...tenants, { id: 'new', shard: 0, domains: ['new.example.com'] }]);
  }

  test('only undeclared shard changes of kept domains are reported; added and removed domains never', () => {
    fc.assert(fc.property(placement, relocation, (before, plan) => {
      const after = next(before, plan);
      const expected = before.tenants.flatMap((t, i) => (plan[i].kept && plan[i].shard !== t.shard && !plan[i].declared
        ? t.domains.map(domain => `${t.id} ${domain} ${t.shard}->${plan[i].shard}`) : []));
      const found = undeclaredMoves(before, after).map(m => `${m.tenantId} ${m.domain} ${m.fromShard}->${m.toShard}`);
      expect(found.sort()).toEqual(expected.sort());
    }));
  });

  test('a record compared with itself, or with its encoding decoded, has no undeclared move; the encoding is stable', () => {
    fc.assert(fc.property(placement, record => {
      const decoded = decodePlacement(encodePlacement(record))!;
      expect(undeclaredMoves(record, decoded)).toEqual([]);
      expect(encodePlacement(decoded)).toBe(encodePlacement(record));
      expect(encodePlacement({ ...record, tenants: [...record.tenants].reverse() })).toBe(encodePlacement(record));
    }));
  });

  test('undoing a declared move is reported unless it is declared too (a rollback is told apart by the stack\'s status)', () => {
    fc.assert(fc.property(placement, relocation, (before, plan) => {
      const declared = next(before, plan.map(p => ({ ...p, kept: true, declared: true })));
      expect(undeclaredMoves(before, declared)).toEqual([]);
      const back = sharded(declared.tenants.map(t => ({ ...before.tenants.find(b => b.id === t.id) ?? t })));
      const changed = declared.tenants.filter(t => t.movedFrom !== undefined).flatMap(t => t.domains);
      expect(undeclaredMoves(declared, back).map(m => m.domain).sort()).toEqual([...changed].sort());
      const declaredBack = sharded(back.tenants.map(t => ({ ...t, movedFrom: declared.tenants.find(d => d.id === t.id)!.shard })));
      expect(undeclaredMoves(declared, declaredBack)).toEqual([]);
    }));
  });
});
