import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { MultiTenantGateway, TenantProps, Tenants } from '../../src';

// CloudFormation's limits for a template deployed from S3, as nested stack templates are.
const MAX_RESOURCES = 500;
const MAX_BYTES = 1_000_000;

function tenants(count: number): TenantProps[] {
  return Array.from({ length: count }, (_, i) => ({ id: `tenant-${i}`, domainNames: [`tenant-${i}.example.com`] }));
}

/** Synthesizes a gateway and returns every template by file name. */
function synth(list: TenantProps[]): Map<string, string> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-scale-'));
  try {
    const app = new App({ outdir });
    const stack = new Stack(app, 'Gateway', { env: { account: '123456789012', region: 'us-east-1' } });
    new MultiTenantGateway(stack, 'Gateway', {
      tenants: Tenants.fromList(list),
      hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z123', zoneName: 'example.com' }),
      distributionCertificate: acm.Certificate.fromCertificateArn(stack, 'EdgeCert', 'arn:aws:acm:us-east-1:123456789012:certificate/edge'),
      loadBalancerCertificates: [acm.Certificate.fromCertificateArn(stack, 'AlbCert', 'arn:aws:acm:us-east-1:123456789012:certificate/origin')],
      quotas: { recordsPerHostedZone: 2 * list.length },
    });
    const directory = app.synth().directory;
    const files = fs.readdirSync(directory).filter(f => f.endsWith('.template.json'));
    return new Map(files.map(f => [f, fs.readFileSync(path.join(directory, f), 'utf8')]));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** Paths (a.b.c) where two JSON values differ. */
function differences(a: unknown, b: unknown, at = ''): string[] {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return a === b ? [] : [at];
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].flatMap(k => differences((a as any)[k], (b as any)[k], at ? `${at}.${k}` : k));
}

describe('every template deploys at any tenant count', () => {
  test.each([1, 100, 1_000, 10_000])('%i tenants: each template has at most 500 resources and 1 MB', count => {
    const templates = synth(tenants(count));
    expect(templates.size).toBe(1 + Math.ceil(count / 100));
    for (const [file, text] of templates) {
      const resources = Object.keys(JSON.parse(text).Resources ?? {}).length;
      expect({ file, resources: resources <= MAX_RESOURCES, bytes: text.length <= MAX_BYTES })
        .toEqual({ file, resources: true, bytes: true });
    }
  }, 300_000);
});

describe('onboarding cost', () => {
  test('adding a tenant changes only its shard\'s template and the parent\'s reference to it', () => {
    const before = synth(tenants(150));
    const after = synth(tenants(151));
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());

    const changed = [...after.keys()].filter(f => after.get(f) !== before.get(f)).sort();
    const shard1 = changed.find(f => f.includes('Shard1'));
    const parent = changed.find(f => !f.includes('.nested.'));
    expect(changed).toEqual([parent, shard1].sort());
    expect(after.get(shard1!)).toContain('tenant-150.example.com');

    // In the parent, only the shard's nested-stack resource changes, and only where it points.
    const paths = differences(JSON.parse(before.get(parent!)!), JSON.parse(after.get(parent!)!));
    expect(paths.length).toBeGreaterThan(0);
    for (const p of paths) expect(p).toMatch(/^Resources\.GatewayShard1NestedStackShard1NestedStackResource[0-9A-F]+\.Properties\.TemplateURL\./);
  }, 120_000);
});
