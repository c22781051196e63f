// Where a moving tenant's domains are served from until its move is done, as the tenants file
// says it. Pure: the construct, the CLI and the deploy-time handler read the same fields.
import { show } from '../private/problems';

/**
 * Where a tenant's domains were, or are, served from while they move to the home the tenant
 * declares now (its `shard`, `cell`, edge settings, or the gateway's edge mode). The tenants file
 * keeps it until the move is done; `movedFrom` names a shard of the gateway, `adoptFrom` a
 * distribution or distribution tenant the gateway did not make.
 */
export interface TenantMoveSource {
  /**
   * The gateway's shard that served the tenant's domains (`movedFrom` only): its distribution
   * with sharded distributions, the tenant's distribution tenant in it otherwise.
   *
   * @default - none (`adoptFrom` names a distribution or distribution tenant instead)
   */
  readonly shard?: number;

  /**
   * The ID of the standard distribution that serves the tenant's domains (`adoptFrom` only).
   *
   * @default - none
   */
  readonly distributionId?: string;

  /**
   * The ID of the distribution tenant that serves the tenant's domains (`adoptFrom` only).
   *
   * @default - none
   */
  readonly distributionTenantId?: string;

  /**
   * The AWS account of the source distribution (`adoptFrom` only). A source in another account
   * cannot be moved by the gateway: synth refuses it and says how to move it by hand.
   *
   * @default - the gateway's own account
   */
  readonly accountId?: string;

  /**
   * The move's stage: "prepare" makes the target (a new shard's distribution, or the tenant's
   * distribution tenant with its `placeholderDomain`) while the source keeps serving every
   * domain; "move" moves each domain with `UpdateDomainAssociation` during the deploy. A move to
   * a target that already exists needs only "move".
   *
   * @default "move"
   */
  readonly stage?: string;

  /**
   * A name the tenant's certificate covers and nothing serves yet, which its new distribution
   * tenant carries while its real domains are still on the source (CloudFront refuses a
   * distribution tenant without a domain, and refuses its domains while another resource holds
   * them). Needed only to prepare a move to a distribution tenant that does not exist yet.
   *
   * @default - none
   */
  readonly placeholderDomain?: string;
}

/** The values of `stage`. */
export const MOVE_STAGES = ['prepare', 'move'];
const DISTRIBUTION_ID = /^E[A-Z0-9]{5,20}$/;
const DISTRIBUTION_TENANT_ID = /^dt_[A-Za-z0-9]{10,40}$/;
const ACCOUNT_ID = /^[0-9]{12}$/;
const MOVED_FROM_KEYS = ['shard', 'stage', 'placeholderDomain'];
const ADOPT_FROM_KEYS = ['distributionId', 'distributionTenantId', 'accountId', 'stage', 'placeholderDomain'];

/** The stage a source is in. */
export function moveStage(source: TenantMoveSource): 'prepare' | 'move' {
  return source.stage === 'prepare' ? 'prepare' : 'move';
}

/** Every problem with a tenant's `movedFrom` and `adoptFrom`; `who` names the tenant. */
export function moveSourceProblems(tenant: { movedFrom?: unknown; adoptFrom?: unknown }, who: string): string[] {
  const problems: string[] = [];
  if (tenant.movedFrom !== undefined && tenant.adoptFrom !== undefined) {
    problems.push(`${who}: \`movedFrom\` and \`adoptFrom\` are both given; a tenant's domains move from one place at a time`);
  }
  if (tenant.movedFrom !== undefined) problems.push(...sourceProblems(tenant.movedFrom, `${who}: \`movedFrom\``, MOVED_FROM_KEYS));
  if (tenant.adoptFrom !== undefined) problems.push(...sourceProblems(tenant.adoptFrom, `${who}: \`adoptFrom\``, ADOPT_FROM_KEYS));
  return problems;
}

function sourceProblems(source: unknown, what: string, keys: string[]): string[] {
  if (source === null || typeof source !== 'object' || Array.isArray(source)) {
    return [`${what} must be an object (${keys.join(', ')}), got ${show(source)}`];
  }
  const s = source as { [key: string]: unknown };
  const problems = Object.keys(s).filter(key => !keys.includes(key)).map(key => `${what} has an unknown field \`${key}\` (allowed: ${keys.join(', ')})`);
  if (keys.includes('shard')) {
    if (typeof s.shard !== 'number' || !Number.isInteger(s.shard) || s.shard < 0) {
      problems.push(`${what}.shard ${show(s.shard)} must be a whole number from 0: the shard that served the tenant's domains`);
    }
  } else {
    const given = ['distributionId', 'distributionTenantId'].filter(key => s[key] !== undefined);
    if (given.length !== 1) {
      problems.push(`${what} must name exactly one of \`distributionId\` and \`distributionTenantId\` (the resource serving the domains now), got ${given.length === 0 ? 'neither' : 'both'}`);
    }
    if (s.distributionId !== undefined && (typeof s.distributionId !== 'string' || !DISTRIBUTION_ID.test(s.distributionId))) {
      problems.push(`${what}.distributionId ${show(s.distributionId)} must be a CloudFront distribution ID such as "E2QWRUHEXAMPLE"`);
    }
    if (s.distributionTenantId !== undefined && (typeof s.distributionTenantId !== 'string' || !DISTRIBUTION_TENANT_ID.test(s.distributionTenantId))) {
      problems.push(`${what}.distributionTenantId ${show(s.distributionTenantId)} must be a distribution tenant ID such as "dt_2x9GhoK0TZRsohWzv1b9It8JABC"`);
    }
    if (s.accountId !== undefined && (typeof s.accountId !== 'string' || !ACCOUNT_ID.test(s.accountId))) {
      problems.push(`${what}.accountId ${show(s.accountId)} must be a 12-digit AWS account ID`);
    }
  }
  if (s.stage !== undefined && !MOVE_STAGES.includes(s.stage as string)) {
    problems.push(`${what}.stage ${show(s.stage)} must be one of ${MOVE_STAGES.map(m => `"${m}"`).join(', ')}`);
  }
  if (s.placeholderDomain !== undefined && (typeof s.placeholderDomain !== 'string' || !/^[a-z0-9.-]+\.[a-z]{2,}$/.test(s.placeholderDomain))) {
    problems.push(`${what}.placeholderDomain ${show(s.placeholderDomain)} must be a lower-case domain name`);
  }
  return problems;
}
