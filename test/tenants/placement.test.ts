import * as fc from 'fast-check';
import { SHARDED_DISTRIBUTIONS } from '../../src/edge/shape';
import { planGateway } from '../../src/gateway/plan';
import { resolveQuotas } from '../../src/quotas/quotas';
import { cellOfPartition, edgePartitionOf } from '../../src/tenants/edge-partition';
import { PlacementTenant, placeTenants, TenantPlacement } from '../../src/tenants/placement';

const LIMITS = { domainsPerDistribution: 100, distributionsPerAccount: 500 };

function singleDomainTenants(count: number, prefix = 't'): PlacementTenant[] {
  return Array.from({ length: count }, (_, i) => ({ id: `${prefix}${i}`, domainNames: [`${prefix}${i}.example.com`] }));
}

function shardOf(placements: TenantPlacement[]): Map<string, number> {
  return new Map(placements.map(p => [p.tenantId, p.shard]));
}

describe('placeTenants', () => {
  test.each([[1, 1], [100, 1], [101, 2], [250, 3]])('%i single-domain tenants use %i shards', (count, shards) => {
    const plan = placeTenants(singleDomainTenants(count), LIMITS);
    expect(plan.problems).toEqual([]);
    expect(plan.shards).toHaveLength(shards);
  });

  test('a tenant\'s domains share one shard and unpinned tenants fill first-fit in order', () => {
    const plan = placeTenants([
      { id: 'a', domainNames: ['a1.x.com', 'a2.x.com'] },
      { id: 'b', domainNames: ['b1.x.com', 'b2.x.com'] },
      { id: 'c', domainNames: ['c1.x.com'] },
    ], { domainsPerDistribution: 3, distributionsPerAccount: 10 });
    expect(plan.placements.map(p => [p.tenantId, p.shard])).toEqual([['a', 0], ['b', 1], ['c', 0]]);
  });

  test('pinned tenants keep their shard; unpinned ones fill the first shard with room', () => {
    const plan = placeTenants([
      { id: 'pinned', domainNames: ['p1.x.com', 'p2.x.com'], shard: 0 },
      { id: 'free', domainNames: ['f.x.com'] },
      { id: 'far', domainNames: ['far.x.com'], shard: 4 },
      { id: 'free2', domainNames: ['g.x.com'] },
    ], { domainsPerDistribution: 2, distributionsPerAccount: 10 });
    expect(plan.problems).toEqual([]);
    expect(plan.placements.map(p => [p.tenantId, p.shard, p.pinned])).toEqual([
      ['pinned', 0, true], ['free', 1, false], ['far', 4, true], ['free2', 1, false],
    ]);
    expect(plan.shards).toEqual([0, 1, 4]);
  });

  test('pins declared out of order: shards ascend, each shard\'s load is its own, and the first free shard is filled first', () => {
    // The deploy waves chain shards in this order: an unsorted list would drop or invert a wait.
    const plan = placeTenants([
      { id: 'twelve', domainNames: ['twelve.x.com'], shard: 12 },
      { id: 'three', domainNames: ['three.x.com', 'three2.x.com'], shard: 3 },
      { id: 'free', domainNames: ['free.x.com'] },
      { id: 'seven', domainNames: ['seven.x.com'], shard: 7 },
      { id: 'ten', domainNames: ['ten.x.com'], shard: 10 },
    ], { domainsPerDistribution: 2, distributionsPerAccount: 20 });
    expect(plan.problems).toEqual([]);
    expect(plan.shards).toEqual([0, 3, 7, 10, 12]);
    expect([...plan.load].sort(([a], [b]) => a - b)).toEqual([[0, 1], [3, 2], [7, 1], [10, 1], [12, 1]]);
    expect(plan.placements.map(p => p.shard)).toEqual([12, 3, 0, 7, 10]);
  });

  test('a tenant that fills a shard exactly fits; one domain more goes to the next shard', () => {
    const limits = { domainsPerDistribution: 3, distributionsPerAccount: 10 };
    const exact = placeTenants([{ id: 'a', domainNames: ['a1.x.com'] }, { id: 'b', domainNames: ['b1.x.com', 'b2.x.com'] }], limits);
    expect(exact.placements.map(p => p.shard)).toEqual([0, 0]);
    const over = placeTenants([{ id: 'a', domainNames: ['a1.x.com', 'a2.x.com'] }, { id: 'b', domainNames: ['b1.x.com', 'b2.x.com'] }], limits);
    expect(over.placements.map(p => p.shard)).toEqual([0, 1]);
    // A pin filling its shard exactly is no problem; the last shard the account allows is usable.
    const pinned = placeTenants([{ id: 'a', domainNames: ['a1.x.com', 'a2.x.com', 'a3.x.com'], shard: 9 }], limits);
    expect(pinned.problems).toEqual([]);
    expect(placeTenants([{ id: 'a', domainNames: ['a1.x.com'], shard: 10 }], limits).problems).toHaveLength(1);
  });

  test('a pin into a full shard is an error naming the tenant, the shard, who fills it and the quota', () => {
    const plan = placeTenants([
      { id: 'a', domainNames: ['a1.x.com', 'a2.x.com'], shard: 1 },
      { id: 'b', domainNames: ['b1.x.com'], shard: 1 },
    ], { domainsPerDistribution: 2, distributionsPerAccount: 10 });
    expect(plan.problems).toEqual([expect.stringContaining(
      'tenant "b": `shard` 1 already holds 2 domains of tenants declared before it ("a"); its 1 more would make 3')]);
    expect(plan.problems[0]).toContain('"Alternate domain names (CNAMEs) per distribution" is 2 (`quotas.domainsPerDistribution`)');
    expect(plan.problems[0]).toContain('Or pin the tenant to a shard with room.');
  });

  test('a full shard\'s tenants are named up to five, then counted', () => {
    const full = singleDomainTenants(7).map(t => ({ ...t, shard: 0 }));
    const plan = placeTenants(full, { domainsPerDistribution: 6, distributionsPerAccount: 10 });
    expect(plan.problems).toEqual([expect.stringContaining('already holds 6 domains of tenants declared before it ("t0", "t1", "t2", "t3", "t4" and 1 more)')]);
    const five = placeTenants(singleDomainTenants(6).map(t => ({ ...t, shard: 0 })), { domainsPerDistribution: 5, distributionsPerAccount: 10 });
    expect(five.problems).toEqual([expect.stringContaining('already holds 5 domains of tenants declared before it ("t0", "t1", "t2", "t3", "t4"); its 1 more')]);
  });

  test('an unpinned tenant declared before a pin takes its room first', () => {
    const plan = placeTenants([
      { id: 'early', domainNames: ['e.x.com'] },
      { id: 'late', domainNames: ['l1.x.com', 'l2.x.com'], shard: 0 },
    ], { domainsPerDistribution: 2, distributionsPerAccount: 10 });
    expect(plan.problems).toEqual([expect.stringContaining('tenant "late": `shard` 0 already holds 1 domains of tenants declared before it ("early")')]);
  });

  test('a tenant with more domains than a distribution takes is an error', () => {
    const plan = placeTenants([{ id: 'big', domainNames: ['a.x.com', 'b.x.com', 'c.x.com'] }],
      { domainsPerDistribution: 2, distributionsPerAccount: 10 });
    expect(plan.problems).toEqual([expect.stringMatching(/^tenant "big": its 3 `domainNames` must share one distribution, which needs 3 but .* is 2/)]);
  });

  test('more distributions than the account quota is an error with the figure and how to raise it', () => {
    const quotas = resolveQuotas({ domainsPerDistribution: 2, distributionsPerAccount: 3 }).quotas;
    const shared = { vpcOrigins: false, responseHeadersPolicies: false, cachePoliciesPerBlock: 1, cacheBehaviors: 0 };
    const list = singleDomainTenants(7).map(t => ({ id: t.id, domainNames: [...t.domainNames] }));
    const plan = planGateway({ tenants: list, quotas, edge: SHARDED_DISTRIBUTIONS, shared });
    expect(plan.problems).toEqual([expect.stringContaining('Placing 7 tenants at 2 domains per distribution needs 4 but the CloudFront quota "Web distributions per AWS account" is 3')]);
    expect(plan.problems[0]).toContain('then set `quotas.distributionsPerAccount` to the new figure');
  });

  test('a pin past the account quota is an error', () => {
    const plan = placeTenants([{ id: 'a', domainNames: ['a.x.com'], shard: 500 }], LIMITS);
    expect(plan.problems).toEqual([expect.stringMatching(
      /^tenant "a": `shard` 500 is past the last distribution the account may have; shard 500 needs 501 but the CloudFront quota "Web distributions per AWS account" is 500/)]);
  });

  test('a pinned tenant too big for any shard is one problem, not also a full-shard one; a full pin says the figure it needs', () => {
    const limits = { domainsPerDistribution: 2, distributionsPerAccount: 10 };
    expect(placeTenants([{ id: 'big', domainNames: ['a.x.com', 'b.x.com', 'c.x.com'], shard: 1 }], limits).problems)
      .toEqual([expect.stringMatching(/^tenant "big": its 3 `domainNames` must share one distribution/)]);
    const full = placeTenants([{ id: 'a', domainNames: ['a1.x.com'], shard: 1 }, { id: 'b', domainNames: ['b1.x.com', 'b2.x.com'], shard: 1 }], limits);
    expect(full.problems).toEqual([expect.stringContaining('its 2 more would make 3: shard 1 needs 3 but the CloudFront quota')]);
  });
});

