// Declared moves, pure: from where each moving tenant was (its `movedFrom` or `adoptFrom`) and
// where it is declared now (its placement, in the gateway's edge mode), the ordered move of each
// domain and what it needs, or a refusal naming what is missing. No aws-cdk-lib, no AWS SDK: the
// construct, the CLI and the tests share it.
//
// AWS's rules this relies on ("Move an alternate domain name", CloudFront Developer Guide,
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/alternate-domain-names-move.html):
// a domain is associated with one standard distribution or distribution tenant at a time; a second
// association fails (CNAMEAlreadyExists); UpdateDomainAssociation moves it, for every same-account
// source (apex domains included), once the target exists and carries a certificate covering it.
import { moveStage, TenantMoveSource } from './move-source';
import { certificateCovers } from '../certificates/certificate-plan';
import { EdgeShape } from '../edge/shape';

/** What the move plan needs to know about a tenant. */
export interface MovingTenant {
  readonly id: string;
  readonly domainNames: readonly string[];
  readonly externalDns?: boolean;
  readonly movedFrom?: TenantMoveSource;
  readonly adoptFrom?: TenantMoveSource;
}

/** The kinds of move, by source and target. */
export type MoveKind =
  /** Sharded distributions: from one shard's distribution to another's (a cell, edge-setting or pin change). */
  | 'between-shards'
  /** From a distribution or distribution tenant the gateway did not make. */
  | 'adoption';

/** One end of a move. */
export interface MoveEnd {
  /** A shard of the gateway, when the end is one. */
  readonly shard?: number;
  /** What the end is: a shard's distribution, the tenant's distribution tenant, or a foreign resource. */
  readonly resource: 'distribution' | 'distribution-tenant';
  /** The resource's ID, when the tenants file gives it (a foreign source). */
  readonly id?: string;
  /** How messages name it. */
  readonly label: string;
}

/** One tenant's move: every domain goes the same way, in declaration order. */
export interface TenantMove {
  readonly tenantId: string;
  readonly kind: MoveKind;
  readonly stage: 'prepare' | 'move';
  readonly domainNames: readonly string[];
  readonly source: MoveEnd;
  readonly target: MoveEnd;
  /**
   * The shard whose record groups hold the tenant's records while the move is declared: the
   * source shard (records are updated in place, never moved between groups, as Route 53 refuses
   * to create a record another group still holds); the target shard for an adoption.
   */
  readonly recordShard: number;
  /** The placeholder the new distribution tenant carries while it is prepared. */
  readonly placeholderDomain?: string;
  /** What the deploy does, in order, for messages and docs. */
  readonly steps: readonly string[];
}

/** The outcome: every declared move, or the problems that refuse them. */
export interface MovePlan {
  readonly moves: readonly TenantMove[];
  readonly problems: readonly string[];
}

/** What the move plan is made from. */
export interface MovePlanInput {
  readonly tenants: readonly MovingTenant[];
  /** Each tenant's shard now, in the order of `tenants`. */
  readonly shards: readonly number[];
  readonly edge: EdgeShape;
  /** The gateway's AWS account, when synth knows it. */
  readonly account?: string;
  /**
   * The names of the certificate the target presents for a tenant on a shard, when synth knows
   * them (DNS-validated certificates the gateway plans); undefined leaves the check to the deploy,
   * where CloudFront refuses a move to a target whose certificate does not cover the domain.
   */
  certificateNames?(shard: number, tenantId: string): readonly string[] | undefined;
}

/** Plans every declared move. */
export function planMoves(input: MovePlanInput): MovePlan {
  const moves: TenantMove[] = [];
  const problems: string[] = [];
  input.tenants.forEach((tenant, i) => {
    const declared = tenant.movedFrom ?? tenant.adoptFrom;
    if (declared === undefined) return;
    const result = planTenantMove(tenant, input.shards[i], input, declared);
    if (Array.isArray(result)) problems.push(...result);
    else moves.push(result);
  });
  return { moves, problems };
}

