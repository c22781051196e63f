// What a tenant's `handOff` to the control plane needs of the gateway, pure: the plan (shared with
// the CLI) refuses it with sharded distributions, and the multi-tenant edge refuses it without a
// control plane or CloudFront-managed tenant certificates. The file's own rules (its values, no
// move beside it) are in tenants.ts.
//
// The hand-off relies on CloudFormation keeping a resource whose DeletionPolicy is Retain when an
// update removes it from the template ("DeletionPolicy attribute", CloudFormation Template
// Reference, https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html):
// "prepare" deploys the policy, "store" removes the distribution tenant, which keeps serving.
import { EdgeShape } from '../edge/shape';

/** A tenant as the hand-off rules see it. */
export interface HandOffTenant {
  readonly id: string;
  readonly handOff?: string;
}

/** What the multi-tenant edge was given that a hand-off needs. */
export interface HandOffEdge {
  /** The gateway has a control plane to adopt the tenant. */
  readonly controlPlane: boolean;
  /** Tenants have CloudFront-managed certificates (`TenantCertificate.cloudFrontManaged()`). */
  readonly managedCertificates: boolean;
}

/** Tenants handing off where no distribution tenant of theirs exists: an edge mode without them. */
export function handOffShapeProblems(tenants: readonly HandOffTenant[], edge: EdgeShape): string[] {
  if (edge.distributionTenants) return [];
  return tenants.filter(t => t.handOff !== undefined).map(t => `tenant "${t.id}": \`handOff\` "${t.handOff}" hands the tenant's ` +
    'distribution tenant to the control plane, which needs a multi-tenant distribution with a control plane ' +
    `(EdgeMode.multiTenantDistribution({ controlPlane }), \`settings.edge\` "multiTenantDistribution"); with ${edge.description} ` +
    'the tenant has none: remove `handOff`');
}

/** Tenants handing off to a multi-tenant edge that cannot take them. */
export function handOffEdgeProblems(tenants: readonly HandOffTenant[], edge: HandOffEdge): string[] {
  return tenants.filter(t => t.handOff !== undefined).flatMap(t => {
    const who = `tenant "${t.id}": \`handOff\` "${t.handOff}"`;
    const problems: string[] = [];
    if (!edge.controlPlane) {
      problems.push(`${who} hands the tenant to the gateway's control plane, which it does not have: give ` +
        'EdgeMode.multiTenantDistribution a `controlPlane`, or remove `handOff`');
    }
    if (!edge.managedCertificates) {
      problems.push(`${who} needs \`tenantCertificate: TenantCertificate.cloudFrontManaged()\`: the control plane keeps its ` +
        'tenants on CloudFront-managed certificates and adopts the distribution tenant\'s certificate as it is');
    }
    return problems;
  });
}
