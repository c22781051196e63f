// What declared moves change in each shard's contents, pure: which aliases its distribution (or
// distribution tenants) carry and which records its record groups hold while a move is declared.
//
// - "prepare": the source keeps serving every domain (aliases, records, certificate names); the
//   target is made without them (a new distribution tenant carries its placeholder only).
// - "move": the target carries the domains (the deploy-time move puts them there first) and the
//   source does not; the records stay in the source shard's record groups, unchanged, because
//   Route 53 refuses to create a record another group still holds and CloudFront routes a request
//   by its alias whichever distribution's name DNS resolved.
import { TenantMove } from './move-plan';

/** A tenant as shard contents see it. */
export interface ShardTenant {
  readonly id: string;
  readonly domainNames: readonly string[];
  readonly externalDns?: boolean;
}

/** A shard's contents, moves applied. */
export interface ShardContents<T extends ShardTenant> {
  /** Its tenants as its distribution or distribution tenants carry them (a preparing tenant with its placeholder, or none). */
  readonly tenants: readonly T[];
  /** The aliases its distribution carries. */
  readonly domainNames: readonly string[];
  /** The domains whose records its record groups hold. */
  readonly zoneDomainNames: readonly string[];
  /** Tenants it serves or keeps records for on their way out (the source side of a move). */
  readonly departing: readonly T[];
}

/** Every shard a move keeps alive as a source besides the placed ones: its distribution serves, or its groups hold records. */
export function sourceShards(moves: readonly TenantMove[]): number[] {
  return moves.flatMap(m => (m.source.shard === undefined ? [] : [m.source.shard]));
}

/** The contents of shard `index`: `own` are the tenants placed on it, `all` every tenant by id. */
export function shardContents<T extends ShardTenant>(index: number, own: readonly T[], moves: readonly TenantMove[],
  all: ReadonlyMap<string, T>): ShardContents<T> {
  const moveOf = new Map(moves.map(m => [m.tenantId, m]));
  const tenants = own.flatMap((t): T[] => {
    const move = moveOf.get(t.id);
    if (move?.stage !== 'prepare') return [t];
    return move.placeholderDomain === undefined ? [] : [{ ...t, domainNames: [move.placeholderDomain] }];
  });
  const departing = moves.filter(m => m.source.shard === index && m.target.shard !== index).map(m => all.get(m.tenantId)!);
  const preparingOut = departing.filter(t => moveOf.get(t.id)!.stage === 'prepare');
  const recordsHere = (t: T) => !t.externalDns && (moveOf.get(t.id)?.recordShard ?? index) === index;
  return {
    tenants,
    departing,
    domainNames: [...tenants, ...preparingOut].flatMap(t => t.domainNames),
    zoneDomainNames: [...own.filter(recordsHere), ...departing.filter(recordsHere)].flatMap(t => t.domainNames),
  };
}
