import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as fc from 'fast-check';
import { behaviorFor, cacheKey, distributionsOf, keyHoldsHost, matchesPattern, ModelDistribution } from './cache-key-model';
import { EdgeMode, MultiTenantGateway, MultiTenantGatewayProps, OriginAccess, OriginShield, SharedPathsOrigin, TenantProps, Tenants } from '../../src';
import { errorOf } from '../errors';
import { build, EDGE_CERT, ALB_CERT, tenants } from '../gateway-fixture';

const SHARED = ['/_next/static/*', '/assets/*'];
const MODES: [string, () => EdgeMode][] = [
  ['sharded distributions', () => EdgeMode.shardedDistributions()],
  ['multi-tenant distribution', () => EdgeMode.multiTenantDistribution()],
];

function distributions(list: TenantProps[], overrides: Partial<MultiTenantGatewayProps>): ModelDistribution[] {
  const { stack, gateway } = build(list, overrides);
  return distributionsOf([stack, ...gateway.shardStacks]);
}

/** The distinct cache keys of one request path from every tenant, each through its own distribution. */
function keysFromEveryTenant(list: TenantProps[], gateway: MultiTenantGateway, model: ModelDistribution[], path: string): Set<string | undefined> {
  return new Set(list.map(tenant => {
    const [distribution] = model.filter(d => d.stack === Stack.of(gateway.distributionOf(tenant.id)));
    return cacheKey(distribution, { host: tenant.domainNames[0], path, query: 'v=1' });
  }));
}

describe('the cache-key model', () => {
  test('matches path patterns as CloudFront does: * any run, ? one character, leading / optional', () => {
    expect(matchesPattern('/_next/static/*', '/_next/static/chunks/a.js')).toBe(true);
    expect(matchesPattern('assets/*', '/assets/logo.svg')).toBe(true);
    expect(matchesPattern('/img/?.png', '/img/a.png')).toBe(true);
    expect(matchesPattern('/img/?.png', '/img/ab.png')).toBe(false);
    expect(matchesPattern('/Assets/*', '/assets/x')).toBe(false);
    expect(matchesPattern('/*.js', '/a/b.js')).toBe(true);
  });
});

describe.each([
  ['sharded distributions', () => EdgeMode.shardedDistributions(), 10],
  ['multi-tenant distribution', () => EdgeMode.multiTenantDistribution(), 1],
] as const)('shared paths (%s)', (_, edge, distributionCount) => {
  const list = tenants(1000);
  const { stack, gateway } = build(list, { edge: edge(), cache: { sharedPaths: SHARED } });
  const model = distributionsOf([stack, ...gateway.shardStacks]);

  test(`1,000 tenants requesting one shared asset make one cache entry per distribution (${distributionCount}); the same page makes 1,000`, () => {
    expect(model).toHaveLength(distributionCount);
    expect(keysFromEveryTenant(list, gateway, model, '/_next/static/chunks/main-3f2a.js').size).toBe(distributionCount);
    expect(keysFromEveryTenant(list, gateway, model, '/assets/app-9c1d.css').size).toBe(distributionCount);
    expect(keysFromEveryTenant(list, gateway, model, '/pricing').size).toBe(1000);
  });

  test('the shared paths come before the default behaviour, in order', () => {
    for (const distribution of model) {
      expect(distribution.behaviors.map(b => b.pathPattern)).toEqual([...SHARED, undefined]);
    }
  });
});

