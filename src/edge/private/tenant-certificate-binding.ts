import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { TenantProps } from '../../tenants/tenants';

/** What a tenant certificate choice means for the distribution tenants. */
export interface TenantCertificateBinding {
  /** Tenants present the parent distribution's certificate, which must then cover them. */
  readonly presentsParentCertificate: boolean;
  /** Wildcard domains can be covered. */
  readonly coversWildcards: boolean;
  /** CloudFront validates each tenant's certificate, so a tenant's `certificateValidation` applies. */
  readonly validatesPerTenant: boolean;
  problems(): string[];
  /** The tenant's domains must resolve to CloudFront before the tenant is created (HTTP validation by CloudFront). */
  needsDnsFirst(tenant: TenantProps): boolean;
  /** The certificate properties of a tenant's `AWS::CloudFront::DistributionTenant`. */
  tenantProperties(tenant: TenantProps): Partial<cloudfront.CfnDistributionTenantProps>;
}
