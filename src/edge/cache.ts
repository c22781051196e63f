import { Duration, Token } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { Construct } from 'constructs';
import { show } from '../private/problems';

/** How CloudFront caches the app's responses. `Host` is always part of the cache key. */
export interface CacheOptions {
  /**
   * The least time CloudFront keeps a response, whatever the app's Cache-Control says.
   * @default Duration.seconds(180)
   */
  readonly minTtl?: Duration;

  /**
   * How long CloudFront keeps a response that carries no Cache-Control or Expires header.
   * @default Duration.days(1)
   */
  readonly defaultTtl?: Duration;

  /**
   * The most time CloudFront keeps a response.
   * @default Duration.days(365)
   */
  readonly maxTtl?: Duration;

  /**
   * Request headers added to the cache key besides `Host` (which is always in it).
   * @default - only `Host`
   */
  readonly headers?: string[];

  /**
   * Cookies in the cache key.
   * @default CacheCookieBehavior.none()
   */
  readonly cookieBehavior?: cloudfront.CacheCookieBehavior;

  /**
   * Query strings in the cache key.
   * @default CacheQueryStringBehavior.all()
   */
  readonly queryStringBehavior?: cloudfront.CacheQueryStringBehavior;
}

const DEFAULT_MIN_TTL = Duration.seconds(180);
const DEFAULT_TTL = Duration.days(1);
const DEFAULT_MAX_TTL = Duration.days(365);

/** The problems with cache options: TTLs out of order, or `Host` listed twice. */
export function cacheProblems(options: CacheOptions = {}): string[] {
  const problems: string[] = [];
  const ttls: [string, Duration][] = [
    ['minTtl', options.minTtl ?? DEFAULT_MIN_TTL],
    ['defaultTtl', options.defaultTtl ?? DEFAULT_TTL],
    ['maxTtl', options.maxTtl ?? DEFAULT_MAX_TTL],
  ];
  if (ttls.every(([, d]) => !Token.isUnresolved(d.toSeconds()))) {
    for (let i = 1; i < ttls.length; i++) {
      const [lowName, low] = ttls[i - 1];
      const [highName, high] = ttls[i];
      if (low.toSeconds() > high.toSeconds()) {
        problems.push(`\`cache.${lowName}\` (${low.toSeconds()} s) must not exceed \`cache.${highName}\` (${high.toSeconds()} s)`);
      }
    }
  }
  for (const header of options.headers ?? []) {
    if (header.toLowerCase() === 'host') {
      problems.push(`\`cache.headers\` lists ${show(header)}; Host is always in the cache key, leave it out`);
    }
  }
  return problems;
}

/**
 * The cache and origin request policies the edge shares. A policy serves at most `perPolicy`
 * distributions (an AWS quota), so shard n uses policy floor(n / perPolicy): stable as shards are
 * added, and a new policy only once a hundred distributions share the last one.
 */
export class EdgePolicies extends Construct {
  /** Cache policies, created as shards need them. */
  public readonly cachePolicies: cloudfront.CachePolicy[] = [];
  /** Origin request policies, created as shards need them. */
  public readonly originRequestPolicies: cloudfront.OriginRequestPolicy[] = [];

  constructor(scope: Construct, id: string,
    private readonly options: CacheOptions,
    private readonly distributionsPerCachePolicy: number,
    private readonly distributionsPerOriginRequestPolicy: number) {
    super(scope, id);
  }

  /** The cache policy for a distribution shard. */
  public cachePolicyFor(shard: number): cloudfront.ICachePolicy {
    const index = Math.floor(shard / this.distributionsPerCachePolicy);
    while (this.cachePolicies.length <= index) {
      const n = this.cachePolicies.length;
      this.cachePolicies.push(new cloudfront.CachePolicy(this, `CachePolicy${n}`, {
        comment: 'Host is in the key: tenants never share a cached response',
        minTtl: this.options.minTtl ?? DEFAULT_MIN_TTL,
        defaultTtl: this.options.defaultTtl ?? DEFAULT_TTL,
        maxTtl: this.options.maxTtl ?? DEFAULT_MAX_TTL,
        headerBehavior: cloudfront.CacheHeaderBehavior.allowList('Host', ...(this.options.headers ?? [])),
        cookieBehavior: this.options.cookieBehavior ?? cloudfront.CacheCookieBehavior.none(),
        queryStringBehavior: this.options.queryStringBehavior ?? cloudfront.CacheQueryStringBehavior.all(),
        enableAcceptEncodingGzip: true,
        enableAcceptEncodingBrotli: true,
      }));
    }
    return this.cachePolicies[index];
  }

  /**
   * The origin request policy for a distribution shard: the server-rendered app gets every viewer
   * header (Host among them), cookie and query string, whatever the cache key holds.
   */
  public originRequestPolicyFor(shard: number): cloudfront.IOriginRequestPolicy {
    const index = Math.floor(shard / this.distributionsPerOriginRequestPolicy);
    while (this.originRequestPolicies.length <= index) {
      const n = this.originRequestPolicies.length;
      this.originRequestPolicies.push(new cloudfront.OriginRequestPolicy(this, `OriginRequestPolicy${n}`, {
        comment: 'Forwards the viewer Host, headers, cookies and query strings to the app',
        headerBehavior: cloudfront.OriginRequestHeaderBehavior.all(),
        cookieBehavior: cloudfront.OriginRequestCookieBehavior.all(),
        queryStringBehavior: cloudfront.OriginRequestQueryStringBehavior.all(),
      }));
    }
    return this.originRequestPolicies[index];
  }
}
