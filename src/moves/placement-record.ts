// The gateway's placement as the placement guard sees it, pure: for every tenant, the shard that
// serves its domains after this deploy and the shard a declared move brings them from. Synth
// writes it (an asset, so the guard runs only when it changes); the guard's handler reads the
// deployed one and the new one and refuses a domain that changes resource without a declared move
// (invariant 12), before anything else in the deploy changes. No aws-cdk-lib, no AWS SDK.
//
// Why an undeclared change must be refused ("Move an alternate domain name", CloudFront Developer
// Guide, https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/alternate-domain-names-move.html):
// a domain is on one distribution or distribution tenant at a time, so a template that adds it to
// its new home before the old one drops it fails with CNAMEAlreadyExists, and the other order
// leaves it on none until the new home is deployed.
import { TenantMove } from './move-plan';

/** The record's format; a record of another version is not compared (the guard lets it pass). */
export const PLACEMENT_RECORD_VERSION = 1;

/** One tenant in the record. */
export interface PlacedTenant {
  readonly id: string;
  /** The shard whose distribution (or whose distribution tenant of the tenant's) serves its domains after the deploy. */
  readonly shard: number;
  /** Its domains, sorted. */
  readonly domains: readonly string[];
  /** The shard a declared move (`movedFrom`) brings its domains from. */
  readonly movedFrom?: number;
  /** Its shard is pinned in the tenants file (else placement chose it). */
  readonly pinned?: boolean;
  /** Its `handOff` stage to the control plane ("prepare", "store"), if it is handed off. */
  readonly handOff?: string;
}

/** The gateway's placement. */
export interface PlacementRecord {
  readonly version: number;
  /** Each tenant has a distribution tenant of its own (multi-tenant distribution), else shards have distributions. */
  readonly distributionTenants: boolean;
  /** Sorted by id. */
  readonly tenants: readonly PlacedTenant[];
}

/** What the record is made from: the plan's placements and declared moves. */
export interface PlacementInput {
  readonly placements: readonly {
    readonly tenantId: string;
    readonly domainNames: readonly string[];
    readonly shard: number;
    readonly pinned: boolean;
  }[];
  readonly moves: readonly TenantMove[];
  readonly distributionTenants: boolean;
  /** The `handOff` stage of each tenant handed off to the control plane, by id. */
  readonly handOffs?: { readonly [tenantId: string]: string };
}

/**
 * The record of a plan. A tenant moving between shards is served by its source until the "move"
 * stage (the prepare deploy leaves its domains there), then by its target; an adoption is recorded
 * at its target only, as its source is not the gateway's.
 */
export function placementRecordOf(input: PlacementInput): PlacementRecord {
  const moves = new Map(input.moves.filter(m => m.kind === 'between-shards').map(m => [m.tenantId, m]));
  const tenants = input.placements.map((p): PlacedTenant => {
    const move = moves.get(p.tenantId);
    const served = move?.stage === 'prepare' ? move.source.shard! : p.shard;
    return {
      id: p.tenantId,
      shard: served,
      domains: [...p.domainNames].sort(),
      ...(move ? { movedFrom: move.source.shard! } : {}),
      ...(p.pinned ? { pinned: true } : {}),
      ...(input.handOffs?.[p.tenantId] !== undefined ? { handOff: input.handOffs[p.tenantId] } : {}),
    };
  });
  return { version: PLACEMENT_RECORD_VERSION, distributionTenants: input.distributionTenants, tenants: tenants.sort((a, b) => compare(a.id, b.id)) };
}

/** The record as compact JSON, keys in a fixed order and tenants by id: the same placement gives the same bytes. */
export function encodePlacement(record: PlacementRecord): string {
  return JSON.stringify({
    version: record.version,
    distributionTenants: record.distributionTenants,
    tenants: [...record.tenants].sort((a, b) => compare(a.id, b.id)).map(t => ({
      id: t.id,
      shard: t.shard,
      domains: [...t.domains].sort(),
      ...(t.movedFrom !== undefined ? { movedFrom: t.movedFrom } : {}),
      ...(t.pinned ? { pinned: true } : {}),
      ...(t.handOff !== undefined ? { handOff: t.handOff } : {}),
    })),
  });
}

/** The record in `text`, or undefined when it is not one this version reads. */
export function decodePlacement(text: string): PlacementRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const record = value as Partial<PlacementRecord> | null;
  if (record === null || typeof record !== 'object' || record.version !== PLACEMENT_RECORD_VERSION
    || typeof record.distributionTenants !== 'boolean' || !Array.isArray(record.tenants)) return undefined;
  const tenants = (record.tenants as unknown[]).filter(isPlacedTenant);
  if (tenants.length !== record.tenants.length) return undefined;
  return { version: record.version, distributionTenants: record.distributionTenants, tenants };
}

function isPlacedTenant(value: unknown): value is PlacedTenant {
  const t = value as { [field: string]: unknown } | null;
  return t !== null && typeof t === 'object' && typeof t.id === 'string' && Number.isInteger(t.shard)
    && Array.isArray(t.domains) && t.domains.every((d: unknown) => typeof d === 'string')
    && (t.movedFrom === undefined || Number.isInteger(t.movedFrom)) && (t.handOff === undefined || typeof t.handOff === 'string');
}

/** A domain that would change resource without a declared move. */
export interface UndeclaredMove {
  readonly domain: string;
  /** The tenant that serves it after the deploy. */
  readonly tenantId: string;
  /** The tenant that served it before (the same one unless the domain changed tenant). */
  readonly fromTenantId: string;
  readonly fromShard: number;
  readonly toShard: number;
  /** The tenant's new shard is pinned in the tenants file (else placement re-placed it). */
  readonly pinned: boolean;
  /** Each tenant has a distribution tenant of its own after the deploy. */
  readonly distributionTenants: boolean;
  /** The gateway's edge mode changed. */
  readonly modeChanged: boolean;
}

