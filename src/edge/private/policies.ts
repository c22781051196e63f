import { Duration } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { Construct } from 'constructs';
import { PerBlock } from '../../private/per-block';
import { ResolvedQuotas } from '../../quotas/quotas';
import { ResolvedCacheKey, ResolvedCacheOptions } from '../cache';

/**
 * The policies every distribution shares, one per block of distributions (each policy serves at
 * most a quota's worth): the cache policy with Host in the key, the origin request policy that
 * forwards the whole viewer request, and, unless the user brings one, the security headers.
 */
export class EdgePolicies extends Construct {
  public readonly cachePolicies: PerBlock<cloudfront.ICachePolicy>;
  /** The shared paths' policy, `Host` left out of the key; none without shared paths. */
  public readonly sharedPathsCachePolicies?: PerBlock<cloudfront.ICachePolicy>;
  /** Each path behaviour's policy, in order: its own when cached, CloudFront's CachingDisabled when not. */
  public readonly behaviorCachePolicies: PerBlock<cloudfront.ICachePolicy>[];
  public readonly originRequestPolicies: PerBlock<cloudfront.IOriginRequestPolicy>;
  public readonly responseHeadersPolicies: PerBlock<cloudfront.IResponseHeadersPolicy>;

  constructor(scope: Construct, id: string, cache: ResolvedCacheOptions, quotas: ResolvedQuotas,
    responseHeadersPolicy?: cloudfront.IResponseHeadersPolicy) {
    super(scope, id);
    const perPolicy = quotas.distributionsPerCachePolicy;
    this.cachePolicies = new PerBlock(perPolicy, n =>
      hostKeyedPolicy(this, `CachePolicy${n}`, 'Host is in the key: tenants never share a cached response', cache));
    // Content identical for every tenant: no Host, no headers, no cookies in the key, so one
    // cache entry serves every tenant. Query strings stay, so a cache-busting query still works.
    this.sharedPathsCachePolicies = cache.sharedPaths.length === 0 ? undefined : new PerBlock(perPolicy, n =>
      new cloudfront.CachePolicy(this, `SharedPathsCachePolicy${n}`, {
        comment: 'Shared paths: Host is not in the key, one cached copy for every tenant',
        minTtl: cache.sharedPathsMinTtl,
        defaultTtl: cache.sharedPathsDefaultTtl,
        maxTtl: cache.sharedPathsMaxTtl,
        headerBehavior: cloudfront.CacheHeaderBehavior.none(),
        cookieBehavior: cloudfront.CacheCookieBehavior.none(),
        queryStringBehavior: cloudfront.CacheQueryStringBehavior.all(),
        enableAcceptEncodingGzip: true,
        enableAcceptEncodingBrotli: true,
      }));
    this.behaviorCachePolicies = cache.behaviors.map((behavior, b) => new PerBlock(perPolicy, n => behavior.cached
      ? hostKeyedPolicy(this, `Behavior${b}CachePolicy${n}`, `${behavior.pathPattern}: Host is in the key`.slice(0, 128), behavior.key)
      : cloudfront.CachePolicy.CACHING_DISABLED));
    // The server-rendered app gets every viewer header (Host among them), cookie and query
    // string, whatever the cache key holds.
    this.originRequestPolicies = new PerBlock(quotas.distributionsPerOriginRequestPolicy, n =>
      new cloudfront.OriginRequestPolicy(this, `OriginRequestPolicy${n}`, {
        comment: 'Forwards the viewer Host, headers, cookies and query strings to the app',
        headerBehavior: cloudfront.OriginRequestHeaderBehavior.all(),
        cookieBehavior: cloudfront.OriginRequestCookieBehavior.all(),
        queryStringBehavior: cloudfront.OriginRequestQueryStringBehavior.all(),
      }));
    this.responseHeadersPolicies = new PerBlock(quotas.distributionsPerResponseHeadersPolicy, n =>
      responseHeadersPolicy ?? securityHeaders(this, `ResponseHeadersPolicy${n}`));
  }
}

/** A cache policy with `Host` and the given headers in the key. */
function hostKeyedPolicy(scope: Construct, id: string, comment: string, key: ResolvedCacheKey): cloudfront.CachePolicy {
  return new cloudfront.CachePolicy(scope, id, {
    comment,
    minTtl: key.minTtl,
    defaultTtl: key.defaultTtl,
    maxTtl: key.maxTtl,
    headerBehavior: cloudfront.CacheHeaderBehavior.allowList('Host', ...key.headers),
    cookieBehavior: key.cookieBehavior,
    queryStringBehavior: key.queryStringBehavior,
    enableAcceptEncodingGzip: true,
    enableAcceptEncodingBrotli: true,
  });
}

/**
 * The security headers every tenant's responses get: HSTS for two years,
 * `X-Content-Type-Options: nosniff`, `X-Frame-Options: SAMEORIGIN`,
 * `Referrer-Policy: strict-origin-when-cross-origin` and `X-XSS-Protection: 0` (the legacy
 * filter is itself an attack surface; modern browsers ignore it).
 *
 * HSTS leaves out includeSubDomains and preload: the domains are the tenants', and a gateway
 * must not commit their other subdomains to HTTPS or to browser preload lists. A header the app
 * sets itself wins (override off), so a tenant page that must be framed can say so.
 */
function securityHeaders(scope: Construct, id: string): cloudfront.ResponseHeadersPolicy {
  return new cloudfront.ResponseHeadersPolicy(scope, id, {
    comment: 'Gateway security headers: HSTS, nosniff, SAMEORIGIN frames, strict referrer',
    securityHeadersBehavior: {
      strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: false, override: false },
      contentTypeOptions: { override: false },
      frameOptions: { frameOption: cloudfront.HeadersFrameOption.SAMEORIGIN, override: false },
      referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: false },
      xssProtection: { protection: false, override: false },
    },
  });
}
