// The CLI's commands as pure functions over the file's text, so tests need no process or disk.
// They throw `Error` for a broken rule or an invalid file (exit code 1); main.ts does the I/O.
import { editInPlace, TenantEdit } from './layout';
import { canonicalTenant, emptyRegistry, formatRegistry, lineEnding, parseRegistry, RegistryFile } from './registry-file';
import { EdgeShape, edgeShapeNamed, SHARDED_DISTRIBUTIONS } from '../edge/shape';
import { GatewayPlan, placeGatewayTenants, planGateway } from '../gateway/plan';
import { didYouMean } from '../private/suggest';
import { Quotas, quotaExceeded, ResolvedQuotas, resolveQuotas } from '../quotas/quotas';
import { TenantGeoRestriction } from '../tenants/geo-restriction';
import { tenantProblems, TenantProps } from '../tenants/tenants';
import { zoneProblems } from '../tenants/zone';

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

/** A step the user takes next: a command of this CLI (`cli`) or of the shell, and why. */
export interface NextStep {
  readonly why: string;
  /** This CLI's arguments, as `validate`; main.ts prefixes the program and `--file`. */
  readonly cli?: string;
  /** A shell command, as written. */
  readonly shell?: string;
}

/** The outcome of an edit: the file's new text and what to tell the user. */
export interface EditResult {
  readonly text: string;
  readonly messages: string[];
  readonly next: NextStep[];
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
export function validateRegistry(text: string, source: string, overrides: Quotas): {
  file: RegistryFile; assessment: GatewayPlan; problems: string[];
} {
  const file = parseRegistry(text, source);
  const assessment = assess(file.tenants, planSettings(file, overrides));
  return { file, assessment, problems: fileProblems(file, assessment) };
}

/** What the gateway refuses of this file: the plan's problems, and domains outside `settings.zoneName`. */
export function fileProblems(file: RegistryFile, plan: GatewayPlan): string[] {
  const zoneName = file.settings?.zoneName;
  return [...(zoneName === undefined ? [] : zoneProblems(file.tenants, zoneName)), ...plan.problems];
}

/** A new tenants file, with the hosted zone's name in its settings when given. */
export function initRegistry(schema: string, zoneName: string | undefined): EditResult {
  const file = emptyRegistry(schema, zoneName);
  parseRegistry(formatRegistry(file), 'the new file'); // refuses a malformed zone name
  const messages = [zoneName === undefined
    ? 'Created an empty tenants file. Domains are not checked against the hosted zone until `settings.zoneName` names it.'
    : `Created an empty tenants file for the hosted zone "${zoneName}".`];
  return { text: formatRegistry(file), messages, next: [{ why: 'Add the first tenant', cli: 'add <id> <domain...>' }] };
}

/**
 * Appends a tenant pinned to the first shard with room for all its domains (with sharded
 * distributions, a shard of its edge settings). Existing tenants
 * keep their lines and their shards. `text` undefined means a new file.
 */
/** The tenant `add` asks for, as the file (or the control plane's store) holds it. */
export function requestedTenant(request: AddRequest): TenantProps {
  return {
    id: request.id,
    domainNames: request.domainNames,
    externalDns: request.externalDns ? true : undefined,
    webAcl: request.webAcl,
    geoRestriction: request.geoRestriction,
    certificateValidation: request.certificateValidation,
    cell: request.cell,
    config: request.config,
  };
}

export function addTenant(text: string, source: string, request: AddRequest, overrides: Quotas): EditResult {
  const file = parseRegistry(text, source);
  const settings = planSettings(file, overrides);
  const quotas = settings.quotas;
  const beforeProblems = fileProblems(file, assess(file.tenants, settings));
  if (beforeProblems.length > 0) {
    throw new Error(`${problemList(source, beforeProblems)}\nFix them (run \`validate\`) before adding a tenant.`);
  }

  const candidate = requestedTenant(request);
  // The existing tenants are valid, so every problem found here is the new tenant's.
  const zoneName = file.settings?.zoneName;
  const problems = [...tenantProblems([...file.tenants, candidate]), ...(zoneName === undefined ? [] : zoneProblems([candidate], zoneName))];
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
  const planned = assess(tenants, settings);
  if (planned.problems.length > 0) {
    throw new Error(`Cannot add tenant "${request.id}": ${problemList('the result', planned.problems)}`);
  }

  const load = planned.shards.find(s => s.index === shard)!.domainNames.length;
  const cell = request.cell === undefined ? '' : ` of cell "${request.cell}"`;
  const messages = [`Added tenant "${request.id}"${cell} (${plural(count, 'domain')}) to shard ${shard} in ${source}; ` +
    `shard ${shard} now holds ${load}/${cap} domains.`];
  const next: NextStep[] = [{ why: 'Check the file as CI will, then commit it and open a pull request', cli: 'validate' }];
  if (request.externalDns) {
    messages.push(`The partner hosts its DNS: once the gateway is deployed, tell them the records to create at their DNS provider for ${request.domainNames.join(', ')}.`);
    next.push({ why: 'After the merge, deploy and write the stack outputs', shell: 'npx cdk deploy --outputs-file cdk-outputs.json' },
      { why: 'Print the partner\'s records from those outputs', cli: `dns ${request.id} --outputs cdk-outputs.json` });
  }
  return { text: edited(text, source, file, { ...file, tenants }, { append: [canonicalTenant(tenants.at(-1)!)] }, messages), messages, next };
}

/**
 * Pins every unpinned tenant to the shard it is placed on now (`"shard": n`), so that later edits
 * can never move it. Nobody moves; a file whose tenants are all pinned is left as it is.
 */
export function pinTenants(text: string, source: string, overrides: Quotas): EditResult {
  const file = parseRegistry(text, source);
  const settings = planSettings(file, overrides);
  const plan = assess(file.tenants, settings);
  const problems = fileProblems(file, plan);
  if (problems.length > 0) {
    throw new Error(`${problemList(source, problems)}\nFix them (run \`validate\`) before pinning: the gateway would not deploy this file.`);
  }
  const fields = new Map<number, { shard: number }>();
  file.tenants.forEach((t, i) => {
    if (t.shard === undefined) fields.set(i, { shard: plan.placements[i].shard });
  });
  if (fields.size === 0) {
    return { text, messages: [`Every tenant in ${source} is pinned already; nothing changed.`], next: [] };
  }
  const tenants = file.tenants.map((t, i) => fields.has(i) ? { ...t, shard: fields.get(i)!.shard } : t);
  const pinned = [...fields].map(([i, f]) => `${file.tenants[i].id} → ${f.shard}`);
  const messages = [`Pinned ${plural(fields.size, 'tenant')} of ${source} to the shards they are on now; nobody moves: ` +
    (pinned.length <= 20 ? pinned.join(', ') : `${pinned.slice(0, 20).join(', ')} and ${pinned.length - 20} more`) + '.'];
  return {
    text: edited(text, source, file, { ...file, tenants }, { addFields: fields }, messages),
    messages,
    next: [{ why: 'Check the file, then commit it', cli: 'validate' }],
  };
}

/**
 * Removes a tenant; no other tenant's line changes. Refuses when that would move an unpinned
 * tenant to another shard, which would fail the deployment.
 */
export function removeTenant(text: string, source: string, id: string, overrides: Quotas): EditResult {
  const file = parseRegistry(text, source);
  const index = file.tenants.findIndex(t => t.id === id);
  if (index < 0) {
    throw new Error(unknownTenant(source, id, file.tenants));
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
      '\nA moved domain fails the deployment (CNAMEAlreadyExists). Pin them where they are first (`pin` pins every unpinned ' +
      'tenant), then remove it.');
  }

