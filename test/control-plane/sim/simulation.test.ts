import * as fc from 'fast-check';
import { AwsError, SimAccount } from './account';
import { run } from './driver';
import { DesiredTenant } from '../../../src/control-plane/reconcile';
import { SWEEP_PAGE } from '../../../src/control-plane/reconciler.lambda';

const tenants = (n: number, from = 0): DesiredTenant[] => Array.from({ length: n }, (_, i) => ({
  tenant: { id: `t${from + i}`, domainNames: [`t${from + i}.example.com`, `www.t${from + i}.example.com`] },
}));

/** What the account holds, comparable with toEqual. */
function holdings(account: SimAccount) {
  return {
    tenants: account.tenantNames().sort().map(n => [n, [...account.domainsOf(n)!].sort(), account.enabled(n)]),
    records: account.recordNames().sort(),
    certificates: account.certificateCount(),
  };
}

/** Holdings, the store's statuses and its notes, comparable with toEqual. */
function snapshot(account: SimAccount) {
  return {
    ...holdings(account),
    statuses: [...account.statuses.values()].sort((a, b) => a.tenantId.localeCompare(b.tenantId)),
    created: [...account.noted.created].sort(),
    issued: [...account.noted.issued].sort(),
    settled: [...account.noted.settled].sort(),
  };
}

/** The drift sweep over these tenants: full passes over pages of 100 (the handler's SWEEP_PAGE), in store order. */
function sweep(account: SimAccount, desired: readonly DesiredTenant[]) {
  const runs = [];
  for (let i = 0; i < desired.length; i += SWEEP_PAGE) runs.push(run(account, desired.slice(i, i + SWEEP_PAGE), { full: true }));
  return { actions: runs.reduce((n, r) => n + r.actions, 0), events: runs.flatMap(r => r.events) };
}

/** Every refusal but "already exists" (a create retried after a crash) is a reconciler bug. */
const bugs = (account: SimAccount) => account.refusals.filter(r => !r.startsWith('EntityAlreadyExists'));

