import * as fc from 'fast-check';
import { InstantAccount } from './instant-account';
import {
  batchRecordChanges, DesiredTenant, ObservedCertificate, ObservedDistributionTenant, ObservedState, reconcile, Reconciliation, RecordChange,
  settingsOf, TenantStatus,
} from '../../src/control-plane/reconcile';
import { TenantProps } from '../../src/tenants/tenants';

const ENDPOINT = 'd111111abcdef8.cloudfront.net';
const CONTEXT = { routingEndpoint: ENDPOINT, cells: ['eu'] };
const EU_ORIGIN = 'eu-origin.example.com';
const DOMAINS = ['a.example.com', 'b.example.com', 'c.example.com', 'd.example.com', 'e.example.com', 'f.example.com'];
const IDS = ['t0', 't1', 't2', 't3'];

/** A store: each domain given to one tenant or to none; per tenant, suspended, externalDns and a setting. */
const store = fc.tuple(
  fc.array(fc.integer({ min: -1, max: IDS.length - 1 }), { minLength: DOMAINS.length, maxLength: DOMAINS.length }),
  fc.array(fc.record({ suspended: fc.boolean(), externalDns: fc.boolean(), cell: fc.constantFrom(undefined, 'eu') }), { minLength: IDS.length, maxLength: IDS.length }),
).map(([owners, flags]): DesiredTenant[] => IDS.flatMap((id, i) => {
  const domainNames = DOMAINS.filter((_, d) => owners[d] === i);
  if (domainNames.length === 0) return [];
  const { suspended, externalDns, cell } = flags[i];
  return [{ tenant: { id, domainNames, externalDns, ...(cell ? { cell } : {}) }, suspended, ...(cell ? { origin: EU_ORIGIN } : {}) }];
}));

/** Runs passes until no action is left; `crashAt(pass, count)` says how many of a pass's actions run before a crash. */
function converge(account: InstantAccount, desired: DesiredTenant[], crashAt: (pass: number, count: number) => number = (_, n) => n): Reconciliation {
  for (let pass = 0; pass < 30; pass++) {
    const result = reconcile(desired, account.observe(), CONTEXT);
    if (result.actions.length === 0) {
      account.statuses = [...result.statuses];
      return result;
    }
    const run = crashAt(pass, result.actions.length);
    result.actions.slice(0, run).forEach(a => account.apply(a));
    // The statuses are written after the actions: a crash before it leaves the old ones.
    if (run === result.actions.length) account.statuses = [...result.statuses];
  }
  throw new Error('no fixpoint after 30 passes');
}

function expectServed(account: InstantAccount, desired: DesiredTenant[], result: Reconciliation) {
  const failed = new Set(result.statuses.filter(s => s.status === 'failed').map(s => s.tenantId));
  const wantedBy = new Map(desired.flatMap(d => d.tenant.domainNames.map(n => [n, d.tenant.id] as const)));
  for (const { tenant, suspended, origin } of desired) {
    if (failed.has(tenant.id)) continue;
    const held = account.tenants.get(tenant.id)!;
    expect(held.domains).toEqual(expect.arrayContaining(tenant.domainNames));
    expect(held.enabled).toBe(!suspended);
    expect(held.settings).toBe(settingsOf(tenant, origin));
    expect(result.statuses.find(s => s.tenantId === tenant.id)!.status).toBe(suspended ? 'suspended' : 'active');
  }
  // A domain stays where the store does not put it only while a failed tenant waits for it.
  for (const [name, t] of account.tenants) {
    for (const d of t.domains) expect(wantedBy.get(d) === name || failed.has(wantedBy.get(d)!)).toBe(true);
  }
  expect([...account.tenants.keys()].every(name => desired.some(d => d.tenant.id === name))).toBe(true);
  const records = desired.filter(d => !d.tenant.externalDns).flatMap(d => d.tenant.domainNames).sort();
  expect([...account.records.keys()].sort()).toEqual(records);
}

