// What the control plane takes of a tenant's declared move: it adopts a distribution tenant of the
// gateway's distribution as the tenant's own (a template tenant handed off, see `handOff`), and
// nothing else. Pure: the CLI, the pure reconciler and the handler share it.
import { TenantProps } from '../tenants/tenants';

/**
 * Why the store cannot take a tenant as declared: `movedFrom` (a shard of the template path),
 * `handOff` (a template field), and any `adoptFrom` but a distribution tenant to take over as the
 * tenant's own, with `externalDns` (its records stay where they are). The reconciler sees only the
 * distribution tenants the store names, so it cannot take domains from another one (docs/control-plane.md,
 * "Between the template path and the control plane"). Empty when the store can take it.
 */
export function storeMoveProblems(tenant: TenantProps): string[] {
  const problems: string[] = [];
  const see = '(see "Between the template path and the control plane" in docs/control-plane.md)';
  if (tenant.movedFrom !== undefined) problems.push(`\`movedFrom\`: the control plane has no shards; ${see}`);
  if (tenant.handOff !== undefined) {
    problems.push(`\`handOff\` is a template field: the store adopts the handed-off distribution tenant with \`adoptFrom.distributionTenantId\` ${see}`);
  }
  const adopt = tenant.adoptFrom;
  if (adopt !== undefined) {
    const others = Object.keys(adopt).filter(k => k !== 'distributionTenantId' && (adopt as Record<string, unknown>)[k] !== undefined);
    // Without any of them, the file's own rule refuses it (`adoptFrom` names a source).
    if (others.length > 0) {
      problems.push('`adoptFrom`: the control plane adopts a distribution tenant of the gateway\'s distribution as the tenant\'s own, named by ' +
        `\`distributionTenantId\` alone${others.length > 0 ? ` (not ${others.map(k => `\`${k}\``).join(', ')})` : ''}; it does not take domains from another resource ${see}`);
    }
    if (!tenant.externalDns) {
      problems.push('`adoptFrom` needs `"externalDns": true`: the adopted tenant\'s records stay where they are (the template\'s record groups, or ' +
        'your own DNS), as the store cannot take over a record it did not write without deleting it first');
    }
  }
  return problems;
}

/** The distribution tenant a store tenant takes over, if it declares one (checked by storeMoveProblems). */
export function adoptedTenantOf(tenant: TenantProps): string | undefined {
  return tenant.adoptFrom?.distributionTenantId;
}

/** Where a distribution tenant is, as CloudFront reports it. */
export interface AdoptionCandidate {
  readonly id: string;
  readonly distributionId?: string;
  readonly connectionGroupId?: string;
}

/**
 * Why the store cannot adopt this distribution tenant: it must be on the gateway's distribution and
 * connection group (the routing endpoint its domains' records name). Undefined when it can.
 */
export function adoptionProblem(found: AdoptionCandidate,
  gateway: { readonly distributionId: string; readonly connectionGroupId: string }): string | undefined {
  const where = [
    found.distributionId !== gateway.distributionId ? `distribution ${found.distributionId ?? '(none)'}, not the gateway's ${gateway.distributionId}` : undefined,
    found.connectionGroupId !== gateway.connectionGroupId ? `connection group ${found.connectionGroupId ?? '(the account\'s default)'}, not the gateway's ${gateway.connectionGroupId}` : undefined,
  ].filter(w => w !== undefined);
  return where.length === 0 ? undefined : `\`adoptFrom\`: distribution tenant ${found.id} is on ${where.join(' and ')}`;
}

/** Why the store cannot adopt a distribution tenant without a CloudFront-managed certificate. */
export function noManagedCertificateProblem(id: string): string {
  return `\`adoptFrom\`: distribution tenant ${id} has no CloudFront-managed certificate, and the control plane keeps its tenants on ` +
    'managed certificates (hand off tenants of a gateway with TenantCertificate.cloudFrontManaged())';
}
