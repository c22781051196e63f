// Synthesis and deploy-cost benchmark: the gateway at 100, 1,000 and 10,000 tenants against three
// floors of bare L1 resources: two of the same distributions and records (one CfnDistribution per
// 100 domains, one nested stack per distribution, and per domain either an A and an AAAA
// CfnRecordSet, or an A and an AAAA alias in the shard's one CfnRecordSetGroup), and the gateway's
// own templates rebuilt as bare L1s (scripts/bench/replay.ts), which sets the gateway's construct
// logic apart from what its templates hold. Prints markdown tables; `--json` prints the figures as JSON.
//
//   npm run bench [-- --sizes 100,1000,10000,50000] [--runs 3] [--json] [--cpu-prof <dir>]
//                 [--cdk-lib latest|<version>] [--route53-rate 5]
//
// Each case runs in a fresh child process (scripts/bench/case.ts) so that peak memory is the
// case's own and no case warms another's caches. With --runs N every case runs N times,
// interleaved, and the run with the least CPU time counts (the measure the targets judge): other
// load on the machine only ever adds time.
//
// The deploy figures are read from the synthesized templates (scripts/bench/deploy.ts), so they
// follow whatever the gateway emits; the onboarding figures diff the templates of N and N + 1
// tenants. --cdk-lib installs that aws-cdk-lib into a scratch folder once and runs the cases on
// it (scripts/bench/cdk-lib.ts); the report names the version the cases loaded.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { CaseFailure, CaseKind, CaseResult } from './bench/case';
import { CDK_LIB_DIR_ENV, CdkLibChoice, prepareCdkLib } from './bench/cdk-lib';
import type { Changes, OnboardingFigures } from './bench/deploy';
import { summarizeProfile } from './bench/profile';

const ROOT = path.resolve(__dirname, '..');
// The replay floor runs after the gateway, whose templates it rebuilds.
const KINDS: CaseKind[] = ['floor', 'floor-grouped', 'gateway', 'floor-replay'];
const LABEL: Record<CaseKind, string> = {
  'floor': 'floor (bare L1s, RecordSet per record)',
  'floor-grouped': 'floor (bare L1s, RecordSetGroup per shard)',
  'gateway': 'MultiTenantGateway',
  'floor-replay': "floor (the gateway's templates as bare L1s)",
};

// The targets the gateway is held to (at the largest size measured). Time targets compare CPU
// time (every thread of the case's process): unlike wall time it does not grow with other load on
// the machine. Synthesis itself is single-threaded; the newest aws-cdk-lib's template validator
// and the garbage collector add work on other threads, which CPU time counts and wall time hides.
const MAX_TIME_VS_FLOOR = 1.5;
const MAX_PEAK_RSS_BYTES = 2e9;
const MAX_PER_TENANT_GROWTH = 1.5;
// ... and at 10,000 tenants, and at every size for the deploy figures.
const AT = 10_000;
const MAX_TIME_VS_GROUPED_FLOOR = 1.2;
const MAX_PEAK_RSS_BYTES_AT = 1e9;
const MAX_ROUTE53_CHANGES_PER_SHARD = 2;
const MAX_ROUTE53_CHANGES_PER_ONBOARDING = 1;

interface Options {
  readonly sizes: number[];
  readonly runs: number;
  readonly json: boolean;
  readonly cpuProfDir?: string;
  /** The aws-cdk-lib to run the cases on: a version, a dist-tag or a range; the project's own by default. */
  readonly cdkLib?: string;
  /** Route 53 change requests per second, for the lower bound of the first deploy's DNS time. */
  readonly route53Rate: number;
}

type Failure = CaseFailure;

interface Target {
  readonly name: string;
  readonly value: string;
  /** undefined: not judged (what it compares with failed). */
  readonly met: boolean | undefined;
}

