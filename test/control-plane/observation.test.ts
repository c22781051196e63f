// What the reconciler trusts of the store's notes (observation.ts): when a tenant is settled and
// left out of passes, when a pass may note it so, what a pass reads, and how soon a page comes
// back. A tenant noted settled too early is not reconciled again until the drift sweep.
import * as fc from 'fast-check';
import { isSettled, mayNoteSettled, NotedTenant, planObservation, recheckSoon, settledFingerprint } from '../../src/control-plane/observation';
import { Action, DesiredTenant, ObservedDistributionTenant, Reconciliation, TenantStatus } from '../../src/control-plane/reconcile';

const acme = { id: 'acme', domainNames: ['acme.example.com', 'www.acme.example.com'] };
const held = (domains = acme.domainNames, over: Partial<ObservedDistributionTenant> = {}): ObservedDistributionTenant =>
  ({ name: 'acme', domains, enabled: true, deployed: true, settings: '', ...over });
const status = (s: TenantStatus['status']): TenantStatus => ({ tenantId: 'acme', status: s });

describe('settledFingerprint', () => {
  test('what the store wants of a tenant: its entry, whether suspended, its cell\'s origin; a default-cell tenant\'s has no origin at all', () => {
    const base = settledFingerprint({ tenant: acme });
    expect(base).toBe(JSON.stringify([false, acme]));
    expect(settledFingerprint({ tenant: acme, suspended: false })).toBe(base);
    expect(settledFingerprint({ tenant: acme, suspended: true })).toBe(JSON.stringify([true, acme]));
    expect(settledFingerprint({ tenant: { ...acme, config: { plan: 'gold' } } })).not.toBe(base);
    expect(settledFingerprint({ tenant: acme, origin: 'eu.example.net' })).toBe(JSON.stringify([false, acme, 'eu.example.net']));
    expect(settledFingerprint({ tenant: acme, suspended: true, origin: 'eu.example.net' })).toBe(JSON.stringify([true, acme, 'eu.example.net']));
  });
});

describe('isSettled', () => {
  const desired: DesiredTenant = { tenant: acme };
  const noted = settledFingerprint(desired);

  test('only a tenant active or suspended as the store still wants it', () => {
    expect(isSettled(desired, 'active', noted)).toBe(true);
    expect(isSettled(desired, 'suspended', noted)).toBe(true);
    for (const s of ['pending-dns', 'validating', 'failed', undefined] as const) expect(isSettled(desired, s, noted)).toBe(false);
    expect(isSettled(desired, 'active', undefined)).toBe(false);
    expect(isSettled({ tenant: acme, suspended: true }, 'active', noted)).toBe(false);
    expect(isSettled(undefined, 'active', noted)).toBe(false);
  });
});

describe('mayNoteSettled', () => {
  const desired: DesiredTenant = { tenant: acme };

  test('active or suspended, holding exactly its domains, enabled as wanted, untouched this pass', () => {
    expect(mayNoteSettled(status('active'), desired, held(), [])).toBe(true);
    expect(mayNoteSettled(status('suspended'), { tenant: acme, suspended: true }, held(acme.domainNames, { enabled: false }), [])).toBe(true);
    for (const s of ['pending-dns', 'validating', 'failed'] as const) expect(mayNoteSettled(status(s), desired, held(), [])).toBe(false);
  });

  test('not while its distribution tenant is missing, enabled otherwise than wanted, or holds other domains than the store gives it', () => {
    expect(mayNoteSettled(status('active'), desired, undefined, [])).toBe(false);
    expect(mayNoteSettled(status('active'), desired, held(acme.domainNames, { enabled: false }), [])).toBe(false);
    expect(mayNoteSettled(status('suspended'), { tenant: acme, suspended: true }, held(), [])).toBe(false);
    expect(mayNoteSettled(status('active'), desired, held(['acme.example.com']), [])).toBe(false);
    // One kept for another tenant's move: as many domains, not the same ones.
    expect(mayNoteSettled(status('active'), desired, held(['acme.example.com', 'shop.example.com']), [])).toBe(false);
    expect(mayNoteSettled(status('active'), desired, held([...acme.domainNames, 'shop.example.com']), [])).toBe(false);
  });

  test('not when an action of the pass touched it: its own, a move to or from it, a change of one of its records; others\' actions do not count', () => {
    const record = (name: string): Action => ({ kind: 'changeRecords', changes: [{ action: 'UPSERT', name, value: 'd1.cloudfront.net' }] });
    const touching: Action[] = [
      { kind: 'enableTenant', tenantId: 'acme' },
      { kind: 'moveDomain', domain: 'www.acme.example.com', from: 'acme', to: 'shop' },
      { kind: 'moveDomain', domain: 'x.example.com', from: 'shop', to: 'acme' },
      record('www.acme.example.com'),
      // One batch of several tenants' records.
      { kind: 'changeRecords', changes: [{ action: 'UPSERT', name: 'shop.example.com', value: 'd' }, { action: 'DELETE', name: 'acme.example.com', value: 'd' }] },
    ];
    for (const action of touching) expect(mayNoteSettled(status('active'), desired, held(), [action])).toBe(false);
    const others: Action[] = [
      { kind: 'enableTenant', tenantId: 'shop' },
      { kind: 'moveDomain', domain: 'x.example.com', from: 'shop', to: 'old' },
      record('shop.example.com'),
    ];
    expect(mayNoteSettled(status('active'), desired, held(), others)).toBe(true);
  });
});