describe('the reconciler against the simulated account', () => {
  test('onboarding: pending-dns until the records are INSYNC, validating until the certificate issues, then active', () => {
    const account = new SimAccount();
    const result = run(account, tenants(1));
    expect(result.events.map(e => e.to)).toEqual(['pending-dns', 'validating', 'active']);
    // Records (60 s to INSYNC), then CloudFront's HTTP validation through them (120 s here).
    expect(account.now).toBeGreaterThanOrEqual(account.settings.dnsPropagationSeconds + account.settings.certificateSeconds);
    expect(account.now).toBeLessThan(account.settings.dnsPropagationSeconds + account.settings.certificateSeconds + 5);
  });

  test('200 tenants with a crash at a random step of every pass: each served once, nothing refused, nothing throttled', () => {
    fc.assert(fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 40 }), crashes => {
      const account = new SimAccount();
      const desired = tenants(200);
      const result = run(account, desired, { crashAt: (pass, n) => (pass < crashes.length ? crashes[pass] % (n + 1) : n) });
      expect(bugs(account)).toEqual([]);
      expect(account.throttled).toBe(0);
      expect(account.tenantNames().sort()).toEqual(desired.map(d => d.tenant.id).sort());
      expect(account.certificateCount()).toBe(200);
      expect([...account.statuses.values()].every(s => s.status === 'active')).toBe(true);
      expect(result.events.filter(e => e.to === 'active')).toHaveLength(200);
    }), { numRuns: 15 });
  });

  test('template tenants handed off are adopted where they stand, a crash anywhere: never moved or unserved, nothing made, refused or throttled', () => {
    fc.assert(fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 10 }), fc.boolean(), (crashes, asWanted) => {
      const account = new SimAccount();
      const handed = tenants(50).map((d, i) => ({
        tenant: { ...d.tenant, externalDns: true, adoptFrom: { distributionTenantId: `dt_${String(i).padStart(12, '0')}` } },
      }));
      account.handOver(handed, asWanted);
      const before = holdings(account);
      const result = run(account, handed, { crashAt: (pass, n) => (pass < crashes.length ? crashes[pass] % (n + 1) : n) });
      expect(bugs(account)).toEqual([]);
      expect(account.throttled).toBe(0);
      // Each distribution tenant keeps its domains and certificate; the records stay the template's.
      expect(holdings(account)).toEqual(before);
      // Nothing is created, moved, asked for or recorded; settings the store wants otherwise are written (then
      // each shows pending-dns while its distribution tenant deploys, serving all along).
      expect([...account.calls.keys()].filter(api => !/^(Get|List)/.test(api))).toEqual(asWanted ? [] : ['UpdateDistributionTenant']);
      expect([...account.statuses.values()].every(s => s.status === 'active')).toBe(true);
      expect(result.events.every(e => e.to !== 'failed')).toBe(true);
      if (asWanted) expect(result.events.map(e => e.to)).toEqual(Array(50).fill('active'));
    }), { numRuns: 15 });
  });

  test('from one store to another (moves, suspensions, removals), crashes anywhere reach what a calm run reaches', () => {
    const store = fc.tuple(
      fc.array(fc.integer({ min: -1, max: 3 }), { minLength: 6, maxLength: 6 }),
      fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    ).map(([owners, suspended]): DesiredTenant[] => [0, 1, 2, 3].flatMap(i => {
      const domainNames = owners.flatMap((o, d) => (o === i ? [`d${d}.example.com`] : []));
      return domainNames.length === 0 ? [] : [{ tenant: { id: `t${i}`, domainNames }, suspended: suspended[i] }];
    }));
    fc.assert(fc.property(store, store, fc.array(fc.nat(), { maxLength: 20 }), (before, after, crashes) => {
      const calm = new SimAccount();
      run(calm, before);
      run(calm, after);
      const crashed = new SimAccount();
      run(crashed, before);
      run(crashed, after, { crashAt: (pass, n) => (pass < crashes.length ? crashes[pass] % (n + 1) : n) });
      expect(bugs(crashed)).toEqual([]);
      expect(crashed.throttled).toBe(0);
      expect(holdings(crashed)).toEqual(holdings(calm));
    }), { numRuns: 60 });
  });

  test('reads: none for a tenant never made; then ListDistributionTenants pages (100 a call, each a CloudFront token) when fewer than a get each', () => {
    // "ListDistributionTenants", CloudFront API Reference
    // (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ListDistributionTenants.html):
    // filtered by distribution or connection group only, paged by Marker; MaxItems has no documented maximum (a setting).
    const account = new SimAccount();
    const ids = tenants(250).map(d => d.tenant.id);
    account.observe(ids, [], new Set(ids));
    expect([...account.calls.keys()]).toEqual([]);
    run(account, tenants(250));
    account.calls.clear();
    const observed = account.observe(ids, [], new Set(ids));
    expect(Object.fromEntries(account.calls)).toEqual({ ListDistributionTenants: 3 });
    expect(observed.distributionTenants).toHaveLength(250);
    expect(observed.fresh.size).toBe(250);
    account.calls.clear();
    expect(account.observe(ids.slice(0, 2), [], new Set(ids)).fresh).toEqual(new Set(ids.slice(0, 2)));
    expect(Object.fromEntries(account.calls)).toEqual({ GetDistributionTenant: 2 });
  });

  test('a tenant served as the store still wants it costs no call on later passes; one the store changes is read again', () => {
    const account = new SimAccount();
    const desired = tenants(50);
    run(account, desired);
    account.calls.clear();
    run(account, desired);
    expect(Object.fromEntries(account.calls)).toEqual({});
    const changed = [{ tenant: { ...desired[0].tenant, domainNames: ['t0.example.com'] } }, ...desired.slice(1)];
    run(account, changed);
    expect(account.calls.get('UpdateDistributionTenant')).toBe(1); // its domains (its certificate still covers the one left)
    expect(account.domainsOf('t0')).toEqual(['t0.example.com']);
    expect(account.recordNames()).not.toContain('www.t0.example.com');
    expect(account.recordNames()).toContain('www.t1.example.com');
  });

  test('the drift sweep over a settled store reads every tenant and certificate and changes nothing: no action, no event, no note', () => {
    for (const listPageSize of [100, 2]) {
      const account = new SimAccount({ listPageSize });
      const desired = tenants(250);
      run(account, desired);
      const settled = snapshot(account);
      account.calls.clear();
      expect(sweep(account, desired)).toEqual({ actions: 0, events: [] });
      expect(snapshot(account)).toEqual(settled);
      // No note trusted: each certificate is read, and each distribution tenant, by the list's pages
      // while they cost fewer calls than a get each (3 pages of 100 for each page of the sweep), else one by one.
      expect(Object.fromEntries(account.calls)).toEqual(listPageSize === 100
        ? { ListDistributionTenants: 9, GetManagedCertificateDetails: 250 }
        : { GetDistributionTenant: 250, GetManagedCertificateDetails: 250 });
    }
  });

  test('the drift sweep finds a distribution tenant disabled or deleted behind the store\'s back, which passes that trust the store do not, and repairs it', () => {
    const account = new SimAccount();
    const desired = tenants(20);
    run(account, desired);
    account.disableBehindTheStore('t3');
    account.deleteBehindTheStore('t7');
    expect(run(account, desired).actions).toBe(0);
    expect([account.enabled('t3'), account.domainsOf('t7')]).toEqual([false, undefined]);

    const found = sweep(account, desired);
    expect(bugs(account)).toEqual([]);
    expect(account.enabled('t3')).toBe(true);
    expect(account.domainsOf('t7')).toEqual(['t7.example.com', 'www.t7.example.com']);
    expect(account.certificateCount()).toBe(20);
    expect(found.events.map(e => `${e.tenantId} ${e.to}`)).toEqual(['t3 pending-dns', 't7 pending-dns', 't3 active', 't7 validating', 't7 active']);
    expect([...account.statuses.values()].every(s => s.status === 'active')).toBe(true);
    // Served again as the store wants them, they are noted settled again: a later pass reads nothing.
    account.calls.clear();
    expect(run(account, desired).actions).toBe(0);
    expect(Object.fromEntries(account.calls)).toEqual({});
  });

  test('the benchmark restores a forgotten page as the import left it: the same holdings, statuses and notes, and a sweep finds nothing to do', () => {
    const account = new SimAccount();
    const desired = tenants(30);
    run(account, desired);
    const imported = snapshot(account);
    account.forget(desired.map(d => d.tenant.id), desired.flatMap(d => d.tenant.domainNames));
    expect(holdings(account)).toEqual({ tenants: [], records: [], certificates: 0 });
    account.restore(desired);
    expect(snapshot(account)).toEqual(imported);
    account.calls.clear();
    expect(sweep(account, desired)).toEqual({ actions: 0, events: [] });
    expect(account.calls.get('ListDistributionTenants')).toBe(1); // the 30 are listed once, not twice
  });

  test('the account throttles a client that does not pace itself, as AWS does', () => {
    // CloudFront's control-plane rate is a setting (AWS publishes none); a burst of 10 here.
    const account = new SimAccount();
    const create = (i: number) => account.apply({ kind: 'createTenant', tenantId: `t${i}`, domains: [`t${i}.example.com`], settings: '', enabled: true });
    for (let i = 0; i < 10; i++) create(i);
    expect(() => create(10)).toThrow(AwsError);
    expect(account.throttled).toBe(1);
  });

  test('Route 53 refuses a change batch over 1,000 records (an UPSERT counts twice)', () => {
    // "ChangeResourceRecordSets", Route 53 API Reference
    // (https://docs.aws.amazon.com/Route53/latest/APIReference/API_ChangeResourceRecordSets.html).
    const account = new SimAccount();
    const changes = Array.from({ length: 501 }, (_, i) => ({ action: 'UPSERT' as const, name: `t${i}.example.com`, value: account.routingEndpoint }));
    expect(() => account.apply({ kind: 'changeRecords', changes })).toThrow(/1002 records/);
  });

  test('a domain held by one tenant is refused to another (CNAMEAlreadyExists)', () => {
    const account = new SimAccount();
    account.apply({ kind: 'createTenant', tenantId: 'a', domains: ['x.example.com'], settings: '', enabled: true });
    expect(() => account.apply({ kind: 'createTenant', tenantId: 'b', domains: ['x.example.com'], settings: '', enabled: true })).toThrow(/x.example.com is on a/);
  });
});
