import { Duration, Token } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { matchesEveryPath, shadows } from './path-patterns';
import { SharedPathsOriginBinding } from './private/shared-paths-binding';
import { SharedPathsOrigin } from './shared-paths';
import { show } from '../private/problems';

/**
 * How CloudFront caches the app's responses. `Host` is part of every cache key except that of
 * `sharedPaths`.
 */
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

  /**
   * Path patterns whose responses are the same for every tenant, e.g. `/_next/static/*` or
   * `/assets/*` (content-hashed build output). Their cache key leaves `Host` out, so such an
   * asset is cached once for all tenants instead of once per tenant. Only content identical for
   * every tenant belongs here: a tenant-specific response on a shared path is served to every
   * tenant. Patterns are CloudFront's (`*` any run of characters, `/` included; `?` one
   * character); none may match every path (`*`, `/*`, `*?`, `/**`, ...: decided by matching, as
   * CloudFront does, not by spelling). They come before `behaviors`, in order: the first pattern
   * that matches wins, and a pattern that an earlier one shadows is warned about.
   * @default - none; every path keeps `Host` in its cache key
   */
  readonly sharedPaths?: string[];

  /**
   * Where requests for `sharedPaths` go.
   * @default SharedPathsOrigin.app()
   */
  readonly sharedPathsOrigin?: SharedPathsOrigin;

  /**
   * The least time CloudFront keeps a shared-path response.
   * @default Duration.days(1)
   */
  readonly sharedPathsMinTtl?: Duration;

  /**
   * How long CloudFront keeps a shared-path response that carries no Cache-Control or Expires header.
   * @default Duration.days(365)
   */
  readonly sharedPathsDefaultTtl?: Duration;

  /**
   * The most time CloudFront keeps a shared-path response.
   * @default Duration.days(365)
   */
  readonly sharedPathsMaxTtl?: Duration;
}

/**
 * A path pattern with caching of its own, e.g. `/api/*` not cached and open to every method.
 * `Host` stays in its cache key; the origin request policy still forwards every viewer header,
 * cookie and query string to the app.
 */
export interface PathBehavior {
  /** CloudFront's path pattern (`*` and `?` wildcards), e.g. `/api/*`; it must not cover every path. */
  readonly pathPattern: string;

  /**
   * Cache responses on this path. When false, CloudFront's managed CachingDisabled policy serves
   * it (no custom cache policy is made), and the TTL and cache-key options must be left out.
   * @default true
   */
  readonly cached?: boolean;

  /**
   * The least time CloudFront keeps a response.
   * @default - `cache.minTtl`
   */
  readonly minTtl?: Duration;

  /**
   * How long CloudFront keeps a response without Cache-Control or Expires.
   * @default - `cache.defaultTtl`
   */
  readonly defaultTtl?: Duration;

  /**
   * The most time CloudFront keeps a response.
   * @default - `cache.maxTtl`
   */
  readonly maxTtl?: Duration;

  /**
   * The HTTP methods CloudFront accepts on this path.
   * @default AllowedMethods.ALLOW_ALL
   */
  readonly allowedMethods?: cloudfront.AllowedMethods;

  /**
   * The methods whose responses CloudFront caches.
   * @default CachedMethods.CACHE_GET_HEAD
   */
  readonly cachedMethods?: cloudfront.CachedMethods;

  /**
   * Request headers in the cache key besides `Host` (which is always in it).
   * @default - `cache.headers`
   */
  readonly headers?: string[];

  /**
   * Cookies in the cache key.
   * @default - `cache.cookieBehavior`
   */
  readonly cookieBehavior?: cloudfront.CacheCookieBehavior;

  /**
   * Query strings in the cache key.
   * @default - `cache.queryStringBehavior`
   */
  readonly queryStringBehavior?: cloudfront.CacheQueryStringBehavior;
}

/** The TTLs and cache key of one cache policy, defaults applied. */
export interface ResolvedCacheKey {
  readonly minTtl: Duration;
  readonly defaultTtl: Duration;
  readonly maxTtl: Duration;
  readonly headers: readonly string[];
  readonly cookieBehavior: cloudfront.CacheCookieBehavior;
  readonly queryStringBehavior: cloudfront.CacheQueryStringBehavior;
}

/** A path behaviour with every default applied. */
export interface ResolvedPathBehavior {
  readonly pathPattern: string;
  readonly cached: boolean;
  readonly key: ResolvedCacheKey;
  readonly allowedMethods: cloudfront.AllowedMethods;
  readonly cachedMethods: cloudfront.CachedMethods;
  /** Options given that a behaviour without caching cannot use. */
  readonly uncachedConflicts: readonly string[];
}

