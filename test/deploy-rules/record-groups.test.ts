// Deploy rules for the record groups: what Route 53 and CloudFormation do when a shard's groups
// change, played out on a model of both, against the groups the plan makes.
//
// - Route 53, "ChangeResourceRecordSets" (Amazon Route 53 API Reference,
//   https://docs.aws.amazon.com/Route53/latest/APIReference/API_ChangeResourceRecordSets.html):
//   a change batch is all or nothing; CREATE fails with InvalidChangeBatch ("Tried to create
//   resource record set ... but it already exists") when the record exists.
// - Route 53, "Quotas" > "Quotas on ChangeResourceRecordSets requests" (Amazon Route 53 Developer
//   Guide, https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DNSLimitations.html): at most
//   1,000 ResourceRecord elements per request, and an UPSERT counts twice.
// - CloudFormation, "Understand update behaviors of stack resources" and "Monitor the progress of
//   a stack update" (AWS CloudFormation User Guide,
//   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html,
//   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-monitor-stack.html):
//   an update creates and updates resources first and deletes the ones it no longer has last
//   (UPDATE_COMPLETE_CLEANUP_IN_PROGRESS); a replacement is created before the original is deleted.
import * as fc from 'fast-check';
import { MAX_RECORDS_PER_GROUP, RECORD_GROUPS_PER_SHARD } from '../../src/edge/record-groups';
import { SHARDED_DISTRIBUTIONS } from '../../src/edge/shape';
import { planGateway } from '../../src/gateway/plan';
import { resolveQuotas } from '../../src/quotas/quotas';
import { TenantProps } from '../../src/tenants/tenants';

/** A shard's record groups as its template holds them: logical id -> records ("name TYPE"). */
type Groups = ReadonlyMap<string, readonly string[]>;

/** Route 53's limit on one change request, counting an UPSERT twice. */
const MAX_RECORDS_PER_REQUEST = 1_000;

/** A hosted zone that answers change requests as Route 53 does; counts the requests. */
class Zone {
  public readonly records = new Set<string>();
  public requests = 0;
  public change(changes: readonly { action: 'CREATE' | 'UPSERT' | 'DELETE'; record: string }[]): void {
    this.requests++;
    const weight = changes.reduce((n, c) => n + (c.action === 'UPSERT' ? 2 : 1), 0);
    if (weight > MAX_RECORDS_PER_REQUEST) throw new Error(`InvalidChangeBatch: ${weight} records (UPSERT counted twice) in one request`);
    for (const c of changes) {
      if (c.action === 'CREATE' && this.records.has(c.record)) {
        throw new Error(`InvalidChangeBatch: Tried to create resource record set [${c.record}] but it already exists`);
      }
    }
    for (const c of changes) (c.action === 'DELETE' ? this.records.delete(c.record) : this.records.add(c.record));
  }
}

/**
 * A stack update as CloudFormation makes it: new groups are created, then changed groups
 * updated, then removed groups deleted. An update is taken at its strictest: records it adds
 * are CREATEd, records it keeps are UPSERTed (each counted twice), records it drops DELETEd.
 */
function deploy(zone: Zone, before: Groups, after: Groups): void {
  for (const [id, records] of after) {
    if (!before.has(id) && records.length > 0) zone.change(records.map(record => ({ action: 'CREATE', record })));
  }
  for (const [id, records] of after) {
    const old = before.get(id);
    if (old === undefined || same(old, records)) continue;
    zone.change([
      ...old.filter(r => !records.includes(r)).map(record => ({ action: 'DELETE' as const, record })),
      ...records.map(record => ({ action: old.includes(record) ? 'UPSERT' as const : 'CREATE' as const, record })),
    ]);
  }
  for (const [id, records] of before) if (!after.has(id)) zone.change(records.map(record => ({ action: 'DELETE', record })));
}

function same(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((r, i) => r === b[i]);
}

const SHARED = { vpcOrigins: true, responseHeadersPolicies: true, cachePoliciesPerBlock: 1, cacheBehaviors: 0 };

/** Shard 0's record groups as the gateway makes them (`Records<g>`, empty groups not made). */
function shardGroups(list: readonly TenantProps[], domainsPerDistribution = 100): Groups {
  const { quotas } = resolveQuotas({ domainsPerDistribution, recordsPerHostedZone: 100_000 });
  const plan = planGateway({ tenants: list, quotas, edge: SHARDED_DISTRIBUTIONS, shared: SHARED });
  expect(plan.problems).toEqual([]);
  const groups = new Map<string, string[]>();
  plan.shards[0]?.recordGroups.forEach((domains, g) => {
    if (domains.length > 0) groups.set(`Records${g}`, domains.flatMap(d => [`${d}. A`, `${d}. AAAA`]));
  });
  return groups;
}

