// The CLI's commands as pure functions over the file's text, so tests need no process or disk.
// They throw `Error` for a broken rule or an invalid file (exit code 1); main.ts does the I/O.
import { emptyRegistry, formatRegistry, parseRegistry, RegistryFile } from './registry-file';
import { EdgeShape, edgeShapeNamed, SHARDED_DISTRIBUTIONS } from '../edge/shape';
import { GatewayPlan, placeGatewayTenants, planGateway } from '../gateway/plan';
import { Quotas, quotaExceeded, ResolvedQuotas, resolveQuotas } from '../quotas/quotas';
import { TenantGeoRestriction } from '../tenants/geo-restriction';
import { tenantProblems, TenantProps } from '../tenants/tenants';

/** What `add` is asked to append. */
export interface AddRequest {
  readonly id: string;
  readonly domainNames: string[];
  readonly externalDns?: boolean;
  readonly config?: { [key: string]: string };
  readonly webAcl?: string;
  readonly geoRestriction?: TenantGeoRestriction;
  readonly certificateValidation?: string;
  /** The tenant's cell; "default" when undefined. */
  readonly cell?: string;
}

/** The outcome of an edit: the file's new text and what to tell the user. */
export interface EditResult {
  readonly text: string;
  readonly messages: string[];
}

/**
 * The gateway's own plan of a tenant list: placement, quota usage and every problem the tenants
 * file alone decides, with the same rules and messages as the gateway at synth time. Without the
 * gateway's props, it counts every shared resource the gateway may make, with the default cache
 * options (one cache policy per block, no cache behaviours besides the default).
 */
export function assess(tenants: readonly TenantProps[], settings: PlanSettings): GatewayPlan {
  return planGateway({
    tenants,
    quotas: settings.quotas,
    edge: settings.edge,
    cells: settings.cells.map(name => ({ name, vpcOrigins: true })),
    shared: { vpcOrigins: true, responseHeadersPolicies: true, cachePoliciesPerBlock: 1, cacheBehaviors: 0 },
  });
}

/** What the CLI plans with: the file's settings, then the command line's `--quota` overrides. */
export interface PlanSettings {
  readonly quotas: ResolvedQuotas;
  readonly edge: EdgeShape;
  /** The file's `settings.cells`: the cells besides "default". */
  readonly cells: readonly string[];
}

/** The file's edge mode and quotas, with the command line's quotas over them. */
export function planSettings(file: RegistryFile, overrides: Quotas): PlanSettings {
  return {
    quotas: resolveQuotas({ ...file.settings?.quotas, ...overrides }).quotas,
    edge: edgeShapeNamed(file.settings?.edge ?? SHARDED_DISTRIBUTIONS.name)!,
    cells: file.settings?.cells ?? [],
  };
}

/** Every problem with a tenants file, after the ones `Tenants.fromJson` throws for. */
export function validateRegistry(text: string, source: string, overrides: Quotas): { file: RegistryFile; assessment: GatewayPlan } {
  const file = parseRegistry(text, source);
  return { file, assessment: assess(file.tenants, planSettings(file, overrides)) };
}

/**
 * Appends a tenant pinned to the first shard with room for all its domains (with sharded
 * distributions, a shard of its edge settings). Existing tenants
 * keep their lines and their shards. `text` undefined means a new file.
 */