/** Cache options with every default applied. */
export interface ResolvedCacheOptions extends ResolvedCacheKey {
  readonly sharedPaths: readonly string[];
  readonly sharedPathsOrigin: SharedPathsOriginBinding;
  readonly sharedPathsMinTtl: Duration;
  readonly sharedPathsDefaultTtl: Duration;
  readonly sharedPathsMaxTtl: Duration;
  readonly behaviors: readonly ResolvedPathBehavior[];
}

/** Applies the defaults, once. */
export function resolveCacheOptions(options: CacheOptions = {}, behaviors: readonly PathBehavior[] = []): ResolvedCacheOptions {
  const key: ResolvedCacheKey = {
    minTtl: options.minTtl ?? Duration.seconds(180),
    defaultTtl: options.defaultTtl ?? Duration.days(1),
    maxTtl: options.maxTtl ?? Duration.days(365),
    headers: Object.freeze([...(options.headers ?? [])]),
    cookieBehavior: options.cookieBehavior ?? cloudfront.CacheCookieBehavior.none(),
    queryStringBehavior: options.queryStringBehavior ?? cloudfront.CacheQueryStringBehavior.all(),
  };
  return Object.freeze({
    ...key,
    sharedPaths: Object.freeze([...(options.sharedPaths ?? [])]),
    sharedPathsOrigin: (options.sharedPathsOrigin ?? SharedPathsOrigin.app())._bind(),
    sharedPathsMinTtl: options.sharedPathsMinTtl ?? Duration.days(1),
    sharedPathsDefaultTtl: options.sharedPathsDefaultTtl ?? Duration.days(365),
    sharedPathsMaxTtl: options.sharedPathsMaxTtl ?? Duration.days(365),
    behaviors: Object.freeze(behaviors.map(b => resolvePathBehavior(b, key))),
  });
}

function resolvePathBehavior(behavior: PathBehavior, defaults: ResolvedCacheKey): ResolvedPathBehavior {
  const cached = behavior.cached ?? true;
  const keyOptions = ['minTtl', 'defaultTtl', 'maxTtl', 'headers', 'cookieBehavior', 'queryStringBehavior'] as const;
  return Object.freeze({
    pathPattern: behavior.pathPattern,
    cached,
    key: Object.freeze({
      minTtl: behavior.minTtl ?? defaults.minTtl,
      defaultTtl: behavior.defaultTtl ?? defaults.defaultTtl,
      maxTtl: behavior.maxTtl ?? defaults.maxTtl,
      headers: Object.freeze([...(behavior.headers ?? defaults.headers)]),
      cookieBehavior: behavior.cookieBehavior ?? defaults.cookieBehavior,
      queryStringBehavior: behavior.queryStringBehavior ?? defaults.queryStringBehavior,
    }),
    allowedMethods: behavior.allowedMethods ?? cloudfront.AllowedMethods.ALLOW_ALL,
    cachedMethods: behavior.cachedMethods ?? cloudfront.CachedMethods.CACHE_GET_HEAD,
    uncachedConflicts: Object.freeze(cached ? [] : keyOptions.filter(k => behavior[k] !== undefined)),
  });
}

/** The cache policies a block of distributions needs: the default one, the shared paths' and one per cached path behaviour. */
export function cachePoliciesPerBlock(options: ResolvedCacheOptions): number {
  return 1 + (options.sharedPaths.length > 0 ? 1 : 0) + options.behaviors.filter(b => b.cached).length;
}

/** The cache behaviours each distribution has besides its default one. */
export function extraCacheBehaviors(options: ResolvedCacheOptions): number {
  return options.sharedPaths.length + options.behaviors.length;
}

/**
 * The problems with cache options: TTLs out of order, `Host` listed twice, a path pattern that
 * covers every path, is malformed or is given twice, and options a behaviour without caching
 * cannot use.
 */