// Random registries: tenants of 1-4 domains, each in the partition of a random cell (the default
// one or two others) and web ACL, as the gateway keys them, some pinned to one of the first few
// shards with room.
const CAP = 5;
const SMALL = { domainsPerDistribution: CAP, distributionsPerAccount: 1000 };
let serial = 0;
const tenantArb = fc.record({
  domains: fc.integer({ min: 1, max: 4 }),
  pin: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
  partition: fc.record({
    cell: fc.constantFrom(undefined, 'eu', 'apac'),
    webAcl: fc.constantFrom(undefined, 'none'),
  }).map(settings => edgePartitionOf(settings)),
}).map(({ domains, pin, partition }): PlacementTenant => {
  const id = `t${serial++}`;
  return { id, domainNames: Array.from({ length: domains }, (_, i) => `d${i}.${id}.example.com`), shard: pin, partition };
});

/** Unpins the tenants whose pin does not fit, so the registry is valid (as the CLI would write it). */
function validRegistry(tenants: PlacementTenant[]): PlacementTenant[] {
  const valid: PlacementTenant[] = [];
  for (const t of tenants) {
    const fits = placeTenants([...valid, t], SMALL).problems.length === 0;
    valid.push(fits ? t : { id: t.id, domainNames: t.domainNames, partition: t.partition });
  }
  return valid;
}