  const removed = file.tenants[index];
  const messages = [`Removed tenant "${id}" (${removed.domainNames.join(', ')}) from ${source}; no other tenant moves.`];
  return {
    text: edited(text, source, file, { ...file, tenants }, { remove: [index] }, messages),
    messages,
    next: [{ why: 'Check the file as CI will, then commit it and open a pull request', cli: 'validate' }],
  };
}

/** `source has no tenant "x" (did you mean "y"?)`. */
export function unknownTenant(source: string, id: string, tenants: readonly TenantProps[]): string {
  const hint = didYouMean(id, tenants.map(t => t.id));
  return `${source} has no tenant "${id}"${hint || ` (it has ${plural(tenants.length, 'tenant')})`}`;
}

/** One run of consecutive shards that look alike: same domains, tenants, unpinned tenants and edge settings. */
export interface ShardRun {
  readonly first: number;
  readonly last: number;
  readonly domains: number;
  readonly tenants: number;
  readonly unpinned: number;
  /** The edge settings of its shards (sharded distributions with more than one partition). */
  readonly edgeSettings?: string;
}

/** What `plan` reports, as data (`--json`) and as text. */
export interface PlanData {
  readonly source: string;
  readonly edge: string;
  readonly domainsPerDistribution: number;
  readonly tenants: number;
  readonly domains: number;
  readonly shards: ShardRun[];
  readonly cells: { cell: string; shards: number; tenants: number; domains: number; vpcOrigins: number }[];
  /** The partitions of edge settings, when there is more than one (sharded distributions). */
  readonly partitions: { edgeSettings: string; shards: number; tenants: number; domains: number }[];
  readonly quotas: { quota: string; counts: string; used: number; limit: number }[];
  readonly problems: string[];
}

