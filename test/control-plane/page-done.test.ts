// When the reconciler deletes a page's message (pageDone) instead of handing it back: a page
// deleted too early waits for the next drift sweep with work left.
import { pageDone } from '../../src/control-plane/observation';
import { ObservedDistributionTenant, Reconciliation, TenantStatus } from '../../src/control-plane/reconcile';

const acme = { id: 'acme', domainNames: ['acme.example.com', 'www.acme.example.com'] };
const held = (name: string, domains: string[], deployed = true): ObservedDistributionTenant =>
  ({ name, domains, enabled: true, deployed, settings: '' });
const passed = (statuses: TenantStatus['status'][], actions: Reconciliation['actions'] = []): Reconciliation =>
  ({ actions, statuses: statuses.map(status => ({ tenantId: 'acme', status })), events: [] });

test('a page is done when nothing was done, nothing is awaited, and its tenants hold every domain the store gives them', () => {
  expect(pageDone(passed(['active']), [{ tenant: acme }], [held('acme', acme.domainNames)])).toBe(true);
  expect(pageDone(passed(['suspended']), [{ tenant: acme, suspended: true }], [held('acme', acme.domainNames)])).toBe(true);
});

test('an action, a deploy or a validation in flight keeps the page', () => {
  expect(pageDone(passed(['active'], [{ kind: 'enableTenant', tenantId: 'acme' }]), [{ tenant: acme }], [held('acme', acme.domainNames)])).toBe(false);
  expect(pageDone(passed(['active']), [{ tenant: acme }], [held('acme', acme.domainNames, false)])).toBe(false);
  expect(pageDone(passed(['validating']), [{ tenant: acme }], [held('acme', acme.domainNames)])).toBe(false);
  expect(pageDone(passed(['pending-dns']), [{ tenant: acme }], [held('acme', acme.domainNames)])).toBe(false);
});

test('a suspended tenant that still awaits a domain held by a removed tenant keeps the page (its certificate validates first)', () => {
  const observed = [held('acme', ['acme.example.com']), held('old', ['www.acme.example.com'])];
  expect(pageDone(passed(['suspended']), [{ tenant: acme, suspended: true }], observed)).toBe(false);
});

test('a tenant whose distribution tenant was not read (not made yet) keeps the page', () => {
  expect(pageDone(passed(['suspended']), [{ tenant: acme, suspended: true }], [])).toBe(false);
});

test('a failed tenant waits for the store or the drift sweep, not for its page', () => {
  expect(pageDone(passed(['failed']), [{ tenant: acme }], [])).toBe(true);
});
