import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, NestedStack, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { EdgeMode, MultiTenantDistributionOptions, MultiTenantGateway, MultiTenantGatewayProps, TenantCertificate, TenantProps, Tenants } from '../../src';
import { resolveQuotas } from '../../src/quotas/quotas';
import { errorOf } from '../errors';
import { build as buildGateway, EDGE_CERT, ENV, only, recordsOf, tenants } from '../gateway-fixture';

const TENANT_CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/tenants';

function build(list: TenantProps[], options: MultiTenantDistributionOptions = {}, overrides: Partial<MultiTenantGatewayProps> = {}) {
  const built = buildGateway(list, { edge: EdgeMode.multiTenantDistribution(options), ...overrides });
  return { ...built, template: Template.fromStack(built.stack) };
}

/**
 * What a shard's `{ Ref: parameter }` is given from the top: its block passes it on from a
 * parameter of its own, which the parent stack sets.
 */
function parameterValue(parent: Template, shard: NestedStack, value: unknown): unknown {
  let given: unknown = value;
  for (const [template, child] of [[Template.fromStack(Stack.of(shard.nestedStackParent!)), shard], [parent, shard.nestedStackParent!]] as const) {
    const param = (given as { Ref: string }).Ref;
    const stackResources = template.findResources('AWS::CloudFormation::Stack');
    const [resource] = Object.entries(stackResources).filter(([id]) => id.includes(child.node.id)).map(([, r]) => r);
    given = resource.Properties.Parameters[param];
  }
  return given;
}

function shardResources(gateway: MultiTenantGateway, type: string): any[] {
  return gateway.shardStacks.flatMap(s => Object.values(Template.fromStack(s).findResources(type)).map(r => r.Properties));
}

