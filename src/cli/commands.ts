// The CLI's commands as pure functions over the file's text, so tests need no process or disk.
// They throw `Error` for a broken rule or an invalid file (exit code 1); main.ts does the I/O.
import { placeTenants, PlacementPlan } from '../tenants/placement';
import { QuotaUsage, recordUsage, sharedResourceUsage, usageProblems } from '../quotas/quota-usage';
import { quotaExceeded, ResolvedQuotas } from '../quotas/quotas';
import { tenantProblems, TenantProps } from '../tenants/tenants';
import { emptyRegistry, formatRegistry, parseRegistry, RegistryFile } from './registry-file';

/** Placement, quota usage and every problem of a tenant list. */
export interface Assessment {
  readonly plan: PlacementPlan;
  readonly usage: QuotaUsage[];
  readonly problems: string[];
}

/** What `add` is asked to append. */
export interface AddRequest {
  readonly id: string;
  readonly domainNames: string[];
  readonly externalDns?: boolean;
  readonly config?: { [key: string]: string };
}

/** The outcome of an edit: the file's new text and what to tell the user. */
export interface EditResult {
  readonly text: string;
  readonly messages: string[];
}

/**
 * Places valid tenants and checks every quota the tenants file alone decides, with the same
 * rules and messages as the gateway at synth time.
 */
export function assess(tenants: readonly TenantProps[], quotas: ResolvedQuotas): Assessment {
  const plan = placeTenants(tenants, quotas);
  const fullest = Math.max(0, ...plan.load.values());
  // Without the gateway's props, count every shared resource it may make.
  const usage: QuotaUsage[] = [
    { key: 'distributionsPerAccount', what: 'distributions', used: plan.shards.length, limit: quotas.distributionsPerAccount },
    { key: 'domainsPerDistribution', what: 'domains in the fullest distribution', used: fullest, limit: quotas.domainsPerDistribution },
    recordUsage(tenants, quotas),
    ...sharedResourceUsage(plan, quotas, { vpcOrigins: true, responseHeadersPolicies: true }),
  ];
  const problems = [...plan.problems, ...usageProblems(usage)];
  return { plan, usage, problems };
}

/** Every problem with a tenants file, after the ones `Tenants.fromJson` throws for. */
export function validateRegistry(text: string, source: string, quotas: ResolvedQuotas): { file: RegistryFile; assessment: Assessment } {
  const file = parseRegistry(text, source);
  return { file, assessment: assess(file.tenants, quotas) };
}

/**
 * Appends a tenant pinned to the first distribution with room for all its domains. Existing
 * tenants keep their lines and their distributions. `text` undefined means a new file.
 */
export function addTenant(text: string | undefined, source: string, request: AddRequest, quotas: ResolvedQuotas): EditResult {
  const file = text === undefined ? emptyRegistry() : parseRegistry(text, source);
  const before = assess(file.tenants, quotas);
  if (before.problems.length > 0) {
    throw new Error(`${problemList(source, before.problems)}\nFix them (run \`validate\`) before adding a tenant.`);
  }

  const candidate: TenantProps = {
    id: request.id,
    domainNames: request.domainNames,
    externalDns: request.externalDns ? true : undefined,
    config: request.config,
  };
  // The existing tenants are valid, so every problem found here is the new tenant's.
  const problems = tenantProblems([...file.tenants, candidate]);
  if (problems.length > 0) {
    throw new Error(`Cannot add tenant "${request.id}": ${problemList('it', problems)}`);
  }

  const count = request.domainNames.length;
  const cap = quotas.domainsPerDistribution;
  if (count > cap) {
    throw new Error(`Cannot add tenant "${request.id}": ` + quotaExceeded('domainsPerDistribution', cap, count,
      `its ${count} \`domainNames\` must share one distribution, which`));
  }
  const shard = firstShardWithRoom(before.plan.load, count, quotas);
  if (shard === undefined) {
    throw new Error(`Cannot add tenant "${request.id}": no distribution has room for its ${plural(count, 'domain')}. ` +
      quotaExceeded('distributionsPerAccount', quotas.distributionsPerAccount, quotas.distributionsPerAccount + 1,
        'Another distribution'));
  }

  const tenants = [...file.tenants, { ...candidate, distribution: shard }];
  const after = assess(tenants, quotas);
  if (after.problems.length > 0) {
    throw new Error(`Cannot add tenant "${request.id}": ${problemList('the result', after.problems)}`);
  }

  const load = after.plan.load.get(shard) ?? 0;
  const messages = [`Added tenant "${request.id}" (${plural(count, 'domain')}) to distribution ${shard} in ${source}; ` +
    `distribution ${shard} now holds ${load}/${cap} domains.`];
  if (request.externalDns) {
    messages.push(`The partner hosts its DNS: once deployed, have them point ${request.domainNames.join(', ')} ` +
      `at gateway.dnsTargetOf('${request.id}').`);
  }
  return { text: edited(text, source, { ...file, tenants }, messages), messages };
}

