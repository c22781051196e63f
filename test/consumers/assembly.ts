// Reads a cloud assembly (cdk.out) the way the consumer checks need it: every stack's template and
// the nested stack templates below it, and the DNS records and distributions they hold.
import * as fs from 'fs';
import * as path from 'path';

export interface Template {
  readonly Resources?: Record<string, { Type: string; Properties?: any; Metadata?: any }>;
  readonly Outputs?: Record<string, { Value: unknown }>;
}

/** A template of the assembly, named by its file, with the nested stack templates it holds. */
export interface AssemblyTemplate {
  readonly file: string;
  readonly template: Template;
  readonly nested: AssemblyTemplate[];
}

/** One DNS record: a `AWS::Route53::RecordSet`, or one entry of a `AWS::Route53::RecordSetGroup`. */
export interface DnsRecord {
  readonly name: string;
  readonly type: string;
  /** The template and logical id it comes from, for messages. */
  readonly from: string;
}

/**
 * The DNS records of one template. A `RecordSet` is one record; a `RecordSetGroup` holds
 * several in `RecordSets`. Names are compared without their trailing dot.
 */
export function recordsOf(template: Template, file = 'template'): DnsRecord[] {
  const records: DnsRecord[] = [];
  for (const [id, resource] of Object.entries(template.Resources ?? {})) {
    if (resource.Type !== 'AWS::Route53::RecordSet' && resource.Type !== 'AWS::Route53::RecordSetGroup') continue;
    const entries = resource.Type === 'AWS::Route53::RecordSet' ? [resource.Properties] : resource.Properties?.RecordSets;
    if (!Array.isArray(entries)) throw new Error(`${file}: ${id} (${resource.Type}) has no list of records`);
    for (const entry of entries) {
      records.push({ name: String(entry?.Name).replace(/\.$/, ''), type: String(entry?.Type), from: `${file}#${id}` });
    }
  }
  return records;
}

/** The logical ids of the resources of `type` in one template. */
export function resourcesOfType(template: Template, type: string): string[] {
  return Object.entries(template.Resources ?? {}).filter(([, r]) => r.Type === type).map(([id]) => id);
}

/** A template and every template nested below it, depth first. */
export function flatten(root: AssemblyTemplate): AssemblyTemplate[] {
  return [root, ...root.nested.flatMap(flatten)];
}

/**
 * Loads a stack's template and, through each `AWS::CloudFormation::Stack` resource's
 * `aws:asset:path` metadata, the nested stack templates in the same assembly directory.
 */
export function loadTemplate(directory: string, file: string): AssemblyTemplate {
  const template: Template = JSON.parse(fs.readFileSync(path.join(directory, file), 'utf8'));
  const nested = Object.entries(template.Resources ?? {})
    .filter(([, r]) => r.Type === 'AWS::CloudFormation::Stack')
    .map(([id, r]) => {
      const asset = r.Metadata?.['aws:asset:path'];
      if (typeof asset !== 'string') {
        throw new Error(`${file}: nested stack ${id} has no aws:asset:path metadata naming its template in the assembly`);
      }
      return loadTemplate(directory, asset);
    });
  return { file, template, nested };
}

export interface StackArtifact {
  readonly id: string;
  readonly environment: string;
  readonly templateFile: string;
  /** Every error and warning recorded for the stack (and its nested stacks), as "path: message". */
  readonly errors: string[];
  readonly warnings: string[];
}

export interface CloudAssembly {
  readonly directory: string;
  readonly stacks: StackArtifact[];
  /** Context the app asked for and did not get: a lookup the CLI must make with AWS credentials. */
  readonly missing: Array<{ key: string; provider: string }>;
}

/** The stacks and missing context of the assembly in `directory`. */
export function readAssembly(directory: string): CloudAssembly {
  const manifest = JSON.parse(fs.readFileSync(path.join(directory, 'manifest.json'), 'utf8'));
  const stacks: StackArtifact[] = Object.entries<any>(manifest.artifacts ?? {})
    .filter(([, a]) => a.type === 'aws:cloudformation:stack')
    .map(([id, a]) => {
      const entries = Object.entries<any[]>(a.metadata ?? {})
        .flatMap(([where, list]) => list.map(entry => ({ type: entry.type, text: `${where}: ${String(entry.data)}` })));
      return {
        id,
        environment: a.environment,
        templateFile: a.properties.templateFile,
        errors: entries.filter(e => e.type === 'aws:cdk:error').map(e => e.text),
        warnings: entries.filter(e => e.type === 'aws:cdk:warning').map(e => e.text),
      };
    });
  return { directory, stacks, missing: manifest.missing ?? [] };
}