function parseArgs(argv: string[]): Options {
  let sizes = [100, 1_000, 10_000];
  let runs = 1;
  let json = false;
  let cpuProfDir: string | undefined;
  let cdkLib: string | undefined;
  let route53Rate = 5;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--json') {
      json = true;
    } else if (flag === '--sizes') {
      sizes = value().split(',').map(s => Number(s.replace(/_/g, '')));
      if (sizes.length === 0 || sizes.some(n => !Number.isInteger(n) || n < 1)) {
        throw new Error('--sizes takes positive whole numbers separated by commas, e.g. --sizes 100,1000');
      }
    } else if (flag === '--runs') {
      runs = Number(value());
      if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a positive whole number');
    } else if (flag === '--cpu-prof') {
      cpuProfDir = path.resolve(value());
    } else if (flag === '--cdk-lib') {
      cdkLib = value();
    } else if (flag === '--route53-rate') {
      route53Rate = Number(value());
      if (!(route53Rate > 0)) throw new Error('--route53-rate takes a positive number of requests per second');
    } else {
      throw new Error(`unknown argument ${argv[i]} (use --sizes 100,1000, --runs 3, --json, --cpu-prof <dir>, ` +
        '--cdk-lib latest, --route53-rate 5)');
    }
  }
  return { sizes: [...new Set(sizes)].sort((a, b) => a - b), runs, json, cpuProfDir, cdkLib, route53Rate };
}

/** The kernel's high-water mark of a running process's memory, where the platform tells. */
function peakRssOf(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs one case in a fresh Node process, synthesizing into a temp directory it then deletes. A
 * case that dies without reporting (out of memory, say) still gets the peak memory this process
 * watched it reach.
 */
async function runCase(kind: CaseKind, tenants: number, profile: string | undefined, flags: string[],
  cdkLib: CdkLibChoice): Promise<CaseResult | Failure> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${kind}-${tenants}-`));
  const nodeArgs = profile ? ['--cpu-prof', `--cpu-prof-dir=${path.dirname(profile)}`, `--cpu-prof-name=${path.basename(profile)}`] : [];
  const env = { ...process.env };
  delete env[CDK_LIB_DIR_ENV];
  if (cdkLib.dir) env[CDK_LIB_DIR_ENV] = cdkLib.dir;
  try {
    // --transpile-only: type-checking would add ~15 s and ~500 MB to every child, skewing peak memory.
    const child = spawn(process.execPath, [
      ...nodeArgs, require.resolve('ts-node/dist/bin'), '--transpile-only', '--project', 'tsconfig.dev.json',
      path.join('scripts', 'bench', 'case.ts'), kind, String(tenants), outdir, ...flags,
    ], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => { stdout += s; });
    child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
    let watchedPeak = 0;
    const watch = setInterval(() => { watchedPeak = Math.max(watchedPeak, peakRssOf(child.pid ?? 0) ?? 0); }, 250);
    const started = Date.now();
    const [status, signal, spawnError] = await new Promise<[number | null, NodeJS.Signals | null, Error | undefined]>(resolve => {
      child.on('error', e => resolve([null, null, e]));
      child.on('close', (code, sig) => resolve([code, sig, undefined]));
    });
    clearInterval(watch);

    const last = stdout.trim().split('\n').pop() ?? '';
    if (last.startsWith('{')) {
      const reported = JSON.parse(last) as CaseResult | Failure;
      if (status === 0 || isFailure(reported)) return reported;
    }
    // Died without a word: the error is in stderr (Node's fatal errors print no "Error:" prefix).
    const lines = (spawnError?.message ?? stderr).split('\n').map(l => l.trim()).filter(l => l !== '');
    const why = lines.find(l => /^(FATAL ERROR|\w*Error\b)/.test(l)) ?? lines.pop() ?? `exit ${status ?? signal}`;
    return { kind, tenants, error: why, timeMs: Date.now() - started, peakRssBytes: watchedPeak || undefined };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function isFailure(r: CaseResult | Failure): r is Failure {
  return 'error' in r;
}

function isOnboarding(o: CaseResult['onboarding']): o is OnboardingFigures {
  return o !== undefined && !('error' in o);
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const megabytes = (bytes: number): string => `${Math.round(bytes / 1e6).toLocaleString('en-US')} MB`;
const count = (n: number): string => n.toLocaleString('en-US');
const ratio = (x: number): string => `${x.toFixed(2)}x`;
const range = (xs: number[], f: (x: number) => string): string =>
  (Math.min(...xs) === Math.max(...xs) ? f(xs[0]) : `${f(Math.min(...xs))}–${f(Math.max(...xs))}`);
/** A duration in seconds, in the unit that reads best. */
const duration = (s: number): string => (s < 10 ? `${Number(s.toFixed(1))} s` : s < 120 ? `${Math.round(s)} s`
  : s < 7200 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`);
