// The control plane's benchmark: the reconciler imports 1,000 / 100,000 / 1,000,000 tenants into a
// simulated account that throttles as AWS documents (test/control-plane/sim), then sweeps the
// settled store for drift as the handler's drift sweep does, each size in a process of its own, so
// its peak memory is its own. Tenants stream in windows: the store is read a window (or a sweep's
// page) at a time and a finished one is dropped, as the reconciler pages through DynamoDB.
// `npm run bench:control-plane` (all sizes) or `npm run bench:control-plane -- 100000`.
import { spawnSync } from 'child_process';
import { CLAIM_OWNER, claimKey } from '../../src/control-plane/domain-claims';
import { QUICK_RECHECK_SECONDS } from '../../src/control-plane/observation';
import { CONCURRENT_PASSES, DEFAULT_CLOUDFRONT_PER_SECOND, reconcilerTimeoutSeconds } from '../../src/control-plane/pacing';
import { DesiredTenant } from '../../src/control-plane/reconcile';
import { SWEEP_CHUNK, SWEEP_PAGE } from '../../src/control-plane/reconciler.lambda';
import { DEFAULT_SETTINGS, SimAccount } from '../../test/control-plane/sim/account';
import { run } from '../../test/control-plane/sim/driver';

const SIZES = [1_000, 100_000, 1_000_000];
/** Tenants reconciled together: the page of the store a reconciler invocation works through. */
const WINDOW = 2_000;

/**
 * Prices, us-east-1, from the pricing pages (https://aws.amazon.com/dynamodb/pricing/on-demand/,
 * https://aws.amazon.com/lambda/pricing/, https://aws.amazon.com/sqs/pricing/,
 * https://aws.amazon.com/eventbridge/pricing/), as published in 2026 (DynamoDB's since its
 * November 2024 on-demand price cut). Free tiers are left out.
 */
const PRICE = {
  dynamoWritePerMillion: 0.625,
  dynamoReadPerMillion: 0.125,
  dynamoStoragePerGbMonth: 0.25,
  lambdaPerMillionRequests: 0.2,
  lambdaPerGbSecond: 0.0000166667,
  sqsPerMillion: 0.4,
  eventBridgePerMillion: 1.0,
};
/**
 * The reconciler's memory billed while it works: CONCURRENT_PASSES passes of 256 MB, each at its
 * share of the pace (the simulation runs one at the whole pace: the same calls, the same time).
 * And the size of a tenant's item (desired + observed + status).
 */
const LAMBDA_GB = CONCURRENT_PASSES * 0.25;
const ITEM_KB = 1;
/** The drift sweep's schedule: `sweepEvery`'s default (src/control-plane/tenant-control-plane.ts). */
const SWEEP_EVERY_SECONDS = 6 * 3600;
const MONTH_SECONDS = 30 * 86_400;

/**
 * DynamoDB request units ("Amazon DynamoDB pricing for on-demand capacity", key terms,
 * https://aws.amazon.com/dynamodb/pricing/on-demand/; "DynamoDB read and write operations",
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html):
 * a write of an item up to 1 KB is one write unit, two in a transaction (TransactWriteItems); a
 * strongly consistent read of up to 4 KB one read unit, an eventually consistent one half.
 */
const TRANSACTIONAL_WRITE_UNITS = 2;
const EVENTUALLY_CONSISTENT_READ_UNITS = 0.5;

/** The bench's i-th tenant: two domains, as a tenants file's plain entry. */
function tenantAt(i: number): DesiredTenant {
  const id = `t${i}`;
  return { tenant: { id, domainNames: [`${id}.example.com`, `www.${id}.example.com`] } };
}

function* windows(total: number): Generator<DesiredTenant[]> {
  for (let start = 0; start < total; start += WINDOW) {
    yield Array.from({ length: Math.min(WINDOW, total - start) }, (_, i) => tenantAt(start + i));
  }
}

/**
 * The drift sweep's steps, each as the pages it queues, as the handler cuts them: a step scans
 * SWEEP_CHUNK items of the table and queues their tenants in pages of SWEEP_PAGE. A Scan's `Limit`
 * counts the items it reads before its filter drops the domain claims ("Scan", Amazon DynamoDB API
 * Reference, https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Scan.html), so a
 * step of a store whose tenants hold two domains each (three items a tenant) queues about 67
 * tenants. Store order here: each tenant's item, then its claims (the table's hash order mixes
 * them alike on average).
 */
