// What a deploy of one synthesized assembly over another would replace, read from the templates
// and AWS's resource schemas: a resource whose type or create-only property changes is replaced
// (created anew, then the old one deleted), and so is one whose logical id changes.
import * as fs from 'fs';
import * as path from 'path';

/** Written by extract-create-only.py from cfn-lint's bundled resource schemas. */
export const SCHEMAS = JSON.parse(fs.readFileSync(path.join(__dirname, 'create-only-properties.json'), 'utf8')) as {
  readonly cfnLint: string;
  readonly types: Record<string, string[]>;
};

interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

/** A resource of an assembly, keyed by its template's file name and its logical id. */
export interface Found {
  readonly key: string;
  readonly type: string;
  readonly properties: Record<string, unknown>;
}

/** Every resource of the assembly in `dir`, nested templates included (templates are matched by file name). */
export function resourcesOf(dir: string): Map<string, Found> {
  const out = new Map<string, Found>();
  for (const file of fs.readdirSync(dir).filter(f => f.endsWith('.template.json'))) {
    const template = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { Resources?: Record<string, Resource> };
    for (const [id, r] of Object.entries(template.Resources ?? {})) {
      const key = `${file}#${id}`;
      out.set(key, { key, type: r.Type, properties: r.Properties ?? {} });
    }
  }
  return out;
}

/** The create-only properties of `type` (dot paths), from the schemas; undefined for a type they lack. */
export function createOnlyOf(type: string): readonly string[] | undefined {
  return SCHEMAS.types[type];
}

/**
 * The resources that must never be replaced: they hold tenant domains (CloudFront keeps an
 * alternate domain name on one resource in all of AWS), state (logs, keys, secrets), or are
 * protected from deletion; with what identifies each to AWS (its domains or physical name), so a
 * new logical id that keeps it is seen too.
 */
export const GUARDED: Record<string, (p: any) => string[]> = {
  'AWS::CloudFront::Distribution': p => (p.DistributionConfig?.Aliases ?? []).map((d: string) => `domain ${d}`),
  'AWS::CloudFront::DistributionTenant': p => [...(p.Domains ?? []).map((d: unknown) => `domain ${JSON.stringify(d)}`), `tenant ${p.Name}`],
  'AWS::CloudFront::ConnectionGroup': p => [`connection group ${p.Name}`],
  'AWS::CloudFront::VpcOrigin': () => [],
  'AWS::Route53::RecordSetGroup': p => (p.RecordSets ?? []).map((r: any) => `record ${JSON.stringify(p.HostedZoneId)} ${r.Name} ${r.Type}`),
  'AWS::Route53::RecordSet': p => [`record ${JSON.stringify(p.HostedZoneId)} ${p.Name} ${p.Type}`],
  'AWS::ElasticLoadBalancingV2::LoadBalancer': () => [],
  'AWS::S3::Bucket': p => (p.BucketName ? [`bucket ${JSON.stringify(p.BucketName)}`] : []),
  'AWS::KMS::Key': () => [],
  'AWS::SSM::Parameter': p => [`parameter ${JSON.stringify(p.Name)}`],
  'AWS::SecretsManager::Secret': () => [],
  'AWS::CertificateManager::Certificate': () => [],
  'AWS::CloudFormation::Stack': () => [],
  // A subnet's CIDR block is unique in its VPC: a replacement that keeps it conflicts with the original.
  'AWS::EC2::Subnet': p => [`subnet ${JSON.stringify(p.VpcId)} ${p.CidrBlock}`],
};

/** Identities a replacement may keep without colliding: a subnet's is claimed anew only by the replacement's CIDR. */
const KEPT_BY_REPLACEMENT = new Set(['AWS::EC2::Subnet']);

/**
 * Create-only properties whose change renames a resource into a namespace of its own, so its
 * replacement cannot collide with the original, and which holds nothing synth does not write
 * again: an SSM parameter of the tenant config under a new path (`tenantConfigPath`), record
 * groups written into another hosted zone (`hostedZone`; the records of one zone never meet those
 * of another). CloudFormation creates the replacement, then deletes the original.
 */
export const RENAMES: Record<string, readonly string[]> = {
  'AWS::SSM::Parameter': ['Name'],
  'AWS::Route53::RecordSetGroup': ['HostedZoneId'],
};

/** One replacement a deploy would make: what, and why. */
export interface Replacement {
  readonly key: string;
  readonly type: string;
  readonly why: string;
}

/** The guarded resources a deploy of `after` over `before` replaces. */
export function guardedReplacements(before: Map<string, Found>, after: Map<string, Found>): Replacement[] {
  const out: Replacement[] = [];
  for (const [key, was] of before) {
    if (!(was.type in GUARDED)) continue;
    const now = after.get(key);
    if (!now) continue;
    if (now.type !== was.type) {
      out.push({ key, type: was.type, why: `its type becomes ${now.type}` });
      continue;
    }
    const changed = (createOnlyOf(was.type) ?? []).filter(p => JSON.stringify(at(was.properties, p)) !== JSON.stringify(at(now.properties, p)));
    const renames = RENAMES[was.type] ?? [];
    const kept = GUARDED[was.type](was.properties).filter(id => GUARDED[now.type](now.properties).includes(id));
    if (changed.length > 0 && KEPT_BY_REPLACEMENT.has(was.type)) {
      if (kept.length > 0) out.push({ key, type: was.type, why: `create-only ${changed.join(', ')} changes while its replacement keeps ${kept.join(', ')}` });
    } else if (changed.length > 0 && !changed.every(p => renames.includes(p))) {
      out.push({ key, type: was.type, why: `create-only ${changed.join(', ')} changes` });
    }
    if (was.type === 'AWS::ElasticLoadBalancingV2::LoadBalancer' && changed.length > 0 && deletionProtected(was)) {
      out.push({ key, type: was.type, why: 'the original cannot be deleted while deletion protection is on' });
    }
  }
  // A load balancer stays in the VPC it was created in: subnets and security groups of another VPC are refused.
  const vpcGone = [...before.values()].some(r => r.type === 'AWS::EC2::VPC' && !after.has(r.key));
  for (const [key, was] of before) {
    if (was.type === 'AWS::ElasticLoadBalancingV2::LoadBalancer' && after.has(key) && vpcGone) {
      out.push({ key, type: was.type, why: 'its VPC is deleted while it is kept: a load balancer cannot move to another VPC' });
    }
  }
  // A new logical id holding what an old one held: created while the original still holds it.
  const holders = new Map<string, string>();
  for (const r of before.values()) for (const id of GUARDED[r.type]?.(r.properties) ?? []) holders.set(id, r.key);
  for (const r of after.values()) {
    if (before.has(r.key)) continue;
    for (const id of GUARDED[r.type]?.(r.properties) ?? []) {
      const old = holders.get(id);
      if (old !== undefined && !after.has(old)) out.push({ key: r.key, type: r.type, why: `takes over ${id} from ${old}` });
      else if (old !== undefined) out.push({ key: r.key, type: r.type, why: `claims ${id}, which ${old} keeps` });
    }
  }
  return out;
}

/** A value at a dot path of a resource's properties. */
function at(properties: Record<string, unknown>, dotted: string): unknown {
  return dotted.split('.').reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), properties);
}

function deletionProtected(r: Found): boolean {
  const attributes = (r.properties.LoadBalancerAttributes ?? []) as { Key: string; Value: string }[];
  return attributes.some(a => a.Key === 'deletion_protection.enabled' && a.Value === 'true');
}
