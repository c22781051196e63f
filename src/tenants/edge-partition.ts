// A tenant's partition: the distribution-level settings every tenant of its shard must share. In
// the sharded mode a shard is one distribution, so its tenants share its web ACL and geo
// restriction; placement keeps tenants of different partitions on different shards. The key is
// canonical (equal settings give equal keys, however written) and readable, so that a message can
// show it; placement treats it as opaque.
import { TenantEdgeSettings } from './edge-settings';

const SEPARATOR = '; ';

/** The partition key of a tenant's edge settings, e.g. `webAcl=default; geoRestriction=allow DE,FR`. */
export function edgePartitionOf(tenant: TenantEdgeSettings): string {
  const geo = tenant.geoRestriction;
  const list = geo?.allow !== undefined ? 'allow' : geo?.deny !== undefined ? 'deny' : undefined;
  const codes = list === undefined ? [] : [...new Set(geo![list]!)].sort();
  return [
    `webAcl=${tenant.webAcl ?? 'default'}`,
    `geoRestriction=${list === undefined ? 'none' : `${list} ${codes.join(',')}`}`,
  ].join(SEPARATOR);
}

/** The settings in which two partition keys differ, e.g. `webAcl=default (tenant "a") vs webAcl=none (tenant "b")`. */
export function partitionDifference(a: string, whoA: string, b: string, whoB: string): string {
  const theirs = b.split(SEPARATOR);
  const differing = a.split(SEPARATOR).map((part, i) => [part, theirs[i] ?? ''] as const).filter(([mine, other]) => mine !== other);
  return differing.map(([mine, other]) => `${mine} (${whoA}) vs ${other} (${whoB})`).join(', ');
}
