import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as fc from 'fast-check';
import { EdgeMode, GatewayCertificates, MultiTenantGateway, MultiTenantGatewayProps, TenantCertificate, TenantProps, Tenants } from '../../src';
import { CertificatePlan, nameCovers, planCertificates } from '../../src/certificates/certificate-plan';
import { placeTenants } from '../../src/tenants/placement';
import { errorOf } from '../errors';

const ACCOUNT = '123456789012';
const EDGE_ARN = `arn:aws:acm:us-east-1:${ACCOUNT}:certificate/edge`;
const LIMITS = { namesPerCertificate: 10, certificatesPerLoadBalancer: 25 };

function build(tenants: TenantProps[], props: (stack: Stack) => Partial<MultiTenantGatewayProps>, region = 'eu-west-1') {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: { account: ACCOUNT, region } });
  const gateway = new MultiTenantGateway(stack, 'Gateway', {
    tenants: Tenants.fromList(tenants),
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z123', zoneName: 'example.com' }),
    ...props(stack),
  });
  return { app, stack, gateway };
}

function single(ids: string[], domain = (id: string) => `${id}.example.com`): TenantProps[] {
  return ids.map(id => ({ id, domainNames: [domain(id)] }));
}

/** An acm.Certificate made in the app, whose names the gateway can read. */
function certificate(stack: Stack, id: string, domainName: string, ...subjectAlternativeNames: string[]) {
  return new acm.Certificate(stack, id, { domainName, subjectAlternativeNames, validation: acm.CertificateValidation.fromDns() });
}

function plan(zone: string, tenants: TenantProps[], domainsPerDistribution = 100, limits = LIMITS): CertificatePlan {
  const placement = placeTenants(tenants, { domainsPerDistribution, distributionsPerAccount: 500 });
  return planCertificates(zone, placement.placements, limits);
}