const decimal = (x: number): string => Number(x.toFixed(2)).toLocaleString('en-US');
const plural = (n: number, what: string): string => `${count(n)} ${what}${n === 1 ? '' : 's'}`;
/** Markdown-safe table cell. */
const cell = (s: string): string => s.replace(/\|/g, '\\|');
const changes = (c: Changes): string => {
  const parts = ([['created', c.created], ['updated', c.updated], ['deleted', c.deleted]] as const).filter(([, n]) => n > 0);
  const total = c.created + c.updated + c.deleted;
  return total === 0 ? '0' : `${count(total)} (${parts.map(([what, n]) => `${count(n)} ${what}`).join(', ')})`;
};

function table(header: string[], align: ('l' | 'r')[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(align.map(a => (a === 'r' ? '---:' : '---'))), ...rows.map(line)].join('\n');
}

function failedAt(failures: Failure[], kind: CaseKind, tenants: number): Failure | undefined {
  return failures.find(f => f.kind === kind && f.tenants === tenants);
}

/** An error's first line, cut short for a table cell; the notes under the tables give it whole. */
const brief = (error: string, max = 160): string => (error.length <= max ? error : `${error.slice(0, max).trimEnd()}… (in full below)`);
const failedText = (f: Failure | undefined): string =>
  (f ? `failed${f.timeMs !== undefined ? ` after ${seconds(f.timeMs)}` : ''}: ${brief(f.error)}` : 'not measured');

/** Route 53 change requests per shard (per CloudFront distribution) at the first deploy. */
const perShard = (r: CaseResult): number => r.deploy.route53Changes / Math.max(1, r.deploy.distributions + r.deploy.distributionTenants);
const onboardingRoute53 = (o: OnboardingFigures): number => o.route53.created + o.route53.updated + o.route53.deleted;