describe('the multi-tenant distribution', () => {
  test('is tenant-only and carries only what such a distribution accepts', () => {
    const { template } = build(tenants(3));
    const { properties } = only(template, 'AWS::CloudFront::Distribution');
    const config = properties.DistributionConfig;
    expect(config.ConnectionMode).toBe('tenant-only');
    for (const key of ['Aliases', 'CNAMEs', 'PriceClass', 'IPV6Enabled', 'Logging', 'DefaultRootObject', 'Staging',
      'ContinuousDeploymentPolicyId', 'AnycastIpListId']) {
      expect(config[key]).toBeUndefined();
    }
    for (const key of ['ForwardedValues', 'MinTTL', 'DefaultTTL', 'MaxTTL', 'TrustedSigners']) {
      expect(config.DefaultCacheBehavior[key]).toBeUndefined();
    }
    expect(config).toEqual(expect.objectContaining({
      Enabled: true,
      HttpVersion: 'http2and3',
      ViewerCertificate: { AcmCertificateArn: EDGE_CERT, MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' },
    }));
    expect(config.DefaultCacheBehavior).toEqual(expect.objectContaining({
      ViewerProtocolPolicy: 'redirect-to-https',
      Compress: true,
      TargetOriginId: config.Origins[0].Id,
      CachePolicyId: expect.anything(),
      OriginRequestPolicyId: expect.anything(),
      ResponseHeadersPolicyId: expect.anything(),
    }));
    // The gateway's default origin access: a VPC origin, HTTPS only, bound as cloudfront.Distribution binds it.
    expect(config.Origins).toHaveLength(1);
    expect(config.Origins[0].VpcOriginConfig).toEqual(expect.objectContaining({ VpcOriginId: expect.anything() }));
  });

  test('the cache policy keeps Host in the key and a 180 s minimum TTL', () => {
    const { template } = build(tenants(2));
    template.hasResourceProperties('AWS::CloudFront::CachePolicy', {
      CachePolicyConfig: Match.objectLike({
        MinTTL: 180,
        ParametersInCacheKeyAndForwardedToOrigin: Match.objectLike({
          HeadersConfig: { HeaderBehavior: 'whitelist', Headers: Match.arrayWith(['Host']) },
        }),
      }),
    });
  });

  test('is the gateway\'s one distribution, whatever the tenant count', () => {
    const { gateway, template } = build(tenants(250));
    const { id } = only(template, 'AWS::CloudFront::Distribution');
    expect(gateway.distributions).toHaveLength(1);
    expect(gateway.distributionOf('tenant-0')).toBe(gateway.distributions[0]);
    expect(gateway.distributionOf('tenant-249')).toBe(gateway.distributions[0]);
    // The real distribution, as aws-cdk-lib made it, not a reference by id.
    expect(gateway.distributions[0]).toBeInstanceOf(cloudfront.Distribution);
    expect(gateway.shardStacks).toHaveLength(3);
    expect(Stack.of(gateway).resolve(gateway.distributions[0].distributionId)).toEqual({ Ref: id });
  });
});

describe('distribution tenants', () => {
  test('one per tenant, with its domains, on the parent distribution and the connection group, grouped by shard', () => {
    const list = [...tenants(150), { id: 'multi', domainNames: ['a.example.com', 'b.example.com'] }];
    const { gateway, template } = build(list);
    const parent = only(template, 'AWS::CloudFront::Distribution').id;
    const group = only(template, 'AWS::CloudFront::ConnectionGroup');
    expect(group.properties.Ipv6Enabled).toBe(true);

    gateway.shardStacks.forEach((shardStack, shard) => {
      const shardTemplate = Template.fromStack(shardStack);
      const placed = gateway.placements.filter(p => p.shard === shard);
      const found = Object.values(shardTemplate.findResources('AWS::CloudFront::DistributionTenant')).map(r => r.Properties);
      expect(found.map(t => t.Name).sort()).toEqual(placed.map(p => p.tenantId).sort());
      for (const t of found) {
        expect(t.Domains).toEqual(placed.find(p => p.tenantId === t.Name)!.domainNames);
        expect(t.Enabled).toBe(true);
        expect(t.Customizations).toBeUndefined();
        expect(t.ManagedCertificateRequest).toBeUndefined();
        expect(parameterValue(template, shardStack, t.DistributionId)).toEqual({ Ref: parent });
        expect(parameterValue(template, shardStack, t.ConnectionGroupId)).toEqual({ 'Fn::GetAtt': [group.id, 'Id'] });
      }
    });
    expect(shardResources(gateway, 'AWS::CloudFront::DistributionTenant')).toHaveLength(151);
  });

  test('TenantCertificate.fromCertificate puts the certificate in each tenant\'s customizations', () => {
    const app = new App();
    const stack = new Stack(app, 'Certs', { env: ENV });
    const certificate = acm.Certificate.fromCertificateArn(stack, 'TenantCert', TENANT_CERT);
    const { gateway } = build(tenants(2), { tenantCertificate: TenantCertificate.fromCertificate(certificate) });
    for (const t of shardResources(gateway, 'AWS::CloudFront::DistributionTenant')) {
      expect(t.Customizations).toEqual({ Certificate: { Arn: TENANT_CERT } });
      expect(t.ManagedCertificateRequest).toBeUndefined();
    }
  });

  test('TenantCertificate.cloudFrontManaged requests an HTTP-validated certificate per tenant', () => {
    const list = [{ id: 'acme', domainNames: ['acme.example.com', 'www.acme.example.com'] }];
    const { gateway } = build(list, { tenantCertificate: TenantCertificate.cloudFrontManaged() });
    const [t] = shardResources(gateway, 'AWS::CloudFront::DistributionTenant');
    expect(t.ManagedCertificateRequest).toEqual({
      ValidationTokenHost: 'cloudfront',
      PrimaryDomainName: 'acme.example.com',
      CertificateTransparencyLoggingPreference: 'enabled',
    });
    expect(t.Customizations).toBeUndefined();
  });

  test('a tenant with a CloudFront-managed certificate is created after its records, which CloudFront validates through', () => {
    const list = [{ id: 'acme', domainNames: ['acme.example.com', 'www.acme.example.com'] }, { id: 'other', domainNames: ['other.example.com'] }];
    const managed = Template.fromStack(build(list, { tenantCertificate: TenantCertificate.cloudFrontManaged() }).gateway.shardStacks[0]);
    // The shard's CNAMEs are in the record groups their domains hash to (acme.example.com 0,
    // www.acme.example.com 3, other.example.com 2); each tenant waits for the groups of its own.
    expect(Object.keys(managed.findResources('AWS::Route53::RecordSetGroup'))).toEqual(['Records0', 'Records2', 'Records3']);
    const tenantsByName = Object.values(managed.findResources('AWS::CloudFront::DistributionTenant'));
    expect(tenantsByName.find(t => t.Properties.Name === 'acme')!.DependsOn).toEqual(['Records0', 'Records3']);
    expect(tenantsByName.find(t => t.Properties.Name === 'other')!.DependsOn).toEqual(['Records2']);

    // The parent's certificate needs no HTTP validation, so no ordering is imposed.
    const parent = Template.fromStack(build(list).gateway.shardStacks[0]);
    for (const t of Object.values(parent.findResources('AWS::CloudFront::DistributionTenant'))) expect(t.DependsOn).toBeUndefined();
  });

  test('certificateValidation "self-hosted": the token host per tenant, and no wait for its records', () => {
    const list: TenantProps[] = [
      { id: 'live', domainNames: ['www.live.example.com'], certificateValidation: 'self-hosted' },
      { id: 'new', domainNames: ['new.example.com'] },
      { id: 'explicit', domainNames: ['explicit.example.com'], certificateValidation: 'cloudfront' },
    ];
    const shard = Template.fromStack(build(list, { tenantCertificate: TenantCertificate.cloudFrontManaged() }).gateway.shardStacks[0]);
    const byName = Object.fromEntries(Object.values(shard.findResources('AWS::CloudFront::DistributionTenant')).map(t => [t.Properties.Name, t]));
    expect(byName.live.Properties.ManagedCertificateRequest).toEqual(expect.objectContaining({ ValidationTokenHost: 'self-hosted' }));
    expect(byName.new.Properties.ManagedCertificateRequest).toEqual(expect.objectContaining({ ValidationTokenHost: 'cloudfront' }));
    expect(byName.explicit.Properties.ManagedCertificateRequest).toEqual(expect.objectContaining({ ValidationTokenHost: 'cloudfront' }));
    // The partner's own server answers for a self-hosted tenant, so it need not wait for DNS.
    expect(byName.live.DependsOn).toBeUndefined();
    expect(byName.new.DependsOn).toEqual(['Records2']); // new.example.com's group
  });

  test('certificateValidation is refused where it would be ignored: other tenant certificates, sharded distributions', () => {
    const list: TenantProps[] = [{ id: 'live', domainNames: ['www.live.example.com'], certificateValidation: 'self-hosted' }];
    expect(errorOf(() => build(list))).toMatch(/tenant "live": `certificateValidation` "self-hosted" applies only to TenantCertificate\.cloudFrontManaged\(\)/);
    expect(errorOf(() => buildGateway(list))).toMatch(
      /tenant "live": `certificateValidation` "self-hosted" applies only to a multi-tenant distribution with CloudFront-managed tenant certificates, not to sharded distributions/);
  });

  test('a CloudFront-managed certificate cannot cover a wildcard name', () => {
    // Wildcards cannot pass the tenant rules of a tenants file yet, so the edge's own check is asked directly.
    const check = {
      tenants: [{ id: 'wild', domainNames: ['*.wild.example.com'] }],
      zoneName: 'example.com',
      quotas: resolveQuotas().quotas,
      distributionLogging: false,
    };
    const managed = EdgeMode.multiTenantDistribution({ tenantCertificate: TenantCertificate.cloudFrontManaged() })._bind().problems(check);
    expect(managed).toEqual([expect.stringMatching(/tenant "wild": `domainNames\[0\]` "\*\.wild\.example\.com" is a wildcard, which a CloudFront-managed certificate cannot cover/)]);
    expect(EdgeMode.multiTenantDistribution()._bind().problems(check)).toEqual([]);
  });

  test('a tenant certificate outside us-east-1 is an error', () => {
    const app = new App();
    const stack = new Stack(app, 'Certs', { env: ENV });
    const certificate = acm.Certificate.fromCertificateArn(stack, 'TenantCert', 'arn:aws:acm:eu-west-1:123456789012:certificate/x');
    expect(errorOf(() => build(tenants(1), { tenantCertificate: TenantCertificate.fromCertificate(certificate) })))
      .toMatch(/`TenantCertificate.fromCertificate` is given a certificate in eu-west-1; CloudFront only uses certificates in us-east-1/);
  });
});

describe('DNS', () => {
  test('a CNAME per domain to the connection group\'s routing endpoint; none for external-DNS tenants', () => {
    const list: TenantProps[] = [
      { id: 'acme', domainNames: ['acme.example.com', 'www.acme.example.com'] },
      { id: 'partner', domainNames: ['shop.partner.test'], externalDns: true },
    ];
    const { gateway, template, stack } = build(list);
    const group = only(template, 'AWS::CloudFront::ConnectionGroup').id;
    const [shardStack] = gateway.shardStacks;
    const records = gateway.shardStacks.flatMap(s => recordsOf(Template.fromStack(s)));
    expect(records.map(r => r.Name).sort()).toEqual(['acme.example.com.', 'www.acme.example.com.']);
    for (const record of records) {
      expect(record).toEqual(expect.objectContaining({ Type: 'CNAME', TTL: '300', HostedZoneId: 'Z123' }));
      expect(record.ResourceRecords).toHaveLength(1);
      expect(parameterValue(template, shardStack, record.ResourceRecords[0])).toEqual({ 'Fn::GetAtt': [group, 'RoutingEndpoint'] });
    }
    expect(stack.resolve(gateway.dnsTargetOf('partner'))).toEqual({ 'Fn::GetAtt': [group, 'RoutingEndpoint'] });
  });

  test('an apex domain cannot take the CNAME: an error that names what works', () => {
    const message = errorOf(() => build([{ id: 'apex', domainNames: ['example.com'] }]));
    expect(message).toMatch(/tenant "apex": `domainNames\[0\]` "example.com" is the hosted zone's apex, which cannot hold the CNAME record/);
    expect(message).toMatch(/"www\.example\.com"/);
    expect(message).toMatch(/EdgeMode\.shardedDistributions\(\)/);
    // With external DNS the gateway writes no record, so the apex is the partner's business.
    expect(() => build([{ id: 'apex', domainNames: ['example.com'], externalDns: true }])).not.toThrow();
  });

  test('the account\'s default connection group: external-DNS tenants only, and no DNS target at synth time', () => {
    const message = errorOf(() => build(tenants(2), { ownConnectionGroup: false }));
    expect(message).toMatch(/2 problems/);
    expect(message).toMatch(/tenant "tenant-0": the gateway cannot write its DNS records with `ownConnectionGroup: false`/);

    const { gateway, template } = build([{ id: 'partner', domainNames: ['shop.partner.test'], externalDns: true }], { ownConnectionGroup: false });
    template.resourceCountIs('AWS::CloudFront::ConnectionGroup', 0);
    const [t] = shardResources(gateway, 'AWS::CloudFront::DistributionTenant');
    expect(t.ConnectionGroupId).toBeUndefined();
    expect(shardResources(gateway, 'AWS::Route53::RecordSetGroup')).toHaveLength(0);
    expect(errorOf(() => gateway.dnsTargetOf('partner'))).toMatch(/default connection group, whose routing endpoint is not known at synth time/);
  });
});

describe('validation joins the gateway\'s single error', () => {
  test('quotas: distribution tenants per account and domains per distribution tenant', () => {
    const list = [...tenants(3), { id: 'many', domainNames: ['a.example.com', 'b.example.com', 'c.example.com'] }];
    const message = errorOf(() => build(list, {}, { quotas: { distributionTenantsPerAccount: 3, domainsPerDistributionTenant: 2 } }));
    expect(message).toMatch(/A distribution tenant for each of 4 tenants needs 4 but the CloudFront quota "Distribution tenants per AWS account" is 3 \(`quotas.distributionTenantsPerAccount`\)/);
    expect(message).toMatch(/tenant "many": its 3 `domainNames` share one distribution tenant, which needs 3 but the CloudFront quota "Aliases per distribution tenant" is 2/);
  });

  test('S3 standard logging is refused, with the other problems', () => {
    const message = errorOf(() => build([{ id: 'apex', domainNames: ['example.com'] }], {}, { distributionLogging: true }));
    expect(message).toMatch(/2 problems/);
    expect(message).toMatch(/`distributionLogging` \/ `distributionLogBucket`: CloudFront standard logging to S3 \(legacy\) is not available on a multi-tenant distribution/);
  });

  test('a bad tenant name prefix', () => {
    expect(errorOf(() => build(tenants(1), { tenantNamePrefix: '-bad' }))).toMatch(/`tenantNamePrefix` "-bad" must be/);
    const { gateway } = build(tenants(1), { tenantNamePrefix: 'prod-' });
    expect(shardResources(gateway, 'AWS::CloudFront::DistributionTenant')[0].Name).toBe('prod-tenant-0');
  });
});

describe('scale', () => {
  test('10,000 tenants: every template within 500 resources and 1 MB', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-mt-scale-'));
    try {
      const app = new App({ outdir });
      const stack = new Stack(app, 'Gateway', { env: { account: '123456789012', region: 'us-east-1' } });
      new MultiTenantGateway(stack, 'Gateway', {
        tenants: Tenants.fromList(tenants(10_000)),
        hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z123', zoneName: 'example.com' }),
        distributionCertificate: acm.Certificate.fromCertificateArn(stack, 'EdgeCert', EDGE_CERT),
        loadBalancerCertificates: [acm.Certificate.fromCertificateArn(stack, 'AlbCert', 'arn:aws:acm:us-east-1:123456789012:certificate/origin')],
        edge: EdgeMode.multiTenantDistribution(),
        quotas: { recordsPerHostedZone: 20_000 },
      });
      const directory = app.synth().directory;
      const files = fs.readdirSync(directory).filter(f => f.endsWith('.template.json'));
      expect(files).toHaveLength(1 + 2 + 100); // the parent, 2 blocks of 50 shards, 100 shards
      let tenantCount = 0;
      for (const file of files) {
        const text = fs.readFileSync(path.join(directory, file), 'utf8');
        const resources = Object.values(JSON.parse(text).Resources ?? {}) as { Type: string }[];
        tenantCount += resources.filter(r => r.Type === 'AWS::CloudFront::DistributionTenant').length;
        expect({ file, resources: resources.length <= 500, bytes: text.length <= 1_000_000 })
          .toEqual({ file, resources: true, bytes: true });
      }
      expect(tenantCount).toBe(10_000);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }, 300_000);
});
