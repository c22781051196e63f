// What a synthesized cloud assembly would cost to deploy, read from its templates alone, so the
// figures follow whatever the code under test emits: CloudFormation resources, Route 53 change
// requests, CloudFront distributions; and, between the assemblies of N and N + 1 tenants, what
// appending one tenant creates and updates.
import * as fs from 'fs';
import * as path from 'path';

interface Resource {
  readonly Type: string;
  readonly Properties?: unknown;
  readonly DependsOn?: string | string[];
}

interface Template {
  readonly Resources?: Record<string, Resource>;
}

/** Each call to Route 53's ChangeResourceRecordSets that CloudFormation makes is one request. */
const ROUTE53_CHANGES = new Set(['AWS::Route53::RecordSet', 'AWS::Route53::RecordSetGroup']);
const DISTRIBUTIONS = new Set(['AWS::CloudFront::Distribution', 'AWS::CloudFront::DistributionTenant']);

export interface DeployFigures {
  readonly templates: number;
  readonly maxResources: number;
  readonly maxTemplateBytes: number;
  /** CloudFormation resources across all templates (nested-stack resources included). */
  readonly resources: number;
  readonly recordSets: number;
  readonly recordSetGroups: number;
  /** Route 53 change requests at the first deploy: one per record set, one per record set group. */
  readonly route53Changes: number;
  /**
   * Validation records of DNS-validated certificates (ACM certificates with a hosted zone per
   * domain): CloudFormation writes these to Route 53 too, beside the counted change requests.
   */
  readonly validationRecords: number;
  readonly distributions: number;
  readonly distributionTenants: number;
  /**
   * Waves of a first deploy: the longest chain of nested stacks that wait for one another
   * (DependsOn) in any one template. Templates deploy side by side, so this bounds the rounds.
   */
  readonly waves: number;
  /** The most nested stacks of one template that deploy at once (the widest wave). */
  readonly widestWave: number;
  /**
   * The most CloudFront distributions and distribution tenants CloudFormation may create, update
   * or delete at once under the templates' dependencies, nested stacks included (edgeChangesAtOnce).
   */
  readonly edgeChangesAtOnce: number;
}

export interface Changes {
  readonly created: number;
  readonly updated: number;
  readonly deleted: number;
}

export interface OnboardingFigures {
  /** Templates whose content differs between N and N + 1 tenants (file names), new ones included. */
  readonly templatesTouched: string[];
  /** Of those, the templates that only N + 1 tenants have. */
  readonly templatesCreated: string[];
  readonly resources: Changes;
  readonly route53: Changes;
  readonly distributions: Changes;
}

/** The assembly's templates by file name (nested ones included), with their size in bytes. */
export function readTemplates(dir: string): Map<string, { template: Template; bytes: number }> {
  const out = new Map<string, { template: Template; bytes: number }>();
  for (const file of fs.readdirSync(dir).filter(f => f.endsWith('.template.json')).sort()) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    out.set(file, { template: JSON.parse(text) as Template, bytes: Buffer.byteLength(text) });
  }
  return out;
}

export function deployFigures(dir: string): DeployFigures {
  const templates = readTemplates(dir);
  const byType = new Map<string, number>();
  let maxResources = 0;
  let maxTemplateBytes = 0;
  let resources = 0;
  let validationRecords = 0;
  let waves = 0;
  let widestWave = 0;
  for (const { template, bytes } of templates.values()) {
    const depth = stackWaves(template);
    waves = Math.max(waves, depth.waves);
    widestWave = Math.max(widestWave, depth.widest);
    const all = Object.values(template.Resources ?? {});
    maxResources = Math.max(maxResources, all.length);
    maxTemplateBytes = Math.max(maxTemplateBytes, bytes);
    resources += all.length;
    for (const r of all) {
      byType.set(r.Type, (byType.get(r.Type) ?? 0) + 1);
      if (r.Type === 'AWS::CertificateManager::Certificate') validationRecords += validationRecordsOf(r);
    }
  }
  const n = (type: string): number => byType.get(type) ?? 0;
  return {
    templates: templates.size,
    maxResources,
    maxTemplateBytes,
    resources,
    recordSets: n('AWS::Route53::RecordSet'),
    recordSetGroups: n('AWS::Route53::RecordSetGroup'),
    route53Changes: [...ROUTE53_CHANGES].reduce((sum, type) => sum + n(type), 0),
    validationRecords,
    distributions: n('AWS::CloudFront::Distribution'),
    distributionTenants: n('AWS::CloudFront::DistributionTenant'),
    waves,
    widestWave,
    edgeChangesAtOnce: edgeChangesAtOnce(dir),
  };
}

