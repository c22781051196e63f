// Props whose change would replace a resource AWS lets no deploy replace in place: the first
// deploy fixes them, the tenants file records them (`settings`), and synth, which cannot read the
// deployed stack, refuses props that contradict the record, with the way to change them.
import { EdgeBinding } from '../../edge/private/edge-binding';
import { MultiTenantEdge } from '../../edge/private/multi-tenant';
import { OriginAccessBinding } from '../../origin/private/origin-access-binding';
import { TenantsFileSettings } from '../../tenants/tenants';

/** The recorded value of `settings.originAccess` for an origin access. */
export function recordedOriginAccess(access: OriginAccessBinding): string {
  return access.usesVpcOrigins ? 'vpcOrigin' : 'secretHeader';
}

/** Every prop that contradicts what the tenants file records of the first deploy. */
export function fixedAtDeployProblems(settings: TenantsFileSettings, source: string, edge: EdgeBinding, access: OriginAccessBinding): string[] {
  const problems: string[] = [];
  // A distribution tenant's Name is create-only; the replacement claims the domains the original
  // still holds, so the deploy fails (and nothing can make the name stable but the prefix itself).
  const prefix = edge instanceof MultiTenantEdge ? edge.tenantNamePrefix : undefined;
  if (settings.tenantNamePrefix !== undefined && prefix !== undefined && prefix !== settings.tenantNamePrefix) {
    problems.push(`\`tenantNamePrefix\` "${prefix}" differs from the "${settings.tenantNamePrefix}" that ${source} records in ` +
      '`settings.tenantNamePrefix`, the prefix the distribution tenants were created with. A distribution tenant\'s name cannot ' +
      'change: CloudFormation would replace every distribution tenant, creating each new one while the old one still holds its ' +
      'domains, and the deploy would fail. To change it: keep the recorded prefix (the names are labels; only two gateways in one ' +
      'account that share tenant ids need different ones); or remove the tenants from the file and deploy (their domains go ' +
      'offline), then set the new prefix in both places and add them back (docs/safe-changes.md)');
  }
  // A load balancer's Scheme is create-only, and deletion protection keeps the original.
  const kind = recordedOriginAccess(access);
  if (settings.originAccess !== undefined && settings.originAccess !== kind) {
    problems.push(`\`originAccess\` is OriginAccess.${kind}(), but ${source} records \`settings.originAccess\` "${settings.originAccess}", ` +
      'the access the load balancer was created for. A load balancer\'s scheme (internal for VPC origins, internet-facing for the ' +
      'secret header) cannot change: CloudFormation would replace it, and cannot delete the original while deletion protection ' +
      'is on. To change it: deploy with `loadBalancerDeletionProtection: false` first; then set `originAccess` and ' +
      `\`settings.originAccess\` to "${kind}" together and deploy (the load balancer and its listeners are replaced); then turn ` +
      'the protection back on (docs/safe-changes.md)');
  }
  return problems;
}
