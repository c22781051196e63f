// The reconciler's loop against the simulated account, as the SQS-driven handler would run it:
// observe, reconcile (pure), run the actions paced to the account's limits, write the statuses;
// wait for what is eventually consistent. A crash ends a pass anywhere; the next pass starts over
// from what the account holds.
import { SimAccount } from './account';
import { isSettled, mayNoteSettled, pageDone, QUICK_RECHECK_SECONDS, recheckSoon, settledFingerprint } from '../../../src/control-plane/observation';
import { Action, DesiredTenant, reconcile, StatusEvent } from '../../../src/control-plane/reconcile';

export interface RunOptions {
  /** How many of a pass's actions run before the process crashes (all: no crash). */
  readonly crashAt?: (pass: number, actions: number) => number;
  readonly maxPasses?: number;
  /**
   * A page of the drift sweep (the handler's `full` pass, on every delivery of its message): only
   * the page's tenants and records are read, all of them, no note trusted; a settled note is
   * dropped when its tenant is found no longer served as the store wants it, and written again once it is.
   */
  readonly full?: boolean;
  /**
   * Wait between passes as the handler's queue does: a page not done comes again after
   * QUICK_RECHECK_SECONDS when it acted or awaits a deploy or DNS, else after this (the queue's
   * recheckAfter). Unset, a run waits exactly until the next thing in flight settles: the
   * reconciler is then always busy with some page, as in an import of many pages.
   */
  readonly recheckAfterSeconds?: number;
}

export interface RunResult {
  readonly passes: number;
  readonly crashes: number;
  /** The actions carried out (a crashed pass's too). */
  readonly actions: number;
  /** Each event, with the simulated second it was published at. */
  readonly events: (StatusEvent & { readonly at: number })[];
}

/** Reconciles these tenants until nothing is left to do or to wait for. */
export function run(account: SimAccount, desired: readonly DesiredTenant[], options: RunOptions = {}): RunResult {
  const full = options.full ?? false;
  const ids = desired.map(d => d.tenant.id);
  const byId = new Map(desired.map(d => [d.tenant.id, d]));
  // A page of the import also reads what the account holds beyond it (the tenants it removes); a sweep's page reads itself only, as the handler does.
  const known = new Set(full ? ids : [...ids, ...account.tenantNames()]);
  const domains = [...new Set([...desired.flatMap(d => d.tenant.domainNames), ...(full ? [] : account.recordNames())])];
  const events: (StatusEvent & { at: number })[] = [];
  let crashes = 0;
  let actions = 0;
  let idle = 0; // passes in a row with nothing to do and nothing to wait for
  for (let pass = 0; pass < (options.maxPasses ?? 10_000); pass++) {
    // As the handler: a tenant served as the store still wants it is neither read nor reconciled, nor are its records (but by a sweep).
    const settled = full ? [] : desired.filter(d => isSettled(d, account.statuses.get(d.tenant.id)?.status, account.noted.settled.get(d.tenant.id)));
    const done = new Set(settled.map(d => d.tenant.id));
    const doneDomains = new Set(settled.flatMap(d => d.tenant.domainNames));
    const open = desired.filter(d => !done.has(d.tenant.id));
    const observed = account.observe([...known].filter(id => !done.has(id)), domains.filter(d => !doneDomains.has(d)), new Set(ids), full);
    const result = reconcile(open, observed, { routingEndpoint: account.routingEndpoint, batchLimits: account.settings.batchLimits });
    const last = options.crashAt?.(pass, result.actions.length) ?? result.actions.length;
    for (const action of result.actions.slice(0, last)) execute(account, action, observed.fresh);
    actions += Math.min(last, result.actions.length);
    if (last < result.actions.length) { crashes++; continue; }
    for (const s of result.statuses) {
      account.statuses.set(s.tenantId, s);
      const wanted = byId.get(s.tenantId)!;
      if (mayNoteSettled(s, wanted, observed.distributionTenants.find(t => t.name === s.tenantId), result.actions)) {
        account.noted.settled.set(s.tenantId, settledFingerprint(wanted));
      } else if (full) {
        account.noted.settled.delete(s.tenantId);
      }
    }
    for (const e of result.events) if (e.to === 'deleted') account.statuses.delete(e.tenantId);
    events.push(...result.events.map(e => ({ ...e, at: account.now })));
    // A page ends as the handler's message does (pageDone): a run that ended so while anything was
    // left to do would leave the fixpoint the tests compare against unreached.
    if (pageDone(result, open, observed.distributionTenants)) return { passes: pass + 1, crashes, actions, events };
    if (options.recheckAfterSeconds !== undefined) {
      account.sleep(recheckSoon(result, observed.distributionTenants) ? QUICK_RECHECK_SECONDS : options.recheckAfterSeconds);
      continue;
    }
    if (result.actions.length > 0) { idle = 0; continue; }
    // Nothing to do: wait for what is in flight (a deploy, a change batch, a certificate). Reading takes time too: what settled while it read is seen by one more pass. A tenant that
    // waits on its partner (its DNS elsewhere) waits for ever here, and the run ends.
    const next = account.nextSettle();
    if (next === undefined) {
      if (++idle >= 2) return { passes: pass + 1, crashes, actions, events };
    } else {
      idle = 0;
      account.sleep(next - account.now);
    }
  }
  throw new Error('the reconciler found no fixpoint');
}

/**
 * One action, paced to its API's limits (the handler's client-side limiter); "already exists" is
 * done. A change to a distribution tenant reads it first, unless the pass read it (`fresh`) and no
 * earlier action changed it: one call, or two.
 */
export function execute(account: SimAccount, action: Action, fresh: Set<string> = new Set()): void {
  const api = action.kind === 'changeRecords' ? 'route53' : 'cloudFront';
  const changes = action.kind === 'changeRecords' ? action.changes.length : 0;
  const subject = action.kind === 'moveDomain' ? action.to : 'tenantId' in action ? action.tenantId : undefined;
  const readFirst = action.kind !== 'createTenant' && action.kind !== 'changeRecords' && !(subject !== undefined && fresh.has(subject));
  if (subject !== undefined) fresh.delete(subject);
  if (action.kind === 'moveDomain') fresh.delete(action.from);
  account.sleep(account.waitFor(api, readFirst ? 2 : 1, changes));
  try {
    account.apply(action, readFirst);
  } catch (e) {
    if ((e as Error).name !== 'EntityAlreadyExists') throw e;
  }
}
