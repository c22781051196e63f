// Reading and writing the tenants file so that every edit is deterministic: an added tenant shows
// in review as its own lines only, and rewriting an unchanged file gives back the same text.
import * as fs from 'fs';
import * as path from 'path';
import { parseJsonText } from '../tenants/json-text';
import { TenantProps, Tenants, TenantsFileSettings } from '../tenants/tenants';

/**
 * Where a new tenants file points editors for completion and checking: the schema the package
 * ships, relative to the file. It resolves as soon as the package is installed, offline, and it
 * is always the schema of the installed version, which a URL of the newest release is not.
 */
export const SCHEMA_PATH = './node_modules/cdk-multi-tenant-gateway/tenants.schema.json';

/** The tenants file as the CLI edits it. */
export interface RegistryFile {
  /** The `$schema` value, written first when present. */
  readonly schema?: unknown;
  /** The tenants, in file order. */
  readonly tenants: TenantProps[];
  /** Other top-level fields, kept after `tenants` so an edit never loses them. */
  readonly extra: { [key: string]: unknown };
  /** The file is a bare list of tenants rather than `{ "tenants": [...] }`. */
  readonly bare: boolean;
  /** The file's `settings` (also kept, as written, in `extra`); none when undefined. */
  readonly settings?: TenantsFileSettings;
}

/** A new, empty tenants file; `zoneName` goes into its settings. */
export function emptyRegistry(schema: string = SCHEMA_PATH, zoneName?: string): RegistryFile {
  const settings = zoneName === undefined ? {} : { zoneName };
  return { schema, tenants: [], extra: zoneName === undefined ? {} : { settings }, bare: false, settings };
}

/**
 * The `$schema` for a new file in `folder`: the relative path to the installed package's schema
 * in the nearest node_modules above it, else the path it has once the package is installed there.
 */
export function schemaFor(folder: string): string {
  for (let dir = path.resolve(folder); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', 'cdk-multi-tenant-gateway', 'tenants.schema.json');
    if (fs.existsSync(candidate)) {
      const relative = path.relative(path.resolve(folder), candidate).split(path.sep).join('/');
      return relative.startsWith('.') ? relative : `./${relative}`;
    }
    if (path.dirname(dir) === dir) return SCHEMA_PATH;
  }
}

/**
 * Parses a tenants file. Throws `Tenants.fromJson`'s errors, so malformed JSON is reported as
 * `file:line:column` and every broken tenant rule is listed at once. Refuses a `__proto__` key,
 * which JavaScript objects cannot carry through an edit.
 */
export function parseRegistry(text: string, source: string): RegistryFile {
  const parsed = Tenants.fromJson(text, source);
  const document = parseJsonText(text, source);
  const protoAt = protoPath(document, '');
  if (protoAt !== undefined) {
    throw new Error(`${source}: the key "__proto__" (at \`${protoAt}\`) cannot be kept by any edit; rename it`);
  }
  const tenants = parsed.list;
  if (Array.isArray(document)) {
    return { tenants, extra: {}, bare: true, settings: {} };
  }
  const { $schema, tenants: _tenants, ...extra } = document as { [key: string]: unknown };
  return { schema: $schema, tenants, extra, bare: false, settings: parsed.settings };
}

/** The path of the first `__proto__` key in a parsed document, if any. */
function protoPath(value: unknown, at: string): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  for (const key of Object.keys(value)) {
    const here = Array.isArray(value) ? `${at}[${key}]` : at === '' ? key : `${at}.${key}`;
    if (key === '__proto__') return here;
    const found = protoPath((value as Record<string, unknown>)[key], here);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The tenant's fields in the one order the CLI writes them; absent fields stay absent. */
export function canonicalTenant(tenant: TenantProps): TenantProps {
  return {
    id: tenant.id,
    domainNames: tenant.domainNames,
    shard: tenant.shard,
    externalDns: tenant.externalDns,
    cell: tenant.cell,
    webAcl: tenant.webAcl,
    geoRestriction: tenant.geoRestriction,
    config: tenant.config,
    certificateValidation: tenant.certificateValidation,
    movedFrom: tenant.movedFrom,
    adoptFrom: tenant.adoptFrom,
    handOff: tenant.handOff,
  };
}

/** The file's text: `$schema` first, then `tenants`, 2-space JSON, a trailing newline, lines ending in `eol`. */
export function formatRegistry(file: RegistryFile, eol: string = '\n'): string {
  const tenants = file.tenants.map(canonicalTenant);
  // JSON.stringify leaves out undefined values, so a missing `$schema` or field stays missing.
  const document = file.bare ? tenants : { $schema: file.schema, tenants, ...file.extra };
  return (JSON.stringify(document, null, 2) + '\n').replace(/\n/g, eol);
}

/** The line ending a text uses: CRLF when its first line ends so, else LF. */
export function lineEnding(text: string): string {
  const first = text.indexOf('\n');
  return first > 0 && text[first - 1] === '\r' ? '\r\n' : '\n';
}
