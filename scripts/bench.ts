// Synthesis benchmark: the gateway at 100, 1,000 and 10,000 tenants against a floor of bare L1
// resources (one CfnDistribution per 100 domains, an A and an AAAA CfnRecordSet per domain, one
// nested stack per distribution). Prints a markdown table; `--json` prints the figures as JSON.
//
//   npm run bench [-- --sizes 100,1000] [--runs 3] [--json] [--cpu-prof <dir>]
//
// Each case runs in a fresh child process (scripts/bench/case.ts) so that peak memory is the
// case's own and no case warms another's caches. With --runs N every case runs N times,
// interleaved, and the fastest run counts: other load on the machine only ever adds time.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { CaseKind, CaseResult } from './bench/case';
import { summarizeProfile } from './bench/profile';

const ROOT = path.resolve(__dirname, '..');
const KINDS: CaseKind[] = ['floor', 'gateway'];
const LABEL: Record<CaseKind, string> = { floor: 'floor (bare L1s)', gateway: 'MultiTenantGateway' };

// The targets the gateway is held to (at the largest size measured).
const MAX_TIME_VS_FLOOR = 1.5;
const MAX_PEAK_RSS_BYTES = 2e9;
const MAX_PER_TENANT_GROWTH = 1.5;

interface Options {
  readonly sizes: number[];
  readonly runs: number;
  readonly json: boolean;
  readonly cpuProfDir?: string;
}

interface Failure {
  readonly kind: CaseKind;
  readonly tenants: number;
  readonly error: string;
}

interface Target {
  readonly name: string;
  readonly value: string;
  readonly met: boolean;
}

function parseArgs(argv: string[]): Options {
  let sizes = [100, 1_000, 10_000];
  let runs = 1;
  let json = false;
  let cpuProfDir: string | undefined;
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
    } else {
      throw new Error(`unknown argument ${argv[i]} (use --sizes 100,1000, --runs 3, --json, --cpu-prof <dir>)`);
    }
  }
  return { sizes: [...new Set(sizes)].sort((a, b) => a - b), runs, json, cpuProfDir };
}

/** Runs one case in a fresh Node process, synthesizing into a temp directory it then deletes. */
function runCase(kind: CaseKind, tenants: number, profile: string | undefined): CaseResult | Failure {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${kind}-${tenants}-`));
  const nodeArgs = profile ? ['--cpu-prof', `--cpu-prof-dir=${path.dirname(profile)}`, `--cpu-prof-name=${path.basename(profile)}`] : [];
  try {
    // --transpile-only: type-checking would add ~15 s and ~500 MB to every child, skewing peak memory.
    const child = spawnSync(process.execPath, [
      ...nodeArgs, require.resolve('ts-node/dist/bin'), '--transpile-only', '--project', 'tsconfig.dev.json',
      path.join('scripts', 'bench', 'case.ts'), kind, String(tenants), outdir,
    ], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const last = child.stdout.trim().split('\n').pop() ?? '';
    if (child.status !== 0 || !last.startsWith('{')) {
      const why = child.error?.message ?? (child.stderr.trim() || `exit ${child.status ?? child.signal}`);
      return { kind, tenants, error: why.split('\n').slice(-5).join(' | ') };
    }
    return JSON.parse(last) as CaseResult;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function isFailure(r: CaseResult | Failure): r is Failure {
  return 'error' in r;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const megabytes = (bytes: number): string => `${Math.round(bytes / 1e6).toLocaleString('en-US')} MB`;
const count = (n: number): string => n.toLocaleString('en-US');
const ratio = (x: number): string => `${x.toFixed(2)}x`;
const range = (xs: number[], f: (x: number) => string): string =>
  (Math.min(...xs) === Math.max(...xs) ? f(xs[0]) : `${f(Math.min(...xs))}–${f(Math.max(...xs))}`);

function table(header: string[], align: ('l' | 'r')[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(align.map(a => (a === 'r' ? '---:' : '---'))), ...rows.map(line)].join('\n');
}

/** The three targets, judged where the sizes measured allow. */
function targets(results: Map<string, CaseResult>, sizes: number[]): Target[] {
  const out: Target[] = [];
  const largest = sizes[sizes.length - 1];
  const gw = results.get(`gateway-${largest}`);
  const floor = results.get(`floor-${largest}`);
  if (gw && floor) {
    const r = gw.timeMs / floor.timeMs;
    out.push({ name: `${count(largest)} tenants: time at most ${MAX_TIME_VS_FLOOR}x the floor's`, value: ratio(r), met: r <= MAX_TIME_VS_FLOOR });
  }
  if (gw) {
    out.push({
      name: `${count(largest)} tenants: peak RSS under ${MAX_PEAK_RSS_BYTES / 1e9} GB`,
      value: megabytes(gw.peakRssBytes), met: gw.peakRssBytes < MAX_PEAK_RSS_BYTES,
    });
  }
  const small = results.get('gateway-1000');
  const big = results.get('gateway-10000');
  if (small && big) {
    const r = (big.timeMs / big.tenants) / (small.timeMs / small.tenants);
    out.push({
      name: `time per tenant at 10,000 within ${MAX_PER_TENANT_GROWTH}x of that at 1,000`,
      value: `${(big.timeMs / big.tenants).toFixed(2)} vs ${(small.timeMs / small.tenants).toFixed(2)} ms = ${ratio(r)}`,
      met: r <= MAX_PER_TENANT_GROWTH,
    });
  }
  return out;
}