describe('a tenant-specific path never loses Host', () => {
  const behaviors = [
    { pathPattern: '/api/*', cached: false },
    { pathPattern: '/blog/*', defaultTtl: Duration.minutes(5), headers: ['Accept-Language'] },
  ];
  test.each(MODES)('for any path outside the shared paths and any two hosts (%s)', (_, edge) => {
    const [distribution] = distributions(tenants(3), { edge: edge(), cache: { sharedPaths: SHARED }, behaviors });
    const segment = fc.stringMatching(/^[A-Za-z0-9_.~-]{1,12}$/);
    const path = fc.array(segment, { minLength: 1, maxLength: 5 }).map(parts => `/${parts.join('/')}`);
    const host = fc.stringMatching(/^[a-z0-9]{1,10}$/).map(h => `${h}.example.com`);
    fc.assert(fc.property(path, host, host, (p, a, b) => {
      fc.pre(!SHARED.some(s => matchesPattern(s, p)));
      const keyA = cacheKey(distribution, { host: a, path: p });
      const keyB = cacheKey(distribution, { host: b, path: p });
      if (keyA === undefined) {
        // Not cached at all: nothing can be served to another tenant.
        expect(behaviorFor(distribution, p).pathPattern).toBe('/api/*');
        return;
      }
      expect(keyHoldsHost(distribution, p)).toBe(true);
      expect(keyA === keyB).toBe(a === b);
    }), { numRuns: 300 });
  });

  test('and a shared path ignores Host and cookies for any two hosts', () => {
    const [distribution] = distributions(tenants(3), { cache: { sharedPaths: SHARED } });
    const file = fc.stringMatching(/^[a-z0-9]{1,16}\.(js|css|woff2)$/);
    const host = fc.stringMatching(/^[a-z0-9]{1,10}$/).map(h => `${h}.example.com`);
    fc.assert(fc.property(file, host, host, (f, a, b) => {
      const path = `/_next/static/chunks/${f}`;
      expect(cacheKey(distribution, { host: a, path, headers: { Cookie: 'session=a' } }))
        .toBe(cacheKey(distribution, { host: b, path, headers: { Cookie: 'session=b' } }));
    }), { numRuns: 200 });
  });
});

describe('the synthesized shared-path and per-path behaviours', () => {
  test('the shared-path cache policy leaves Host, headers and cookies out, with long TTLs by default', () => {
    const { stack } = build(tenants(2), { cache: { sharedPaths: SHARED } });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudFront::CachePolicy', {
      CachePolicyConfig: Match.objectLike({
        MinTTL: 86400,
        DefaultTTL: 31536000,
        MaxTTL: 31536000,
        ParametersInCacheKeyAndForwardedToOrigin: Match.objectLike({
          HeadersConfig: { HeaderBehavior: 'none' },
          CookiesConfig: { CookieBehavior: 'none' },
          QueryStringsConfig: { QueryStringBehavior: 'all' },
        }),
      }),
    });
  });

  test('a path behaviour without caching uses CachingDisabled, every method and the forward-everything request policy', () => {
    const { gateway } = build(tenants(2), { behaviors: [{ pathPattern: '/api/*', cached: false }] });
    const shard = Template.fromStack(gateway.shardStacks[0]);
    shard.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        CacheBehaviors: [Match.objectLike({
          PathPattern: '/api/*',
          CachePolicyId: cloudfront.CachePolicy.CACHING_DISABLED.cachePolicyId,
          AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
          OriginRequestPolicyId: Match.anyValue(),
          ViewerProtocolPolicy: 'redirect-to-https',
        })],
      }),
    });
  });

  test('a cached path behaviour gets its own cache policy with Host and its headers in the key', () => {
    const { stack } = build(tenants(2), { behaviors: [{ pathPattern: '/blog/*', defaultTtl: Duration.minutes(10), maxTtl: Duration.hours(1), headers: ['Accept-Language'] }] });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudFront::CachePolicy', {
      CachePolicyConfig: Match.objectLike({
        MaxTTL: 3600,
        ParametersInCacheKeyAndForwardedToOrigin: Match.objectLike({
          HeadersConfig: { HeaderBehavior: 'whitelist', Headers: ['Host', 'Accept-Language'] },
        }),
      }),
    });
    Template.fromStack(stack).resourceCountIs('AWS::CloudFront::CachePolicy', 2);
  });
});