export function addTenant(text: string | undefined, source: string, request: AddRequest, overrides: Quotas): EditResult {
  const file = text === undefined ? emptyRegistry() : parseRegistry(text, source);
  const settings = planSettings(file, overrides);
  const quotas = settings.quotas;
  const before = assess(file.tenants, settings);
  if (before.problems.length > 0) {
    throw new Error(`${problemList(source, before.problems)}\nFix them (run \`validate\`) before adding a tenant.`);
  }

  const candidate: TenantProps = {
    id: request.id,
    domainNames: request.domainNames,
    externalDns: request.externalDns ? true : undefined,
    webAcl: request.webAcl,
    geoRestriction: request.geoRestriction,
    certificateValidation: request.certificateValidation,
    cell: request.cell,
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
  // Placed last and unpinned, it takes the shard placement gives it, and nobody before it moves.
  const shard = placeGatewayTenants([...file.tenants, candidate], quotas, settings.edge).placements.at(-1)!.shard;
  if (shard >= quotas.distributionsPerAccount) {
    throw new Error(`Cannot add tenant "${request.id}": no shard has room for its ${plural(count, 'domain')}. ` +
      quotaExceeded('distributionsPerAccount', quotas.distributionsPerAccount, quotas.distributionsPerAccount + 1,
        'Another distribution'));
  }

  const tenants = [...file.tenants, { ...candidate, shard }];
  const after = assess(tenants, settings);
  if (after.problems.length > 0) {
    throw new Error(`Cannot add tenant "${request.id}": ${problemList('the result', after.problems)}`);
  }

  const load = after.shards.find(s => s.index === shard)!.domainNames.length;
  const cell = request.cell === undefined ? '' : ` of cell "${request.cell}"`;
  const messages = [`Added tenant "${request.id}"${cell} (${plural(count, 'domain')}) to shard ${shard} in ${source}; ` +
    `shard ${shard} now holds ${load}/${cap} domains.`];
  if (request.externalDns) {
    messages.push(`The partner hosts its DNS: once deployed, have them point ${request.domainNames.join(', ')} ` +
      `at gateway.dnsTargetOf('${request.id}').`);
  }
  return { text: edited(text, source, { ...file, tenants }, messages), messages };
}

/**
 * Removes a tenant; no other tenant's line changes. Refuses when that would move an unpinned
 * tenant to another shard, which would fail the deployment.
 */
export function removeTenant(text: string, source: string, id: string, overrides: Quotas): EditResult {
  const file = parseRegistry(text, source);
  const index = file.tenants.findIndex(t => t.id === id);
  if (index < 0) {
    throw new Error(`${source} has no tenant "${id}" (it has ${plural(file.tenants.length, 'tenant')})`);
  }
  const tenants = file.tenants.filter((_, i) => i !== index);

  const { quotas, edge } = planSettings(file, overrides);
  const shardBefore = new Map(placeGatewayTenants(file.tenants, quotas, edge).placements.map(p => [p.tenantId, p.shard]));
  const moved = placeGatewayTenants(tenants, quotas, edge).placements.filter(p => shardBefore.get(p.tenantId) !== p.shard);
  if (moved.length > 0) {
    const lines = moved.map(p => `tenant "${p.tenantId}" would move from shard ${shardBefore.get(p.tenantId)} to ${p.shard};` +
      ` pin it with "shard": ${shardBefore.get(p.tenantId)}`);
    throw new Error(`Cannot remove tenant "${id}": it would move ${plural(moved.length, 'unpinned tenant')}:\n` +
      lines.map(line => `  - ${line}`).join('\n') +
      '\nA moved domain fails the deployment (CNAMEAlreadyExists). Pin these tenants first, then remove it.');
  }

  const removed = file.tenants[index];
  const messages = [`Removed tenant "${id}" (${removed.domainNames.join(', ')}) from ${source}; no other tenant moves.`];
  return { text: edited(text, source, { ...file, tenants }, messages), messages };
}

/** The placement per shard and the headroom on every quota, as lines of text. */
export function planReport(text: string, source: string, overrides: Quotas): { lines: string[]; problems: string[] } {
  const file = parseRegistry(text, source);
  const settings = planSettings(file, overrides);
  const plan = assess(file.tenants, settings);
  const cap = settings.quotas.domainsPerDistribution;
  const lines = [`${source}: ${summarize(file.tenants, plan)} of up to ${cap} domains each`];

  if (plan.shards.length > 0) {
    const rows = plan.shards.map(shard => {
      const unpinned = shard.tenants.filter(t => t.shard === undefined).length;
      const used = shard.domainNames.length;
      return [String(shard.index), `${used}/${cap}`, String(cap - used),
        String(shard.tenants.length) + (unpinned > 0 ? ` (${unpinned} unpinned)` : '')];
    });
    lines.push('', ...table(['shard', 'domains', 'free', 'tenants'], rows));
  }
  if (plan.cells.length > 1) {
    const one = settings.edge.oneDistribution;
    const rows = plan.cells.map(c => [c.cell, one ? '-' : String(c.shards.length), String(c.tenants), String(c.domains),
      one ? '-' : String(c.shards.length * cap - c.domains), one ? '-' : String(c.vpcOrigins)]);
    lines.push('', one
      ? 'Cells (each distribution tenant sets its origin to its cell\'s):'
      : 'Cells (each shard serves one cell, its distribution\'s origin; room = free domains on its shards):',
    ...table(['cell', 'shards', 'tenants', 'domains', 'room', 'vpc origins'], rows));
  }
  if (plan.partitions.length > 1) {
    const rows = plan.partitions.map(p => [p.partition, String(p.shards.length), String(p.tenants), String(p.domains)]);
    lines.push('', 'Tenants of different edge settings (cell, webAcl, geoRestriction) are on distributions of their own:',
      ...table(['edge settings', 'shards', 'tenants', 'domains'], rows));
  }

  const rows = plan.usage.map(u => [u.key, u.what, String(u.used), String(u.limit),
    u.used > u.limit ? `OVER by ${u.used - u.limit}` : String(u.limit - u.used)]);
  lines.push('', ...table(['quota', 'counts', 'used', 'limit', 'headroom'], rows));
  lines.push('', 'certificatesPerLoadBalancer depends on the certificates you pass the gateway, not on this file' +
    (plan.cells.length > 1 ? '; every cell\'s load balancer carries the same ones, so it counts the same for each.' : '.'));
  return { lines, problems: [...plan.problems] };
}

/** "N tenants, M domains on K shards" */
export function summarize(tenants: readonly TenantProps[], plan: GatewayPlan): string {
  const domains = tenants.reduce((n, t) => n + t.domainNames.length, 0);
  return `${plural(tenants.length, 'tenant')}, ${plural(domains, 'domain')} on ${plural(plan.shards.length, 'shard')}`;
}

/** `subject has N problems:` and one indented line per problem, as the library words it. */
export function problemList(subject: string, problems: readonly string[]): string {
  const count = plural(problems.length, 'problem');
  return `${subject} has ${count}:\n${problems.map(p => `  - ${p}`).join('\n')}`;
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
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map(r => r[c].length)));
  return [header, ...rows].map(r => r.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd());
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
