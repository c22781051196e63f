// One benchmark case, run in a fresh process by scripts/bench.ts so that peak memory is this
// case's alone and no case warms another's caches:
//
//   case.ts <gateway|floor|floor-grouped|floor-replay> <tenants> <outdir> [--onboarding] [--keep <dir>] [--from <dir>]
//
// The gateway with --keep copies its assembly's templates into <dir>; floor-replay --from <dir>
// reads them (before the clock), rebuilds them as bare L1s (scripts/bench/replay.ts) and, after
// the clock, checks that its templates are the gateway's.
//
// Prints one line of JSON (a CaseResult, or a CaseFailure when construct or synth throws). Only
// construct + synth is timed; loading modules (and compiling TypeScript) happens before the clock
// starts and is reported separately. The deploy figures are read back from the templates after
// the clock stops; with --onboarding the case then also synthesizes one tenant more and diffs.
import './use-cdk-lib'; // first: with --cdk-lib, aws-cdk-lib must load from the scratch folder
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { App, NestedStack, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { loadedCdkLib } from './cdk-lib';
import { DeployFigures, deployFigures, OnboardingFigures, onboardingFigures } from './deploy';
import { readAssembly, Recorded, replay, replayDifference } from './replay';
import { MultiTenantGateway, Tenants } from '../../src';

export type CaseKind = 'floor' | 'floor-grouped' | 'gateway' | 'floor-replay';
export const CASE_KINDS: readonly CaseKind[] = ['floor', 'floor-grouped', 'gateway', 'floor-replay'];

export interface CaseResult {
  readonly kind: CaseKind;
  readonly tenants: number;
  /** aws-cdk-lib's version as this process loaded it (`require('aws-cdk-lib/package.json').version`). */
  readonly cdkLibVersion: string;
  readonly constructsVersion: string;
  /** Construct + synth, wall time in milliseconds. */
  readonly timeMs: number;
  /** CPU time (user + system) of the same, in milliseconds: less swayed by other load on the machine. */
  readonly cpuMs: number;
  /** Process start to the start of the clock: module loading and TypeScript compilation. */
  readonly startupMs: number;
  /** Resident set size when the clock started, in bytes: what loading alone costs. */
  readonly startRssBytes: number;
  /** Peak resident set size of the whole process, in bytes. */
  readonly peakRssBytes: number;
  readonly templates: number;
  readonly maxResources: number;
  readonly maxTemplateBytes: number;
  /** Read from the synthesized templates. */
  readonly deploy: DeployFigures;
  /** Appending tenant N + 1 (with --onboarding): the diff of the templates, or why N + 1 failed. */
  readonly onboarding?: OnboardingFigures | { readonly error: string };
  /** The timed part on the monotonic clock V8's CPU profiles use, in microseconds. */
  readonly clockUs: { readonly fromUs: number; readonly toUs: number };
}

/** A case whose construct or synth threw: how far it got. */
export interface CaseFailure {
  readonly kind: CaseKind;
  readonly tenants: number;
  /** The first line of the error's message. */
  readonly error: string;
  /** From the start of the clock to the error, when the case got that far. */
  readonly timeMs?: number;
  readonly peakRssBytes?: number;
  readonly cdkLibVersion?: string;
}

const STACK = 'Bench';
const ENV = { account: '123456789012', region: 'us-east-1' };
const ZONE_ID = 'Z0123456789EXAMPLE';
const ZONE_NAME = 'example.com';
const EDGE_CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';
const ORIGIN_CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/66666666-7777-8888-9999-000000000000';
const DOMAINS_PER_DISTRIBUTION = 100;

/** tenant-00001.example.com, tenant-00002.example.com, ... */
function domainOf(i: number): string {
  return `tenant-${String(i + 1).padStart(5, '0')}.${ZONE_NAME}`;
}

/**
 * The construct under test, configured as a user with `size` single-domain tenants would; `count`
 * tenants are built (size + 1 for onboarding), under quotas raised for `size` tenants.
 */
function buildGateway(stack: Stack, count: number, size: number): void {
  const tenants = Array.from({ length: count }, (_, i) => ({ id: `tenant-${i + 1}`, domainNames: [domainOf(i)] }));
  new MultiTenantGateway(stack, 'Gateway', {
    tenants: Tenants.fromList(tenants),
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: ZONE_ID, zoneName: ZONE_NAME }),
    distributionCertificate: acm.Certificate.fromCertificateArn(stack, 'EdgeCertificate', EDGE_CERT),
    loadBalancerCertificates: [acm.Certificate.fromCertificateArn(stack, 'OriginCertificate', ORIGIN_CERT)],
    quotas: {
      // A and AAAA both count against the zone's records quota: 20,000 records for 10,000 tenants.
      recordsPerHostedZone: Math.max(25_000, Math.ceil(2.5 * size)),
      // One distribution per 100 domains, with room to append: past AWS's default of 500 above 49,000.
      distributionsPerAccount: Math.max(500, Math.ceil(size / DOMAINS_PER_DISTRIBUTION) + 10),
    },
  });
}

