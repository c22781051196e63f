// One benchmark case, run in a fresh process by scripts/bench.ts so that peak memory is this
// case's alone and no case warms another's caches:
//
//   case.ts <gateway|floor> <tenants> <outdir>
//
// Prints one line of JSON (a CaseResult). Only construct + synth is timed; loading modules
// (and compiling TypeScript) happens before the clock starts and is reported separately.
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { App, NestedStack, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { MultiTenantGateway, Tenants } from '../../src';

export type CaseKind = 'gateway' | 'floor';

export interface CaseResult {
  readonly kind: CaseKind;
  readonly tenants: number;
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
  /** The timed part on the monotonic clock V8's CPU profiles use, in microseconds. */
  readonly clockUs: { readonly fromUs: number; readonly toUs: number };
}

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

/** The construct under test, configured as a user with `count` single-domain tenants would. */
function buildGateway(stack: Stack, count: number): void {
  const tenants = Array.from({ length: count }, (_, i) => ({ id: `tenant-${i + 1}`, domainNames: [domainOf(i)] }));
  new MultiTenantGateway(stack, 'Gateway', {
    tenants: Tenants.fromList(tenants),
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: ZONE_ID, zoneName: ZONE_NAME }),
    distributionCertificate: acm.Certificate.fromCertificateArn(stack, 'EdgeCertificate', EDGE_CERT),
    loadBalancerCertificates: [acm.Certificate.fromCertificateArn(stack, 'OriginCertificate', ORIGIN_CERT)],
    // A and AAAA both count against the zone's records quota: 20,000 records for 10,000 tenants.
    quotas: { recordsPerHostedZone: 25_000 },
  });
}

/**
 * The floor: the same distributions and records as bare L1s, one nested stack per distribution.
 * No construct can synthesize these resources for less.
 */
function buildFloor(stack: Stack, count: number): void {
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

function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

function main(): void {
  const [kind, countArg, outdir] = process.argv.slice(2);
  const count = Number(countArg);
  if ((kind !== 'gateway' && kind !== 'floor') || !Number.isInteger(count) || count < 1 || !outdir) {
    throw new Error('usage: case.ts <gateway|floor> <tenants> <outdir>');
  }

  const startupMs = performance.now();
  const fromUs = monotonicUs();
  const cpuStart = process.cpuUsage();
  const startRssBytes = process.memoryUsage().rss;
  const app = new App({ outdir });
  const stack = new Stack(app, 'Bench', { env: ENV });
  (kind === 'gateway' ? buildGateway : buildFloor)(stack, count);
  const assembly = app.synth();
  const timeMs = performance.now() - startupMs;
  const toUs = monotonicUs();
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const peakRssBytes = peakRss();

  // Template figures are read back from disk, outside the clock.
  let templates = 0;
  let maxResources = 0;
  let maxTemplateBytes = 0;
  for (const file of fs.readdirSync(assembly.directory).filter(f => f.endsWith('.template.json'))) {
    const text = fs.readFileSync(path.join(assembly.directory, file), 'utf8');
    templates++;
    maxResources = Math.max(maxResources, Object.keys(JSON.parse(text).Resources ?? {}).length);
    maxTemplateBytes = Math.max(maxTemplateBytes, Buffer.byteLength(text));
  }

  const result: CaseResult = {
    kind, tenants: count, timeMs, cpuMs, startupMs, startRssBytes, peakRssBytes, templates, maxResources, maxTemplateBytes,
    clockUs: { fromUs, toUs },
  };
  console.log(JSON.stringify(result));
}

if (require.main === module) main();
