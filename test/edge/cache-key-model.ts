// A model of CloudFront's cache key, read from synthesized templates: which behaviour serves a
// request (the first whose path pattern matches, in order, the default last) and what its cache
// policy puts in the key. Cache entries are per distribution, so the key names its distribution.
import { NestedStack, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';

/** A viewer request. */
export interface ModelRequest {
  readonly host: string;
  readonly path: string;
  /** The query string without `?`. */
  readonly query?: string;
  /** Request headers by name. */
  readonly headers?: Record<string, string>;
}

interface ModelPolicy {
  readonly cached: boolean;
  /** Lower-case header names in the key. */
  readonly headers: readonly string[];
  readonly queryStrings: 'none' | 'all' | { readonly only: readonly string[] } | { readonly except: readonly string[] };
}

interface ModelBehavior {
  /** The path pattern; undefined for the default behaviour. */
  readonly pathPattern?: string;
  readonly policy: ModelPolicy;
}

/** One distribution's behaviours, in CloudFront's order of evaluation. */
export interface ModelDistribution {
  readonly id: string;
  /** The stack whose template holds it. */
  readonly stack: Stack;
  readonly behaviors: readonly ModelBehavior[];
}

const CACHING_DISABLED = cloudfront.CachePolicy.CACHING_DISABLED.cachePolicyId;

/** Every distribution of the given stacks (the gateway's stack and its shard stacks). */
export function distributionsOf(stacks: readonly Stack[]): ModelDistribution[] {
  const templates = new Map<Stack, any>();
  const templateOf = (stack: Stack) => {
    if (!templates.has(stack)) templates.set(stack, Template.fromStack(stack).toJSON());
    return templates.get(stack);
  };
  return stacks.flatMap(stack => Object.entries<any>(templateOf(stack).Resources)
    .filter(([, r]) => r.Type === 'AWS::CloudFront::Distribution')
    .map(([id, r]): ModelDistribution => {
      const config = r.Properties.DistributionConfig;
      const policyOfBehavior = (behavior: any) => readPolicy(stack, behavior.CachePolicyId, templateOf);
      return {
        id: `${stack.node.path}/${id}`,
        stack,
        behaviors: [
          ...(config.CacheBehaviors ?? []).map((b: any) => ({ pathPattern: b.PathPattern, policy: policyOfBehavior(b) })),
          { policy: policyOfBehavior(config.DefaultCacheBehavior) },
        ],
      };
    }));
}

/** Follows a reference through nested-stack parameters to the cache policy it names. */
function readPolicy(stack: Stack, value: any, templateOf: (s: Stack) => any): ModelPolicy {
  let current = stack;
  let ref = value;
  for (;;) {
    if (ref === CACHING_DISABLED) return { cached: false, headers: [], queryStrings: 'none' };
    if (typeof ref !== 'object' || ref.Ref === undefined) throw new Error(`not a cache policy reference: ${JSON.stringify(ref)}`);
    const resource = templateOf(current).Resources[ref.Ref];
    if (resource) {
      if (resource.Type !== 'AWS::CloudFront::CachePolicy') throw new Error(`${ref.Ref} is a ${resource.Type}`);
      return policyOf(resource.Properties.CachePolicyConfig);
    }
    const nested = current as NestedStack;
    const parent = nested.nestedStackParent;
    if (!parent) throw new Error(`no resource or parameter ${ref.Ref} in ${current.node.path}`);
    const stackResource = templateOf(parent).Resources[parent.getLogicalId(nested.nestedStackResource as any)];
    ref = stackResource.Properties.Parameters[ref.Ref];
    current = parent;
  }
}

function policyOf(config: any): ModelPolicy {
  const params = config.ParametersInCacheKeyAndForwardedToOrigin;
  const headers = params.HeadersConfig.HeaderBehavior === 'whitelist' ? params.HeadersConfig.Headers.map((h: string) => h.toLowerCase()) : [];
  const q = params.QueryStringsConfig;
  const queryStrings = q.QueryStringBehavior === 'all' ? 'all' as const
    : q.QueryStringBehavior === 'whitelist' ? { only: q.QueryStrings }
      : q.QueryStringBehavior === 'allExcept' ? { except: q.QueryStrings } : 'none' as const;
  return { cached: config.MaxTTL > 0, headers, queryStrings };
}

/** CloudFront's path pattern: `*` any run of characters, `?` one, case-sensitive, the leading `/` optional. */
export function matchesPattern(pattern: string, path: string): boolean {
  const normal = pattern.startsWith('/') ? pattern : `/${pattern}`;
  const source = normal.split('').map(c => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`, 's').test(path);
}

/** The behaviour that serves a path: the first that matches, else the default. */
export function behaviorFor(distribution: ModelDistribution, path: string): ModelBehavior {
  return distribution.behaviors.find(b => b.pathPattern === undefined || matchesPattern(b.pathPattern, path))!;
}

/** The cache key of a request, or undefined when the behaviour does not cache. */
export function cacheKey(distribution: ModelDistribution, request: ModelRequest): string | undefined {
  const { policy } = behaviorFor(distribution, request.path);
  if (!policy.cached) return undefined;
  const given = new Map(Object.entries({ ...request.headers, host: request.host }).map(([k, v]) => [k.toLowerCase(), v]));
  const headers = policy.headers.map(h => [h, h === 'host' ? given.get(h)?.toLowerCase() : given.get(h)]);
  const pairs = (request.query ?? '').split('&').filter(p => p !== '');
  const name = (pair: string) => pair.split('=')[0];
  const q = policy.queryStrings;
  const query = q === 'none' ? [] : q === 'all' ? pairs : 'only' in q ? pairs.filter(p => q.only.includes(name(p))) : pairs.filter(p => !q.except.includes(name(p)));
  return JSON.stringify([distribution.id, request.path, query, headers]);
}

/** Whether the key of a request holds its Host. */
export function keyHoldsHost(distribution: ModelDistribution, path: string): boolean {
  return behaviorFor(distribution, path).policy.headers.includes('host');
}