/** The targets, judged where the sizes measured allow; a gateway that failed to synthesize misses them. */
function targets(results: Map<string, CaseResult>, failures: Failure[], sizes: number[]): Target[] {
  const out: Target[] = [];
  const versus = (tenants: number, floorKind: CaseKind, max: number): Target => {
    const name = `${count(tenants)} tenants: CPU time at most ${max}x the ${floorKind === 'floor' ? "floor's" : "grouped floor's"}`;
    const gw = results.get(`gateway-${tenants}`);
    const floor = results.get(`${floorKind}-${tenants}`);
    if (!gw) return { name, value: `the gateway ${failedAt(failures, 'gateway', tenants) ? 'failed' : 'was not measured'}`, met: false };
    if (!floor) return { name, value: `the floor ${failedAt(failures, floorKind, tenants) ? 'failed' : 'was not measured'}`, met: undefined };
    const r = gw.cpuMs / floor.cpuMs;
    return { name, value: `${ratio(r)} (wall time ${ratio(gw.timeMs / floor.timeMs)})`, met: r <= max };
  };
  const memory = (tenants: number, max: number): Target => {
    const name = `${count(tenants)} tenants: peak RSS under ${max / 1e9} GB`;
    const gw = results.get(`gateway-${tenants}`);
    if (gw) return { name, value: megabytes(gw.peakRssBytes), met: gw.peakRssBytes < max };
    const f = failedAt(failures, 'gateway', tenants);
    return { name, value: `the gateway ${f ? 'failed' : 'was not measured'}${f?.peakRssBytes ? `, peak ${megabytes(f.peakRssBytes)} by then` : ''}`, met: false };
  };

  const largest = sizes[sizes.length - 1];
  out.push(versus(largest, 'floor', MAX_TIME_VS_FLOOR));
  out.push(memory(largest, MAX_PEAK_RSS_BYTES));
  const small = results.get('gateway-1000');
  const big = results.get('gateway-10000');
  if (small && big) {
    const r = (big.cpuMs / big.tenants) / (small.cpuMs / small.tenants);
    out.push({
      name: `CPU time per tenant at 10,000 within ${MAX_PER_TENANT_GROWTH}x of that at 1,000`,
      value: `${(big.cpuMs / big.tenants).toFixed(2)} vs ${(small.cpuMs / small.tenants).toFixed(2)} ms = ${ratio(r)}`,
      met: r <= MAX_PER_TENANT_GROWTH,
    });
  }
  if (sizes.includes(AT)) {
    out.push(versus(AT, 'floor-grouped', MAX_TIME_VS_GROUPED_FLOOR));
    out.push(memory(AT, MAX_PEAK_RSS_BYTES_AT));
  }

  // The deploy figures at every size measured: the worst one counts (the largest size, on a tie).
  const gateways = sizes.flatMap(n => results.get(`gateway-${n}`) ?? []);
  const missing = sizes.filter(n => !results.has(`gateway-${n}`));
  const unmeasured = missing.length > 0 ? `; gateway failed at ${missing.map(count).join(', ')}` : '';
  const worstShard = gateways.reduce<CaseResult | undefined>((w, r) => (!w || perShard(r) >= perShard(w) ? r : w), undefined);
  out.push({
    name: `first deploy: at most ${MAX_ROUTE53_CHANGES_PER_SHARD} Route 53 change requests per shard`,
    value: worstShard
      ? `${decimal(perShard(worstShard))} (${count(worstShard.deploy.route53Changes)} for ` +
        `${plural(worstShard.deploy.distributions + worstShard.deploy.distributionTenants, 'distribution')} at ${count(worstShard.tenants)} tenants)${unmeasured}`
      : `not measured${unmeasured}`,
    met: worstShard !== undefined && missing.length === 0 && perShard(worstShard) <= MAX_ROUTE53_CHANGES_PER_SHARD,
  });
  const onboarded = gateways.filter(r => isOnboarding(r.onboarding));
  const notOnboarded = gateways.filter(r => !isOnboarding(r.onboarding)).map(r => r.tenants);
  const worstOnboarding = onboarded.reduce<CaseResult | undefined>((w, r) =>
    (!w || onboardingRoute53(r.onboarding as OnboardingFigures) >= onboardingRoute53(w.onboarding as OnboardingFigures) ? r : w), undefined);
  const onboardingGaps = `${unmeasured}${notOnboarded.length > 0 ? `; appending failed at ${notOnboarded.map(count).join(', ')}` : ''}`;
  out.push({
    name: `onboarding: at most ${MAX_ROUTE53_CHANGES_PER_ONBOARDING} Route 53 change request`,
    value: worstOnboarding
      ? `${onboardingRoute53(worstOnboarding.onboarding as OnboardingFigures)} (appending tenant ${count(worstOnboarding.tenants + 1)})${onboardingGaps}`
      : `not measured${onboardingGaps}`,
    met: worstOnboarding !== undefined && missing.length === 0 && notOnboarded.length === 0 &&
      onboardingRoute53(worstOnboarding.onboarding as OnboardingFigures) <= MAX_ROUTE53_CHANGES_PER_ONBOARDING,
  });
  return out;
}

