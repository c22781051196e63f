import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { buildDnsValidated, ownProblems } from './private/certificate-builders';
import { CertificatesBinding } from './private/certificates-binding';
import { knownZoneName } from '../edge/private/dns';

/** Certificates you bring: one for CloudFront and the load balancer's. */
export interface FromCertificatesOptions {
  /** A us-east-1 certificate covering every tenant domain, for CloudFront. */
  readonly distributionCertificate: acm.ICertificate;

  /**
   * Certificates for the load balancer's HTTPS listener: the first is the default, the rest are
   * served by SNI. Together they must cover every tenant domain.
   */
  readonly loadBalancerCertificates: acm.ICertificate[];
}

/** Options for certificates the gateway requests from ACM and validates over DNS. */
export interface DnsValidatedCertificatesOptions {
  /**
   * The hosted zone the validation records go in; every tenant domain must lie inside it.
   * @default - the gateway's `hostedZone`
   */
  readonly hostedZone?: route53.IHostedZone;
}

/**
 * Where the gateway's certificates come from. Because the viewer's Host reaches the load
 * balancer, CloudFront expects it to present a certificate matching each tenant domain (else
 * 502), so both CloudFront and the load balancer need certificates covering every tenant domain.
 */
export abstract class GatewayCertificates {
  /**
   * Certificates you made or imported. Coverage of the tenant domains is checked at synth time
   * for certificates made in the same app with `acm.Certificate`; for others (imported by ARN)
   * the gateway warns that it could not check.
   */
  public static fromCertificates(options: FromCertificatesOptions): GatewayCertificates {
    return new BroughtCertificates(options);
  }

  /**
   * ACM certificates the gateway requests and validates with DNS records in the hosted zone:
   * one wildcard certificate (`*.zone` and `zone`) when every tenant domain is the zone's apex
   * or a direct subdomain of it, otherwise a certificate per distribution shard naming its
   * domains (within `quotas.namesPerCertificate`). Every tenant domain must be inside the zone.
   *
   * The load balancer's certificates are made in the stack's region. CloudFront's must be in
   * us-east-1: in a us-east-1 stack the same certificates serve both; elsewhere they are made
   * with `acm.DnsValidatedCertificate` (a Lambda-backed custom resource that requests the
   * certificate in us-east-1). That construct is deprecated, but it is the only way a construct
   * in one stack can own a certificate in another region: the alternative, a us-east-1 stack
   * with `crossRegionReferences`, must be set up by the app, and its references cannot change
   * once in use, which a certificate re-issued for new tenants does. It prints a deprecation
   * notice at synth; if you prefer the two-stack set-up, make the certificates there and use
   * `fromCertificates`.
   */
  public static dnsValidated(options: DnsValidatedCertificatesOptions = {}): GatewayCertificates {
    return new DnsValidatedCertificates(options);
  }

  /**
   * @internal
   * @param hostedZone the gateway's hosted zone
   */
  public abstract _bind(hostedZone: route53.IHostedZone): CertificatesBinding;
}

class BroughtCertificates extends GatewayCertificates {
  constructor(private readonly own: FromCertificatesOptions) {
    super();
  }

  public _bind(): CertificatesBinding {
    const own = this.own;
    return {
      problems: (gateway, check) => ownProblems(gateway, own, check),
      build: () => ({ certificateFor: () => own.distributionCertificate, loadBalancerCertificates: own.loadBalancerCertificates }),
    };
  }
}

class DnsValidatedCertificates extends GatewayCertificates {
  constructor(private readonly options: DnsValidatedCertificatesOptions) {
    super();
  }

  public _bind(hostedZone: route53.IHostedZone): CertificatesBinding {
    const zone = this.options.hostedZone ?? hostedZone;
    const zoneName = knownZoneName(zone);
    return {
      validationZoneName: zoneName,
      problems: () => zoneName !== undefined ? [] : ['`GatewayCertificates.dnsValidated()` needs the hosted zone\'s name at synth time, ' +
        'to know which certificate names it can validate; import the zone with HostedZone.fromHostedZoneAttributes (or fromLookup)'],
      build: (gateway, check) => buildDnsValidated(gateway, zone, check.plan.certificates!),
    };
  }
}