/** The nested stacks of a template by the wave CloudFormation can start them in. */
function stackWaves(template: Template): { waves: number; widest: number } {
  const resources = template.Resources ?? {};
  const stacks = Object.keys(resources).filter(id => resources[id].Type === 'AWS::CloudFormation::Stack');
  const wave = new Map<string, number>();
  const waveOf = (id: string): number => {
    const known = wave.get(id);
    if (known !== undefined) return known;
    const after = [resources[id].DependsOn ?? []].flat().filter(d => resources[d]?.Type === 'AWS::CloudFormation::Stack');
    const w = 1 + Math.max(0, ...after.map(waveOf));
    wave.set(id, w);
    return w;
  };
  const counts = new Map<number, number>();
  for (const id of stacks) counts.set(waveOf(id), (counts.get(waveOf(id)) ?? 0) + 1);
  return { waves: Math.max(0, ...counts.keys()), widest: Math.max(0, ...counts.values()) };
}

/**
 * The most CloudFront distributions and distribution tenants that CloudFormation may change at
 * once in the assembly in `dir`: the heaviest set of resources of which none waits for another.
 * Within a template a resource waits for what it names in DependsOn, Ref, Fn::GetAtt or Fn::Sub;
 * a nested stack weighs the most its own template changes at once, a distribution or distribution
 * tenant 1, anything else 0. Each top-level template deploys on its own; the largest counts.
 */
export function edgeChangesAtOnce(dir: string): number {
  const templates = readTemplates(dir);
  const files = nestedTemplateFiles(dir);
  const memo = new Map<string, number>();
  const widthOf = (file: string): number => {
    const known = memo.get(file);
    if (known !== undefined) return known;
    const resources = templates.get(file)?.template.Resources ?? {};
    const ids = Object.keys(resources);
    const weight = ids.map(id => {
      const r = resources[id];
      if (DISTRIBUTIONS.has(r.Type)) return 1;
      const child = r.Type === 'AWS::CloudFormation::Stack' ? files.get(assetHashOf(r.Properties) ?? '') : undefined;
      return child ? widthOf(child) : 0;
    });
    const index = new Map(ids.map((id, i) => [id, i]));
    const waitsFor = ids.map(id => [...dependenciesOf(resources[id])].filter(d => index.has(d) && d !== id).map(d => index.get(d)!));
    const width = maxWeightAntichain(weight, waitsFor);
    memo.set(file, width);
    return width;
  };
  return Math.max(0, ...[...templates.keys()].filter(f => !f.endsWith('.nested.template.json')).map(widthOf));
}

/** Nested templates by the asset hash their parent's TemplateURL names (from the assets manifests). */
function nestedTemplateFiles(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of fs.readdirSync(dir).filter(f => f.endsWith('.assets.json'))) {
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { files?: Record<string, { source?: { path?: string } }> };
    for (const [hash, asset] of Object.entries(manifest.files ?? {})) {
      if (asset.source?.path?.endsWith('.template.json')) out.set(hash, asset.source.path);
    }
  }
  return out;
}

/** The asset hash a nested stack's TemplateURL ends with (`.../<hash>.json`). */
function assetHashOf(properties: unknown): string | undefined {
  return /([0-9a-f]{64})\.json/.exec(JSON.stringify((properties as { TemplateURL?: unknown } | undefined)?.TemplateURL ?? ''))?.[1];
}

/** The logical ids a resource waits for: DependsOn, and what it references. */
function dependenciesOf(r: Resource): Set<string> {
  const out = new Set([r.DependsOn ?? []].flat());
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      v.forEach(walk);
      return;
    }
    if (v === null || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v)) {
      if (k === 'Ref' && typeof x === 'string') {
        out.add(x);
      } else if (k === 'Fn::GetAtt') {
        out.add(Array.isArray(x) ? String(x[0]) : String(x).split('.')[0]);
      } else if (k === 'Fn::Sub') {
        const text = Array.isArray(x) ? x[0] : x;
        for (const m of String(text).matchAll(/\$\{([^}!.]+)/g)) out.add(m[1]);
      }
      walk(x);
    }
  };
  walk(r.Properties);
  return out;
}

/**
 * The heaviest antichain of a DAG (node i waits for `waitsFor[i]`), by weighted Dilworth: it
 * equals the fewest chains (paths through the DAG, nodes reusable) that pass every node i at
 * least weight[i] times, a minimum flow. That flow starts as one path per unit of weight and is
 * cut back by the most flow that can be pushed from sink to source without going under a node's
 * weight (Dinic's algorithm).
 */