function report(options: Options, results: Map<string, CaseResult>, failures: Failure[], met: Target[], load: number, cdkLib: CdkLibChoice): void {
  const rows: string[][] = [];
  for (const tenants of options.sizes) {
    for (const kind of KINDS) {
      const r = results.get(`${kind}-${tenants}`);
      const f = failedAt(failures, kind, tenants);
      rows.push(r
        ? [LABEL[kind], count(tenants), seconds(r.timeMs), seconds(r.cpuMs), `${(r.timeMs / tenants).toFixed(2)} ms`,
          megabytes(r.peakRssBytes), count(r.templates), count(r.maxResources), count(r.maxTemplateBytes)]
        : [LABEL[kind], count(tenants), cell(`**${failedText(f)}**`), '', '', f?.peakRssBytes ? megabytes(f.peakRssBytes) : '', '', '', '']);
    }
  }
  console.log(table(
    ['case', 'tenants', 'construct + synth', 'CPU time', 'per tenant', 'peak RSS', 'templates', 'most resources in a template', 'largest template (bytes)'],
    ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'], rows));

  const ratios = options.sizes.flatMap(tenants => {
    const gw = results.get(`gateway-${tenants}`);
    const floor = results.get(`floor-${tenants}`);
    const grouped = results.get(`floor-grouped-${tenants}`);
    const vs = (f: CaseResult | undefined, pick: (r: CaseResult) => number): string => (gw && f ? ratio(pick(gw) / pick(f)) : '');
    return gw && (floor || grouped)
      ? [[count(tenants), vs(floor, r => r.timeMs), vs(grouped, r => r.timeMs), vs(floor, r => r.cpuMs), vs(grouped, r => r.cpuMs),
        vs(floor, r => r.peakRssBytes), vs(grouped, r => r.peakRssBytes)]]
      : [];
  });
  if (ratios.length > 0) {
    console.log();
    console.log(table(['tenants', 'time, gateway / floor', 'time, gateway / grouped floor', 'CPU time, gateway / floor',
      'CPU time, gateway / grouped floor', 'peak RSS, gateway / floor', 'peak RSS, gateway / grouped floor'],
    ['r', 'r', 'r', 'r', 'r', 'r', 'r'], ratios));
  }

  // The replay floor splits the gap: what the gateway's templates cost as bare L1s against the
  // grouped floor, and what the gateway's construct logic adds on top of its own templates.
  const split = options.sizes.flatMap(tenants => {
    const gw = results.get(`gateway-${tenants}`);
    const grouped = results.get(`floor-grouped-${tenants}`);
    const replayed = results.get(`floor-replay-${tenants}`);
    if (!replayed) return [];
    const over = (a: CaseResult | undefined, b: CaseResult | undefined, pick: (r: CaseResult) => number): string =>
      (a && b ? ratio(pick(a) / pick(b)) : '');
    return [[count(tenants), over(replayed, grouped, r => r.cpuMs), over(gw, replayed, r => r.cpuMs),
      over(replayed, grouped, r => r.timeMs), over(gw, replayed, r => r.timeMs), over(gw, replayed, r => r.peakRssBytes)]];
  });
  if (split.length > 0) {
    console.log();
    console.log(table(['tenants', "CPU time, gateway's templates as bare L1s / grouped floor", 'CPU time, gateway / its templates as bare L1s',
      "time, gateway's templates as bare L1s / grouped floor", 'time, gateway / its templates as bare L1s', 'peak RSS, gateway / its templates as bare L1s'],
    ['r', 'r', 'r', 'r', 'r', 'r'], split));
  }

  const rate = options.route53Rate;
  const deployRows = options.sizes.flatMap(tenants => KINDS.flatMap(kind => {
    const r = results.get(`${kind}-${tenants}`);
    if (!r) return [[LABEL[kind], count(tenants), failedAt(failures, kind, tenants) ? '**failed** (above)' : 'not measured', '', '', '', '', '', '', '', '']];
    const d = r.deploy;
    const o = r.onboarding;
    const onboardingCells = isOnboarding(o)
      ? [`${o.templatesTouched.length}${o.templatesCreated.length > 0 ? ` (${o.templatesCreated.length} new)` : ''}`,
        changes(o.route53), changes(o.distributions)]
      : [o ? cell(`failed: ${brief(o.error, 100)}`) : 'not measured', '', ''];
    return [[LABEL[kind], count(tenants), count(d.resources), count(d.route53Changes), decimal(perShard(r)),
      `≥ ${duration(d.route53Changes / rate)}`, `${d.waves} (≤ ${d.widestWave} at once)`, count(d.edgeChangesAtOnce), ...onboardingCells]];
  }));
  if (deployRows.length > 0) {
    console.log();
    console.log(table(['case', 'tenants', 'CloudFormation resources', 'Route 53 changes, first deploy', 'per shard',
      `Route 53 time, first deploy (at ${rate}/s)`, 'nested-stack waves, first deploy', 'CloudFront changes at once, at most',
      'appending a tenant: templates touched', 'Route 53 changes', 'distributions created or updated'],
    ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'], deployRows));
    const validation = [...results.values()].filter(r => r.deploy.validationRecords > 0);
    console.log();
    console.log('Route 53 change requests: one per `AWS::Route53::RecordSet` and one per `AWS::Route53::RecordSetGroup`; ' +
      'per shard: per CloudFront distribution (or distribution tenant). Route 53 time is a lower bound: requests / rate. ' +
      'Appending a tenant: the templates of N and N + 1 tenants diffed resource by resource (a new logical id is a create, ' +
      'changed properties an update; nested templates matched by file name). ' +
      (validation.length === 0
        ? 'No case has DNS-validated certificates, so no validation records.'
        : `DNS-validated certificates add validation records: ${validation.map(r => `${LABEL[r.kind]} at ${count(r.tenants)}: ` +
          `${count(r.deploy.validationRecords)}`).join('; ')}.`));
  }

  if (met.length > 0) {
    console.log();
    console.log(table(['target', 'measured', 'met'], ['l', 'l', 'l'],
      met.map(t => [t.name, cell(t.value), t.met === undefined ? 'not judged' : t.met ? 'yes' : '**no**'])));
  }

  const all = [...results.values()];
  console.log();
  if (all.length > 0) {
    console.log(`Each case runs in a fresh Node process${options.runs > 1 ? `, ${options.runs} times (the run with the least CPU time shown)` : ''}. ` +
      'Timed: constructing the app and `app.synth()` only; loading modules and transpiling TypeScript ' +
      `(ts-node --transpile-only, ${range(all.map(r => r.startupMs), seconds)} per case) is excluded. ` +
      `Peak RSS is the process's high-water mark, including ${range(all.map(r => r.startRssBytes), megabytes)} for loaded modules.`);
  }
  const cpus = os.cpus();
  const seen = [...new Set([...all.map(r => r.cdkLibVersion), ...failures.flatMap(f => f.cdkLibVersion ?? [])])];
  const constructs = [...new Set(all.map(r => r.constructsVersion))];
  console.log(`Node ${process.version}, aws-cdk-lib ${seen.length > 0 ? seen.join(' and ') : cdkLib.version} as the cases loaded it ` +
    `(${cdkLib.dir ? `\`--cdk-lib ${options.cdkLib}\`, from the scratch folder` : "the project's own"}` +
    `${constructs.length > 0 ? `; constructs ${constructs.join(' and ')}` : ''}), ` +
    `${cpus[0]?.model.trim() ?? 'unknown CPU'} (${cpus.length} cores).`);
  if (load > cpus.length / 2) {
    console.log(`\n**The machine was busy** (load average up to ${load.toFixed(1)} on ${cpus.length} cores): ` +
      'wall times are inflated; compare CPU times, or rerun with `--runs 3`.');
  }
  for (const f of failures) {
    console.log(`\n**${LABEL[f.kind]} at ${count(f.tenants)} tenants failed**` +
      `${f.timeMs !== undefined ? ` after ${seconds(f.timeMs)}` : ''}${f.peakRssBytes ? `, peak RSS ${megabytes(f.peakRssBytes)}` : ''}: ${f.error}`);
  }
  for (const r of all) {
    if (r.onboarding && !isOnboarding(r.onboarding)) {
      console.log(`\n**${LABEL[r.kind]}: appending tenant ${count(r.tenants + 1)} failed:** ${r.onboarding.error}`);
    }
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  if (options.cpuProfDir) fs.mkdirSync(options.cpuProfDir, { recursive: true });
  const cdkLib: CdkLibChoice = options.cdkLib
    ? prepareCdkLib(options.cdkLib, ROOT)
    : { version: (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'aws-cdk-lib', 'package.json'), 'utf8')) as { version: string }).version };

  let load = os.loadavg()[0];
  const results = new Map<string, CaseResult>();
  const profiles = new Map<string, string>();
  const failures: Failure[] = [];
  for (const tenants of options.sizes) {
    // The gateway's templates, kept for the replay floor to rebuild.
    const templates = fs.mkdtempSync(path.join(os.tmpdir(), `bench-templates-${tenants}-`));
    for (let run = 1; run <= options.runs; run++) {
      for (const kind of KINDS) {
        const key = `${kind}-${tenants}`;
        if (failedAt(failures, kind, tenants)) continue;
        if (kind === 'floor-replay' && failedAt(failures, 'gateway', tenants)) {
          failures.push({ kind, tenants, error: 'the gateway failed, so there are no templates to rebuild' });
          continue;
        }
        process.stderr.write(`bench: ${kind}, ${count(tenants)} tenants, run ${run}/${options.runs}... `);
        const profile = options.cpuProfDir && path.join(options.cpuProfDir, `${key}-${run}.cpuprofile`);
        // The deploy figures are the same every run; appending a tenant is diffed on the first only.
        const flags = kind === 'floor-replay' ? ['--from', templates]
          : [...(run === 1 ? ['--onboarding'] : []), ...(kind === 'gateway' && run === 1 ? ['--keep', templates] : [])];
        const r = await runCase(kind, tenants, profile, flags, cdkLib);
        load = Math.max(load, os.loadavg()[0]);
        if (isFailure(r)) {
          failures.push(r);
          process.stderr.write(`FAILED: ${r.error}\n`);
          continue;
        }
        process.stderr.write(`${seconds(r.timeMs)} (CPU ${seconds(r.cpuMs)}), ${megabytes(r.peakRssBytes)}, aws-cdk-lib ${r.cdkLibVersion}\n`);
        // The run with the least CPU time counts; peak memory is the highest seen, so a lucky run hides no spike.
        const best = results.get(key);
        const peakRssBytes = Math.max(r.peakRssBytes, best?.peakRssBytes ?? 0);
        const onboarding = best?.onboarding ?? r.onboarding;
        if (!best || r.cpuMs < best.cpuMs) {
          results.set(key, { ...r, peakRssBytes, onboarding });
          if (profile) profiles.set(key, profile);
        } else {
          results.set(key, { ...best, peakRssBytes });
        }
      }
    }
    fs.rmSync(templates, { recursive: true, force: true });
  }

  const met = targets(results, failures, options.sizes);
  if (options.json) {
    console.log(JSON.stringify({
      node: process.version,
      cdkLib: { requested: options.cdkLib ?? null, version: cdkLib.version, scratch: cdkLib.dir !== undefined },
      loadAverage: load,
      runs: options.runs,
      route53Rate: options.route53Rate,
      results: [...results.values()],
      failures,
      targets: met,
    }, null, 2));
  } else {
    report(options, results, failures, met, load, cdkLib);
  }

  // Profiles cover the whole child; summarize only the timed part of each case's counted run.
  for (const r of results.values()) {
    const file = profiles.get(`${r.kind}-${r.tenants}`);
    if (file) {
      process.stderr.write(`\n${LABEL[r.kind]}, ${count(r.tenants)} tenants (${file})\n${summarizeProfile(file, ROOT, r.clockUs)}\n`);
    }
  }
  if (failures.length > 0) process.exitCode = 1;
}

main().catch(e => {
  console.error(e);
  process.exitCode = 1;
});
