import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { NO_WEB_ACL, TenantEdgeSettings } from '../../tenants/edge-settings';

/**
 * A distribution tenant's customizations: its own web ACL (or none) and geo restriction over the
 * multi-tenant distribution's, merged into those the certificate choice sets. Undefined when
 * there are none, so a tenant without settings stays as it was.
 */
export function tenantCustomizations(
  tenant: TenantEdgeSettings,
  certificate?: cloudfront.CfnDistributionTenant.CustomizationsProperty,
): cloudfront.CfnDistributionTenant.CustomizationsProperty | undefined {
  const geo = tenant.geoRestriction;
  const list = geo?.allow ?? geo?.deny;
  const customizations: cloudfront.CfnDistributionTenant.CustomizationsProperty = {
    ...certificate,
    ...(tenant.webAcl === undefined ? {} : {
      webAcl: tenant.webAcl === NO_WEB_ACL ? { action: 'disable' } : { action: 'override', arn: tenant.webAcl },
    }),
    ...(list === undefined ? {} : {
      geoRestrictions: { restrictionType: geo!.allow ? 'whitelist' : 'blacklist', locations: [...list].sort() },
    }),
  };
  return Object.keys(customizations).length > 0 ? customizations : undefined;
}
