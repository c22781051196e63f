import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct, IConstruct } from 'constructs';
import { certificateCovers, planCertificates, CertificatePlan } from './certificate-plan';
import { knownZoneName } from '../edge/private/dns';
import { EdgeMode } from '../edge/edge-mode';
import { acknowledgeCheckov, acknowledgeNag } from '../private/nag';
import { PlacementPlan } from '../tenants/placement';
import { quotaExceeded, ResolvedQuotas } from '../quotas/quotas';
import { TenantProps } from '../tenants/tenants';

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
export class GatewayCertificates {
  /**
   * Certificates you made or imported. Coverage of the tenant domains is checked at synth time
   * for certificates made in the same app with `acm.Certificate`; for others (imported by ARN)
   * the gateway warns that it could not check.
   */
  public static fromCertificates(options: FromCertificatesOptions): GatewayCertificates {
    return new GatewayCertificates('bring-your-own', options, undefined);
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
    return new GatewayCertificates('dns-validated', undefined, options);
  }

  /** @internal */
  public readonly _kind: 'bring-your-own' | 'dns-validated';

  private constructor(kind: 'bring-your-own' | 'dns-validated',
    private readonly own: FromCertificatesOptions | undefined,
    private readonly dns: DnsValidatedCertificatesOptions | undefined) {
    this._kind = kind;
  }

  /** @internal Every problem with these certificates, for the gateway's single error; warns where it cannot check. */
  public _problems(gateway: Construct, check: CertificateCheck): string[] {
    return this.own ? ownProblems(gateway, this.own, check) : this.dnsPlan(check).problems;
  }

  /** @internal Makes (or hands over) the certificates; call only after `_problems` found none. */
  public _build(gateway: Construct, check: CertificateCheck): GatewayCertificateSet {
    if (this.own) {
      return { distributionCertificate: this.own.distributionCertificate, loadBalancerCertificates: this.own.loadBalancerCertificates };
    }
    const zone = this.dns!.hostedZone ?? check.hostedZone;
    const plan = this.dnsPlan(check);
    const scope = new Construct(gateway, 'Certificates');
    const inUsEast1 = Stack.of(gateway).region === 'us-east-1';
    const regional = new Map<string, acm.ICertificate>();
    const global = new Map<string, acm.ICertificate>();
    for (const { key, names } of plan.certificates) {
      const certificateProps = { domainName: names[0], subjectAlternativeNames: names.length > 1 ? names.slice(1) : undefined };
      const certificate = new acm.Certificate(scope, key, { ...certificateProps, validation: acm.CertificateValidation.fromDns(zone) });
      if (names.some(name => name.startsWith('*.'))) {
        acknowledgeCheckov(certificate, 'CKV2_AWS_71',
          'One wildcard covers every tenant that is a direct subdomain of the zone the gateway validates in; it is planned that way.');
      }
      regional.set(key, certificate);
      global.set(key, inUsEast1 ? certificate : usEast1Certificate(scope, `${key} us-east-1`, zone, certificateProps));
    }
    const first = plan.certificates[0].key;
    return {
      distributionCertificate: global.get(first)!,
      distributionCertificateFor: shard => global.get(plan.keyOfShard.get(shard) ?? first)!,
      loadBalancerCertificates: plan.certificates.map(c => regional.get(c.key)!),
    };
  }

  private dnsPlan(check: CertificateCheck): CertificatePlan {
    const zone = this.dns!.hostedZone ?? check.hostedZone;
    const zoneName = knownZoneName(zone);
    if (zoneName === undefined) {
      return {
        certificates: [],
        keyOfShard: new Map(),
        problems: ['`GatewayCertificates.dnsValidated()` needs the hosted zone\'s name at synth time, ' +
        'to know which certificate names it can validate; import the zone with HostedZone.fromHostedZoneAttributes (or fromLookup)'],
      };
    }
    const plan = planCertificates(zoneName, check.plan.placements, check.quotas);
    const problems = [...plan.problems];
    const oneWildcard = plan.certificates.length === 1 && plan.certificates[0].key === 'wildcard';
    if (check.edge.name === 'multi-tenant distribution' && !oneWildcard && plan.certificates.length > 0) {
      // The parent distribution takes one certificate; a per-shard cut cannot serve it.
      problems.push('`GatewayCertificates.dnsValidated()` with a multi-tenant distribution needs one certificate for the parent distribution, ' +
        `so every tenant domain must be the apex of "${zoneName}" or a direct subdomain of it (one wildcard certificate covers them); ` +
        'bring your own certificates, or use EdgeMode.shardedDistributions() (a certificate per distribution shard)');
    }
    return { ...plan, problems };
  }
}

