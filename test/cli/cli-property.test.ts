import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import { main } from '../../src/cli/main';
import { formatRegistry, parseRegistry } from '../../src/cli/registry-file';
import { placeTenants } from '../../src/tenants/placement';
import { tenantProblems, TenantProps, Tenants } from '../../src/tenants/tenants';

// Small quotas, so random sequences fill distributions and hit the account limit often.
const LIMITS = { domainsPerDistribution: 3, distributionsPerAccount: 4 };
const QUOTA_ARGS = ['--quota', `domainsPerDistribution=${LIMITS.domainsPerDistribution}`,
  '--quota', `distributionsPerAccount=${LIMITS.distributionsPerAccount}`];

const IDS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'old-1', 'old-2', 'old-3'];
// Some names repeat across adds, and one is invalid, so refusals happen as well as successes.
const DOMAINS = [...'pqrstuvwxyz'].map(x => `${x}.example.com`).concat('Bad.example.com');

// A hand-written file may have unpinned tenants; the CLI must not move them either.
// Removing old-1 would move old-3 from distribution 1 to 0, so the CLI must refuse that.
const HAND_WRITTEN: TenantProps[] = [
  { id: 'old-1', domainNames: ['old-1.example.com', 'www.old-1.example.com'] },
  { id: 'old-2', domainNames: ['old-2.example.com'], shard: 1 },
  { id: 'old-3', domainNames: ['old-3.example.com', 'www.old-3.example.com'] },
];

type Step = { kind: 'add'; id: string; domains: string[]; externalDns: boolean } | { kind: 'remove'; id: string };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('add' as const),
    id: fc.constantFrom(...IDS),
    domains: fc.array(fc.constantFrom(...DOMAINS), { minLength: 1, maxLength: 3 }),
    externalDns: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('remove' as const), id: fc.constantFrom(...IDS) }),
);

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenants-cli-property-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function shardsOf(text: string): Map<string, number> {
  const tenants = Tenants.fromJson(text, 'tenants.json').list;
  return new Map(placeTenants(tenants, LIMITS).placements.map(p => [p.tenantId, p.shard]));
}

/** A refused add had a broken request, or really no distribution with room for it. */
function expectNoRoomOrInvalid(text: string, id: string, domainNames: string[]): void {
  const tenants = Tenants.fromJson(text, 'tenants.json').list;
  if (tenantProblems([...tenants, { id, domainNames }]).length > 0) return;
  const load = placeTenants(tenants, LIMITS).load;
  for (let shard = 0; shard < LIMITS.distributionsPerAccount; shard++) {
    expect((load.get(shard) ?? 0) + domainNames.length).toBeGreaterThan(LIMITS.domainsPerDistribution);
  }
}

test('random adds and removes never move a tenant and always leave a valid file', () => {
  const file = path.join(dir, 'tenants.json');
  const quiet = { cwd: dir, out: () => undefined, err: () => undefined };
  const outcomes = new Map<string, number>();

  fc.assert(fc.property(fc.boolean(), fc.array(step, { maxLength: 25 }), (handWritten, steps) => {
    fs.writeFileSync(file, formatRegistry({ tenants: handWritten ? HAND_WRITTEN : [], extra: {}, bare: false }));

    for (const s of steps) {
      const before = fs.readFileSync(file, 'utf8');
      const argv = s.kind === 'add'
        ? ['add', s.id, ...s.domains, ...(s.externalDns ? ['--external-dns'] : [])]
        : ['remove', s.id];
      const code = main([...argv, ...QUOTA_ARGS], quiet);
      const after = fs.readFileSync(file, 'utf8');

      expect([0, 1]).toContain(code);
      const outcome = `${s.kind} ${code === 0 ? 'done' : 'refused'}`;
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      if (code !== 0) {
        expect(after).toBe(before);
        if (s.kind === 'add') expectNoRoomOrInvalid(before, s.id, s.domains);
        continue;
      }
      // Every tenant that was there and still is keeps its distribution.
      const shardBefore = shardsOf(before);
      const shardAfter = shardsOf(after);
      for (const [id, shard] of shardAfter) {
        if (shardBefore.has(id)) expect([id, shard]).toEqual([id, shardBefore.get(id)]);
      }
      if (s.kind === 'add') {
        const added = parseRegistry(after, 'tenants.json').tenants.find(t => t.id === s.id);
        expect(added?.shard).toBe(shardAfter.get(s.id));
      } else {
        expect(shardAfter.has(s.id)).toBe(false);
      }
      // The file validates as the gateway would read it, in the layout the CLI writes.
      expect(placeTenants(Tenants.fromJson(after, 'tenants.json').list, LIMITS).problems).toEqual([]);
      expect(formatRegistry(parseRegistry(after, 'tenants.json'))).toBe(after);
    }
  }), { numRuns: 100 });

  // The sequences really exercise both paths of both commands.
  expect([...outcomes.keys()].sort()).toEqual(['add done', 'add refused', 'remove done', 'remove refused']);
});
