import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { certificateValidationOf, CLOUDFRONT_VALIDATION } from './certificate-validation';
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
   * A certificate CloudFront requests and renews for each tenant, validated over HTTP. HTTP
   * validation cannot issue wildcard names, so tenant domains must be plain names.
   *
   * A tenant in the hosted zone is validated by CloudFront itself ("cloudfront"): the gateway
   * creates each tenant after its DNS records, so that its domains resolve to the connection
   * group's routing endpoint when CloudFront checks.
   *
   * A tenant with `externalDns` is validated "self-hosted" unless it says otherwise, as its names
   * still point at the partner's current server on the first deploy: the deploy creates the
   * tenant with its certificate pending; the partner then serves the validation token that
   * CloudFront gives for each domain (GetManagedCertificateDetails, or the console) at
   * `/.well-known/pki-validation/` on its current server, and once the certificate is issued
   * points its names at the routing endpoint. From then on CloudFront renews the certificate
   * through its own endpoint. A partner that already points its names at the gateway may set
   * `certificateValidation: "cloudfront"`.
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
      needsDnsFirst: tenant => certificateValidationOf(tenant) === CLOUDFRONT_VALIDATION,
      tenantProperties: (tenant: TenantProps): Partial<cloudfront.CfnDistributionTenantProps> => ({
        managedCertificateRequest: {
          validationTokenHost: certificateValidationOf(tenant),
          primaryDomainName: tenant.domainNames[0],
          certificateTransparencyLoggingPreference: 'enabled',
        },
      }),
    };
  }
}
