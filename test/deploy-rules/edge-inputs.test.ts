// Edge inputs AWS refuses (or serves wrongly) at deploy time, refused or fixed at synth. Each rule
// names the AWS document that settles it.
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as fc from 'fast-check';
import { EdgeMode, OriginShield, SharedPathsOrigin, TenantCertificate, TenantProps } from '../../src';
import { ORIGIN_SHIELD_REGIONS } from '../../src/edge/origin-shield-regions';
import { COUNTRY_CODES } from '../../src/tenants/country-codes';
import { errorOf } from '../errors';
import { build, ENV, tenants } from '../gateway-fixture';

const ACL = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/gateway/11111111-2222-3333-4444-555555555555';

// "Cache behavior settings: Path pattern", Amazon CloudFront Developer Guide: `*` matches zero or
// more characters, `?` exactly one, the leading `/` is optional, and a request path starts with `/`.
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/DownloadDistValuesCacheBehavior.html#DownloadDistValuesPathPattern
describe('a shared path that matches every request serves one tenant\'s pages to another', () => {
  test.each(['*', '/*', '*/*', '/**', '*?', '?*', '**?**'])('%s is refused', pattern => {
    expect(errorOf(() => build(tenants(2), { cache: { sharedPaths: [pattern] } })))
      .toContain(`\`cache.sharedPaths[0]\` ${JSON.stringify(pattern)} matches every path`);
  });

  test('a pattern of wildcards and slashes is refused exactly when it matches every path up to 7 characters', () => {
    const paths = [''];
    for (let n = 0; n < 6; n++) paths.push(...paths.filter(p => p.length === n).flatMap(p => [`${p}/`, `${p}x`]));
    const matches = (pattern: string, path: string) => (pattern.startsWith('/') ? [pattern] : [pattern, `/${pattern}`])
      .some(r => new RegExp(`^${r.replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's').test(path));
    const wild = fc.array(fc.constantFrom('*', '?', '/'), { minLength: 1, maxLength: 6 }).map(cs => cs.join(''));
    fc.assert(fc.property(wild, pattern => {
      const every = paths.every(p => matches(pattern, `/${p}`));
      let message = '';
      try {
        build(tenants(1), { cache: { sharedPaths: [pattern] } });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message.includes('matches every path')).toBe(every);
    }), { numRuns: 40 });
  });

  test('a behaviour an earlier shared path shadows is warned about, with an id to acknowledge', () => {
    const { gateway } = build(tenants(2), {
      cache: { sharedPaths: ['/assets/*'] },
      behaviors: [{ pathPattern: '/assets/img/*.png', cached: false }, { pathPattern: '/api/*', cached: false }],
    });
    const warnings = Annotations.fromStack(gateway.node.scope as any).findWarning('*', Match.stringLikeRegexp('path-pattern-shadowed'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0].entry.data).toContain('`behaviors[0].pathPattern` "/assets/img/*.png" never serves a request: ' +
      'every path it matches is matched first by `cache.sharedPaths[0]` "/assets/*"');
  });
});

// "Restrict the geographic distribution of your content", Amazon CloudFront Developer Guide:
// countries are given by ISO 3166-1 alpha-2 code.
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/georestrictions.html
describe('country codes are ISO 3166-1 alpha-2 codes', () => {
  test.each([
    ['UK', 'did you mean "GB"'],
    ['EU', 'the European Union is not a country'],
    ['EL', 'did you mean "GR"'],
    ['XX', ''],
    ['gb', 'write "GB"'],
  ])('%s is refused with a hint', (code, hint) => {
    const message = errorOf(() => build([{ id: 'acme', domainNames: ['acme.example.com'], geoRestriction: { deny: [code] } }]));
    expect(message).toContain(`tenant "acme": \`geoRestriction.deny[0]\` "${code}" must be an ISO 3166-1 alpha-2 country code`);
    expect(message).toContain(hint);
  });

  test('the list holds the 249 assigned codes, and every one is taken', () => {
    expect(COUNTRY_CODES.size).toBe(249);
    expect(() => build([{ id: 'acme', domainNames: ['acme.example.com'], geoRestriction: { allow: [...COUNTRY_CODES] } }])).not.toThrow();
  });
});

// A tenant `webAcl` equal to the gateway's `webAclId` is the same web ACL, so the same
// distribution-level settings ("Use AWS WAF protections", Amazon CloudFront Developer Guide:
// a distribution has one web ACL). https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/distribution-web-awswaf.html
describe('a tenant web ACL equal to the gateway\'s is the default', () => {
  test('it shares the default partition and distribution', () => {
    const list = [
      { id: 'a', domainNames: ['a.example.com'] },
      { id: 'b', domainNames: ['b.example.com'], webAcl: ACL },
    ];
    const { gateway } = build(list, { webAclId: ACL });
    expect(gateway.placements.map(p => p.shard)).toEqual([0, 0]);
    expect(gateway.distributions).toHaveLength(1);
  });

  test('a different web ACL still takes a partition of its own', () => {
    const list = [
      { id: 'a', domainNames: ['a.example.com'] },
      { id: 'b', domainNames: ['b.example.com'], webAcl: ACL.replace('gateway', 'other') },
    ];
    const { gateway } = build(list, { webAclId: ACL });
    expect(new Set(gateway.placements.map(p => p.shard)).size).toBe(2);
  });

  test('in a multi-tenant distribution the tenant gets no web ACL override', () => {
    const list = [{ id: 'b', domainNames: ['b.example.com'], webAcl: ACL }];
    const { gateway } = build(list, { webAclId: ACL, edge: EdgeMode.multiTenantDistribution() });
    const [tenant] = Object.values(Template.fromStack(gateway.shardStacks[0]).findResources('AWS::CloudFront::DistributionTenant'));
    expect(JSON.stringify(tenant.Properties.Customizations ?? {})).not.toContain('webacl');
  });
});

// "Restrict access to an Amazon S3 origin", Amazon CloudFront Developer Guide: with SSE-KMS, the
// key policy must let the CloudFront service principal decrypt, on condition of the source ARN; the
// bucket policy admits the service principal by `AWS:SourceArn`. AWS does not say which ARN a
// distribution tenant's request carries, so the distribution's and the tenants' are both admitted.
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html
describe('a shared-paths bucket encrypted with SSE-KMS', () => {
  const sources = [
    { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudfront::', { Ref: 'AWS::AccountId' }, ':distribution/*']] },
    { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudfront::', { Ref: 'AWS::AccountId' }, ':distribution-tenant/*']] },
  ];
  const withBucket = (make: (stack: Stack) => s3.IBucket, edge = EdgeMode.shardedDistributions()) => {
    const app = new App();
    const stack = new Stack(app, 'Assets', { env: ENV });
    const bucket = make(stack);
    const built = build(tenants(2), { edge, cache: { sharedPaths: ['/assets/*'], sharedPathsOrigin: SharedPathsOrigin.fromBucket(bucket) } }, app);
    return { ...built, assets: stack };
  };

  test.each([
    ['sharded distributions', EdgeMode.shardedDistributions()],
    ['a multi-tenant distribution', EdgeMode.multiTenantDistribution()],
  ])('its key lets CloudFront decrypt, for distributions and distribution tenants (%s)', (_, edge) => {
    const { assets } = withBucket(stack => new s3.Bucket(stack, 'Bucket', { encryptionKey: new kms.Key(stack, 'Key') }), edge);
    const template = Template.fromStack(assets);
    const decrypt = Match.objectLike({
      Sid: 'MultiTenantGatewaySharedPathsDecrypt',
      Principal: { Service: 'cloudfront.amazonaws.com' },
      Action: 'kms:Decrypt',
      Condition: { ArnLike: { 'AWS:SourceArn': sources } },
    });
    template.hasResourceProperties('AWS::KMS::Key', { KeyPolicy: { Statement: Match.arrayWith([decrypt]) } });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 's3:GetObject', Condition: { ArnLike: { 'AWS:SourceArn': sources } } })]) },
    });
  });

  test.each([
    ['an imported key', (stack: Stack) => new s3.Bucket(stack, 'Bucket', {
      encryptionKey: kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555'),
    }), 'KMS key is imported'],
    ['the AWS managed key', (stack: Stack) => new s3.Bucket(stack, 'Bucket', { encryption: s3.BucketEncryption.KMS_MANAGED }), 'AWS managed key aws/s3'],
    ['an imported bucket', (stack: Stack) => s3.Bucket.fromBucketName(stack, 'Bucket', 'assets'), 'imported without its encryption key'],
  ])('%s is warned about, with the statement to add', (_, make, text) => {
    const { stack } = withBucket(make);
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('shared-paths-key-policy'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0].entry.data).toContain(text);
  });

  test('an S3-managed bucket of the app needs no key grant and no warning', () => {
    const { stack } = withBucket(s => new s3.Bucket(s, 'Bucket'));
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('shared-paths-key-policy'))).toHaveLength(0);
  });
});

// "ManagedCertificateRequest" (AWS::CloudFront::DistributionTenant), AWS CloudFormation Template
// Reference: with "cloudfront" CloudFront serves the HTTP validation token itself, so the domain's
// DNS must point at CloudFront; with "self-hosted" the token is served from the current server
// while traffic still goes there, and renewals go through CloudFront once DNS points at it.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-cloudfront-distributiontenant-managedcertificaterequest.html
describe('a CloudFront-managed certificate for a partner with its own DNS', () => {
  const managed = EdgeMode.multiTenantDistribution({ tenantCertificate: TenantCertificate.cloudFrontManaged() });
  const tokenHosts = (list: TenantProps[]) => {
    const { gateway } = build(list, { edge: managed });
    const hosts: Record<string, unknown> = {};
    for (const shard of gateway.shardStacks) {
      for (const tenant of Object.values(Template.fromStack(shard).findResources('AWS::CloudFront::DistributionTenant'))) {
        hosts[tenant.Properties.Name] = tenant.Properties.ManagedCertificateRequest.ValidationTokenHost;
      }
    }
    return hosts;
  };

  test('is validated self-hosted by default, so the first deploy does not wait on DNS the gateway cannot write', () => {
    expect(tokenHosts([
      { id: 'partner', domainNames: ['shop.partner.test'], externalDns: true },
      { id: 'zone', domainNames: ['www.zone.example.com'] },
    ])).toEqual({ partner: 'self-hosted', zone: 'cloudfront' });
  });

  test('keeps the validation a tenant names', () => {
    expect(tokenHosts([{ id: 'partner', domainNames: ['shop.partner.test'], externalDns: true, certificateValidation: 'cloudfront' }]))
      .toEqual({ partner: 'cloudfront' });
  });
});

// "Choosing the AWS Region for Origin Shield", Amazon CloudFront Developer Guide: Origin Shield is
// offered only in the regions listed there, and for an origin in another region the guide names
// the one to use. https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/origin-shield.html#choose-origin-shield-region
describe('Origin Shield regions', () => {
  test.each([
    ['eu-north-1', 'AWS recommends "eu-west-2"'],
    ['ca-central-1', 'AWS recommends "us-east-1"'],
    ['ap-southeast-5', 'choose the one nearest the origin'],
  ])('%s has none and is refused', (region, hint) => {
    const message = errorOf(() => build(tenants(1), { originShield: OriginShield.inRegion(region) }));
    expect(message).toContain(`\`originShield\` region "${region}" has no Origin Shield`);
    expect(message).toContain(hint);
  });

  test.each(ORIGIN_SHIELD_REGIONS)('%s is taken', region => {
    expect(() => build(tenants(1), { originShield: OriginShield.inRegion(region) })).not.toThrow();
  });
});
