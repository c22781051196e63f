// The control plane's benchmark: the reconciler imports 1,000 / 100,000 / 1,000,000 tenants into a
// simulated account that throttles as AWS documents (test/control-plane/sim), each size in a
// process of its own, so its peak memory is its own. Tenants stream in windows: the store is read
// a window at a time and a finished window is dropped, as the reconciler pages through DynamoDB.
// `npm run bench:control-plane` (all sizes) or `npm run bench:control-plane -- 100000`.
import { spawnSync } from 'child_process';
import { DesiredTenant } from '../../src/control-plane/reconcile';
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
/** The reconciler function's memory, and the size of a tenant's item (desired + observed + status). */
const LAMBDA_GB = 0.5;
const ITEM_KB = 1;
/** Drift sweep: the whole store is reconciled against AWS once a day in steady state. */
const SWEEPS_PER_MONTH = 30;

function* windows(total: number): Generator<DesiredTenant[]> {
  for (let start = 0; start < total; start += WINDOW) {
    const n = Math.min(WINDOW, total - start);
    yield Array.from({ length: n }, (_, i) => {
      const id = `t${start + i}`;
      return { tenant: { id, domainNames: [`${id}.example.com`, `www.${id}.example.com`] } };
    });
  }
}

interface Measured {
  readonly tenants: number;
  readonly simulatedSeconds: number;
  readonly impliedSeconds: number;
  readonly calls: { [api: string]: number };
  readonly events: number;
  readonly passes: number;
  readonly maxRssMb: number;
}

/** One size, in this process. */
function measure(total: number): Measured {
  const account = new SimAccount();
  let events = 0;
  let passes = 0;
  let recordChanges = 0;
  for (const window of windows(total)) {
    const result = run(account, window);
    events += result.events.length;
    passes += result.passes;
    const failed = [...account.statuses.values()].filter(s => s.status !== 'active');
    if (failed.length > 0 || account.refusals.length > 0 || account.throttled > 0) {
      throw new Error(`window at ${window[0].tenant.id}: ${failed.length} not active, refusals ${account.refusals.slice(0, 3)}, throttled ${account.throttled}`);
    }
    recordChanges += window.reduce((n, d) => n + d.tenant.domainNames.length, 0);
    account.forget(window.map(d => d.tenant.id), window.flatMap(d => d.tenant.domainNames));
  }
  const calls = Object.fromEntries(account.calls);
  const route53 = (calls.ChangeResourceRecordSets ?? 0) + (calls.ListResourceRecordSets ?? 0);
  const cloudFront = Object.entries(calls).filter(([name]) => !['ChangeResourceRecordSets', 'ListResourceRecordSets'].includes(name))
    .reduce((n, [, c]) => n + c, 0);
  const s = DEFAULT_SETTINGS;
  const implied = Math.max(
    (cloudFront - s.cloudFrontRequests.burst) / s.cloudFrontRequests.rate,
    (route53 - s.route53Requests.burst) / s.route53Requests.rate,
    (recordChanges - s.route53Changes.burst) / s.route53Changes.rate,
  );
  return {
    tenants: total,
    simulatedSeconds: account.now,
    impliedSeconds: Math.max(0, implied),
    calls,
    events,
    passes,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

/** From `add` to routed (distribution tenant deployed, records INSYNC), and to the certificate issued, on a quiet account. */
function onboarding(validation: string): { routed: number; active: number } {
  const account = new SimAccount();
  const tenant = { id: 'acme', domainNames: ['acme.example.com'], certificateValidation: validation };
  const events = run(account, [{ tenant }]).events;
  const at = (status: string) => events.find(e => e.to === status)?.at ?? NaN;
  return { routed: Math.min(at('validating'), at('active')) || at('active'), active: at('active') };
}

function cost(m: Measured) {
  const n = m.tenants;
  const apiCalls = Object.values(m.calls).reduce((a, b) => a + b, 0);
  // Import: one write of the desired item, one per status event, one observed-state write per action pass.
  const importWrites = n + m.events + n * 2;
  const importReads = n * Math.ceil(m.passes / Math.ceil(n / WINDOW));
  const importLambdaSeconds = m.simulatedSeconds; // one paced invocation at a time, billed while it waits
  const importMessages = Math.ceil(n / WINDOW) * Math.ceil(m.passes / Math.ceil(n / WINDOW)) * 3; // send, receive, delete
  const importCost = importWrites / 1e6 * PRICE.dynamoWritePerMillion + importReads / 1e6 * PRICE.dynamoReadPerMillion
    + importLambdaSeconds * LAMBDA_GB * PRICE.lambdaPerGbSecond + importMessages / 1e6 * (PRICE.sqsPerMillion + PRICE.lambdaPerMillionRequests)
    + m.events / 1e6 * PRICE.eventBridgePerMillion;
  // Steady state: storage, and a daily sweep that reads every item and lists AWS in pages (its API calls paced as in the import's observation).
  const storageGb = n * ITEM_KB / 1024 / 1024;
  const sweepReads = n * SWEEPS_PER_MONTH;
  const listCalls = (Math.ceil(n / 100) + Math.ceil(2 * n / 300)) * SWEEPS_PER_MONTH;
  const sweepSeconds = listCalls / DEFAULT_SETTINGS.cloudFrontRequests.rate;
  const monthly = storageGb * PRICE.dynamoStoragePerGbMonth + sweepReads / 1e6 * PRICE.dynamoReadPerMillion
    + sweepSeconds * LAMBDA_GB * PRICE.lambdaPerGbSecond;
  return { apiCallsPerTenant: apiCalls / n, importCost, monthly };
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
  for (const validation of ['cloudfront', 'self-hosted']) {
    const o = onboarding(validation);
    console.log(`add -> routed (deployed, records INSYNC; certificate apart), ${validation} validation: ${duration(o.routed)}; -> active (certificate issued): ${duration(o.active)}`);
  }
  console.log('| tenants | import, simulated | limits imply | API calls / tenant | import cost | control plane / month | max RSS |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|');
  for (const n of only ? [Number(only)] : SIZES) {
    const child = spawnSync('npx', ['ts-node', '-T', '--project', 'tsconfig.dev.json', __filename, '--measure', String(n)], {
      encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=1024' },
    });
    if (child.status !== 0) throw new Error(`size ${n}: ${child.stderr}`);
    const m = JSON.parse(child.stdout) as Measured;
    const c = cost(m);
    console.log(`| ${n.toLocaleString('en-US')} | ${duration(m.simulatedSeconds)} | ${duration(m.impliedSeconds)} | ${c.apiCallsPerTenant.toFixed(2)} | ` +
      `$${c.importCost.toFixed(2)} | $${c.monthly.toFixed(2)} | ${m.maxRssMb.toFixed(0)} MB |`);
    console.log(`    calls: ${Object.entries(m.calls).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  }
}

main();