function assertSound(tenants: PlacementTenant[]): Map<string, number> {
  const plan = placeTenants(tenants, SMALL);
  expect(plan.problems).toEqual([]);
  const load = new Map<number, number>();
  const seen = new Set<string>();
  for (const p of plan.placements) {
    load.set(p.shard, (load.get(p.shard) ?? 0) + p.domainNames.length);
    for (const d of p.domainNames) {
      expect(seen.has(d)).toBe(false);
      seen.add(d);
    }
  }
  expect(seen.size).toBe(tenants.reduce((n, t) => n + t.domainNames.length, 0));
  for (const used of load.values()) expect(used).toBeLessThanOrEqual(CAP);
  const partitionOf = new Map<number, string | undefined>();
  const cellOf = new Map<number, string>();
  plan.placements.forEach((p, i) => {
    if (!partitionOf.has(p.shard)) partitionOf.set(p.shard, tenants[i].partition);
    expect(tenants[i].partition).toBe(partitionOf.get(p.shard));
    // A shard serves one cell: its distribution's origin.
    const cell = cellOfPartition(tenants[i].partition!);
    if (!cellOf.has(p.shard)) cellOf.set(p.shard, cell);
    expect(cell).toBe(cellOf.get(p.shard));
  });
  for (const t of tenants.filter(x => x.shard !== undefined)) {
    expect(plan.placements.find(p => p.tenantId === t.id)!.shard).toBe(t.shard);
  }
  return shardOf(plan.placements);
}