describe('nameCovers matches as ACM does', () => {
  test.each([
    ['a.example.com', 'a.example.com', true],
    ['A.Example.com.', 'a.example.com', true],
    ['*.example.com', 'a.example.com', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', 'a.b.example.com', false],
    ['*.b.example.com', 'a.b.example.com', true],
    ['example.com', 'a.example.com', false],
    ['*.example.com', 'aexample.com', false],
  ])('%s covers %s: %s', (name, domain, expected) => {
    expect(nameCovers(name, domain)).toBe(expected);
  });
});

describe('planCertificates', () => {
  test('one wildcard certificate when every domain is the apex or a direct subdomain of the zone', () => {
    const result = plan('example.com', [...single(['a', 'b']), { id: 'apex', domainNames: ['example.com'] }], 1);
    expect(result.problems).toEqual([]);
    expect(result.certificates).toEqual([{ key: 'wildcard', names: ['*.example.com', 'example.com'], shards: [0, 1, 2] }]);
  });

  test('deeper domains get their shard a certificate of its own, with the wildcard pair when the shard needs it', () => {
    const tenants = [
      { id: 'a', domainNames: ['a.example.com'] }, { id: 'deep', domainNames: ['x.deep.example.com', 'y.deep.example.com'] },
      { id: 'b', domainNames: ['b.example.com'] }, { id: 'c', domainNames: ['c.example.com'] },
    ];
    const result = plan('example.com', tenants, 3);
    expect(result.problems).toEqual([]);
    expect(result.certificates).toEqual([
      { key: 'wildcard', names: ['*.example.com', 'example.com'], shards: [1] },
      { key: 'shard-0', names: ['*.example.com', 'example.com', 'x.deep.example.com', 'y.deep.example.com'], shards: [0] },
    ]);
    expect([...result.keyOfShard]).toEqual([[0, 'shard-0'], [1, 'wildcard']]);
  });

  test('a shard with more names than a certificate holds is an error naming the quota, the figure and the way out', () => {
    const result = plan('example.com', single(Array.from({ length: 11 }, (_, i) => `t${i}`), id => `${id}.sub.example.com`));
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toContain('Distribution shard 0');
    expect(result.problems[0]).toContain('needs 11 but the AWS Certificate Manager (ACM) quota "Domain names per certificate" is 10 (`quotas.namesPerCertificate`)');
    expect(result.problems[0]).toContain('`quotas.domainsPerDistribution`');
  });

  test('more certificates than the load balancer takes is an error naming certificatesPerLoadBalancer', () => {
    const tenants = single(Array.from({ length: 27 }, (_, i) => `t${i}`), id => `${id}.sub.example.com`);
    expect(plan('example.com', tenants, 1).problems).toEqual([
      expect.stringContaining('needs 26 but the Elastic Load Balancing quota "Certificates per Application Load Balancer" is 25'),
    ]);
    expect(plan('example.com', tenants.slice(0, 26), 1).problems).toEqual([]);
    // Raised quotas: 100 names per certificate and 100 domains per distribution hold 2,600 deeper domains.
    const many = single(Array.from({ length: 2600 }, (_, i) => `t${i}`), id => `${id}.sub.example.com`);
    const raised = plan('example.com', many, 100, { namesPerCertificate: 100, certificatesPerLoadBalancer: 25 });
    expect(raised.problems).toEqual([]);
    expect(raised.certificates).toHaveLength(26);
  });

  test('a domain outside the zone cannot be DNS-validated there', () => {
    expect(plan('example.com', [{ id: 'ext', domainNames: ['shop.partner.org'] }]).problems).toEqual([
      expect.stringContaining('tenant "ext": domain "shop.partner.org" is outside the hosted zone "example.com", so its certificate cannot be DNS-validated there'),
    ]);
  });

  test('the primary name is the first one ACM accepts (at most 64 characters)', () => {
    const long = `${'a'.repeat(60)}.sub.example.com`;
    expect(plan('example.com', [{ id: 'l', domainNames: [long, 'z.sub.example.com'] }]).certificates[0].names).toEqual(['z.sub.example.com', long]);
  });

  test('appending tenants changes only the certificates of the shards they land on', () => {
    const before = single(Array.from({ length: 25 }, (_, i) => `t${i}`), id => `${id}.sub.example.com`);
    const after = [...before, ...single(['new'], id => `${id}.sub.example.com`)];
    const a = plan('example.com', before, 10, { namesPerCertificate: 10, certificatesPerLoadBalancer: 25 });
    const b = plan('example.com', after, 10, { namesPerCertificate: 10, certificatesPerLoadBalancer: 25 });
    expect(b.certificates.slice(0, 2)).toEqual(a.certificates.slice(0, 2));
    expect(b.certificates[2].names).toEqual([...a.certificates[2].names, 'new.sub.example.com'].sort());
  });

  test('property: appending tenants never changes a certificate of a shard they do not land on', () => {
    const tenant = fc.record({
      deep: fc.boolean(),
      domains: fc.integer({ min: 1, max: 3 }),
    });
    fc.assert(fc.property(fc.array(tenant, { maxLength: 40 }), fc.array(tenant, { minLength: 1, maxLength: 10 }), fc.integer({ min: 1, max: 8 }),
      (first, more, perShard) => {
        const make = (specs: { deep: boolean; domains: number }[], offset: number): TenantProps[] => specs.map((s, i) => ({
          id: `t${offset + i}`,
          domainNames: Array.from({ length: s.domains }, (_, d) => s.deep ? `d${d}.t${offset + i}.example.com` : `d${d}-t${offset + i}.example.com`),
        }));
        const before = make(first, 0);
        const appended = make(more, first.length);
        const limits = { namesPerCertificate: 100, certificatesPerLoadBalancer: 1000 };
        const a = plan('example.com', before, Math.max(perShard, 3), limits);
        const b = plan('example.com', [...before, ...appended], Math.max(perShard, 3), limits);
        const placement = placeTenants([...before, ...appended], { domainsPerDistribution: Math.max(perShard, 3), distributionsPerAccount: 500 });
        const touched = new Set(placement.placements.slice(before.length).map(p => p.shard));
        const byKey = new Map(b.certificates.map(c => [c.key, c]));
        for (const planned of a.certificates) {
          if (planned.key === 'wildcard') {
            // It stays while any shard it serves is untouched (it is dropped once no shard needs it).
            if (planned.shards.some(shard => !touched.has(shard))) expect(byKey.get('wildcard')?.names).toEqual(planned.names);
          } else if (!touched.has(planned.shards[0])) {
            expect(byKey.get(planned.key)).toEqual(planned);
          }
        }
      }));
  });
});

describe('bring your own certificates', () => {
  test('certificates in the app that cover every domain, exactly or by wildcard, pass; only the imported one is warned about', () => {
    const { stack } = build([...single(['a', 'b']), { id: 'deep', domainNames: ['x.deep.example.com'] }], s => ({
      certificates: GatewayCertificates.fromCertificates({
        distributionCertificate: acm.Certificate.fromCertificateArn(s, 'Edge', EDGE_ARN),
        loadBalancerCertificates: [certificate(s, 'Wild', '*.example.com'), certificate(s, 'Deep', 'x.deep.example.com')],
      }),
    }));
    Template.fromStack(stack).resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerCertificate', 1);
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('coverage was not checked'));
    expect(warnings.map(w => w.entry.data)).toEqual([expect.stringContaining('`distributionCertificate` (Stack/Edge)')]);
    expect(String(warnings[0].entry.data)).not.toContain('loadBalancerCertificates');
  });

  test('uncovered domains are problems naming tenant, domain and certificate', () => {
    const message = errorOf(() => build([...single(['a']), { id: 'deep', domainNames: ['x.deep.example.com'] }, { id: 'apex', domainNames: ['example.com'] }],
      s => ({
        distributionCertificate: certificate(s, 'Edge', '*.example.com'),
        loadBalancerCertificates: [certificate(s, 'Alb', '*.example.com', 'example.com')],
      }), 'us-east-1'));
    expect(message).toContain('tenant "deep": domain "x.deep.example.com" is not covered by `distributionCertificate` (Stack/Edge) (names: *.example.com)');
    expect(message).toContain('tenant "apex": domain "example.com" is not covered by `distributionCertificate`');
    expect(message).toContain('tenant "deep": domain "x.deep.example.com" is not covered by any of `loadBalancerCertificates` (names: *.example.com, example.com); ' +
      'CloudFront forwards the Host');
    expect(message).not.toContain('tenant "a"');
  });

  test('certificates imported by ARN get one warning that coverage was not checked, and why', () => {
    const { stack } = build(single(['a']), s => ({
      distributionCertificate: acm.Certificate.fromCertificateArn(s, 'Edge', EDGE_ARN),
      loadBalancerCertificates: [acm.Certificate.fromCertificateArn(s, 'Alb', `arn:aws:acm:eu-west-1:${ACCOUNT}:certificate/alb`)],
    }));
    const warnings = Annotations.fromStack(stack).findWarning('/Stack/Gateway', Match.stringLikeRegexp('coverage was not checked'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0].entry.data).toContain('`distributionCertificate` (Stack/Edge), `loadBalancerCertificates[0]` (Stack/Alb): their names are not known at synth time (imported by ARN');
  });

  test('both `certificates` and the older props, or neither, is an error', () => {
    expect(errorOf(() => build(single(['a']), s => ({
      certificates: GatewayCertificates.dnsValidated(),
      distributionCertificate: acm.Certificate.fromCertificateArn(s, 'Edge', EDGE_ARN),
    })))).toContain('give either `certificates` or `distributionCertificate` with `loadBalancerCertificates`, not both');
    expect(errorOf(() => build(single(['a']), () => ({})))).toContain('no certificates: give `certificates`');
    expect(errorOf(() => build(single(['a']), s => ({ distributionCertificate: acm.Certificate.fromCertificateArn(s, 'Edge', EDGE_ARN) }))))
      .toContain('`loadBalancerCertificates` is missing');
  });

  test('a multi-tenant distribution whose tenants present CloudFront-managed certificates needs no coverage by the parent', () => {
    expect(() => build(single(['a']), s => ({
      distributionCertificate: certificate(s, 'Edge', 'other.example.org'),
      loadBalancerCertificates: [certificate(s, 'Alb', '*.example.com')],
      edge: EdgeMode.multiTenantDistribution({ tenantCertificate: TenantCertificate.cloudFrontManaged() }),
    }), 'us-east-1')).not.toThrow();
  });
});