describe('planObservation', () => {
  const tenant = (id: string, over: Partial<NotedTenant> = {}): NotedTenant => ({ id, desired: true, created: true, certificate: 'issued', ...over });

  test('reads the tenants made and the removed ones (a crashed pass may have made them), never one never made', () => {
    const plan = planObservation([tenant('made'), tenant('new', { created: false }), tenant('removed', { desired: false, created: false })], 1000);
    expect(plan.reads).toEqual(['made', 'removed']);
  });

  test('reads a certificate requested and not seen issued, of a tenant made; an issued one, or none requested, is not read', () => {
    const plan = planObservation([
      tenant('requested', { certificate: 'requested' }), tenant('issued'), tenant('none', { certificate: 'none' }),
      tenant('unmade', { created: false, certificate: 'requested' }),
    ], 1000);
    expect(plan.certificateReads).toEqual(['requested']);
  });

  test('lists only when the list\'s pages cost fewer calls than a read each', () => {
    const page = Array.from({ length: 10 }, (_, i) => tenant(`t${i}`));
    expect(planObservation(page, 0).list).toBe(true); // one call, however empty
    expect(planObservation(page, 900).list).toBe(true); // 9 calls < 10 reads
    expect(planObservation(page, 1000).list).toBe(false); // 10 calls, as many as reads
    expect(planObservation(page, 90, 10).list).toBe(true);
    expect(planObservation(page, 100, 10).list).toBe(false);
    expect(planObservation([tenant('one')], 0).list).toBe(false);
  });

  test('whatever the page, no tenant is read twice and every made or removed one is read', () => {
    const noted = fc.record({ desired: fc.boolean(), created: fc.boolean(), certificate: fc.constantFrom('none', 'requested', 'issued') });
    fc.assert(fc.property(fc.array(noted, { maxLength: 30 }), fc.nat(5000), (flags, count) => {
      const page = flags.map((f, i) => ({ id: `t${i}`, ...f }) as NotedTenant);
      const plan = planObservation(page, count);
      expect(new Set(plan.reads).size).toBe(plan.reads.length);
      expect(plan.reads).toEqual(page.filter(t => t.created || !t.desired).map(t => t.id));
      expect(plan.certificateReads.every(id => plan.reads.includes(id))).toBe(true);
    }));
  });
});

describe('recheckSoon', () => {
  const pass = (statuses: TenantStatus['status'][], actions: Action[] = []): Reconciliation =>
    ({ actions, statuses: statuses.map(s => status(s)), events: [] });

  test('soon after an action, while a distribution tenant deploys or DNS is pending; not while only a certificate validates', () => {
    expect(recheckSoon(pass(['validating'], [{ kind: 'enableTenant', tenantId: 'acme' }]), [held()])).toBe(true);
    expect(recheckSoon(pass(['validating']), [held(), held(acme.domainNames, { name: 'shop', deployed: false })])).toBe(true);
    expect(recheckSoon(pass(['validating', 'pending-dns']), [held()])).toBe(true);
    expect(recheckSoon(pass(['validating', 'active']), [held()])).toBe(false);
    expect(recheckSoon(pass(['suspended']), [])).toBe(false);
  });
});