describe('placement properties', () => {
  const registry = fc.array(tenantArb, { maxLength: 30 }).map(validRegistry);

  test('every domain is placed exactly once, no shard over its cap, one partition (and so one cell) per shard, pins honoured', () => {
    fc.assert(fc.property(registry, tenants => {
      assertSound(tenants);
    }));
  });

  test('appending tenants never moves an existing tenant', () => {
    fc.assert(fc.property(registry, fc.array(tenantArb, { maxLength: 10 }), (tenants, added) => {
      const before = assertSound(tenants);
      const after = assertSound(validRegistry([...tenants, ...added]));
      for (const [id, shard] of before) expect(after.get(id)).toBe(shard);
    }));
  });

  test('removing any tenant never moves a tenant declared before it', () => {
    fc.assert(fc.property(registry.filter(t => t.length > 0), fc.nat(), (tenants, pick) => {
      const index = pick % tenants.length;
      const before = assertSound(tenants);
      // The rest may not place cleanly: an unpinned tenant after the removed one can move into
      // the freed room and crowd out a later pin, which placement then reports.
      const after = shardOf(placeTenants(tenants.filter((_, i) => i !== index), SMALL).placements);
      tenants.slice(0, index).forEach(t => expect(after.get(t.id)).toBe(before.get(t.id)));
    }));
  });

  test('removing a tenant followed only by pinned tenants moves no one and stays valid', () => {
    fc.assert(fc.property(registry.filter(t => t.length > 0), fc.nat(), (tenants, pick) => {
      const index = pick % tenants.length;
      fc.pre(tenants.slice(index + 1).every(t => t.shard !== undefined));
      const before = assertSound(tenants);
      const after = assertSound(tenants.filter((_, i) => i !== index));
      for (const [id, shard] of after) expect(shard).toBe(before.get(id));
    }));
  });

  test('add/remove sequences on a pinned registry never move anyone', () => {
    // What the CLI does: every tenant is pinned where it was first placed.
    const step = fc.oneof(
      tenantArb.map(t => ({ add: { id: t.id, domainNames: t.domainNames, partition: t.partition } })),
      fc.nat().map(n => ({ remove: n })),
    );
    fc.assert(fc.property(fc.array(step, { maxLength: 25 }), steps => {
      let pinned: PlacementTenant[] = [];
      const home = new Map<string, number>();
      for (const s of steps) {
        if ('add' in s) {
          const shards = assertSound([...pinned, s.add]);
          pinned = [...pinned, { ...s.add, shard: shards.get(s.add.id)! }];
        } else if (pinned.length > 0) {
          pinned = pinned.filter((_, i) => i !== s.remove % pinned.length);
        }
        const shards = assertSound(pinned);
        for (const [id, shard] of shards) {
          if (!home.has(id)) home.set(id, shard);
          expect(shard).toBe(home.get(id));
        }
      }
    }));
  });
});