/**
 * The floor: the same distributions and records as bare L1s, one nested stack per distribution.
 * No construct can synthesize these resources for less. With `grouped`, each shard's records are
 * one CfnRecordSetGroup (an A and an AAAA alias per domain) instead of a CfnRecordSet per record.
 */
function buildFloor(stack: Stack, count: number, grouped: boolean): void {
  for (let shard = 0; shard * DOMAINS_PER_DISTRIBUTION < count; shard++) {
    const nested = new NestedStack(stack, `Shard${shard}`);
    const domains = Array.from({ length: Math.min(DOMAINS_PER_DISTRIBUTION, count - shard * DOMAINS_PER_DISTRIBUTION) },
      (_, i) => domainOf(shard * DOMAINS_PER_DISTRIBUTION + i));
    const distribution = new cloudfront.CfnDistribution(nested, 'Distribution', {
      distributionConfig: {
        enabled: true,
        aliases: domains,
        viewerCertificate: { acmCertificateArn: EDGE_CERT, sslSupportMethod: 'sni-only', minimumProtocolVersion: 'TLSv1.2_2021' },
        origins: [{
          id: 'app',
          domainName: 'origin.example.com',
          customOriginConfig: { originProtocolPolicy: 'https-only', httpsPort: 443, originSslProtocols: ['TLSv1.2'] },
        }],
        defaultCacheBehavior: {
          targetOriginId: 'app',
          viewerProtocolPolicy: 'redirect-to-https',
          cachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6', // managed CachingOptimized
        },
      },
    });
    if (grouped) {
      new route53.CfnRecordSetGroup(nested, 'Records', {
        hostedZoneId: ZONE_ID,
        recordSets: domains.flatMap(domain => ['A', 'AAAA'].map(type => ({
          name: `${domain}.`,
          type,
          aliasTarget: { dnsName: distribution.attrDomainName, hostedZoneId: 'Z2FDTNDATAQYW2' },
        }))),
      });
      continue;
    }
    for (const domain of domains) {
      for (const type of ['A', 'AAAA']) {
        new route53.CfnRecordSet(nested, `${domain} ${type}`, {
          hostedZoneId: ZONE_ID,
          name: `${domain}.`,
          type,
          aliasTarget: { dnsName: distribution.attrDomainName, hostedZoneId: 'Z2FDTNDATAQYW2' },
        });
      }
    }
  }
}

/** Peak RSS: the kernel's high-water mark, which sees spikes that sampling would miss. */
function peakRss(): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]) * 1024;
  } catch {
    // not Linux: fall through
  }
  return process.resourceUsage().maxRSS * 1024;
}

/** The aws-cdk-lib modules the library imports (`aws-cdk-lib` itself as its core), read from src/. */
function libraryModules(dir: string): string[] {
  const found = new Set<string>(['aws-cdk-lib/core']);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    const names = entry.isDirectory() ? libraryModules(file)
      : entry.name.endsWith('.ts') ? [...fs.readFileSync(file, 'utf8').matchAll(/from '(aws-cdk-lib(?:\/[\w-]+)?)'/g)].map(m => m[1]) : [];
    for (const name of names) found.add(name === 'aws-cdk-lib' ? 'aws-cdk-lib/core' : name);
  }
  return [...found].sort();
}

/**
 * Loads every module the library imports before the clock starts, whatever the case: aws-cdk-lib
 * loads a module's files on first use rather than on import, which would count loading against
 * the case that uses the most modules (the gateway) and not against the floors. Modules those
 * load in turn on first use (aws-lambda for a custom resource, say) still load inside the clock.
 */
function loadModules(): void {
  for (const name of libraryModules(path.join(__dirname, '..', '..', 'src'))) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded = require(name) as Record<string, unknown>;
    for (const key of Object.keys(loaded)) void loaded[key];
  }
}