describe('shared paths from an S3 bucket', () => {
  test.each(MODES)('a bucket the gateway makes is private and read through one Origin Access Control (%s)', (_, edge) => {
    const { stack, gateway } = build(tenants(2), { edge: edge(), cache: { sharedPaths: SHARED, sharedPathsOrigin: SharedPathsOrigin.newBucket() } });
    const template = Template.fromStack(stack);
    expect(gateway.sharedPathsBucket).toBeDefined();
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([Match.objectLike({
          Principal: { Service: 'cloudfront.amazonaws.com' },
          Action: 's3:GetObject',
          Condition: { ArnLike: { 'AWS:SourceArn': Match.anyValue() } },
        })]),
      }),
    });
    const distributionTemplate = gateway.distributions[0].stack === stack ? template : Template.fromStack(gateway.shardStacks[0]);
    const [distribution] = Object.values(distributionTemplate.findResources('AWS::CloudFront::Distribution'));
    const config = distribution.Properties.DistributionConfig;
    const s3Origin = config.Origins.find((o: any) => o.S3OriginConfig);
    expect(s3Origin.OriginAccessControlId).toBeDefined();
    expect(config.CacheBehaviors.map((b: any) => [b.PathPattern, b.TargetOriginId === s3Origin.Id, b.OriginRequestPolicyId])).toEqual(
      SHARED.map(p => [p, true, undefined]));
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('bucket policy'))).toEqual([]);
  });

  test('a bucket brought gets the statement; an imported one draws a warning with the statement to add', () => {
    const owned = build(tenants(2), {
      cache: { sharedPaths: SHARED, sharedPathsOrigin: SharedPathsOrigin.fromBucket(new s3.Bucket(new Stack(new App(), 'Other'), 'Assets')) },
    });
    expect(owned.gateway.sharedPathsBucket).toBeDefined();
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: { account: '123456789012', region: 'eu-west-1' } });
    new MultiTenantGateway(stack, 'Gateway', {
      tenants: Tenants.fromList(tenants(2)),
      hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z123', zoneName: 'example.com' }),
      distributionCertificate: acm.Certificate.fromCertificateArn(stack, 'EdgeCert', EDGE_CERT),
      loadBalancerCertificates: [acm.Certificate.fromCertificateArn(stack, 'AlbCert', ALB_CERT)],
      cache: { sharedPaths: SHARED, sharedPathsOrigin: SharedPathsOrigin.fromBucket(s3.Bucket.fromBucketName(stack, 'Imported', 'assets')) },
    });
    Annotations.fromStack(stack).hasWarning('/Stack/Gateway', Match.stringLikeRegexp('shared-paths bucket is imported.*cloudfront.amazonaws.com'));
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('Cannot update bucket policy'))).toEqual([]);
  });
});

describe('Origin Shield', () => {
  test.each(MODES.flatMap(([mode, edge]) => [
    [mode, 'VPC origin', edge, OriginAccess.vpcOrigin()] as const,
    [mode, 'secret header', edge, OriginAccess.secretHeader()] as const,
  ]))('is set on the load balancer origin (%s, %s)', (_, _access, edge, originAccess) => {
    const { stack, gateway } = build(tenants(2), { edge: edge(), originAccess, originShield: OriginShield.inStackRegion() });
    const template = gateway.distributions[0].stack === stack ? Template.fromStack(stack) : Template.fromStack(gateway.shardStacks[0]);
    const [distribution] = Object.values(template.findResources('AWS::CloudFront::Distribution'));
    expect(distribution.Properties.DistributionConfig.Origins.map((o: any) => o.OriginShield))
      .toEqual([{ Enabled: true, OriginShieldRegion: 'eu-west-1' }]);
  });

  test('in a region given, and on the shared-paths bucket too', () => {
    const { gateway } = build(tenants(2), {
      originShield: OriginShield.inRegion('eu-central-1'),
      cache: { sharedPaths: ['/assets/*'], sharedPathsOrigin: SharedPathsOrigin.newBucket() },
    });
    const [distribution] = Object.values(Template.fromStack(gateway.shardStacks[0]).findResources('AWS::CloudFront::Distribution'));
    expect(distribution.Properties.DistributionConfig.Origins.map((o: any) => o.OriginShield))
      .toEqual([{ Enabled: true, OriginShieldRegion: 'eu-central-1' }, { Enabled: true, OriginShieldRegion: 'eu-central-1' }]);
  });

  test('is off by default', () => {
    const { gateway } = build(tenants(2));
    const [distribution] = Object.values(Template.fromStack(gateway.shardStacks[0]).findResources('AWS::CloudFront::Distribution'));
    expect(distribution.Properties.DistributionConfig.Origins[0].OriginShield).toBeUndefined();
  });

  test('in the stack region needs the region at synth time; a malformed region is refused', () => {
    const app = new App();
    const stack = new Stack(app, 'Agnostic');
    const message = errorOf(() => new MultiTenantGateway(stack, 'Gateway', {
      tenants: Tenants.fromList(tenants(1)),
      hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z123', zoneName: 'example.com' }),
      distributionCertificate: acm.Certificate.fromCertificateArn(stack, 'EdgeCert', EDGE_CERT),
      loadBalancerCertificates: [acm.Certificate.fromCertificateArn(stack, 'AlbCert', ALB_CERT)],
      loadBalancerAccessLogs: false,
      originShield: OriginShield.inStackRegion(),
    }));
    expect(message).toContain('`originShield: OriginShield.inStackRegion()` needs the stack\'s region at synth time');
    expect(errorOf(() => build(tenants(1), { originShield: OriginShield.inRegion('Frankfurt') })))
      .toContain('`originShield` region "Frankfurt" is not an AWS Region name');
  });

  // "Choosing the AWS Region for Origin Shield", Amazon CloudFront Developer Guide: the regions it is offered in.
  // https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/origin-shield.html#choose-origin-shield-region
  test('in a region without Origin Shield is refused, naming the one AWS recommends', () => {
    expect(errorOf(() => build(tenants(1), { originShield: OriginShield.inRegion('eu-north-1') })))
      .toContain('`originShield` region "eu-north-1" has no Origin Shield (CloudFront offers it in us-east-2, us-east-1, us-west-2, ' +
        'ap-south-1, ap-northeast-2, ap-southeast-1, ap-southeast-2, ap-northeast-1, eu-central-1, eu-west-1, eu-west-2, sa-east-1); ' +
        'for an origin in eu-north-1, AWS recommends "eu-west-2": name it with OriginShield.inRegion(...)');
  });
});

