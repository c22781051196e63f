import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';

/** What a tenant certificate choice means for the distribution tenants. */
export interface TenantCertificateBinding {
  /** Tenants present the parent distribution's certificate, which must then cover them. */
  readonly presentsParentCertificate: boolean;
  /** Wildcard domains can be covered. */
  readonly coversWildcards: boolean;
  /** The tenant's domains must resolve to CloudFront before the tenant is created (HTTP validation). */
  readonly needsDnsFirst: boolean;
  problems(): string[];
  /** The certificate properties of a tenant's `AWS::CloudFront::DistributionTenant`. */
  tenantProperties(domainNames: readonly string[]): Partial<cloudfront.CfnDistributionTenantProps>;
}
