// Per-tenant config for the app: one SSM parameter per shard, mapping each host of the shard to
// its tenant and config. Per shard, so onboarding a tenant changes only its shard's template, and
// no parameter outgrows SSM's 8 KB. The documents and their checks are pure (the CLI runs them);
// the parameter and the grant are made by the shard and the gateway.
import { show } from '../private/problems';

/** SSM's largest parameter value (advanced tier), in bytes. */
export const MAX_PARAMETER_BYTES = 8192;
/** SSM's largest standard-tier value, in bytes. */
export const MAX_STANDARD_PARAMETER_BYTES = 4096;
const PATH_PATTERN = /^(\/[a-zA-Z0-9_.-]+)+$/;

/** What the app finds for a host: the tenant it belongs to and the tenant's config. */
export interface HostEntry {
  readonly tenantId: string;
  readonly config: { [key: string]: string };
}

/** A shard's host → tenant map, as the JSON its parameter holds. */
export function tenantConfigDocument(tenants: readonly { id: string; domainNames: readonly string[]; config?: { [key: string]: string } }[]): string {
  const hosts: Record<string, HostEntry> = {};
  for (const tenant of tenants) {
    for (const domain of tenant.domainNames) hosts[domain] = { tenantId: tenant.id, config: tenant.config ?? {} };
  }
  return JSON.stringify(hosts);
}

/** Shards whose map outgrows one parameter, naming the shard's biggest tenants. */
export function tenantConfigSizeProblems(shards: readonly { index: number; tenantConfig: string; tenants: readonly { id: string }[] }[]): string[] {
  return shards.flatMap(shard => {
    const bytes = Buffer.byteLength(shard.tenantConfig, 'utf8');
    if (bytes <= MAX_PARAMETER_BYTES) return [];
    return [`the tenants of shard ${shard.index} (${shard.tenants.length}: ${shard.tenants.slice(0, 5).map(t => `"${t.id}"`).join(', ')}` +
      `${shard.tenants.length > 5 ? ', ...' : ''}) have ${bytes} bytes of hosts and \`config\`, more than the ${MAX_PARAMETER_BYTES} bytes ` +
      'an SSM parameter holds; shorten their `config` values, or pin some of them to another shard'];
  });
}

/** The problems with a parameter path SSM would refuse. */
export function tenantConfigPathProblems(path: string): string[] {
  return PATH_PATTERN.test(path) ? [] : [`\`tenantConfigPath\` ${show(path)} must be an SSM parameter path: "/" then names of letters, digits, ".", "_" or "-", no trailing "/"`];
}