/** What the gateway knows when it checks and makes its certificates. */
export interface CertificateCheck {
  readonly tenants: readonly TenantProps[];
  readonly hostedZone: route53.IHostedZone;
  readonly plan: PlacementPlan;
  readonly quotas: ResolvedQuotas;
  readonly edge: EdgeMode;
}

/** The certificates a gateway uses. */
export interface GatewayCertificateSet {
  /** CloudFront's certificate (us-east-1); the one every shard presents unless `distributionCertificateFor` says otherwise. */
  readonly distributionCertificate: acm.ICertificate;
  /** The certificate of a shard's distribution, when shards present different ones. */
  readonly distributionCertificateFor?: (shard: number) => acm.ICertificate;
  /** The load balancer's, the default first. */
  readonly loadBalancerCertificates: acm.ICertificate[];
}

/** The gateway props that choose the certificates. */
export interface CertificateChoice {
  readonly certificates?: GatewayCertificates;
  readonly distributionCertificate?: acm.ICertificate;
  readonly loadBalancerCertificates?: acm.ICertificate[];
}

/**
 * The certificate source the props choose: `certificates`, or the older pair of props as
 * bring-your-own. Exactly one of the two ways must be used.
 */
export function certificateSource(props: CertificateChoice): { source?: GatewayCertificates; problems: string[] } {
  const legacy = props.distributionCertificate !== undefined || props.loadBalancerCertificates !== undefined;
  if (props.certificates && legacy) {
    return { problems: ['give either `certificates` or `distributionCertificate` with `loadBalancerCertificates`, not both'] };
  }
  if (props.certificates) return { source: props.certificates, problems: [] };
  if (!legacy) {
    return {
      problems: ['no certificates: give `certificates` (GatewayCertificates.dnsValidated() or GatewayCertificates.fromCertificates(...)), ' +
        'or `distributionCertificate` with `loadBalancerCertificates`'],
    };
  }
  const missing = props.distributionCertificate === undefined ? '`distributionCertificate`' : props.loadBalancerCertificates === undefined ? '`loadBalancerCertificates`' : undefined;
  if (missing) {
    return { problems: [`${missing} is missing: \`distributionCertificate\` and \`loadBalancerCertificates\` go together (or give \`certificates\` instead)`] };
  }
  return {
    source: GatewayCertificates.fromCertificates({
      distributionCertificate: props.distributionCertificate!,
      loadBalancerCertificates: props.loadBalancerCertificates!,
    }),
    problems: [],
  };
}

/** At most this many uncovered domains are listed per certificate; the rest are counted. */
const MAX_LISTED = 10;

function ownProblems(gateway: Construct, own: FromCertificatesOptions, check: CertificateCheck): string[] {
  const problems: string[] = [];
  const region = certificateRegion(own.distributionCertificate);
  if (region !== undefined && region !== 'us-east-1') {
    problems.push(`\`distributionCertificate\` is in ${region}; CloudFront only uses certificates in us-east-1` +
      ' (make it there, e.g. in a us-east-1 stack with crossRegionReferences, or use GatewayCertificates.dnsValidated())');
  }
  const count = own.loadBalancerCertificates.length;
  if (count === 0) {
    problems.push('`loadBalancerCertificates` is empty; the HTTPS listener needs at least one certificate');
  } else if (count - 1 > check.quotas.certificatesPerLoadBalancer) {
    problems.push(quotaExceeded('certificatesPerLoadBalancer', check.quotas.certificatesPerLoadBalancer, count - 1,
      '`loadBalancerCertificates` besides the default one'));
  }

  const domains = check.tenants.flatMap(t => t.domainNames.map(domain => ({ tenant: t.id, domain })));
  const unknown: string[] = [];
  const uncovered = (what: string, names: readonly string[], consequence: string) => {
    const missed = domains.filter(d => !certificateCovers(names, d.domain));
    missed.slice(0, MAX_LISTED).forEach(d => problems.push(`tenant "${d.tenant}": domain "${d.domain}" is not covered by ${what} ` +
      `(names: ${names.join(', ')}); ${consequence}`));
    if (missed.length > MAX_LISTED) problems.push(`... and ${missed.length - MAX_LISTED} more tenant domains not covered by ${what}`);
  };

  if (check.edge._builder.presentsDistributionCertificate !== false) {
    const names = knownNames(own.distributionCertificate);
    const what = `\`distributionCertificate\` (${own.distributionCertificate.node.path})`;
    if (names) uncovered(what, names, 'CloudFront rejects an alternate domain name its certificate does not cover');
    else unknown.push(what);
  }
  const albNames = own.loadBalancerCertificates.map(knownNames);
  if (count > 0 && albNames.every(n => n !== undefined)) {
    uncovered('any of `loadBalancerCertificates`', albNames.flatMap(n => n!),
      'CloudFront forwards the Host, so the load balancer must present a certificate matching it, else viewers get 502');
  } else {
    albNames.forEach((n, i) => {
      if (!n) unknown.push(`\`loadBalancerCertificates[${i}]\` (${own.loadBalancerCertificates[i].node.path})`);
    });
  }
  if (unknown.length > 0) {
    Annotations.of(gateway).addWarningV2('cdk-multi-tenant-gateway:certificate-coverage-unchecked',
      `Tenant domain coverage was not checked for ${unknown.join(', ')}: their names are not known at synth time ` +
      '(imported by ARN, or not made with acm.Certificate in this app). Make sure they cover every tenant domain: CloudFront rejects ' +
      'aliases its certificate does not cover, and answers 502 when the load balancer presents none matching the Host.');
  }
  return problems;
}

