// Per-tenant config for the app: each shard's hosts, mapped to their tenant and config, published
// as SSM parameters under one path. A shard's map is cut into parts that each fit SSM's standard
// tier (4 KB), so a parameter never needs the advanced tier (which cannot go back to standard) and
// a shard of any size fits. Pure: the CLI runs the same checks.
import { show } from '../private/problems';

/** SSM's largest standard-tier value, in bytes: every part fits it. */
export const MAX_PART_BYTES = 4096;
/** SSM's longest parameter name, and deepest hierarchy. */
const MAX_NAME_LENGTH = 1011;
const MAX_LEVELS = 15;
const PATH_PATTERN = /^(\/[a-zA-Z0-9_.-]+)+$/;

/** What the app finds for a host: the tenant it belongs to and the tenant's config. */
export interface HostEntry {
  readonly tenantId: string;
  readonly config: { [key: string]: string };
}

interface ConfigTenant {
  readonly id: string;
  readonly domainNames: readonly string[];
  readonly config?: { [key: string]: string };
}

/**
 * A shard's host → tenant map as JSON parts of at most 4 KB each, hosts in declaration order,
 * each part as full as the next host allows. A host whose entry alone is larger is left out (and
 * reported by `tenantConfigProblems`).
 */
export function tenantConfigParts(tenants: readonly ConfigTenant[]): string[] {
  const parts: string[] = [];
  let hosts: string[] = [];
  let bytes = 2; // the braces
  for (const [host, entry] of entries(tenants)) {
    const size = entryBytes(host, entry);
    if (size + 2 > MAX_PART_BYTES) continue;
    if (bytes + size + (hosts.length > 0 ? 1 : 0) > MAX_PART_BYTES) {
      parts.push(`{${hosts.join(',')}}`);
      hosts = [];
      bytes = 2;
    }
    hosts.push(`${JSON.stringify(host)}:${JSON.stringify(entry)}`);
    bytes += size + (hosts.length > 1 ? 1 : 0);
  }
  if (hosts.length > 0 || parts.length === 0) parts.push(`{${hosts.join(',')}}`);
  return parts;
}

/** Hosts whose entry alone outgrows a parameter, naming the tenant and its largest `config` key. */
export function tenantConfigProblems(tenants: readonly ConfigTenant[]): string[] {
  return tenants.flatMap(tenant => {
    const problem = configSizeProblem(tenant);
    return problem === undefined ? [] : [`tenant "${tenant.id}": ${problem}`];
  });
}

/** Why one tenant's `config` outgrows a parameter, naming its largest key; undefined when it fits. */
export function configSizeProblem(tenant: ConfigTenant): string | undefined {
  const host = tenant.domainNames[0];
  const entry = { tenantId: tenant.id, config: tenant.config ?? {} };
  const size = entryBytes(host, entry) + 2;
  if (size <= MAX_PART_BYTES) return undefined;
  const [key, value] = Object.entries(entry.config).sort(([, a], [, b]) => Buffer.byteLength(b) - Buffer.byteLength(a))[0] ?? ['', ''];
  return `its \`config\` makes ${size} bytes per host, more than the ${MAX_PART_BYTES} bytes a standard SSM ` +
    `parameter holds (the largest value is \`config.${key}\`, ${Buffer.byteLength(value, 'utf8')} bytes); keep large settings elsewhere and put a reference in \`config\``;
}

/** The problems with a parameter path SSM would refuse. */
export function tenantConfigPathProblems(path: string): string[] {
  const problems: string[] = [];
  const levels = path.split('/').length - 1;
  if (!PATH_PATTERN.test(path)) {
    problems.push(`\`tenantConfigPath\` ${show(path)} must be an SSM parameter path: "/" then names of letters, digits, ".", "_" or "-", no trailing "/"`);
  } else if (/^\/(aws|ssm)/i.test(path)) {
    problems.push(`\`tenantConfigPath\` ${show(path)} must not begin with "aws" or "ssm", which SSM reserves`);
  } else if (levels + 1 > MAX_LEVELS) {
    problems.push(`\`tenantConfigPath\` ${show(path)} has ${levels} levels; with the shard's name under it, SSM allows ${MAX_LEVELS - 1} at most`);
  } else if (path.length + '/shard-9999-part-999'.length > MAX_NAME_LENGTH) {
    problems.push(`\`tenantConfigPath\` is ${path.length} characters; with the shard's name under it, SSM's ${MAX_NAME_LENGTH}-character limit leaves ` +
      `${MAX_NAME_LENGTH - '/shard-9999-part-999'.length} for the path`);
  }
  return problems;
}

function* entries(tenants: readonly ConfigTenant[]): Generator<[string, HostEntry]> {
  for (const tenant of tenants) {
    const entry = { tenantId: tenant.id, config: tenant.config ?? {} };
    for (const host of tenant.domainNames) yield [host, entry];
  }
}

function entryBytes(host: string, entry: HostEntry): number {
  return Buffer.byteLength(`${JSON.stringify(host)}:${JSON.stringify(entry)}`, 'utf8');
}