/** The placement and the use of every quota, for `plan`. */
export function planData(text: string, source: string, overrides: Quotas): PlanData {
  const file = parseRegistry(text, source);
  const settings = planSettings(file, overrides);
  const plan = assess(file.tenants, settings);
  const byPartition = plan.partitions.length > 1;
  const runs: ShardRun[] = [];
  for (const shard of plan.shards) {
    const row = {
      domains: shard.domainNames.length,
      tenants: shard.tenants.length,
      unpinned: shard.tenants.filter(t => t.shard === undefined).length,
      edgeSettings: byPartition ? plan.partitions.find(p => p.shards.includes(shard.index))?.partition : undefined,
    };
    const previous = runs.at(-1);
    if (previous !== undefined && previous.last + 1 === shard.index && previous.domains === row.domains && previous.tenants === row.tenants
      && previous.unpinned === row.unpinned && previous.edgeSettings === row.edgeSettings) {
      runs[runs.length - 1] = { ...previous, last: shard.index };
    } else {
      runs.push({ first: shard.index, last: shard.index, ...row });
    }
  }
  return {
    source,
    edge: settings.edge.name,
    domainsPerDistribution: settings.quotas.domainsPerDistribution,
    tenants: file.tenants.length,
    domains: file.tenants.reduce((n, t) => n + t.domainNames.length, 0),
    shards: runs,
    cells: plan.cells.length > 1
      ? plan.cells.map(c => ({ cell: c.cell, shards: c.shards.length, tenants: c.tenants, domains: c.domains, vpcOrigins: c.vpcOrigins }))
      : [],
    partitions: byPartition
      ? plan.partitions.map(p => ({ edgeSettings: p.partition, shards: p.shards.length, tenants: p.tenants, domains: p.domains }))
      : [],
    quotas: plan.usage.map(u => ({ quota: u.key, counts: u.what, used: u.used, limit: u.limit })),
    problems: fileProblems(file, plan),
  };
}