export function maxWeightAntichain(weight: readonly number[], waitsFor: readonly (readonly number[])[]): number {
  const n = weight.length;
  const total = weight.reduce((a, b) => a + b, 0);
  if (total === 0) return 0;
  const INF = total + 1;
  const s = 2 * n;
  const t = 2 * n + 1;
  const head: number[][] = Array.from({ length: 2 * n + 2 }, () => []);
  const to: number[] = [];
  const cap: number[] = [];
  // Residual capacities: an edge a -> b of flow f and lower bound l can take INF more, or give back f - l.
  const edge = (a: number, b: number, forward: number, back: number): void => {
    head[a].push(to.length); to.push(b); cap.push(forward);
    head[b].push(to.length); to.push(a); cap.push(back);
  };
  for (let i = 0; i < n; i++) {
    // s -> in(i) -> out(i) -> t carries weight[i] at the start; in -> out may not go under it.
    edge(s, i, INF, weight[i]);
    edge(i, n + i, INF, 0);
    edge(n + i, t, INF, weight[i]);
    // A chain may go from what i waits for on to i.
    for (const d of waitsFor[i]) edge(n + d, i, INF, 0);
  }
  // Push from t to s (min flow = start - max flow back).
  let pushed = 0;
  const level = new Array<number>(2 * n + 2);
  const next = new Array<number>(2 * n + 2);
  const bfs = (): boolean => {
    level.fill(-1);
    level[t] = 0;
    const queue = [t];
    for (let q = 0; q < queue.length; q++) {
      for (const e of head[queue[q]]) {
        if (cap[e] > 0 && level[to[e]] < 0) { level[to[e]] = level[queue[q]] + 1; queue.push(to[e]); }
      }
    }
    return level[s] >= 0;
  };
  const dfs = (v: number, f: number): number => {
    if (v === s) return f;
    for (; next[v] < head[v].length; next[v]++) {
      const e = head[v][next[v]];
      if (cap[e] > 0 && level[to[e]] === level[v] + 1) {
        const got = dfs(to[e], Math.min(f, cap[e]));
        if (got > 0) {
          cap[e] -= got;
          cap[e % 2 === 0 ? e + 1 : e - 1] += got;
          return got;
        }
      }
    }
    return 0;
  };
  while (bfs()) {
    next.fill(0);
    for (let f = dfs(t, INF); f > 0; f = dfs(t, INF)) pushed += f;
  }
  return total - pushed;
}

/** A DNS-validated certificate gets a validation record for each domain given a hosted zone. */
function validationRecordsOf(r: Resource): number {
  const p = (r.Properties ?? {}) as { ValidationMethod?: unknown; DomainValidationOptions?: { HostedZoneId?: unknown }[] };
  if (p.ValidationMethod !== 'DNS' || !Array.isArray(p.DomainValidationOptions)) return 0;
  return p.DomainValidationOptions.filter(o => o?.HostedZoneId !== undefined).length;
}

/**
 * What deploying `after` over `before` would do, resource by resource: a logical id only in `after`
 * is a create, one whose type or properties differ an update, one only in `before` a delete.
 * Templates are matched by file name (a nested stack's file is named by its construct path).
 */
export function onboardingFigures(before: string, after: string): OnboardingFigures {
  const old = readTemplates(before);
  const cur = readTemplates(after);
  const resources = { created: 0, updated: 0, deleted: 0 };
  const route53 = { created: 0, updated: 0, deleted: 0 };
  const distributions = { created: 0, updated: 0, deleted: 0 };
  const count = (type: string, change: keyof Changes): void => {
    resources[change]++;
    if (ROUTE53_CHANGES.has(type)) route53[change]++;
    if (DISTRIBUTIONS.has(type)) distributions[change]++;
  };
  const templatesTouched: string[] = [];
  const templatesCreated: string[] = [];
  for (const file of new Set([...old.keys(), ...cur.keys()])) {
    const a = old.get(file)?.template;
    const b = cur.get(file)?.template;
    if (!a) templatesCreated.push(file);
    if (!a || !b || !sameJson(a, b)) templatesTouched.push(file);
    const ra = a?.Resources ?? {};
    const rb = b?.Resources ?? {};
    for (const [id, r] of Object.entries(rb)) {
      const was = ra[id];
      if (!was) count(r.Type, 'created');
      else if (was.Type !== r.Type || !sameJson(was.Properties, r.Properties)) count(r.Type, 'updated');
    }
    for (const [id, r] of Object.entries(ra)) if (!rb[id]) count(r.Type, 'deleted');
  }
  return { templatesTouched, templatesCreated, resources, route53, distributions };
}

/** Deep equality of parsed JSON, whatever the order of object keys. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length &&
    ka.every(k => Object.prototype.hasOwnProperty.call(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