describe('reconcile', () => {
  test('from any store to any other, passes reach a fixpoint where every tenant is served as the store says', () => {
    fc.assert(fc.property(store, store, (before, after) => {
      const account = new InstantAccount();
      converge(account, before);
      const result = converge(account, after);
      expectServed(account, after, result);
    }), { numRuns: 300 });
  });

  test('the actions of a pass, run twice, change nothing more than run once', () => {
    fc.assert(fc.property(store, store, fc.nat(10), (before, after, passes) => {
      const account = new InstantAccount();
      converge(account, before);
      for (let pass = 0; pass <= passes; pass++) {
        const { actions } = reconcile(after, account.observe(), CONTEXT);
        actions.forEach(a => account.apply(a));
        const once = account.snapshot();
        actions.forEach(a => account.apply(a));
        expect(account.snapshot()).toEqual(once);
      }
    }), { numRuns: 200 });
  });

  test('a crash between any two actions loses no tenant and duplicates nothing: the fixpoint is the one without crashes', () => {
    fc.assert(fc.property(store, store, fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), (before, after, crashes) => {
      const calm = new InstantAccount();
      converge(calm, before);
      converge(calm, after);
      const crashed = new InstantAccount();
      converge(crashed, before);
      // Passes with an entry in `crashes` stop after that many actions (modulo the pass's count).
      converge(crashed, after, (pass, count) => (pass < crashes.length ? crashes[pass] % count : count));
      expect(crashed.snapshot()).toEqual(calm.snapshot());
    }), { numRuns: 300 });
  });

  test('no domain is ever on two distribution tenants, at every step of every pass', () => {
    // The account refuses a second holder (CNAMEAlreadyExists) and a move to a certificate that
    // does not cover the domain, so any such action throws here.
    fc.assert(fc.property(store, store, store, (a, b, c) => {
      const account = new InstantAccount();
      for (const desired of [a, b, c]) {
        converge(account, desired, (_, n) => n);
        const holders = new Map<string, string>();
        for (const [name, t] of account.tenants) {
          for (const d of t.domains) {
            expect(holders.get(d)).toBeUndefined();
            holders.set(d, name);
          }
        }
      }
    }), { numRuns: 200 });
  });

  test('a domain moves to its new tenant by UpdateDomainAssociation, once the target exists and its certificate covers it', () => {
    const account = new InstantAccount();
    const acme = { id: 'acme', domainNames: ['acme.example.com', 'shop.acme.example.com'] };
    converge(account, [{ tenant: acme }]);
    const after: DesiredTenant[] = [
      { tenant: { id: 'acme', domainNames: ['acme.example.com'] } },
      { tenant: { id: 'shop', domainNames: ['new.shop.example.com', 'shop.acme.example.com'] } },
    ];
    const kinds: string[][] = [];
    converge(account, after, (_, n) => n);
    // Replay for the order: a fresh account through the same two stores, logging each pass.
    const replay = new InstantAccount();
    converge(replay, [{ tenant: acme }]);
    for (let r = reconcile(after, replay.observe(), CONTEXT); r.actions.length > 0; r = reconcile(after, replay.observe(), CONTEXT)) {
      kinds.push(r.actions.map(a => a.kind));
      r.actions.forEach(a => replay.apply(a));
    }
    expect(kinds).toEqual([
      ['createTenant', 'changeRecords'], // shop with its free domain only; the moving domain stays on acme
      ['requestCertificate'],
      ['moveDomain'],
    ]);
    expect(account.tenants.get('shop')!.domains.sort()).toEqual(['new.shop.example.com', 'shop.acme.example.com']);
    expect(account.tenants.get('acme')!.domains).toEqual(['acme.example.com']);
  });

  test('a tenant whose every domain another kept tenant holds fails, saying why', () => {
    const account = new InstantAccount();
    converge(account, [{ tenant: { id: 'acme', domainNames: ['acme.example.com', 'shop.example.com'] } }]);
    const result = converge(account, [
      { tenant: { id: 'acme', domainNames: ['acme.example.com'] } },
      { tenant: { id: 'shop', domainNames: ['shop.example.com'] } },
    ]);
    expect(result.statuses).toContainEqual({
      tenantId: 'shop',
      status: 'failed',
      reason: 'every domain is on another tenant (acme); give the tenant one domain of its own, then move the rest',
    });
  });

  test('suspend and resume: the distribution tenant is disabled and enabled, never deleted; each change is one event', () => {
    const account = new InstantAccount();
    const tenant = { id: 'acme', domainNames: ['acme.example.com'] };
    converge(account, [{ tenant }]);
    const suspended = reconcile([{ tenant, suspended: true }], account.observe(), CONTEXT);
    expect(suspended.actions).toEqual([{ kind: 'disableTenant', tenantId: 'acme' }]);
    expect(suspended.events).toEqual([{ tenantId: 'acme', from: 'active', to: 'suspended' }]);
    converge(account, [{ tenant, suspended: true }]);
    expect(account.tenants.get('acme')!.enabled).toBe(false);
    const resumed = reconcile([{ tenant }], account.observe(), CONTEXT);
    expect(resumed.actions).toEqual([{ kind: 'enableTenant', tenantId: 'acme' }]);
  });

  test('a removed tenant is disabled, then deleted, its records deleted; the event says "deleted"', () => {
    const account = new InstantAccount();
    converge(account, [{ tenant: { id: 'acme', domainNames: ['acme.example.com'] } }]);
    const first = reconcile([], account.observe(), CONTEXT);
    expect(first.actions).toEqual([
      { kind: 'disableTenant', tenantId: 'acme' },
      { kind: 'changeRecords', changes: [{ action: 'DELETE', name: 'acme.example.com', value: ENDPOINT }] },
    ]);
    expect(first.events).toEqual([{ tenantId: 'acme', from: 'active', to: 'deleted' }]);
    first.actions.forEach(a => account.apply(a));
    expect(reconcile([], account.observe(), CONTEXT).actions).toEqual([{ kind: 'deleteTenant', tenantId: 'acme' }]);
  });

  test('a failed certificate is a failed tenant with its reason, and is not requested again', () => {
    const account = new InstantAccount(new Set(['acme.example.com']));
    const result = converge(account, [{ tenant: { id: 'acme', domainNames: ['acme.example.com'] } }]);
    expect(result.statuses).toEqual([{ tenantId: 'acme', status: 'failed', reason: 'its certificate failed: validation token not found' }]);
  });

  test('the store is checked by the tenants file\'s own rules, every problem at once', () => {
    expect(() => reconcile([
      { tenant: { id: 'Acme', domainNames: ['acme.example.com'] } },
      { tenant: { id: 'shop', domainNames: ['acme.example.com', 'EXAMPLE'] } },
    ], { distributionTenants: [], certificates: [], records: [], statuses: [] }, CONTEXT)).toThrow(
      /Tenant store has 3 problems:\n.*`id` "Acme" must be 1-63 lower-case[\s\S]*`domainNames\[0\]` "acme.example.com" already belongs to[\s\S]*`domainNames\[1\]` "EXAMPLE"/);
  });
});

