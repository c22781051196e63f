// A tenant's partition: the distribution-level settings every tenant of its shard must share. In
// the sharded mode a shard is one distribution, so its tenants share its origin (their cell), web
// ACL and geo restriction; placement keeps tenants of different partitions on different shards.
// The key is canonical (equal settings give equal keys, however written) and readable, so that a
// message can show it; placement treats it as opaque.
import { TenantEdgeSettings } from './edge-settings';

const SEPARATOR = '; ';
/** The cell of a tenant that names none, which the key leaves out (keys of gateways without cells stay as they were). */
const DEFAULT_CELL = 'default';

/** The partition key of a tenant's edge settings, e.g. `cell=eu; webAcl=default; geoRestriction=allow DE,FR`. */
export function edgePartitionOf(tenant: TenantEdgeSettings): string {
  const geo = tenant.geoRestriction;
  const list = geo?.allow !== undefined ? 'allow' : geo?.deny !== undefined ? 'deny' : undefined;
  const codes = list === undefined ? [] : [...new Set(geo![list]!)].sort();
  const cell = tenant.cell ?? DEFAULT_CELL;
  return [
    ...(cell === DEFAULT_CELL ? [] : [`cell=${cell}`]),
    `webAcl=${tenant.webAcl ?? 'default'}`,
    `geoRestriction=${list === undefined ? 'none' : `${list} ${codes.join(',')}`}`,
  ].join(SEPARATOR);
}

/** The cell of a partition key. */
export function cellOfPartition(key: string): string {
  return parts(key).get('cell')!;
}

/**
 * The settings in which two partition keys differ, e.g. `cell=eu (tenant "a") vs cell=default
 * (tenant "b")`, or `webAcl=default (tenant "a") vs webAcl=none (tenant "b")`.
 */
export function partitionDifference(a: string, whoA: string, b: string, whoB: string): string {
  if (!a.includes('=') || !b.includes('=')) return `${a} (${whoA}) vs ${b} (${whoB})`;
  const mine = parts(a);
  const theirs = parts(b);
  return [...mine].filter(([key, value]) => theirs.get(key) !== value)
    .map(([key, value]) => `${key}=${value} (${whoA}) vs ${key}=${theirs.get(key) ?? ''} (${whoB})`).join(', ');
}

/** A key's settings by name, the cell first (the default one when the key has none). */
function parts(key: string): Map<string, string> {
  const settings = new Map<string, string>([['cell', DEFAULT_CELL]]);
  for (const part of key.split(SEPARATOR).filter(p => p !== '')) {
    const at = part.indexOf('=');
    settings.set(part.slice(0, at), part.slice(at + 1));
  }
  return settings;
}