function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** Constructs the case's app with `count` tenants and synthesizes it into `outdir`. */
function synth(kind: CaseKind, count: number, size: number, outdir: string, recorded?: Recorded): string {
  const app = new App({ outdir });
  const stack = new Stack(app, STACK, { env: ENV });
  if (kind === 'gateway') buildGateway(stack, count, size);
  else if (kind === 'floor-replay') replay(stack, recorded!.template, recorded!);
  else buildFloor(stack, count, kind === 'floor-grouped');
  const directory = app.synth().directory;
  // Newer aws-cdk-lib validates the templates during synth and, on errors, sets the exit code
  // rather than throwing; `cdk synth` would fail, so the case does.
  if (process.exitCode) throw new Error(`aws-cdk-lib's template validation failed the synth (exit code ${process.exitCode}; see validation-report.json)`);
  return directory;
}

function firstLine(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.trim().split('\n')[0].slice(0, 4000);
}

function main(): void {
  const [kind, countArg, outdir, ...rest] = process.argv.slice(2);
  const count = Number(countArg);
  const flags = new Map<string, string | undefined>();
  for (let i = 0; i < rest.length; i++) flags.set(rest[i], rest[i] === '--onboarding' ? undefined : rest[++i]);
  const caseKind = kind as CaseKind;
  if (!CASE_KINDS.includes(caseKind) || !Number.isInteger(count) || count < 1 || !outdir ||
    [...flags].some(([f, v]) => !['--onboarding', '--keep', '--from'].includes(f) || (f !== '--onboarding' && !v)) ||
    (caseKind === 'floor-replay') !== flags.has('--from') || (caseKind === 'floor-replay' && flags.has('--onboarding'))) {
    throw new Error(`usage: case.ts <${CASE_KINDS.join('|')}> <tenants> <outdir> [--onboarding] [--keep <dir>] [--from <dir>] ` +
      '(floor-replay needs --from and takes no --onboarding: it has no tenants to append)');
  }
  // Read before the clock: hand-written L1s would hold these templates in their code.
  const recorded = flags.has('--from') ? readAssembly(flags.get('--from')!, STACK) : undefined;

  loadModules();
  const startupMs = performance.now();
  const fromUs = monotonicUs();
  const cpuStart = process.cpuUsage();
  const startRssBytes = process.memoryUsage().rss;
  let directory: string;
  try {
    directory = synth(caseKind, count, count, path.join(outdir, 'n'), recorded);
  } catch (e) {
    let cdkLibVersion: string | undefined;
    try {
      cdkLibVersion = loadedCdkLib().version;
    } catch {
      // the failure itself is the news
    }
    const failure: CaseFailure = {
      kind: caseKind, tenants: count, error: firstLine(e), timeMs: performance.now() - startupMs, peakRssBytes: peakRss(), cdkLibVersion,
    };
    console.log(JSON.stringify(failure));
    process.exitCode = 1;
    return;
  }
  const timeMs = performance.now() - startupMs;
  const toUs = monotonicUs();
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const peakRssBytes = peakRss();

  // Everything below is outside the clock and after the peak was read.
  const { version: cdkLibVersion, constructsVersion } = loadedCdkLib();
  const difference = recorded && replayDifference(recorded, directory);
  if (difference) {
    // A floor that emits other templates than the gateway's is no floor for it.
    console.log(JSON.stringify({ kind: caseKind, tenants: count, error: `the replay is not the gateway's templates: ${difference}`, cdkLibVersion }));
    process.exitCode = 1;
    return;
  }
  const deploy = deployFigures(directory);
  const keep = flags.get('--keep');
  if (keep) {
    fs.mkdirSync(keep, { recursive: true });
    for (const file of fs.readdirSync(directory).filter(f => f.endsWith('.json'))) fs.copyFileSync(path.join(directory, file), path.join(keep, file));
  }
  let onboarding: CaseResult['onboarding'];
  if (flags.has('--onboarding')) {
    // Untimed, so aws-cdk-lib's template validation (on by default in recent versions; it reads
    // the templates after writing them and changes none) is skipped here: it would double the bench.
    process.env.CDK_VALIDATION = 'false';
    try {
      onboarding = onboardingFigures(directory, synth(caseKind, count + 1, count, path.join(outdir, 'n+1')));
    } catch (e) {
      onboarding = { error: firstLine(e) };
    }
  }

  const result: CaseResult = {
    kind: caseKind,
    tenants: count,
    cdkLibVersion,
    constructsVersion,
    timeMs,
    cpuMs,
    startupMs,
    startRssBytes,
    peakRssBytes,
    templates: deploy.templates,
    maxResources: deploy.maxResources,
    maxTemplateBytes: deploy.maxTemplateBytes,
    deploy,
    onboarding,
    clockUs: { fromUs, toUs },
  };
  console.log(JSON.stringify(result));
}

if (require.main === module) main();
