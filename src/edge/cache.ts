import { Duration, Token } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
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

/** Cache options with every default applied. */
export type ResolvedCacheOptions = Required<Omit<CacheOptions, 'headers'>> & { readonly headers: readonly string[] };

/** Applies the defaults, once. */
export function resolveCacheOptions(options: CacheOptions = {}): ResolvedCacheOptions {
  return Object.freeze({
    minTtl: options.minTtl ?? Duration.seconds(180),
    defaultTtl: options.defaultTtl ?? Duration.days(1),
    maxTtl: options.maxTtl ?? Duration.days(365),
    headers: Object.freeze([...(options.headers ?? [])]),
    cookieBehavior: options.cookieBehavior ?? cloudfront.CacheCookieBehavior.none(),
    queryStringBehavior: options.queryStringBehavior ?? cloudfront.CacheQueryStringBehavior.all(),
  });
}

/** The problems with cache options: TTLs out of order, or `Host` listed twice. */
export function cacheProblems(options: ResolvedCacheOptions): string[] {
  const problems: string[] = [];
  const ttls: [string, Duration][] = [['minTtl', options.minTtl], ['defaultTtl', options.defaultTtl], ['maxTtl', options.maxTtl]];
  if (ttls.every(([, d]) => !Token.isUnresolved(d.toSeconds()))) {
    for (let i = 1; i < ttls.length; i++) {
      const [lowName, low] = ttls[i - 1];
      const [highName, high] = ttls[i];
      if (low.toSeconds() > high.toSeconds()) {
        problems.push(`\`cache.${lowName}\` (${low.toSeconds()} s) must not exceed \`cache.${highName}\` (${high.toSeconds()} s)`);
      }
    }
  }
  for (const header of options.headers) {
    if (header.toLowerCase() === 'host') {
      problems.push(`\`cache.headers\` lists ${show(header)}; Host is always in the cache key, leave it out`);
    }
  }
  return problems;
}