function planTenantMove(tenant: MovingTenant, shard: number, input: MovePlanInput, declared: TenantMoveSource): TenantMove | string[] {
  const who = `tenant "${tenant.id}"`;
  const stage = moveStage(declared);
  const tenantsMode = input.edge.distributionTenants;
  const target: MoveEnd = tenantsMode
    ? { shard, resource: 'distribution-tenant', label: `its distribution tenant (shard ${shard})` }
    : { shard, resource: 'distribution', label: `shard ${shard}'s distribution` };
  const problems: string[] = [];
  let kind: MoveKind;
  let source: MoveEnd;
  let recordShard = shard;

  if (tenant.movedFrom !== undefined) {
    const from = tenant.movedFrom.shard!;
    kind = 'between-shards';
    source = { shard: from, resource: 'distribution', label: `shard ${from}'s distribution` };
    recordShard = from;
    if (tenantsMode) {
      problems.push(`${who}: \`movedFrom\` cannot be served by a multi-tenant distribution: a distribution tenant's \`Name\` is create-only, ` +
        'so it never changes shard (its cell and edge settings change in place, without a move), and a gateway turned from sharded ' +
        'distributions to a multi-tenant one would delete the distributions still serving its domains. To move a sharded gateway\'s tenants ' +
        'to a multi-tenant distribution, deploy a second gateway in that mode whose tenants each name `adoptFrom: { distributionId }` ' +
        '(their shard\'s distribution in the first gateway); see "Moving tenants"');
    } else if (from === shard) {
      problems.push(`${who}: \`movedFrom.shard\` ${from} is its \`shard\`: nothing moves. Remove \`movedFrom\`, or set \`shard\` to the shard it moves to`);
    }
  } else {
    const foreign = tenant.adoptFrom!;
    kind = 'adoption';
    source = foreign.distributionId !== undefined
      ? { resource: 'distribution', id: foreign.distributionId, label: `distribution ${foreign.distributionId}` }
      : { resource: 'distribution-tenant', id: foreign.distributionTenantId, label: `distribution tenant ${foreign.distributionTenantId}` };
    if (foreign.accountId !== undefined && input.account !== undefined && foreign.accountId !== input.account) {
      problems.push(`${who}: \`adoptFrom\` ${source.label} is in account ${foreign.accountId}, not the gateway's (${input.account}). ` +
        'UpdateDomainAssociation moves a domain only from a source in the target\'s account while the source is enabled. Move it with ' +
        'CloudFront\'s wildcard method (see "Moving tenants": add a wildcard alias to a gateway distribution, point DNS at the gateway, ' +
        'remove the name from the source, then declare the tenant without `adoptFrom`), or disable the source first and ask AWS Support; ' +
        'apex domains need AWS Support');
    }
    if (!tenant.externalDns) {
      problems.push(`${who}: \`adoptFrom\` needs \`externalDns: true\`: the domains' records were made outside the gateway, and ` +
        'CloudFormation cannot take over a record that exists (Route 53 refuses the CREATE). Keep your records: CloudFront serves a ' +
        'moved domain whichever of its distributions DNS points at; repoint them at the gateway (the CLI\'s `dns` command) when you like');
    }
  }
  if (stage === 'prepare' && target.resource === 'distribution-tenant' && declared.placeholderDomain === undefined) {
    problems.push(`${who}: preparing a move to a new distribution tenant needs \`${tenant.movedFrom ? 'movedFrom' : 'adoptFrom'}.placeholderDomain\`: ` +
      'CloudFront refuses a distribution tenant without a domain, and refuses the tenant\'s domains while their source holds them. ' +
      'Name one its certificate covers that nothing serves (AWS\'s own migration to a multi-tenant distribution does the same)');
  }
  const names = input.certificateNames?.(shard, tenant.id);
  if (names !== undefined) {
    const uncovered = tenant.domainNames.filter(d => !certificateCovers(names, d));
    if (uncovered.length > 0) {
      problems.push(`${who}: ${target.label} has no certificate covering ${uncovered.map(d => `"${d}"`).join(', ')} ` +
        `(its names: ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', ...' : ''}); CloudFront moves a domain only to a ` +
        'target whose certificate covers it. Give the target a certificate that does');
    }
  }
  if (problems.length > 0) return problems;
  return {
    tenantId: tenant.id,
    kind,
    stage,
    domainNames: [...tenant.domainNames],
    source: source!,
    target,
    recordShard,
    placeholderDomain: declared.placeholderDomain,
    steps: stepsOf(stage, source!, target, recordShard, tenant),
  };
}

function stepsOf(stage: 'prepare' | 'move', source: MoveEnd, target: MoveEnd, recordShard: number, tenant: MovingTenant): string[] {
  const domains = tenant.domainNames.join(', ');
  if (stage === 'prepare') {
    return [
      `make ${target.label}${target.resource === 'distribution-tenant' ? ' with its placeholder domain only' : ' without ' + domains}, ` +
        'with a certificate covering them',
      `${source.label} keeps serving ${domains}`,
    ];
  }
  return [
    `${target.label} exists and its certificate covers ${domains}`,
    `move ${domains} from ${source.label} with UpdateDomainAssociation and wait until ${target.label} is deployed`,
    `update ${target.label} to carry ${domains} (already there: nothing changes at the edge)`,
    ...(source.shard !== undefined ? [`update ${source.label} without them (already released)`] : []),
    tenant.externalDns ? 'DNS is the partner\'s: CloudFront serves the domains whichever distribution their records name'
      : `update their records in shard ${recordShard}'s record groups in place to ${target.label}, last`,
  ];
}
