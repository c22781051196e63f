import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { TenantCertificateBinding } from './private/tenant-certificate-binding';
import { certificateRegion } from '../certificates/private/certificate-region';
import { TenantProps } from '../tenants/tenants';

/**
 * Which certificate a distribution tenant presents to viewers (multi-tenant distribution only).
 */
export abstract class TenantCertificate {
  /**
   * The multi-tenant distribution's own certificate: the gateway's `distributionCertificate`,
   * which must then cover every tenant domain (as in the sharded mode).
   */
  public static fromParent(): TenantCertificate {
    return new ParentCertificate();
  }

  /**
   * A certificate of yours, in us-east-1, that every tenant presents instead of the parent's;
   * it must cover every tenant domain.
   */
  public static fromCertificate(certificate: acm.ICertificate): TenantCertificate {
    return new OwnCertificate(certificate);
  }

  /**
   * A certificate CloudFront requests and renews for each tenant, validated over HTTP. By default
   * CloudFront answers the validation request itself once the tenant's domains resolve to the
   * connection group's routing endpoint: the gateway creates each tenant after its DNS records, so
   * that they resolve when CloudFront checks, and a partner with `externalDns` must point its names
   * at the routing endpoint before the deploy. A tenant with `certificateValidation: "self-hosted"`
   * is validated while its domains still point at the partner's current server, which serves the
   * token: its certificate is issued before traffic moves. HTTP validation cannot issue wildcard
   * names, so tenant domains must be plain names.
   */
  public static cloudFrontManaged(): TenantCertificate {
    return new ManagedCertificate();
  }

  /** @internal */
  public abstract _bind(): TenantCertificateBinding;
}

class ParentCertificate extends TenantCertificate {
  public _bind(): TenantCertificateBinding {
    return {
      presentsParentCertificate: true,
      coversWildcards: true,
      validatesPerTenant: false,
      problems: () => [],
      needsDnsFirst: () => false,
      tenantProperties: () => ({}),
    };
  }
}

class OwnCertificate extends TenantCertificate {
  constructor(private readonly certificate: acm.ICertificate) {
    super();
  }

  public _bind(): TenantCertificateBinding {
    const certificate = this.certificate;
    return {
      presentsParentCertificate: false,
      coversWildcards: true,
      validatesPerTenant: false,
      needsDnsFirst: () => false,
      problems: () => {
        const region = certificateRegion(certificate);
        return region !== undefined && region !== 'us-east-1'
          ? [`\`TenantCertificate.fromCertificate\` is given a certificate in ${region}; CloudFront only uses certificates in us-east-1`]
          : [];
      },
      tenantProperties: () => ({ customizations: { certificate: { arn: certificate.certificateArn } } }),
    };
  }
}

class ManagedCertificate extends TenantCertificate {
  public _bind(): TenantCertificateBinding {
    return {
      presentsParentCertificate: false,
      coversWildcards: false,
      validatesPerTenant: true,
      problems: () => [],
      needsDnsFirst: tenant => tokenHost(tenant) === 'cloudfront',
      tenantProperties: (tenant: TenantProps): Partial<cloudfront.CfnDistributionTenantProps> => ({
        managedCertificateRequest: {
          validationTokenHost: tokenHost(tenant),
          primaryDomainName: tenant.domainNames[0],
          certificateTransparencyLoggingPreference: 'enabled',
        },
      }),
    };
  }
}

/** CloudFormation's `ValidationTokenHost`: the tenants file's values are its own ("cloudfront", "self-hosted"). */
function tokenHost(tenant: TenantProps): string {
  return tenant.certificateValidation ?? 'cloudfront';
}
