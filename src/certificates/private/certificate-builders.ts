import { Annotations, CfnResource, Stack, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct, IConstruct } from 'constructs';
import { certificateRegion } from './certificate-region';
import { CertificateCheck, GatewayCertificateSet } from './certificates-binding';
import { acknowledgeCheckov, acknowledgeNag } from '../../private/nag';
import { quotaExceeded } from '../../quotas/quotas';
import { certificateCovers, CertificatePlan } from '../certificate-plan';
import type { FromCertificatesOptions } from '../certificates';

/** The certificates of a DNS-validated plan: in the stack's region for the load balancer, in us-east-1 for CloudFront. */
export function buildDnsValidated(gateway: Construct, zone: route53.IHostedZone, plan: CertificatePlan): GatewayCertificateSet {
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
    certificateFor: distribution => global.get(plan.keyOfShard.get(distribution) ?? first)!,
    loadBalancerCertificates: plan.certificates.map(c => regional.get(c.key)!),
  };
}

/** At most this many uncovered domains are listed per certificate; the rest are counted. */
const MAX_LISTED = 10;

export function ownProblems(gateway: Construct, own: FromCertificatesOptions, check: CertificateCheck): string[] {
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

  if (check.edge.presentsDistributionCertificate) {
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
export function knownNames(certificate: acm.ICertificate): string[] | undefined {
  const resource = certificate.node.defaultChild;
  if (!(resource instanceof acm.CfnCertificate)) return undefined;
  const names = [resource.domainName, ...(resource.subjectAlternativeNames ?? [])];
  return names.some(n => Token.isUnresolved(n)) ? undefined : names;
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
  // Its runtime is raised from nodejs20.x, whose creation AWS disables in February 2027; the
  // handler needs only the SDK v3 clients every Node.js runtime has.
  const resource = fn.node.defaultChild as CfnResource;
  resource.addPropertyOverride('Runtime', 'nodejs22.x');
  const why = 'aws-cdk-lib\'s certificate requestor: it runs only at deployment, called by CloudFormation, which retries and reports its failures';
  acknowledgeCheckov(fn, 'CKV_AWS_115', `${why}; no concurrency to reserve.`);
  acknowledgeCheckov(fn, 'CKV_AWS_116', `${why}; no event is lost, so no dead-letter queue.`);
  acknowledgeCheckov(fn, 'CKV_AWS_117', `${why}; it calls only the ACM and Route 53 APIs, so it needs no VPC.`);
  acknowledgeCheckov(fn.node.findChild('ServiceRole').node.findChild('DefaultPolicy'), 'CKV_AWS_111',
    'ACM RequestCertificate takes no resource ARN and the certificate it makes has none yet; Route 53 GetChange takes none either; its record changes are limited to the zone.');
}
