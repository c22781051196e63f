// Per-tenant config for the app: one SSM parameter per shard, mapping each host of the shard to
// its tenant and config. Per shard, so onboarding a tenant changes only its shard's template, and
// no parameter outgrows SSM's 8 KB.
import { Arn, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { TenantPlacement } from './placement';
import { show } from '../private/problems';
import { TenantProps } from './tenants';

/** SSM's largest parameter value (advanced tier), in bytes. */
const MAX_PARAMETER_BYTES = 8192;
const PATH_PATTERN = /^(\/[a-zA-Z0-9_.-]+)+$/;

/** What the app finds for a host: the tenant it belongs to and the tenant's config. */
export interface HostEntry {
  readonly tenantId: string;
  readonly config: { [key: string]: string };
}

/** Each shard's host → tenant map, as the JSON each shard's parameter holds. */
export function tenantConfigDocuments(placements: readonly TenantPlacement[], tenants: readonly TenantProps[]): Map<number, string> {
  const configOf = new Map(tenants.map(t => [t.id, t.config ?? {}]));
  const hosts = new Map<number, Record<string, HostEntry>>();
  for (const p of placements) {
    const shard = hosts.get(p.shard) ?? {};
    for (const domain of p.domainNames) shard[domain] = { tenantId: p.tenantId, config: configOf.get(p.tenantId)! };
    hosts.set(p.shard, shard);
  }
  return new Map([...hosts].map(([shard, map]) => [shard, JSON.stringify(map)]));
}

/** Problems: a path SSM would refuse, or a shard whose map outgrows one parameter. */
export function tenantConfigProblems(path: string, documents: ReadonlyMap<number, string>): string[] {
  const problems: string[] = [];
  if (!PATH_PATTERN.test(path)) {
    problems.push(`\`tenantConfigPath\` ${show(path)} must be an SSM parameter path: "/" then names of letters, digits, ".", "_" or "-", no trailing "/"`);
  }
  for (const [shard, document] of documents) {
    const bytes = Buffer.byteLength(document, 'utf8');
    if (bytes > MAX_PARAMETER_BYTES) {
      problems.push(`the tenants of distribution ${shard} have ${bytes} bytes of hosts and \`config\`, more than the ` +
        `${MAX_PARAMETER_BYTES} bytes an SSM parameter holds; shorten their \`config\` values`);
    }
  }
  return problems;
}

/** Writes a shard's host → tenant map into its own stack, at `<path>/shard-<n>`. */
export function publishTenantConfig(stack: Stack, path: string, shard: number, document: string): ssm.StringParameter {
  return new ssm.StringParameter(stack, 'TenantConfig', {
    parameterName: `${path}/shard-${shard}`,
    description: `Host to tenant and config for the tenants of distribution ${shard}`,
    stringValue: document,
    tier: Buffer.byteLength(document, 'utf8') > 4096 ? ssm.ParameterTier.ADVANCED : ssm.ParameterTier.STANDARD,
  });
}

/** Lets the app read every shard's map with one GetParametersByPath on the path. */
export function grantTenantConfigRead(scope: Construct, grantee: iam.IGrantable, path: string): void {
  iam.Grant.addToPrincipal({
    grantee,
    actions: ['ssm:GetParametersByPath'],
    resourceArns: [Arn.format({ service: 'ssm', resource: 'parameter', resourceName: path.slice(1) }, Stack.of(scope))],
  });
}