describe('refused path patterns and options', () => {
  test.each(['/*', '*', '**', '*/*'])('a shared path %s that covers the default behaviour is refused, naming it', pattern => {
    expect(errorOf(() => build(tenants(1), { cache: { sharedPaths: [pattern] } })))
      .toContain(`\`cache.sharedPaths[0]\` ${JSON.stringify(pattern)} matches every path, which is the default behaviour's place`);
  });

  test('a per-path behaviour covering every path, a repeated pattern and options an uncached path cannot use are refused', () => {
    const message = errorOf(() => build(tenants(1), {
      cache: { sharedPaths: ['/assets/*'] },
      behaviors: [
        { pathPattern: '/*' },
        { pathPattern: 'assets/*' },
        { pathPattern: '/api/*', cached: false, maxTtl: Duration.hours(1) },
        { pathPattern: '/blog/*', headers: ['host'] },
      ],
    }));
    expect(message).toContain('`behaviors[0].pathPattern` "/*" matches every path');
    expect(message).toContain('`behaviors[1].pathPattern` "assets/*" repeats `cache.sharedPaths[0]`');
    expect(message).toContain('`behaviors[2]` ("/api/*") has `cached: false` but sets `maxTtl`');
    expect(message).toContain('`behaviors[3].headers` lists "host"; Host is always in the cache key');
  });

  test('a bucket for shared paths without shared paths is refused', () => {
    expect(errorOf(() => build(tenants(1), { cache: { sharedPathsOrigin: SharedPathsOrigin.newBucket() } })))
      .toContain('`cache.sharedPathsOrigin` is a bucket but `cache.sharedPaths` is empty');
  });
});

describe.each(MODES)('quotas of cache behaviours and policies (%s)', (_, edge) => {
  test('cache behaviours past the quota are refused', () => {
    const sharedPaths = Array.from({ length: 20 }, (__, i) => `/static-${i}/*`);
    const behaviors = Array.from({ length: 6 }, (__, i) => ({ pathPattern: `/api-${i}/*`, cached: false }));
    expect(errorOf(() => build(tenants(1), { edge: edge(), cache: { sharedPaths }, behaviors })))
      .toContain('needs 26 but the CloudFront quota "Cache behaviors per distribution" is 25 (`quotas.cacheBehaviorsPerDistribution`)');
  });

  test('cache policies count the shared-path and cached per-path ones, not CachingDisabled', () => {
    const props = {
      edge: edge(),
      cache: { sharedPaths: ['/assets/*'] },
      behaviors: [{ pathPattern: '/blog/*' }, { pathPattern: '/api/*', cached: false }],
    };
    expect(errorOf(() => build(tenants(1), { ...props, quotas: { cachePoliciesPerAccount: 2 } })))
      .toContain('Cache policies for distribution 0 (the default, shared-path and per-path ones: 3 per block) needs 3 but the CloudFront quota "Cache policies per AWS account" is 2');
    const { stack } = build(tenants(1), { ...props, quotas: { cachePoliciesPerAccount: 3 } });
    Template.fromStack(stack).resourceCountIs('AWS::CloudFront::CachePolicy', 3);
  });
});