describe('DNS-validated certificates', () => {
  test('in eu-west-1: the load balancer\'s certificate is validated in the zone there, CloudFront\'s is requested in us-east-1', () => {
    const { stack } = build(single(['a', 'b']), () => ({ certificates: GatewayCertificates.dnsValidated() }));
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::CertificateManager::Certificate', 1);
    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: '*.example.com',
      SubjectAlternativeNames: ['example.com'],
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: 'example.com', HostedZoneId: 'Z123' }],
    });
    template.hasResourceProperties('AWS::CloudFormation::CustomResource', {
      DomainName: '*.example.com', SubjectAlternativeNames: ['example.com'], HostedZoneId: 'Z123', Region: 'us-east-1',
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Certificates: [{ CertificateArn: { Ref: Match.stringLikeRegexp('GatewayCertificateswildcard') } }],
    });
    const shard = Template.fromStack(stack.node.findChild('Gateway').node.findChild('Block0').node.findChild('Shard0') as Stack);
    shard.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: { ViewerCertificate: { AcmCertificateArn: { Ref: Match.anyValue() } } },
    });
  });

  test('in us-east-1 one certificate per shard serves CloudFront and the load balancer, no custom resource', () => {
    const tenants = [...single(['a', 'b']), { id: 'deep', domainNames: ['x.deep.example.com'] }, ...single(['c', 'd'])];
    const { stack } = build(tenants, () => ({
      certificates: GatewayCertificates.dnsValidated(),
      quotas: { domainsPerDistribution: 3 },
    }), 'us-east-1');
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::CloudFormation::CustomResource', 0);
    template.resourceCountIs('AWS::CertificateManager::Certificate', 2);
    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: '*.example.com',
      SubjectAlternativeNames: ['example.com', 'x.deep.example.com'],
      DomainValidationOptions: [{ DomainName: 'example.com', HostedZoneId: 'Z123' }, { DomainName: 'x.deep.example.com', HostedZoneId: 'Z123' }],
    });
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerCertificate', 1);
  });

  test('what cannot work is one error: a domain outside the zone, a shard over the names quota, a zone without a name', () => {
    const message = errorOf(() => build([
      { id: 'ext', domainNames: ['shop.partner.org'], externalDns: true },
      ...single(Array.from({ length: 11 }, (_, i) => `t${i}`), id => `${id}.sub.example.com`),
    ], () => ({ certificates: GatewayCertificates.dnsValidated() })));
    expect(message).toContain('tenant "ext": domain "shop.partner.org" is outside the hosted zone "example.com"');
    expect(message).toContain('`quotas.namesPerCertificate`');

    const app = new App();
    const stack = new Stack(app, 'Stack', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    expect(errorOf(() => new MultiTenantGateway(stack, 'Gateway', {
      tenants: Tenants.fromList(single(['a'])),
      hostedZone: route53.HostedZone.fromHostedZoneId(stack, 'Zone', 'Z123'),
      certificates: GatewayCertificates.dnsValidated(),
    }))).toContain('needs the hosted zone\'s name at synth time');
  });

  test('a multi-tenant distribution needs every domain under the one wildcard', () => {
    expect(errorOf(() => build([{ id: 'deep', domainNames: ['x.deep.example.com'] }], () => ({
      certificates: GatewayCertificates.dnsValidated(),
      edge: EdgeMode.multiTenantDistribution(),
    })))).toContain('with a multi-tenant distribution needs one certificate for the parent distribution');
    expect(() => build(single(['a']), () => ({
      certificates: GatewayCertificates.dnsValidated(),
      edge: EdgeMode.multiTenantDistribution(),
    }))).not.toThrow();
  });
});