function* sweepSteps(total: number): Generator<DesiredTenant[][]> {
  let step: DesiredTenant[] = [];
  let item = 0; // the next item's place in the table
  const flush = () => {
    const pages: DesiredTenant[][] = [];
    for (let i = 0; i < step.length; i += SWEEP_PAGE) pages.push(step.slice(i, i + SWEEP_PAGE));
    step = [];
    return pages;
  };
  for (let i = 0; i < total; i++) {
    const tenant = tenantAt(i);
    if (item >= SWEEP_CHUNK) {
      yield flush();
      item -= SWEEP_CHUNK;
    }
    step.push(tenant);
    item += 1 + tenant.tenant.domainNames.length;
  }
  for (; item > SWEEP_CHUNK; item -= SWEEP_CHUNK) yield flush(); // steps over the last tenants' claims
  yield flush();
}

/** What a sweep of the settled store took. */
interface Sweep {
  readonly seconds: number;
  readonly impliedSeconds: number;
  readonly calls: { [api: string]: number };
  readonly steps: number;
  readonly pages: number;
  /** Tenant items read (BatchGetItem, one per tenant per pass). */
  readonly storeReads: number;
}

interface Measured {
  readonly tenants: number;
  /** Domains of all tenants: one claim item each. */
  readonly domains: number;
  /** The claim items' size (attribute names and values, as DynamoDB sizes an item). */
  readonly claimBytes: number;
  readonly simulatedSeconds: number;
  readonly impliedSeconds: number;
  readonly calls: { [api: string]: number };
  readonly events: number;
  readonly passes: number;
  readonly sweep: Sweep;
  readonly maxRssMb: number;
}

/** Seconds the calls take at the account's rates, past the first burst. */
function implied(calls: { [api: string]: number }, recordChanges: number): number {
  const route53 = (calls.ChangeResourceRecordSets ?? 0) + (calls.ListResourceRecordSets ?? 0);
  const cloudFront = Object.entries(calls).filter(([name]) => !['ChangeResourceRecordSets', 'ListResourceRecordSets'].includes(name))
    .reduce((n, [, c]) => n + c, 0);
  const s = DEFAULT_SETTINGS;
  return Math.max(0,
    (cloudFront - s.cloudFrontRequests.burst) / s.cloudFrontRequests.rate,
    (route53 - s.route53Requests.burst) / s.route53Requests.rate,
    (recordChanges - s.route53Changes.burst) / s.route53Changes.rate,
  );
}

/**
 * The drift sweep over the settled store, page after page in store order: each page is brought
 * back as the import left it, passed through full (every tenant and certificate read, no note
 * trusted), and dropped. A settled store has no drift: an action or an event is a bug.
 */
function sweep(account: SimAccount, total: number): Sweep {
  account.calls.clear();
  const start = account.now;
  let steps = 0;
  let pages = 0;
  let storeReads = 0;
  for (const step of sweepSteps(total)) {
    steps++;
    for (const page of step) {
      pages++;
      account.restore(page);
      const result = run(account, page, { full: true });
      storeReads += result.passes * page.length;
      if (result.actions > 0 || result.events.length > 0 || account.refusals.length > 0 || account.throttled > 0) {
        throw new Error(`sweep page at ${page[0].tenant.id}: ${result.actions} actions, ${result.events.length} events, refusals ${account.refusals.slice(0, 3)}, throttled ${account.throttled}`);
      }
      account.forget(page.map(d => d.tenant.id), page.flatMap(d => d.tenant.domainNames));
    }
  }
  const calls = Object.fromEntries(account.calls);
  return { seconds: account.now - start, impliedSeconds: implied(calls, 0), calls, steps, pages, storeReads };
}