describe('placement by partition', () => {
  const limits = { domainsPerDistribution: 2, distributionsPerAccount: 10 };

  test('unpinned tenants fill the first shard with room of their partition; an empty shard takes any', () => {
    const plan = placeTenants([
      { id: 'a', domainNames: ['a.x.com'] },
      { id: 'waf', domainNames: ['w.x.com'], partition: 'waf' },
      { id: 'b', domainNames: ['b.x.com'] },
      { id: 'waf2', domainNames: ['w2.x.com'], partition: 'waf' },
      { id: 'c', domainNames: ['c.x.com'] },
      { id: 'geo', domainNames: ['g.x.com'], partition: 'geo' },
    ], limits);
    expect(plan.problems).toEqual([]);
    expect(plan.placements.map(p => [p.tenantId, p.shard])).toEqual([['a', 0], ['waf', 1], ['b', 0], ['waf2', 1], ['c', 2], ['geo', 3]]);
  });

  test('a pin to a shard of other settings names both tenants and the settings, and explains the declared move', () => {
    const plan = placeTenants([
      { id: 'first', domainNames: ['f.x.com'], shard: 0, partition: 'webAcl=default; geoRestriction=none' },
      { id: 'second', domainNames: ['s.x.com'], shard: 0, partition: 'webAcl=none; geoRestriction=none' },
    ], limits);
    expect(plan.problems).toEqual([expect.stringContaining('tenant "second": `shard` 0 holds tenant "first", declared before it, whose edge settings ' +
      'differ: webAcl=default ("first") vs webAcl=none ("second").')]);
    expect(plan.problems[0]).toContain('`"movedFrom": { "shard": 0 }`, then deploy; the gateway moves each of its domains with CloudFront\'s UpdateDomainAssociation');
    expect(plan.problems[0]).not.toContain('its domains go offline');
    expect(plan.problems[0]).toContain('A tenant alone on its shard changes its settings in place');
  });

  test('property: a pinned tenant whose cell changed on a shared shard is refused, and the message speaks of its cell', () => {
    const registry = fc.array(tenantArb, { minLength: 2, maxLength: 20 }).map(validRegistry)
      .map(tenants => {
        const shards = shardOf(placeTenants(tenants, SMALL).placements);
        return tenants.map(t => ({ ...t, shard: shards.get(t.id)! }));
      });
    fc.assert(fc.property(registry, fc.nat(), (tenants, pick) => {
      const shared = tenants.filter((t, i) => tenants.slice(0, i).some(u => u.shard === t.shard));
      fc.pre(shared.length > 0);
      const changed = shared[pick % shared.length];
      const cell = cellOfPartition(changed.partition!) === 'eu' ? 'apac' : 'eu';
      const problems = placeTenants(tenants.map(t => (t === changed ? { ...t, partition: edgePartitionOf({ cell }) } : t)), SMALL).problems;
      expect(problems).toEqual([expect.stringContaining(`tenant "${changed.id}": \`shard\` ${changed.shard} holds tenant`)]);
      expect(problems[0]).toContain(`vs cell=${cell} ("${changed.id}")`);
      expect(problems[0]).toContain('If a deployed tenant\'s cell changed, it must move to another distribution, one whose origin is its new cell');
    }));
  });

  test('property: a pinned tenant alone on its shard may change its partition (its cell, too), and nobody moves', () => {
    const registry = fc.array(tenantArb, { minLength: 1, maxLength: 20 }).map(validRegistry)
      .map(tenants => {
        // Pin everyone where they are, as the CLI does.
        const shards = shardOf(placeTenants(tenants, SMALL).placements);
        return tenants.map(t => ({ ...t, shard: shards.get(t.id)! }));
      });
    const partitions = fc.constantFrom(edgePartitionOf({ cell: 'eu' }), edgePartitionOf({ cell: 'new', webAcl: 'none' }), edgePartitionOf({}));
    fc.assert(fc.property(registry, fc.nat(), partitions, (tenants, pick, partition) => {
      const alone = tenants.filter(t => tenants.filter(u => u.shard === t.shard).length === 1);
      fc.pre(alone.length > 0);
      const changed = alone[pick % alone.length];
      const before = assertSound(tenants);
      const after = assertSound(tenants.map(t => (t === changed ? { ...t, partition } : t)));
      expect(after).toEqual(before);
    }));
  });
});