function tenants(count: number, domainsEach = 1, from = 0): TenantProps[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `t${from + i}`, domainNames: Array.from({ length: domainsEach }, (__, d) => `d${d}.t${from + i}.example.com`), shard: 0,
  }));
}

describe('Route 53 and CloudFormation, as the model plays them', () => {
  test('CREATE of a record that exists fails the whole request; 1,000 records per request, an UPSERT counting twice', () => {
    const zone = new Zone();
    zone.change([{ action: 'CREATE', record: 'a.example.com. A' }]);
    expect(() => zone.change([{ action: 'CREATE', record: 'b.example.com. A' }, { action: 'CREATE', record: 'a.example.com. A' }]))
      .toThrow(/already exists/);
    expect([...zone.records]).toEqual(['a.example.com. A']);
    const upserts = (n: number) => Array.from({ length: n }, (_, i) => ({ action: 'UPSERT' as const, record: `r${i}. A` }));
    expect(() => zone.change(upserts(500))).not.toThrow();
    expect(() => zone.change(upserts(501))).toThrow(/1002 records/);
  });

  test('groups whose count followed the quota fail the deploy that raises it: the new group is created while the old one holds its records', () => {
    // The layout before the count was fixed: FNV-1a modulo a count of ceil(records / 250).
    const byCount = (domains: readonly string[], count: number): Groups => {
      const groups = new Map<string, string[]>();
      for (const d of domains) {
        let hash = 0x811c9dc5;
        for (let i = 0; i < d.length; i++) hash = Math.imul(hash ^ d.charCodeAt(i), 0x01000193) >>> 0; // eslint-disable-line no-bitwise
        const id = `Records${hash % count}`;
        groups.set(id, [...(groups.get(id) ?? []), `${d}. A`, `${d}. AAAA`]);
      }
      return groups;
    };
    const domains = tenants(100).flatMap(t => t.domainNames);
    const zone = new Zone();
    deploy(zone, new Map(), byCount(domains, 1));
    expect(() => deploy(zone, byCount(domains, 1), byCount(domains, 4))).toThrow(/already exists/);
  });
});

describe('the gateway\'s record groups deploy', () => {
  test('raising domainsPerDistribution from 100 to 500 changes no group: the deploy sends no request', () => {
    const list = tenants(100);
    const zone = new Zone();
    deploy(zone, new Map(), shardGroups(list, 100));
    const before = zone.requests;
    expect(shardGroups(list, 500)).toEqual(shardGroups(list, 100));
    deploy(zone, shardGroups(list, 100), shardGroups(list, 500));
    expect(zone.requests).toBe(before);
  });

  test('figures: a full shard\'s first deploy is one request per group (4); appending, editing or removing a one-domain tenant is one', () => {
    const full = tenants(100);
    const zone = new Zone();
    deploy(zone, new Map(), shardGroups(full));
    expect(zone.requests).toBe(RECORD_GROUPS_PER_SHARD);
    expect(zone.records.size).toBe(200);

    const smaller = tenants(99);
    for (const [from, to] of [[smaller, full], [full, smaller]]) {
      const edit = new Zone();
      deploy(edit, new Map(), shardGroups(from));
      const first = edit.requests;
      deploy(edit, shardGroups(from), shardGroups(to));
      expect(edit.requests - first).toBe(1);
    }
  });

  test('a 500-domain shard (the most four groups take) deploys, and every update of it fits one request per group', () => {
    const full = tenants(500);
    const groups = shardGroups(full, 500);
    for (const records of groups.values()) expect(records.length).toBeLessThanOrEqual(MAX_RECORDS_PER_GROUP);
    const zone = new Zone();
    deploy(zone, new Map(), groups);
    deploy(zone, groups, shardGroups(tenants(499), 500));
    expect(zone.records.size).toBe(998);
  });

  test('property: any edit of the tenants and any change of domainsPerDistribution deploys without a duplicate record', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 3 }), fc.nat(), fc.integer({ min: 0, max: 3 }),
      fc.constantFrom(100, 200, 350, 500), fc.constantFrom(100, 200, 350, 500),
      (count, domainsEach, removedAt, appended, quotaBefore, quotaAfter) => {
        const before = tenants(count, domainsEach);
        const after = [...before.filter((_, i) => i !== removedAt % count), ...tenants(appended, domainsEach, count)];
        const zone = new Zone();
        deploy(zone, new Map(), shardGroups(before, quotaBefore));
        deploy(zone, shardGroups(before, quotaBefore), shardGroups(after, quotaAfter));
        expect(zone.records.size).toBe(2 * domainsEach * after.length);
      }), { numRuns: 150 });
  });
});