function report(options: Options, results: Map<string, CaseResult>, failures: Failure[], met: Target[], load: number): void {
  const rows: string[][] = [];
  for (const tenants of options.sizes) {
    for (const kind of KINDS) {
      const r = results.get(`${kind}-${tenants}`);
      rows.push(r
        ? [LABEL[kind], count(tenants), seconds(r.timeMs), seconds(r.cpuMs), `${(r.timeMs / tenants).toFixed(2)} ms`,
          megabytes(r.peakRssBytes), count(r.templates), count(r.maxResources), count(r.maxTemplateBytes)]
        : [LABEL[kind], count(tenants), 'failed', '', '', '', '', '', '']);
    }
  }
  console.log(table(
    ['case', 'tenants', 'construct + synth', 'CPU time', 'per tenant', 'peak RSS', 'templates', 'most resources in a template', 'largest template (bytes)'],
    ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'], rows));

  const ratios = options.sizes.flatMap(tenants => {
    const gw = results.get(`gateway-${tenants}`);
    const floor = results.get(`floor-${tenants}`);
    return gw && floor
      ? [[count(tenants), ratio(gw.timeMs / floor.timeMs), ratio(gw.cpuMs / floor.cpuMs), ratio(gw.peakRssBytes / floor.peakRssBytes)]]
      : [];
  });
  if (ratios.length > 0) {
    console.log();
    console.log(table(['tenants', 'time, gateway / floor', 'CPU time, gateway / floor', 'peak RSS, gateway / floor'],
      ['r', 'r', 'r', 'r'], ratios));
  }
  if (met.length > 0) {
    console.log();
    console.log(table(['target', 'measured', 'met'], ['l', 'r', 'l'], met.map(t => [t.name, t.value, t.met ? 'yes' : '**no**'])));
  }

  const all = [...results.values()];
  console.log();
  if (all.length > 0) {
    console.log(`Each case runs in a fresh Node process${options.runs > 1 ? `, ${options.runs} times (the fastest run shown)` : ''}. ` +
      'Timed: constructing the app and `app.synth()` only; loading modules and transpiling TypeScript ' +
      `(ts-node --transpile-only, ${range(all.map(r => r.startupMs), seconds)} per case) is excluded. ` +
      `Peak RSS is the process's high-water mark, including ${range(all.map(r => r.startRssBytes), megabytes)} for loaded modules.`);
  }
  const cpus = os.cpus();
  console.log(`Node ${process.version}, aws-cdk-lib ${require('aws-cdk-lib/package.json').version}, ` +
    `${cpus[0]?.model.trim() ?? 'unknown CPU'} (${cpus.length} cores).`);
  if (load > cpus.length / 2) {
    console.log(`\n**The machine was busy** (load average up to ${load.toFixed(1)} on ${cpus.length} cores): ` +
      'wall times are inflated; compare CPU times, or rerun with `--runs 3`.');
  }
  for (const f of failures) console.log(`\n**${LABEL[f.kind]} at ${count(f.tenants)} tenants failed:** ${f.error}`);
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  if (options.cpuProfDir) fs.mkdirSync(options.cpuProfDir, { recursive: true });

  let load = os.loadavg()[0];
  const results = new Map<string, CaseResult>();
  const profiles = new Map<string, string>();
  const failures: Failure[] = [];
  for (const tenants of options.sizes) {
    for (let run = 1; run <= options.runs; run++) {
      for (const kind of KINDS) {
        const key = `${kind}-${tenants}`;
        if (failures.some(f => f.kind === kind && f.tenants === tenants)) continue;
        process.stderr.write(`bench: ${kind}, ${count(tenants)} tenants, run ${run}/${options.runs}... `);
        const profile = options.cpuProfDir && path.join(options.cpuProfDir, `${key}-${run}.cpuprofile`);
        const r = runCase(kind, tenants, profile);
        load = Math.max(load, os.loadavg()[0]);
        if (isFailure(r)) {
          failures.push(r);
          process.stderr.write(`FAILED: ${r.error}\n`);
          continue;
        }
        process.stderr.write(`${seconds(r.timeMs)} (CPU ${seconds(r.cpuMs)}), ${megabytes(r.peakRssBytes)}\n`);
        // The fastest run counts; peak memory is the highest seen, so a lucky run hides no spike.
        const best = results.get(key);
        const peakRssBytes = Math.max(r.peakRssBytes, best?.peakRssBytes ?? 0);
        if (!best || r.timeMs < best.timeMs) {
          results.set(key, { ...r, peakRssBytes });
          if (profile) profiles.set(key, profile);
        } else {
          results.set(key, { ...best, peakRssBytes });
        }
      }
    }
  }

  const met = targets(results, options.sizes);
  if (options.json) {
    console.log(JSON.stringify({
      node: process.version, loadAverage: load, runs: options.runs, results: [...results.values()], failures, targets: met,
    }, null, 2));
  } else {
    report(options, results, failures, met, load);
  }

  // Profiles cover the whole child; summarize only the timed part of each case's fastest run.
  for (const r of results.values()) {
    const file = profiles.get(`${r.kind}-${r.tenants}`);
    if (file) {
      process.stderr.write(`\n${LABEL[r.kind]}, ${count(r.tenants)} tenants (${file})\n${summarizeProfile(file, ROOT, r.clockUs)}\n`);
    }
  }
  if (failures.length > 0) process.exitCode = 1;
}

main();