/** The names of a certificate made in this app with `acm.Certificate`, read from its CloudFormation resource. */
function knownNames(certificate: acm.ICertificate): string[] | undefined {
  const resource = certificate.node.defaultChild;
  if (!(resource instanceof acm.CfnCertificate)) return undefined;
  const names = [resource.domainName, ...(resource.subjectAlternativeNames ?? [])];
  return names.some(n => Token.isUnresolved(n)) ? undefined : names;
}

/** The certificate's region when synth time can know it. */
function certificateRegion(certificate: acm.ICertificate): string | undefined {
  const arn = certificate.certificateArn;
  const region = Token.isUnresolved(arn) ? certificate.env.region : arn.split(':')[3];
  return region === undefined || Token.isUnresolved(region) || region === '' ? undefined : region;
}


/**
 * A certificate in us-east-1 for CloudFront, from a stack in another region (see
 * `GatewayCertificates.dnsValidated`), with its custom resource's findings acknowledged.
 */
function usEast1Certificate(scope: Construct, id: string, zone: route53.IHostedZone,
  props: { domainName: string; subjectAlternativeNames?: string[] }): acm.ICertificate {
  const certificate = new acm.DnsValidatedCertificate(scope, id, { ...props, hostedZone: zone, region: 'us-east-1' });
  acknowledgeCustomResource(certificate);
  return certificate;
}

/** The requestor function aws-cdk-lib builds is not ours to change: its findings are recorded as by design. */
function acknowledgeCustomResource(certificate: IConstruct): void {
  const fn = certificate.node.findChild('CertificateRequestorFunction');
  acknowledgeNag(fn.node.findChild('ServiceRole'), [{
    id: 'AwsSolutions-IAM4',
    reason: 'aws-cdk-lib\'s certificate requestor function logs with the AWS managed basic execution role.',
    appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
  }]);
  acknowledgeNag(fn.node.findChild('ServiceRole').node.findChild('DefaultPolicy'), [{
    id: 'AwsSolutions-IAM5',
    reason: 'ACM RequestCertificate and Route 53 GetChange take no resource ARN; the record change it makes is limited to the zone and the certificate\'s names.',
    appliesTo: ['Resource::*'],
  }]);
  acknowledgeNag(fn, [{
    id: 'AwsSolutions-L1',
    reason: 'The runtime of aws-cdk-lib\'s bundled certificate requestor function is set by aws-cdk-lib.',
  }]);
}

/** The problems with the gateway's choice of certificates, for its single error. */
export function gatewayCertificateProblems(gateway: Construct, choice: CertificateChoice, check: CertificateCheck): string[] {
  const { source, problems } = certificateSource(choice);
  return source ? source._problems(gateway, check) : problems;
}

/** The gateway's certificates; call only once `gatewayCertificateProblems` found none. */
export function makeGatewayCertificates(gateway: Construct, choice: CertificateChoice, check: CertificateCheck): GatewayCertificateSet {
  return certificateSource(choice).source!._build(gateway, check);
}