/** One size, in this process. */
function measure(total: number): Measured {
  const account = new SimAccount();
  let events = 0;
  let passes = 0;
  let domains = 0;
  let claimBytes = 0;
  for (const window of windows(total)) {
    const result = run(account, window);
    events += result.events.length;
    passes += result.passes;
    const failed = [...account.statuses.values()].filter(s => s.status !== 'active');
    if (failed.length > 0 || account.refusals.length > 0 || account.throttled > 0) {
      throw new Error(`window at ${window[0].tenant.id}: ${failed.length} not active, refusals ${account.refusals.slice(0, 3)}, throttled ${account.throttled}`);
    }
    for (const { tenant } of window) {
      domains += tenant.domainNames.length;
      for (const d of tenant.domainNames) claimBytes += 'id'.length + claimKey(d).length + CLAIM_OWNER.length + tenant.id.length;
    }
    account.forget(window.map(d => d.tenant.id), window.flatMap(d => d.tenant.domainNames));
  }
  const calls = Object.fromEntries(account.calls);
  const simulatedSeconds = account.now;
  return {
    tenants: total,
    domains,
    claimBytes,
    simulatedSeconds,
    impliedSeconds: implied(calls, domains),
    calls,
    events,
    passes,
    sweep: sweep(account, total),
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

/**
 * From `add` to routed (distribution tenant deployed, records INSYNC), and to the certificate
 * issued, on a quiet account: passes wait as the handler's queue makes them (`recheckAfterSeconds`),
 * or, unset, exactly until what is in flight settles (the least the account allows).
 */
function onboarding(validation: string, recheckAfterSeconds?: number): { routed: number; active: number } {
  const account = new SimAccount();
  const tenant = { id: 'acme', domainNames: ['acme.example.com'], certificateValidation: validation };
  const events = run(account, [{ tenant }], { recheckAfterSeconds }).events;
  const at = (status: string) => events.find(e => e.to === status)?.at ?? NaN;
  return { routed: Math.min(at('validating'), at('active')) || at('active'), active: at('active') };
}

/**
 * The store adopting template tenants handed off (`handOff`), each distribution tenant found with
 * the settings the store wants: what it costs and how long it takes.
 */
function handOff(total: number): { seconds: number; calls: { [api: string]: number } } {
  const account = new SimAccount();
  const handed = Array.from({ length: total }, (_, i) => {
    const { tenant } = tenantAt(i);
    return { tenant: { ...tenant, externalDns: true, adoptFrom: { distributionTenantId: `dt_${String(i).padStart(12, '0')}` } } };
  });
  account.handOver(handed, true);
  run(account, handed);
  return { seconds: account.now, calls: Object.fromEntries(account.calls) };
}

/**
 * Sweeps a month: the schedule fires every SWEEP_EVERY_SECONDS and a tick while a sweep runs is
 * skipped (its `sweep#running` item), so a sweep longer than that starts again at the first tick
 * after it ends: 30 days over its duration rounded up to the schedule.
 */
function sweepsPerMonth(sweepSeconds: number): number {
  return MONTH_SECONDS / (Math.max(1, Math.ceil(sweepSeconds / SWEEP_EVERY_SECONDS)) * SWEEP_EVERY_SECONDS);
}

function cost(m: Measured) {
  const n = m.tenants;
  const apiCalls = Object.values(m.calls).reduce((a, b) => a + b, 0);
  // Import: `sync` (or `add --store`) writes each tenant's item with a claim item per domain in one
  // transaction (two write units an item); then one write per status event, one observed-state
  // write per action pass, a read per tenant per pass.
  const claimWrites = (n + m.domains) * TRANSACTIONAL_WRITE_UNITS;
  const importWrites = claimWrites + m.events + n * 2;
  const importReads = n * Math.ceil(m.passes / Math.ceil(n / WINDOW));
  const importLambdaSeconds = m.simulatedSeconds; // one paced invocation at a time, billed while it waits
  const importMessages = Math.ceil(n / WINDOW) * Math.ceil(m.passes / Math.ceil(n / WINDOW)) * 3; // send, receive, delete
  const importCost = importWrites / 1e6 * PRICE.dynamoWritePerMillion + importReads / 1e6 * PRICE.dynamoReadPerMillion
    + importLambdaSeconds * LAMBDA_GB * PRICE.lambdaPerGbSecond + importMessages / 1e6 * (PRICE.sqsPerMillion + PRICE.lambdaPerMillionRequests)
    + m.events / 1e6 * PRICE.eventBridgePerMillion;
  // A sweep of the settled store: each step scans SWEEP_CHUNK items (eventually consistent, 4 KB
  // units of what it reads, claims too) and sends its pages and the next step in one
  // SendMessageBatch (the first step comes from the schedule); each message is received, runs the
  // function once and is deleted; a page's pass reads its items consistently (BatchGetItem,
  // ConsistentRead) and, finding no drift, writes nothing; the sweep's item is put and deleted;
  // the function is billed while it paces its CloudFront calls, the whole sweep long.
  const s = m.sweep;
  const tableBytes = n * ITEM_KB * 1024 + m.claimBytes;
  const scanReads = s.steps * Math.ceil(tableBytes / s.steps / 4096) * EVENTUALLY_CONSISTENT_READ_UNITS;
  const messages = s.steps + s.pages;
  const perSweep = (scanReads + s.storeReads) / 1e6 * PRICE.dynamoReadPerMillion + 2 / 1e6 * PRICE.dynamoWritePerMillion
    + (2 * messages + s.steps) / 1e6 * PRICE.sqsPerMillion + messages / 1e6 * PRICE.lambdaPerMillionRequests
    + s.seconds * LAMBDA_GB * PRICE.lambdaPerGbSecond;
  const sweeps = sweepsPerMonth(s.seconds);
  // A month in steady state: the items stored (tenants and their claims) and the sweeps.
  const monthly = tableBytes / 2 ** 30 * PRICE.dynamoStoragePerGbMonth + sweeps * perSweep;
  return { apiCallsPerTenant: apiCalls / n, importCost, monthly, perSweep, sweeps };
}

function duration(seconds: number): string {
  if (seconds < 120) return `${seconds.toFixed(0)} s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(1)} min`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} days`;
}

function main() {
  const [only] = process.argv.slice(2);
  if (only === '--measure') {
    process.stdout.write(JSON.stringify(measure(Number(process.argv[3]))));
    return;
  }
  const s = DEFAULT_SETTINGS;
  console.log('Control plane, simulated account (CloudFront API %d/s burst %d [a setting: unpublished]; Route 53 %d req/s burst %d; %d record changes/s [a setting]; ' +
    'tenant deploy %d s, DNS INSYNC %d s, certificate %d s [settings])', s.cloudFrontRequests.rate, s.cloudFrontRequests.burst,
  s.route53Requests.rate, s.route53Requests.burst, s.route53Changes.rate, s.tenantDeploySeconds, s.dnsPropagationSeconds, s.certificateSeconds);
  const recheckAfter = Math.max(120, reconcilerTimeoutSeconds(DEFAULT_CLOUDFRONT_PER_SECOND));
  for (const validation of ['cloudfront', 'self-hosted']) {
    const least = onboarding(validation);
    const queued = onboarding(validation, recheckAfter);
    console.log(`add -> routed (deployed, records INSYNC; certificate apart), ${validation} validation: ${duration(queued.routed)} ` +
      `(the account's least ${duration(least.routed)}); -> active (certificate issued): ${duration(queued.active)} (least ${duration(least.active)}); ` +
      `passes ${QUICK_RECHECK_SECONDS} s apart while deploys and DNS settle, ${recheckAfter} s (recheckAfter's default) while only a certificate validates`);
  }
  const HANDED_OFF = 1_000;
  const adopted = handOff(HANDED_OFF);
  const adoptionCalls = Object.values(adopted.calls).reduce((x, y) => x + y, 0);
  console.log(`hand-off: the store adopts ${HANDED_OFF.toLocaleString('en-US')} template tenants in ${duration(adopted.seconds)}, ` +
    `${(adoptionCalls / HANDED_OFF).toFixed(2)} CloudFront calls a tenant (${Object.entries(adopted.calls).map(([k, v]) => `${k} ${v}`).join(', ')})`);
  console.log('Cost: us-east-1 prices; import with each tenant\'s item and its domain claims written in one transaction (2 write units an item); ' +
    'control plane / month = storage (tenant items and claims) + drift sweeps every %d h (sweepEvery\'s default): %d a month, or, when a sweep ' +
    'takes longer, 30 days / its measured duration rounded up to %d h (a tick during a sweep is skipped)', SWEEP_EVERY_SECONDS / 3600,
  MONTH_SECONDS / SWEEP_EVERY_SECONDS, SWEEP_EVERY_SECONDS / 3600);
  const rows: string[] = [];
  const sweepRows: string[] = [];
  for (const n of only ? [Number(only)] : SIZES) {
    const child = spawnSync('npx', ['ts-node', '-T', '--project', 'tsconfig.dev.json', __filename, '--measure', String(n)], {
      encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=1024' },
    });
    if (child.status !== 0) throw new Error(`size ${n}: ${child.stderr}`);
    const m = JSON.parse(child.stdout) as Measured;
    const c = cost(m);
    const sweepCalls = Object.values(m.sweep.calls).reduce((a, b) => a + b, 0);
    const size = n.toLocaleString('en-US');
    rows.push(`| ${size} | ${duration(m.simulatedSeconds)} | ${duration(m.impliedSeconds)} | ${c.apiCallsPerTenant.toFixed(2)} | ` +
      `$${c.importCost.toFixed(2)} | $${c.monthly.toFixed(2)} | ${m.maxRssMb.toFixed(0)} MB |`,
    `    import calls: ${Object.entries(m.calls).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    sweepRows.push(`| ${size} | ${duration(m.sweep.seconds)} | ${duration(m.sweep.impliedSeconds)} | ${(sweepCalls / n).toFixed(2)} | ` +
      `${m.sweep.seconds > SWEEP_EVERY_SECONDS ? 'no: back to back' : 'yes'} | ${c.sweeps.toFixed(1)} | $${c.perSweep.toFixed(3)} |`,
    `    sweep calls: ${Object.entries(m.sweep.calls).map(([k, v]) => `${k} ${v}`).join(', ')}; ${m.sweep.steps} steps, ${m.sweep.pages} pages`);
  }
  console.log('| tenants | import, simulated | limits imply | API calls / tenant | import cost | control plane / month | max RSS |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) console.log(row);
  console.log('| tenants | sweep, simulated | limits imply | CloudFront calls / tenant | within %d h | sweeps / month | cost / sweep |', SWEEP_EVERY_SECONDS / 3600);
  console.log('|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of sweepRows) console.log(row);
}

main();
