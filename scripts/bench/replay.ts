// The third floor: the gateway's own synthesized templates, rebuilt as bare L1s. Every resource,
// parameter and output the gateway emits becomes a plain CfnResource, CfnParameter or CfnOutput
// with its properties as literal JSON, and every nested stack a NestedStack: what the best
// hand-written L1 code that emits the very same templates would construct, with none of the
// gateway's logic (planning, validation, L2s). The gap between this floor and the gateway is the
// gateway's own cost; the gap between this floor and the others is what its templates hold beyond
// distributions and records (the VPC, load balancer and fleet, the tenant-config parameters,
// alarms, and the parameters and outputs that carry references between nested stacks).
import * as fs from 'fs';
import * as path from 'path';
import { CfnDeletionPolicy, CfnOutput, CfnParameter, CfnResource, NestedStack, Stack } from 'aws-cdk-lib';

interface Template {
  readonly Description?: string;
  readonly Parameters?: Record<string, { readonly Type: string; readonly Description?: string; readonly Default?: unknown }>;
  readonly Resources?: Record<string, {
    readonly Type: string;
    readonly Properties?: Record<string, unknown>;
    readonly DependsOn?: string | string[];
    readonly DeletionPolicy?: string;
    readonly UpdateReplacePolicy?: string;
    readonly UpdatePolicy?: Record<string, unknown>;
    readonly Metadata?: Record<string, unknown>;
  }>;
  readonly Outputs?: Record<string, { readonly Value: unknown; readonly Description?: string; readonly Export?: { Name: unknown } }>;
}

/** A synthesized assembly read into memory: the top-level template and each nested one by its asset hash. */
export interface Recorded {
  readonly stackName: string;
  readonly template: Template;
  readonly nestedByHash: ReadonlyMap<string, Template>;
}

/** What the stack synthesizer adds to every top-level template on its own (with the Rules that check it). */
const SYNTHESIZER_PARAMETERS = new Set(['BootstrapVersion']);

/** Reads the templates of stack `stackName` from a cloud assembly folder, before any clock starts. */
export function readAssembly(dir: string, stackName: string): Recorded {
  const read = (file: string): Template => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Template;
  const assets = JSON.parse(fs.readFileSync(path.join(dir, `${stackName}.assets.json`), 'utf8')) as {
    files: Record<string, { source: { path: string } }>;
  };
  const nestedByHash = new Map<string, Template>();
  for (const [hash, file] of Object.entries(assets.files)) {
    if (file.source.path.endsWith('.nested.template.json')) nestedByHash.set(hash, read(file.source.path));
  }
  return { stackName, template: read(`${stackName}.template.json`), nestedByHash };
}

/** The asset hash a nested stack's TemplateURL names (…/<hash>.json). */
function nestedHash(templateUrl: unknown): string | undefined {
  const match = /([0-9a-f]{64})\.json"/.exec(JSON.stringify(templateUrl));
  return match?.[1];
}

/** The template sections a replay rebuilds; any other would be dropped, so it fails instead. */
const SECTIONS = new Set(['Description', 'Parameters', 'Resources', 'Outputs', 'Rules']);

/**
 * Rebuilds `template` in `scope` as bare L1s, nested stacks included, keeping every logical id.
 * Sections are rebuilt in the template's own order, since CDK writes them in the order of creation.
 */
export function replay(scope: Stack, template: Template, recorded: Recorded): void {
  const topLevel = scope.nestedStackParent === undefined;
  const unknown = Object.keys(template).filter(k => !SECTIONS.has(k) || (k === 'Rules' && !topLevel));
  if (unknown.length > 0) throw new Error(`cannot replay the template sections ${unknown.join(', ')}`);
  if (template.Description !== undefined) scope.templateOptions.description = template.Description;
  for (const section of Object.keys(template)) {
    if (section === 'Parameters') replayParameters(scope, template, topLevel);
    if (section === 'Resources') replayResources(scope, template, recorded);
    if (section === 'Outputs') replayOutputs(scope, template);
  }
}

function replayParameters(scope: Stack, template: Template, topLevel: boolean): void {
  for (const [id, p] of Object.entries(template.Parameters ?? {})) {
    if (topLevel && SYNTHESIZER_PARAMETERS.has(id)) continue;
    new CfnParameter(scope, id, { type: p.Type, description: p.Description, default: p.Default }).overrideLogicalId(id);
  }
}

function replayResources(scope: Stack, template: Template, recorded: Recorded): void {
  const resources = new Map<string, CfnResource>();
  for (const [id, r] of Object.entries(template.Resources ?? {})) {
    const nested = r.Type === 'AWS::CloudFormation::Stack' ? recorded.nestedByHash.get(nestedHash(r.Properties?.TemplateURL) ?? '') : undefined;
    if (nested) {
      const stack = new NestedStack(scope, id, { parameters: r.Properties?.Parameters as Record<string, string> | undefined });
      stack.nestedStackResource!.overrideLogicalId(id);
      replay(stack, nested, recorded);
      resources.set(id, stack.nestedStackResource!);
      continue;
    }
    const resource = new CfnResource(scope, id, { type: r.Type, properties: r.Properties });
    resource.overrideLogicalId(id);
    resource.cfnOptions.deletionPolicy = r.DeletionPolicy as CfnDeletionPolicy | undefined;
    resource.cfnOptions.updateReplacePolicy = r.UpdateReplacePolicy as CfnDeletionPolicy | undefined;
    resource.cfnOptions.updatePolicy = r.UpdatePolicy;
    resource.cfnOptions.metadata = r.Metadata;
    resources.set(id, resource);
  }
  for (const [id, r] of Object.entries(template.Resources ?? {})) {
    for (const on of [r.DependsOn ?? []].flat()) resources.get(id)!.node.addDependency(resources.get(on)!);
  }
}

function replayOutputs(scope: Stack, template: Template): void {
  for (const [id, o] of Object.entries(template.Outputs ?? {})) {
    // An output's value is any CloudFormation expression; CfnOutput's type says string only.
    new CfnOutput(scope, id, { value: o.Value as string, description: o.Description, exportName: o.Export?.Name as string | undefined })
      .overrideLogicalId(id);
  }
}

/**
 * Where the replay's assembly in `dir` differs from the recorded one, or undefined when every
 * template is the same (DependsOn lists compared as sets: CDK orders its own dependencies).
 */
export function replayDifference(recorded: Recorded, dir: string): string | undefined {
  const again = readAssembly(dir, recorded.stackName);
  const canonical = (t: Template): string => JSON.stringify(t, (key, value: unknown) =>
    (key === 'DependsOn' && Array.isArray(value) ? [...value].sort() : value));
  if (canonical(again.template) !== canonical(recorded.template)) return `${recorded.stackName}.template.json differs`;
  for (const [hash, template] of recorded.nestedByHash) {
    const rebuilt = again.nestedByHash.get(hash);
    if (!rebuilt || canonical(rebuilt) !== canonical(template)) return `the nested template with asset hash ${hash} differs`;
  }
  return again.nestedByHash.size === recorded.nestedByHash.size ? undefined : 'the replay has nested templates the gateway has not';
}
