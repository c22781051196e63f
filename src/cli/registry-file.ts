// Reading and writing the tenants file so that every edit is deterministic: an added tenant shows
// in review as its own lines only, and rewriting an unchanged file gives back the same text.
import { TenantProps, Tenants, TenantsFileSettings } from '../tenants/tenants';

/** Where a new tenants file points editors for completion and checking. */
export const SCHEMA_URL = 'https://unpkg.com/cdk-multi-tenant-gateway/tenants.schema.json';

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

/** A new, empty tenants file. */
export function emptyRegistry(): RegistryFile {
  return { schema: SCHEMA_URL, tenants: [], extra: {}, bare: false, settings: {} };
}

/**
 * Parses a tenants file. Throws `Tenants.fromJson`'s errors, so malformed JSON is reported as
 * `file:line:column` and every broken tenant rule is listed at once.
 */
export function parseRegistry(text: string, source: string): RegistryFile {
  const parsed = Tenants.fromJson(text, source);
  const tenants = parsed.list;
  const document: unknown = JSON.parse(text);
  if (Array.isArray(document)) {
    return { tenants, extra: {}, bare: true, settings: {} };
  }
  const { $schema, tenants: _tenants, ...extra } = document as { [key: string]: unknown };
  return { schema: $schema, tenants, extra, bare: false, settings: parsed.settings };
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
  };
}

/** The file's text: `$schema` first, then `tenants`, 2-space JSON, a trailing newline. */
export function formatRegistry(file: RegistryFile): string {
  const tenants = file.tenants.map(canonicalTenant);
  // JSON.stringify leaves out undefined values, so a missing `$schema` or field stays missing.
  const document = file.bare ? tenants : { $schema: file.schema, tenants, ...file.extra };
  return JSON.stringify(document, null, 2) + '\n';
}