describe('batchRecordChanges', () => {
  // "ChangeResourceRecordSets", Route 53 API Reference
  // (https://docs.aws.amazon.com/Route53/latest/APIReference/API_ChangeResourceRecordSets.html):
  // at most 1,000 ResourceRecord elements and 32,000 Value characters per request; an UPSERT counts twice in both.
  const change = (action: 'UPSERT' | 'DELETE', i: number, value = ENDPOINT): RecordChange => ({ action, name: `t${i}.example.com`, value });

  test('500 UPSERTs fill one request; the 501st starts the next', () => {
    const upserts = Array.from({ length: 501 }, (_, i) => change('UPSERT', i));
    expect(batchRecordChanges(upserts).map(b => b.length)).toEqual([500, 1]);
  });

  test('1,000 DELETEs fill one request', () => {
    expect(batchRecordChanges(Array.from({ length: 1001 }, (_, i) => change('DELETE', i))).map(b => b.length)).toEqual([1000, 1]);
  });

  test('long values are cut by the 32,000-character limit first', () => {
    const value = 'x'.repeat(100) + '.cloudfront.net'; // 115 characters, 230 as an UPSERT
    expect(batchRecordChanges(Array.from({ length: 300 }, (_, i) => change('UPSERT', i, value))).map(b => b.length)).toEqual([139, 139, 22]);
  });

  test('every batch keeps within both limits, the order is kept and nothing is lost', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 300 })), { maxLength: 3000 }), list => {
      const changes = list.map(([upsert, length], i) => change(upsert ? 'UPSERT' : 'DELETE', i, 'v'.repeat(length)));
      const batches = batchRecordChanges(changes);
      expect(batches.flat()).toEqual(changes);
      for (const batch of batches) {
        const weight = (c: RecordChange) => (c.action === 'UPSERT' ? 2 : 1);
        expect(batch.reduce((n, c) => n + weight(c), 0)).toBeLessThanOrEqual(1000);
        expect(batch.reduce((n, c) => n + weight(c) * c.value.length, 0)).toBeLessThanOrEqual(32000);
      }
    }), { numRuns: 100 });
  });
});