/**
 * Every domain in both records that another resource serves after the deploy without a move
 * declaring it. With sharded distributions a domain's resource is its shard's distribution; a move
 * is declared when the new entry's `movedFrom` is the old shard. With a multi-tenant distribution
 * it is the tenant's distribution tenant, which never changes shard (its `Name` is create-only)
 * nor tenant, so every such change is refused; so is a change of edge mode. Domains added or
 * removed are never reported.
 */
export function undeclaredMoves(before: PlacementRecord, after: PlacementRecord): UndeclaredMove[] {
  const old = new Map<string, PlacedTenant>();
  for (const tenant of before.tenants) for (const domain of tenant.domains) old.set(domain, tenant);
  const modeChanged = before.distributionTenants !== after.distributionTenants;
  const found: UndeclaredMove[] = [];
  for (const tenant of after.tenants) {
    for (const domain of tenant.domains) {
      const was = old.get(domain);
      if (was === undefined) continue;
      const tenantChanged = after.distributionTenants && was.id !== tenant.id;
      const declared = !after.distributionTenants && tenant.movedFrom === was.shard;
      if (modeChanged || tenantChanged || (was.shard !== tenant.shard && !declared)) {
        found.push({
          domain,
          tenantId: tenant.id,
          fromTenantId: was.id,
          fromShard: was.shard,
          toShard: tenant.shard,
          pinned: tenant.pinned === true,
          distributionTenants: after.distributionTenants,
          modeChanged,
        });
      }
    }
  }
  return found.sort((a, b) => compare(a.tenantId, b.tenantId) || compare(a.domain, b.domain));
}

/**
 * The tenants whose hand-off to the control plane reaches "store" while the deployed template has
 * no "prepare" (nor "store") for them: their distribution tenant would leave the template under the
 * DeletionPolicy in force, Delete, and CloudFormation would delete it ("DeletionPolicy attribute",
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html).
 * A tenant new to the gateway made no distribution tenant to lose; a hand-off going back is left
 * to CloudFront, which refuses a second distribution tenant of the same name or domains (the
 * deploy rolls back, nothing is deleted).
 */
export function skippedHandOffs(before: PlacementRecord, after: PlacementRecord): string[] {
  const old = new Map(before.tenants.map(t => [t.id, t]));
  return after.tenants.filter(t => {
    const was = old.get(t.id);
    return t.handOff === 'store' && was !== undefined && was.handOff !== 'prepare' && was.handOff !== 'store';
  }).map(t => t.id);
}

/** The guard's refusal: every undeclared move, then how to fix each tenant's; then every skipped hand-off. */
export function refusal(moves: readonly UndeclaredMove[], skippedHandOff: readonly string[] = []): string {
  const handOffs = skippedHandOff.map(id => `tenant "${id}": \`handOff\` "store" is deployed before "prepare" was, so its ` +
    'distribution tenant would leave the template under the DeletionPolicy in force (Delete) and CloudFormation would delete it, ' +
    'taking its domains offline. To fix: set `"handOff": "prepare"`, deploy, then set "store" and deploy again');
  if (moves.length === 0) {
    return `The placement guard refused this deploy (nothing in it has changed): ${handOffs.join('; ')}.`;
  }
  const tail = handOffs.length > 0 ? ` Also: ${handOffs.join('; ')}.` : '';
  const lines = moves.map(m => `tenant "${m.tenantId}": "${m.domain}" shard ${m.fromShard} -> ${m.toShard}` +
    (m.fromTenantId !== m.tenantId ? ` (from tenant "${m.fromTenantId}")` : ''));
  const fixes = [...new Map(moves.map(m => [m.tenantId, m])).values()].map(m => `tenant "${m.tenantId}": ${fixOf(m)}`);
  return `The placement guard refused this deploy: ${moves.length} domain${moves.length === 1 ? '' : 's'} would change CloudFront ` +
    'resource without a declared move, which fails with CNAMEAlreadyExists or takes the domain offline (nothing else in this deploy ' +
    `has changed). ${lines.join('; ')}. To fix: ${fixes.join('; ')}.${tail}`;
}

function fixOf(m: UndeclaredMove): string {
  if (m.modeChanged) {
    return 'the gateway\'s edge mode changed; change it back, and move tenants to the other mode with a second gateway that adopts them ' +
      '(`adoptFrom`, see "Moving tenants")';
  }
  if (m.fromTenantId !== m.tenantId) {
    return `give the domains back to tenant "${m.fromTenantId}", deploy the removal from it first, then add them to "${m.tenantId}"`;
  }
  if (m.distributionTenants) {
    return `put its \`"shard": ${m.fromShard}\` back (a distribution tenant never changes shard; its cell and edge settings change in place)`;
  }
  if (!m.pinned) {
    return `pin it where it was: \`"shard": ${m.fromShard}\` (an edit of the tenants before it re-placed it)`;
  }
  return `put its \`"shard": ${m.fromShard}\` back, then declare the move with \`npx cdk-multi-tenant-gateway move ${m.tenantId} --shard ${m.toShard}\` ` +
    `(or write \`"movedFrom": { "shard": ${m.fromShard}, "stage": "prepare" }\` beside \`"shard": ${m.toShard}\`)`;
}

/** Orders strings by UTF-16 code units, as `sort()` does, independent of locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