/** The plan as lines of text: runs of alike shards, cells, and each quota's use as a bar. */
export function formatPlan(data: PlanData, oneDistribution: boolean): string[] {
  const cap = data.domainsPerDistribution;
  const shardCount = data.shards.reduce((n, r) => n + r.last - r.first + 1, 0);
  const lines = [`${data.source}: ${plural(data.tenants, 'tenant')}, ${plural(data.domains, 'domain')} on ${plural(shardCount, 'shard')} of up to ${cap} domains each`];
  if (data.shards.length > 0) {
    const withSettings = data.shards.some(r => r.edgeSettings !== undefined);
    const rows = data.shards.map(r => [r.first === r.last ? String(r.first) : `${r.first}-${r.last}`,
      `${r.domains}/${cap}`, String(cap - r.domains), String(r.tenants) + (r.unpinned > 0 ? ` (${r.unpinned} unpinned)` : ''),
      ...(withSettings ? [r.edgeSettings ?? ''] : [])]);
    lines.push('', 'Shards (a range is a run of shards alike; domains, free and tenants are per shard):',
      ...table(['shard', 'domains', 'free', 'tenants', ...(withSettings ? ['edge settings'] : [])], rows));
  }
  if (data.cells.length > 0) {
    const rows = data.cells.map(c => [c.cell, oneDistribution ? '-' : String(c.shards), String(c.tenants), String(c.domains),
      oneDistribution ? '-' : String(c.shards * cap - c.domains), oneDistribution ? '-' : String(c.vpcOrigins)]);
    lines.push('', oneDistribution
      ? 'Cells (each distribution tenant sets its origin to its cell\'s):'
      : 'Cells (each shard serves one cell, its distribution\'s origin; room = free domains on its shards):',
    ...table(['cell', 'shards', 'tenants', 'domains', 'room', 'vpc origins'], rows));
  }
  if (data.partitions.length > 0) {
    const rows = data.partitions.map(p => [p.edgeSettings, String(p.shards), String(p.tenants), String(p.domains)]);
    lines.push('', 'Tenants of different edge settings (cell, webAcl, geoRestriction) are on distributions of their own:',
      ...table(['edge settings', 'shards', 'tenants', 'domains'], rows));
  }
  const rows = data.quotas.map(q => [q.quota, bar(q.used, q.limit), `${q.used}/${q.limit}`,
    q.used > q.limit ? `OVER by ${q.used - q.limit}` : String(q.limit - q.used), q.counts]);
  lines.push('', ...table(['quota', 'use', 'used', 'headroom', 'counts'], rows));
  lines.push('', 'certificatesPerLoadBalancer depends on the certificates you pass the gateway, not on this file' +
    (data.cells.length > 0 ? '; every cell\'s load balancer carries the same ones, so it counts the same for each.' : '.'));
  return lines;
}

/** `[######              ]  30%`: a quota's use in 20 steps, full and marked when over. */
export function bar(used: number, limit: number): string {
  const width = 20;
  const filled = Math.min(width, Math.ceil((used / limit) * width));
  const percent = Math.round((used / limit) * 100);
  return `[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${String(percent).padStart(3)}%${used > limit ? '!' : ''}`;
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

/**
 * The edited file's text in the file's own line endings. A file in the CLI's layout is written in
 * it; any other keeps its layout, with only the edited tenants' lines changed. When the edit cannot
 * be made in place, the file is re-laid out and the message says which of its lines that changed.
 */
function edited(original: string, source: string, before: RegistryFile, after: RegistryFile, edit: TenantEdit, messages: string[]): string {
  const eol = lineEnding(original);
  const wanted = formatRegistry(after, eol);
  if (formatRegistry(before, eol) === original) return wanted;
  const inPlace = editInPlace(original, edit, eol);
  if (inPlace !== undefined && sameDocument(inPlace, wanted, source)) return inPlace;

  const old = original.split(eol);
  const relaid = formatRegistry(before, eol).split(eol);
  let first = 0;
  while (first < old.length && old[first] === relaid[first]) first++;
  let last = 0;
  while (last < old.length - first && old[old.length - 1 - last] === relaid[relaid.length - 1 - last]) last++;
  const lines = first + 1 === old.length - last ? `line ${first + 1}` : `lines ${first + 1}-${old.length - last}`;
  messages.push(`Note: ${source} could not be edited in its own layout, so it was re-laid out in the CLI's (2-space JSON, ` +
    `fields in the fixed order${eol === '\r\n' ? ', CRLF line endings kept' : ''}): besides this change, ${lines} of the old file changed. ` +
    'Commit the re-layout on its own first to keep the pull request to this change.');
  return wanted;
}

/** Whether a text edited in place holds exactly the document the CLI meant to write. */
function sameDocument(text: string, wanted: string, source: string): boolean {
  try {
    return formatRegistry(parseRegistry(text, source)) === formatRegistry(parseRegistry(wanted, source));
  } catch {
    return false;
  }
}

/** Left-aligned text columns, two spaces apart. */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map(r => r[c].length)));
  return [header, ...rows].map(r => r.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd());
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