describe('reconcile, one pass from a given state', () => {
  const acme = { id: 'acme', domainNames: ['acme.example.com', 'www.acme.example.com'] };
  const record = (name: string, inSync = true, value = ENDPOINT) => ({ name, value, inSync });
  /** acme on CloudFront, its records and certificate in place: active unless `over` says otherwise. */
  const state = (over: Partial<ObservedDistributionTenant> = {}, certificate: Partial<ObservedCertificate> = {}) => ({
    distributionTenants: [{ name: 'acme', domains: acme.domainNames, enabled: true, deployed: true, settings: settingsOf(acme), ...over }],
    certificates: [{ tenantId: 'acme', domains: acme.domainNames, state: 'issued' as const, ...certificate }],
    records: acme.domainNames.map(d => record(d)),
    statuses: [],
  });
  const statusOf = (r: Reconciliation) => r.statuses.map(s => s.status);

  test('the status ladder: pending-dns until deployed, enabled, holding every domain and recorded in sync; validating until issued; then active', () => {
    // A status with nothing awaited carries no reason at all, not an undefined one.
    expect(reconcile([{ tenant: acme }], state(), CONTEXT).statuses).toStrictEqual([{ tenantId: 'acme', status: 'active' }]);
    expect(statusOf(reconcile([{ tenant: acme }], state({ deployed: false }), CONTEXT))).toEqual(['pending-dns']);
    expect(statusOf(reconcile([{ tenant: acme }], state({ enabled: false }), CONTEXT))).toEqual(['pending-dns']);
    expect(statusOf(reconcile([{ tenant: acme }], state({ domains: ['acme.example.com'] }), CONTEXT))).toEqual(['pending-dns']);
    expect(statusOf(reconcile([{ tenant: acme }], { ...state(), records: [record('acme.example.com'), record('www.acme.example.com', false)] }, CONTEXT)))
      .toEqual(['pending-dns']);
    expect(statusOf(reconcile([{ tenant: acme }], state({}, { state: 'pending' }), CONTEXT))).toEqual(['validating']);
    // The partner's records are no concern of the control plane's.
    expect(statusOf(reconcile([{ tenant: { ...acme, externalDns: true } }], { ...state(), records: [] }, CONTEXT))).toEqual(['active']);
  });

  test('a failed certificate fails the tenant with its reason, or says none was given', () => {
    expect(reconcile([{ tenant: acme }], state({}, { state: 'failed' }), CONTEXT).statuses)
      .toEqual([{ tenantId: 'acme', status: 'failed', reason: 'its certificate failed: no reason given' }]);
    expect(reconcile([{ tenant: acme, suspended: true }], state({ enabled: false }, { state: 'failed', reason: 'CAA' }), CONTEXT).statuses)
      .toEqual([{ tenantId: 'acme', status: 'failed', reason: 'its certificate failed: CAA' }]);
  });

  test('a certificate is requested, with the tenant\'s validation, only when the one there misses a wanted domain', () => {
    const requests = (tenant: TenantProps, domains: string[]) =>
      reconcile([{ tenant }], state({}, { domains }), CONTEXT).actions.filter(a => a.kind === 'requestCertificate');
    expect(requests(acme, ['acme.example.com', 'www.acme.example.com', 'old.acme.example.com'])).toEqual([]);
    expect(requests(acme, ['acme.example.com'])).toEqual([{ kind: 'requestCertificate', tenantId: 'acme', domains: acme.domainNames, validation: 'cloudfront' }]);
    expect(requests({ ...acme, externalDns: true }, [])).toEqual([expect.objectContaining({ validation: 'self-hosted' })]);
    expect(requests({ ...acme, certificateValidation: 'self-hosted' }, [])).toEqual([expect.objectContaining({ validation: 'self-hosted' })]);
    expect(requests({ ...acme, externalDns: true, certificateValidation: 'cloudfront' }, [])).toEqual([expect.objectContaining({ validation: 'cloudfront' })]);
  });

  test('a domain moves only once its target is deployed and its certificate issued and covering it', () => {
    const shop = { id: 'shop', domainNames: ['shop.example.com', 'www.acme.example.com'] };
    const observed = (deployed: boolean, certificate: 'issued' | 'pending', covers = shop.domainNames) => ({
      distributionTenants: [
        { name: 'acme', domains: acme.domainNames, enabled: true, deployed: true, settings: settingsOf(acme) },
        { name: 'shop', domains: ['shop.example.com'], enabled: true, deployed, settings: settingsOf(shop) },
      ],
      certificates: [{ tenantId: 'shop', domains: covers, state: certificate }],
      records: [],
      statuses: [],
    });
    const moves = (o: ObservedState) => reconcile([{ tenant: { id: 'acme', domainNames: ['acme.example.com'] } }, { tenant: shop }], o, CONTEXT)
      .actions.filter(a => a.kind === 'moveDomain');
    expect(moves(observed(true, 'issued'))).toEqual([{ kind: 'moveDomain', domain: 'www.acme.example.com', from: 'acme', to: 'shop' }]);
    expect(moves(observed(false, 'issued'))).toEqual([]);
    expect(moves(observed(true, 'pending'))).toEqual([]);
    expect(moves(observed(true, 'issued', ['shop.example.com']))).toEqual([]);
  });

  test('an update carries every domain and the settings, and only when one of them differs', () => {
    const updates = (tenant: TenantProps, over: Partial<ObservedDistributionTenant>) =>
      reconcile([{ tenant }], state(over), CONTEXT).actions.filter(a => a.kind === 'updateTenant');
    expect(updates(acme, { domains: [...acme.domainNames].reverse() })).toEqual([]);
    expect(updates(acme, { domains: ['acme.example.com'] })).toEqual([{ kind: 'updateTenant', tenantId: 'acme', domains: acme.domainNames, settings: settingsOf(acme) }]);
    expect(updates(acme, { domains: [...acme.domainNames, 'old.acme.example.com'] })).toEqual([expect.objectContaining({ domains: acme.domainNames })]);
    expect(updates({ ...acme, cell: 'eu' }, {})).toEqual([expect.objectContaining({ settings: settingsOf({ ...acme, cell: 'eu' }) })]);
    expect(updates({ ...acme, config: { plan: 'gold' } }, {})).toEqual([]);
  });

  test('a cell\'s origin is part of the settings: a tenant follows its cell\'s new origin (a load balancer replaced)', () => {
    const eu = { ...acme, cell: 'eu' };
    const applied = state({ settings: settingsOf(eu, EU_ORIGIN) });
    expect(reconcile([{ tenant: eu, origin: EU_ORIGIN }], applied, CONTEXT).actions).toEqual([]);
    expect(reconcile([{ tenant: eu, origin: 'new-eu-origin.example.com' }], applied, CONTEXT).actions)
      .toEqual([{ kind: 'updateTenant', tenantId: 'acme', domains: acme.domainNames, settings: settingsOf(eu, 'new-eu-origin.example.com') }]);
  });

  test('a tenant that declares a move the store does not take fails, saying why, and nothing is done for it', () => {
    const none = { ...state(), distributionTenants: [], certificates: [], records: [] };
    const failure = (tenant: TenantProps) => {
      const result = reconcile([{ tenant }], none, CONTEXT);
      expect(result.actions).toEqual([]);
      expect(result.statuses.map(s => s.status)).toEqual(['failed']);
      return result.statuses[0].reason;
    };
    expect(failure({ ...acme, movedFrom: { shard: 0 } })).toMatch(/^`movedFrom`: the control plane has no shards/);
    expect(failure({ ...acme, externalDns: true, adoptFrom: { distributionId: 'E2QWRUHEXAMPLE' } }))
      .toMatch(/^`adoptFrom`: the control plane adopts a distribution tenant .* named by `distributionTenantId` alone \(not `distributionId`\)/);
    expect(failure({ ...acme, externalDns: true, adoptFrom: { distributionTenantId: 'dt_2abcDEF0123456789', stage: 'prepare' } })).toMatch(/\(not `stage`\)/);
    // A field given as undefined (a tenant built in code) is no field.
    expect(reconcile([{ tenant: { ...acme, externalDns: true, adoptFrom: { distributionTenantId: 'dt_2abcDEF0123456789', stage: undefined } } }],
      { ...state(), records: [] }, CONTEXT).statuses.map(s => s.status)).toEqual(['active']);
    // Its records are the template's (or the partner's): the store would have to delete them to take them over.
    expect(failure({ ...acme, adoptFrom: { distributionTenantId: 'dt_2abcDEF0123456789' } })).toMatch(/^`adoptFrom` needs `"externalDns": true`/);
    expect(failure({ ...acme, handOff: 'store' })).toMatch(/^`handOff` is a template field/);
  });

  describe('adopting a distribution tenant (a template tenant handed off)', () => {
    const adopting = { ...acme, externalDns: true, adoptFrom: { distributionTenantId: 'dt_2abcDEF0123456789' } };

    test('one not found, or refused by the handler, fails with the reason, and is never made anew', () => {
      // Its domains are free as far as the store can see, yet it is not created: they are on the distribution tenant it names.
      const absent = reconcile([{ tenant: adopting }], { ...state(), distributionTenants: [], certificates: [], records: [] }, CONTEXT);
      expect(absent.actions).toEqual([]);
      expect(absent.statuses).toEqual([{ tenantId: 'acme', status: 'failed', reason: '`adoptFrom`: distribution tenant dt_2abcDEF0123456789 was not found' }]);
      const refused = reconcile([{ tenant: adopting }], { ...state(), distributionTenants: [], records: [], refusedAdoptions: [{ tenantId: 'acme', reason: 'on another distribution' }] }, CONTEXT);
      expect(refused.actions).toEqual([]);
      expect(refused.statuses).toEqual([{ tenantId: 'acme', status: 'failed', reason: 'on another distribution' }]);
    });

    test('one found, serving with its certificate, is taken as it is: its settings written once, no certificate asked, no record', () => {
      const found = { ...state({ settings: '' }), records: [] };
      const result = reconcile([{ tenant: adopting }], found, CONTEXT);
      expect(result.actions).toEqual([{ kind: 'updateTenant', tenantId: 'acme', domains: acme.domainNames, settings: settingsOf(adopting) }]);
      expect(result.statuses).toEqual([{ tenantId: 'acme', status: 'active' }]);
      expect(reconcile([{ tenant: adopting }], { ...found, ...state({ settings: settingsOf(adopting) }), records: [] }, CONTEXT).actions).toEqual([]);
    });
  });

  test('a tenant of a cell the control plane does not know fails, naming the cells it knows, and nothing is done for it', () => {
    const result = reconcile([{ tenant: { ...acme, cell: 'mars' } }], { ...state(), distributionTenants: [], records: [] }, CONTEXT);
    expect(result.statuses).toEqual([{ tenantId: 'acme', status: 'failed', reason: expect.stringContaining('`cell` "mars" is not one of the gateway\'s cells ("default", "eu")') }]);
    expect(result.actions).toEqual([]);
    // Without cells, only the default cell is known.
    expect(reconcile([{ tenant: { ...acme, cell: 'eu' } }], state(), { routingEndpoint: ENDPOINT }).statuses)
      .toEqual([{ tenantId: 'acme', status: 'failed', reason: expect.stringContaining('is not one of the gateway\'s cells ("default");') }]);
    expect(statusOf(reconcile([{ tenant: { ...acme, cell: 'default' } }], state(), { routingEndpoint: ENDPOINT }))).toEqual(['active']);
  });

  test('a removed tenant is deleted once disabled and deployed; while it holds a domain an existing tenant wants, it stays', () => {
    const removed = (over: Partial<ObservedDistributionTenant>) => reconcile([], { ...state(over), records: [] }, CONTEXT).actions;
    expect(removed({})).toEqual([{ kind: 'disableTenant', tenantId: 'acme' }]);
    expect(removed({ enabled: false })).toEqual([{ kind: 'deleteTenant', tenantId: 'acme' }]);
    expect(removed({ enabled: false, deployed: false })).toEqual([]);
    const shop = { id: 'shop', domainNames: ['shop.example.com', 'www.acme.example.com'] };
    const observed = state();
    const both = { ...observed, distributionTenants: [...observed.distributionTenants, { ...observed.distributionTenants[0], name: 'shop', domains: ['shop.example.com'] }] };
    expect(reconcile([{ tenant: shop }], both, CONTEXT).actions.filter(a => a.kind === 'disableTenant' || a.kind === 'deleteTenant')).toEqual([]);
    // A tenant that does not exist yet takes the domain once it is free: the old holder goes first.
    expect(reconcile([{ tenant: { ...shop, domainNames: ['www.acme.example.com'] } }], state(), CONTEXT).actions)
      .toContainEqual({ kind: 'disableTenant', tenantId: 'acme' });
  });

  test('only the records whose value is the routing endpoint are the control plane\'s to delete; a stale one is upserted', () => {
    const observed = { ...state(), records: [record('acme.example.com', true, 'elsewhere.example.net'), record('www.acme.example.com'), record('gone.example.com'), record('mail.example.com', true, 'mx.example.net')] };
    expect(reconcile([{ tenant: acme }], observed, CONTEXT).actions).toEqual([{
      kind: 'changeRecords',
      changes: [{ action: 'UPSERT', name: 'acme.example.com', value: ENDPOINT }, { action: 'DELETE', name: 'gone.example.com', value: ENDPOINT }],
    }]);
  });

  test('a tenant whose every domain waits on a removed tenant waits, pending-dns', () => {
    const result = reconcile([{ tenant: { id: 'shop', domainNames: acme.domainNames } }], state(), CONTEXT);
    expect(result.statuses).toEqual([{ tenantId: 'shop', status: 'pending-dns', reason: 'waiting for the removal of acme' }]);
    expect(result.actions.filter(a => a.kind === 'createTenant')).toEqual([]);
  });

  test('a suspended tenant is created disabled and stays suspended', () => {
    const result = reconcile([{ tenant: acme, suspended: true }], { distributionTenants: [], certificates: [], records: [], statuses: [] }, CONTEXT);
    expect(result.actions[0]).toEqual({ kind: 'createTenant', tenantId: 'acme', domains: acme.domainNames, settings: settingsOf(acme), enabled: false });
    expect(statusOf(result)).toEqual(['suspended']);
    expect(statusOf(reconcile([{ tenant: acme, suspended: true }], state({ enabled: false }), CONTEXT))).toEqual(['suspended']);
  });

  test('events: a status change, or a new reason for a failure; a reason that only narrows what is awaited is none', () => {
    const events = (statuses: TenantStatus[], certificate: Partial<ObservedCertificate> = {}) =>
      reconcile([{ tenant: acme }], { ...state({ deployed: false }, certificate), statuses }, CONTEXT).events;
    expect(events([{ tenantId: 'acme', status: 'pending-dns', reason: 'creating its distribution tenant' }])).toEqual([]);
    expect(events([{ tenantId: 'acme', status: 'validating' }])).toEqual([{
      tenantId: 'acme', from: 'validating', to: 'pending-dns', reason: 'its distribution tenant or records are not deployed yet',
    }]);
    expect(events([{ tenantId: 'acme', status: 'failed', reason: 'its certificate failed: CAA' }], { state: 'failed', reason: 'CAA' })).toEqual([]);
    expect(events([{ tenantId: 'acme', status: 'failed', reason: 'its certificate failed: CAA' }], { state: 'failed', reason: 'DNS' }))
      .toEqual([{ tenantId: 'acme', from: 'failed', to: 'failed', reason: 'its certificate failed: DNS' }]);
  });

  test('a record that names another value is not ready: the tenant waits, pending-dns, for its upsert', () => {
    const observed = { ...state(), records: [record('acme.example.com', true, 'elsewhere.example.net'), record('www.acme.example.com')] };
    expect(statusOf(reconcile([{ tenant: acme }], observed, CONTEXT))).toEqual(['pending-dns']);
  });

  test('a failed certificate that misses a newly wanted domain is replaced, not reported: the tenant validates again', () => {
    const result = reconcile([{ tenant: acme }], state({}, { state: 'failed', domains: ['acme.example.com'] }), CONTEXT);
    expect(result.actions).toEqual([expect.objectContaining({ kind: 'requestCertificate', domains: acme.domainNames })]);
    expect(statusOf(result)).toEqual(['validating']);
  });

  test('a distribution tenant is never updated to carry no domain: its wanted domains wait on their holder', () => {
    // acme holds only a domain no one wants now, and wants one that shop holds.
    const observed = {
      ...state({ domains: ['old.example.com'] }),
      distributionTenants: [
        { name: 'acme', domains: ['old.example.com'], enabled: true, deployed: true, settings: '' },
        { name: 'shop', domains: ['shop.example.com'], enabled: true, deployed: true, settings: '' },
      ],
    };
    const actions = reconcile([{ tenant: { id: 'acme', domainNames: ['shop.example.com'] } }], observed, CONTEXT).actions;
    expect(actions.filter(a => a.kind === 'updateTenant')).toEqual([]);
  });

  test('the record changes are split by the batch limits the context gives', () => {
    const tenants = [{ tenant: { id: 'a', domainNames: ['a.example.com', 'b.example.com', 'c.example.com'] } }];
    const empty = { distributionTenants: [], certificates: [], records: [], statuses: [] };
    const batches = reconcile(tenants, empty, { ...CONTEXT, batchLimits: { resourceRecords: 4, valueCharacters: 1_000 } })
      .actions.filter(a => a.kind === 'changeRecords');
    expect(batches.map(b => b.kind === 'changeRecords' && b.changes.length)).toEqual([2, 1]);
  });

  test('a tenant with a domain the load balancer\'s names do not cover fails and nothing is done for it; names unknown, nothing is checked', () => {
    const empty = { distributionTenants: [], certificates: [], records: [], statuses: [] };
    const tenants = [{ tenant: acme }, { tenant: { id: 'shop', domainNames: ['shop.example.org'] } }];
    const checked = reconcile(tenants, empty, { ...CONTEXT, loadBalancerNames: ['*.acme.example.com', 'acme.example.com'] });
    expect(checked.statuses.map(s => [s.tenantId, s.status])).toEqual([['acme', 'pending-dns'], ['shop', 'failed']]);
    expect(checked.actions.filter(a => JSON.stringify(a).includes('shop'))).toEqual([]);
    expect(statusOf(reconcile(tenants, empty, CONTEXT))).toEqual(['pending-dns', 'pending-dns']);
  });
});

