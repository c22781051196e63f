// Synthesizing gateways at scale and reading their templates, for the scale tests.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { EdgeMode, MultiTenantGateway, TenantProps, Tenants } from '../../src';

// CloudFormation's limits for a template deployed from S3, as nested stack templates are.
export const MAX_RESOURCES = 500;
export const MAX_BYTES = 1_000_000;
export const MAX_OUTPUTS = 200;

export function tenants(count: number): TenantProps[] {
  return Array.from({ length: count }, (_, i) => ({ id: `tenant-${i}`, domainNames: [`tenant-${i}.example.com`] }));
}

/** Synthesizes a gateway and returns every template by file name. */
export function synth(list: TenantProps[], edge?: EdgeMode): Map<string, string> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-scale-'));
  try {
    const app = new App({ outdir });
    const stack = new Stack(app, 'Gateway', { env: { account: '123456789012', region: 'us-east-1' } });
    new MultiTenantGateway(stack, 'Gateway', {
      tenants: Tenants.fromList(list),
      hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z123', zoneName: 'example.com' }),
      distributionCertificate: acm.Certificate.fromCertificateArn(stack, 'EdgeCert', 'arn:aws:acm:us-east-1:123456789012:certificate/edge'),
      loadBalancerCertificates: [acm.Certificate.fromCertificateArn(stack, 'AlbCert', 'arn:aws:acm:us-east-1:123456789012:certificate/origin')],
      quotas: { recordsPerHostedZone: 2 * list.length, distributionTenantsPerAccount: Math.max(10_000, list.length) },
      edge,
    });
    const directory = app.synth().directory;
    const files = fs.readdirSync(directory).filter(f => f.endsWith('.template.json'));
    return new Map(files.map(f => [f, fs.readFileSync(path.join(directory, f), 'utf8')]));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** Paths (a.b.c) where two JSON values differ. */
export function differences(a: unknown, b: unknown, at = ''): string[] {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return a === b ? [] : [at];
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].flatMap(k => differences((a as any)[k], (b as any)[k], at ? `${at}.${k}` : k));
}

/** Templates by kind: the parent, the blocks of shards, the shards. */
export function kinds(templates: Map<string, string>) {
  const files = [...templates.keys()];
  return {
    parent: files.filter(f => !f.includes('.nested.')),
    blocks: files.filter(f => f.includes('.nested.') && !f.includes('Shard')),
    shards: files.filter(f => f.includes('Shard')),
  };
}

export function expectDeployable(templates: Map<string, string>): void {
  for (const [file, text] of templates) {
    const template = JSON.parse(text);
    const resources = Object.keys(template.Resources ?? {}).length;
    const outputs = Object.keys(template.Outputs ?? {}).length;
    expect({ file, resources: resources <= MAX_RESOURCES, bytes: text.length <= MAX_BYTES, outputs: outputs <= MAX_OUTPUTS })
      .toEqual({ file, resources: true, bytes: true, outputs: true });
  }
}