/**
 * Removes a tenant; no other tenant's line changes. Refuses when that would move an unpinned
 * tenant to another distribution, which would fail the deployment.
 */
export function removeTenant(text: string, source: string, id: string, quotas: ResolvedQuotas): EditResult {
  const file = parseRegistry(text, source);
  const index = file.tenants.findIndex(t => t.id === id);
  if (index < 0) {
    throw new Error(`${source} has no tenant "${id}" (it has ${plural(file.tenants.length, 'tenant')})`);
  }
  const tenants = file.tenants.filter((_, i) => i !== index);

  const shardBefore = new Map(placeTenants(file.tenants, quotas).placements.map(p => [p.tenantId, p.shard]));
  const moved = placeTenants(tenants, quotas).placements.filter(p => shardBefore.get(p.tenantId) !== p.shard);
  if (moved.length > 0) {
    const lines = moved.map(p => `tenant "${p.tenantId}" would move from distribution ${shardBefore.get(p.tenantId)} to ${p.shard};` +
      ` pin it with "distribution": ${shardBefore.get(p.tenantId)}`);
    throw new Error(`Cannot remove tenant "${id}": it would move ${plural(moved.length, 'unpinned tenant')}:\n` +
      lines.map(line => `  - ${line}`).join('\n') +
      '\nA moved domain fails the deployment (CNAMEAlreadyExists). Pin these tenants first, then remove it.');
  }

  const removed = file.tenants[index];
  const messages = [`Removed tenant "${id}" (${removed.domainNames.join(', ')}) from ${source}; no other tenant moves.`];
  return { text: edited(text, source, { ...file, tenants }, messages), messages };
}

/** The placement per distribution and the headroom on every quota, as lines of text. */
export function planReport(text: string, source: string, quotas: ResolvedQuotas): { lines: string[]; problems: string[] } {
  const { file, assessment } = validateRegistry(text, source, quotas);
  const { plan, usage } = assessment;
  const cap = quotas.domainsPerDistribution;
  const lines = [`${source}: ${summarize(file.tenants, plan)} of up to ${cap} domains each`];

  if (plan.shards.length > 0) {
    const rows = plan.shards.map(shard => {
      const here = plan.placements.filter(p => p.shard === shard);
      const unpinned = here.filter(p => !p.pinned).length;
      const used = plan.load.get(shard) ?? 0;
      return [String(shard), `${used}/${cap}`, String(cap - used),
        String(here.length) + (unpinned > 0 ? ` (${unpinned} unpinned)` : '')];
    });
    lines.push('', ...table(['distribution', 'domains', 'free', 'tenants'], rows));
  }

  const rows = usage.map(u => [u.key, u.what, String(u.used), String(u.limit),
    u.used > u.limit ? `OVER by ${u.used - u.limit}` : String(u.limit - u.used)]);
  lines.push('', ...table(['quota', 'counts', 'used', 'limit', 'headroom'], rows));
  lines.push('', 'certificatesPerLoadBalancer depends on the certificates you pass the gateway, not on this file.');
  return { lines, problems: assessment.problems };
}

/** "N tenants, M domains on K distributions" */
export function summarize(tenants: readonly TenantProps[], plan: PlacementPlan): string {
  const domains = tenants.reduce((n, t) => n + t.domainNames.length, 0);
  return `${plural(tenants.length, 'tenant')}, ${plural(domains, 'domain')} on ${plural(plan.shards.length, 'distribution')}`;
}

/** `subject has N problems:` and one indented line per problem, as the library words it. */
export function problemList(subject: string, problems: readonly string[]): string {
  const count = plural(problems.length, 'problem');
  return `${subject} has ${count}:\n${problems.map(p => `  - ${p}`).join('\n')}`;
}

function firstShardWithRoom(load: ReadonlyMap<number, number>, count: number, quotas: ResolvedQuotas): number | undefined {
  for (let shard = 0; shard < quotas.distributionsPerAccount; shard++) {
    if ((load.get(shard) ?? 0) + count <= quotas.domainsPerDistribution) return shard;
  }
  return undefined;
}

/** The edited file's text, noting when the original was not in the layout the CLI writes. */
function edited(original: string | undefined, source: string, file: RegistryFile, messages: string[]): string {
  if (original !== undefined && formatRegistry(parseRegistry(original, source)) !== original) {
    messages.push(`Note: ${source} was not in the CLI's layout (2-space JSON, fields in order), so it was reformatted; ` +
      'the diff shows more than this change.');
  }
  return formatRegistry(file);
}

/** Left-aligned text columns, two spaces apart. */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map(r => r[c].length)));
  return [header, ...rows].map(r => r.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd());
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