export function cacheProblems(options: ResolvedCacheOptions): string[] {
  const problems: string[] = [
    ...keyProblems('cache', options),
    ...ttlProblems('cache', [['sharedPathsMinTtl', options.sharedPathsMinTtl], ['sharedPathsDefaultTtl', options.sharedPathsDefaultTtl],
      ['sharedPathsMaxTtl', options.sharedPathsMaxTtl]]),
  ];
  const seen = new Map<string, string>();
  for (const [where, pattern] of orderedPatterns(options)) {
    const problem = pathPatternProblem(pattern);
    if (problem) problems.push(`\`${where}\` ${show(pattern)} ${problem}`);
    const normal = normalPattern(pattern);
    const first = seen.get(normal);
    if (first !== undefined) {
      problems.push(`\`${where}\` ${show(pattern)} repeats \`${first}\`; CloudFront takes each path pattern once`);
    } else {
      seen.set(normal, where);
    }
  }
  options.behaviors.forEach((b, i) => {
    if (b.uncachedConflicts.length > 0) {
      problems.push(`\`behaviors[${i}]\` (${show(b.pathPattern)}) has \`cached: false\` but sets ${b.uncachedConflicts.map(k => `\`${k}\``).join(', ')}, ` +
        'which only a cached path uses; drop them or cache the path');
    } else if (b.cached) {
      problems.push(...keyProblems(`behaviors[${i}]`, b.key));
    }
  });
  return problems;
}

/** A cache key's problems: TTLs out of order, or `Host` listed (it is always in the key). */
function keyProblems(where: string, key: ResolvedCacheKey): string[] {
  const problems = ttlProblems(where, [['minTtl', key.minTtl], ['defaultTtl', key.defaultTtl], ['maxTtl', key.maxTtl]]);
  for (const header of key.headers) {
    if (header.toLowerCase() === 'host') {
      problems.push(`\`${where}.headers\` lists ${show(header)}; Host is always in the cache key, leave it out`);
    }
  }
  return problems;
}

function ttlProblems(where: string, ttls: [string, Duration][]): string[] {
  const problems: string[] = [];
  if (ttls.every(([, d]) => !Token.isUnresolved(d.toSeconds()))) {
    for (let i = 1; i < ttls.length; i++) {
      const [lowName, low] = ttls[i - 1];
      const [highName, high] = ttls[i];
      if (low.toSeconds() > high.toSeconds()) {
        problems.push(`\`${where}.${lowName}\` (${low.toSeconds()} s) must not exceed \`${where}.${highName}\` (${high.toSeconds()} s)`);
      }
    }
  }
  return problems;
}

const PATH_CHARACTERS = /^[A-Za-z0-9_\-.*$/~"'@:+?&=!,;%]+$/;

/**
 * What is wrong with a path pattern, if anything: it covers every path (the default behaviour's
 * place), is empty or too long, or holds characters CloudFront does not take.
 */
export function pathPatternProblem(pattern: string): string | undefined {
  if (pattern.length === 0 || pattern.length > 255) return 'must be 1 to 255 characters';
  if (matchesEveryPath(pattern)) {
    return 'matches every path, which is the default behaviour\'s place (Host in the key); name the paths, e.g. "/assets/*"';
  }
  if (!PATH_CHARACTERS.test(pattern)) return 'holds characters CloudFront path patterns do not take';
  return undefined;
}

/** A pattern with its leading `/`, as CloudFront reads `assets/*` as `/assets/*`. */
function normalPattern(pattern: string): string {
  return pattern.startsWith('/') ? pattern : `/${pattern}`;
}

/** Every path pattern of a distribution in CloudFront's order (shared paths, then behaviours), with the prop that gives it. */
function orderedPatterns(options: ResolvedCacheOptions): [string, string][] {
  return [
    ...options.sharedPaths.map((p, i): [string, string] => [`cache.sharedPaths[${i}]`, p]),
    ...options.behaviors.map((b, i): [string, string] => [`behaviors[${i}].pathPattern`, b.pathPattern]),
  ];
}

/**
 * Path patterns that never serve a request: every path a later pattern matches is matched by an
 * earlier one, and CloudFront takes the first that matches. Exact repeats are errors already;
 * malformed patterns are left to `cacheProblems`.
 */
export function shadowedPathPatterns(options: ResolvedCacheOptions): string[] {
  const patterns = orderedPatterns(options).filter(([, p]) => pathPatternProblem(p) === undefined);
  const warnings: string[] = [];
  patterns.forEach(([where, pattern], j) => {
    const earlier = patterns.slice(0, j).find(([, before]) => normalPattern(before) !== normalPattern(pattern) && shadows(before, pattern));
    if (earlier) {
      warnings.push(`\`${where}\` ${show(pattern)} never serves a request: every path it matches is matched first by \`${earlier[0]}\` ` +
        `${show(earlier[1])}. Put it before that pattern, or remove it`);
    }
  });
  return warnings;
}
