import { Duration } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { Construct } from 'constructs';
import { PerBlock } from '../../private/per-block';
import { ResolvedQuotas } from '../../quotas/quotas';
import { ResolvedCacheOptions } from '../cache';

/**
 * The policies every distribution shares, one per block of distributions (each policy serves at
 * most a quota's worth): the cache policy with Host in the key, the origin request policy that
 * forwards the whole viewer request, and, unless the user brings one, the security headers.
 */
export class EdgePolicies extends Construct {
  public readonly cachePolicies: PerBlock<cloudfront.ICachePolicy>;
  public readonly originRequestPolicies: PerBlock<cloudfront.IOriginRequestPolicy>;
  public readonly responseHeadersPolicies: PerBlock<cloudfront.IResponseHeadersPolicy>;

  constructor(scope: Construct, id: string, cache: ResolvedCacheOptions, quotas: ResolvedQuotas,
    responseHeadersPolicy?: cloudfront.IResponseHeadersPolicy) {
    super(scope, id);
    this.cachePolicies = new PerBlock(quotas.distributionsPerCachePolicy, n => new cloudfront.CachePolicy(this, `CachePolicy${n}`, {
      comment: 'Host is in the key: tenants never share a cached response',
      minTtl: cache.minTtl,
      defaultTtl: cache.defaultTtl,
      maxTtl: cache.maxTtl,
      headerBehavior: cloudfront.CacheHeaderBehavior.allowList('Host', ...cache.headers),
      cookieBehavior: cache.cookieBehavior,
      queryStringBehavior: cache.queryStringBehavior,
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    }));
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