describe('settingsOf', () => {
  const base = { id: 'acme', domainNames: ['acme.example.com'] };

  // The fingerprint is stored with each distribution tenant: a change of its form would update every
  // tenant once after an upgrade, so its form is a release promise.
  test('a fixed tenant has a fixed fingerprint: its customizations, cell and cell\'s origin; its config is not CloudFront\'s', () => {
    expect(settingsOf(base)).toBe('[null,null,null,null]');
    const full = { ...base, webAcl: 'none', geoRestriction: { allow: ['DE'] }, cell: 'eu', config: { b: '2', a: '1' } };
    expect(settingsOf(full, EU_ORIGIN)).toBe(`["none",{"allow":["DE"]},"eu","${EU_ORIGIN}"]`);
    expect(settingsOf({ ...full, config: { plan: 'gold' } }, EU_ORIGIN)).toBe(settingsOf(full, EU_ORIGIN));
    expect(settingsOf(full, 'new-eu-origin.example.com')).not.toBe(settingsOf(full, EU_ORIGIN));
  });
});

describe('batchRecordChanges at its edges', () => {
  const change = (action: 'UPSERT' | 'DELETE', value: string): RecordChange => ({ action, name: 'a.example.com', value });

  test('no change is no request', () => {
    expect(batchRecordChanges([])).toEqual([]);
  });

  test('a request may hold exactly 32,000 characters of values', () => {
    expect(batchRecordChanges(Array.from({ length: 100 }, () => change('UPSERT', 'v'.repeat(160)))).map(b => b.length)).toEqual([100]);
    expect(batchRecordChanges(Array.from({ length: 3 }, () => change('DELETE', 'v')), { resourceRecords: 2, valueCharacters: 100 }).map(b => b.length)).toEqual([2, 1]);
  });

  test('one change over a request\'s limits is refused, naming the record', () => {
    expect(() => batchRecordChanges([change('UPSERT', 'v'.repeat(16_001))])).toThrow('record a.example.com: one UPSERT exceeds a ChangeResourceRecordSets request\'s limits');
    expect(batchRecordChanges([change('UPSERT', 'v'.repeat(16_000))])).toHaveLength(1);
    expect(() => batchRecordChanges([change('UPSERT', 'v')], { resourceRecords: 1, valueCharacters: 100 })).toThrow('one UPSERT exceeds');
    expect(batchRecordChanges([change('DELETE', 'v')], { resourceRecords: 1, valueCharacters: 100 })).toHaveLength(1);
  });
});
