import { show } from '../private/problems';
import { closest } from '../private/suggest';
/**
 * AWS quotas the gateway plans around. Every figure defaults to AWS's default quota; raise one
 * here only after AWS has raised it for your account (Service Quotas console or a support case).
 */
export interface Quotas {
  /**
   * Alternate domain names (CNAMEs) per CloudFront distribution.
   * @default 100
   */
  readonly domainsPerDistribution?: number;

  /**
   * CloudFront distributions per AWS account.
   * @default 500
   */
  readonly distributionsPerAccount?: number;

  /**
   * Distributions associated with one cache policy.
   * @default 100
   */
  readonly distributionsPerCachePolicy?: number;

  /**
   * Distributions associated with one origin request policy.
   * @default 100
   */
  readonly distributionsPerOriginRequestPolicy?: number;

  /**
   * Distributions associated with one response headers policy.
   * @default 100
   */
  readonly distributionsPerResponseHeadersPolicy?: number;

  /**
   * Custom cache policies per AWS account.
   * @default 20
   */
  readonly cachePoliciesPerAccount?: number;

  /**
   * Cache behaviours per distribution, besides the default one (the gateway's take one per
   * `cache.sharedPaths` pattern and one per `behaviors` entry).
   * @default 25
   */
  readonly cacheBehaviorsPerDistribution?: number;

  /**
   * Custom origin request policies per AWS account.
   * @default 20
   */
  readonly originRequestPoliciesPerAccount?: number;

  /**
   * Custom response headers policies per AWS account.
   * @default 20
   */
  readonly responseHeadersPoliciesPerAccount?: number;

  /**
   * Distributions that may use one CloudFront VPC origin.
   * @default 50
   */
  readonly distributionsPerVpcOrigin?: number;

  /**
   * CloudFront VPC origins per AWS account.
   * @default 25
   */
  readonly vpcOriginsPerAccount?: number;

  /**
   * Records per Route 53 hosted zone (each tenant domain takes an A and an AAAA record).
   * @default 10000
   */
  readonly recordsPerHostedZone?: number;

  /**
   * Certificates per Application Load Balancer listener, besides the default certificate.
   * @default 25
   */
  readonly certificatesPerLoadBalancer?: number;

  /**
   * Domain names per ACM certificate (ACM raises it up to 100 on request).
   * @default 10
   */
  readonly namesPerCertificate?: number;

  /**
   * CloudFront distribution tenants per AWS account (multi-tenant mode: one per tenant).
   * @default 10000
   */
  readonly distributionTenantsPerAccount?: number;

  /**
   * Aliases (domains) per CloudFront distribution tenant (multi-tenant mode: a tenant's `domainNames`).
   * @default 100
   */
  readonly domainsPerDistributionTenant?: number;

  /**
   * CloudFront multi-tenant distributions per AWS account (a gateway in multi-tenant mode makes one).
   * @default 20
   */
  readonly multiTenantDistributionsPerAccount?: number;

  /**
   * CloudFront connection groups per AWS account (a gateway in multi-tenant mode makes at most one).
   * @default 100
   */
  readonly connectionGroupsPerAccount?: number;
}

/** A quota with its figure resolved and the words an error needs to explain it. */
export interface QuotaSpec {
  /** The `quotas` property that overrides it. */
  readonly key: keyof Quotas;
  /** AWS's name for the quota, as the Service Quotas console shows it. */
  readonly awsName: string;
  /** The service whose quota it is. */
  readonly service: string;
  /** AWS's default. */
  readonly defaultValue: number;
}

export const QUOTA_SPECS: Record<keyof Quotas, QuotaSpec> = {
  domainsPerDistribution: spec('domainsPerDistribution', 'Alternate domain names (CNAMEs) per distribution', 'CloudFront', 100),
  distributionsPerAccount: spec('distributionsPerAccount', 'Web distributions per AWS account', 'CloudFront', 500),
  distributionsPerCachePolicy: spec('distributionsPerCachePolicy', 'Distributions associated with the same cache policy', 'CloudFront', 100),
  distributionsPerOriginRequestPolicy: spec('distributionsPerOriginRequestPolicy', 'Distributions associated with the same origin request policy', 'CloudFront', 100),
  distributionsPerResponseHeadersPolicy: spec('distributionsPerResponseHeadersPolicy', 'Distributions associated with the same response headers policy', 'CloudFront', 100),
  cachePoliciesPerAccount: spec('cachePoliciesPerAccount', 'Cache policies per AWS account', 'CloudFront', 20),
  cacheBehaviorsPerDistribution: spec('cacheBehaviorsPerDistribution', 'Cache behaviors per distribution', 'CloudFront', 25),
  originRequestPoliciesPerAccount: spec('originRequestPoliciesPerAccount', 'Origin request policies per AWS account', 'CloudFront', 20),
  responseHeadersPoliciesPerAccount: spec('responseHeadersPoliciesPerAccount', 'Response headers policies per AWS account', 'CloudFront', 20),
  distributionsPerVpcOrigin: spec('distributionsPerVpcOrigin', 'Distributions per VPC origin', 'CloudFront', 50),
  vpcOriginsPerAccount: spec('vpcOriginsPerAccount', 'VPC origins per AWS account', 'CloudFront', 25),
  recordsPerHostedZone: spec('recordsPerHostedZone', 'Records per hosted zone', 'Route 53', 10000),
  certificatesPerLoadBalancer: spec('certificatesPerLoadBalancer', 'Certificates per Application Load Balancer', 'Elastic Load Balancing', 25),
  namesPerCertificate: spec('namesPerCertificate', 'Domain names per certificate', 'AWS Certificate Manager (ACM)', 10),
  distributionTenantsPerAccount: spec('distributionTenantsPerAccount', 'Distribution tenants per AWS account', 'CloudFront', 10000),
  domainsPerDistributionTenant: spec('domainsPerDistributionTenant', 'Aliases per distribution tenant', 'CloudFront', 100),
  multiTenantDistributionsPerAccount: spec('multiTenantDistributionsPerAccount', 'Multi-tenant distributions per AWS account', 'CloudFront', 20),
  connectionGroupsPerAccount: spec('connectionGroupsPerAccount', 'Connection groups per AWS account', 'CloudFront', 100),
};

function spec(key: keyof Quotas, awsName: string, service: string, defaultValue: number): QuotaSpec {
  return { key, awsName, service, defaultValue };
}

/** Whether `key` names a quota. */
export function isQuotaKey(key: string): key is keyof Quotas {
  return Object.prototype.hasOwnProperty.call(QUOTA_SPECS, key);
}

/** `what` (how the user gave `key`) is not a quota: the closest one when it is near, else every one. */
export function unknownQuota(what: string, key: string): string {
  const near = closestQuota(key);
  return near !== undefined
    ? `${what} is not a quota; did you mean "${near}"?`
    : `${what} is not a quota (known: ${Object.keys(QUOTA_SPECS).join(', ')})`;
}

/** The quota whose name is nearest `key`, when a few edits reach it. */
export function closestQuota(key: string): keyof Quotas | undefined {
  return closest(key, Object.keys(QUOTA_SPECS)) as keyof Quotas | undefined;
}

/** Every quota with its figure: the user's override or AWS's default. */
export type ResolvedQuotas = { readonly [K in keyof Quotas]-?: number };

/**
 * Fills in AWS's defaults and lists every override that is not a positive whole number. An
 * invalid override resolves to the default, so planning never runs on a figure that cannot end
 * (a zero shard size); the problem still fails the synth.
 */
export function resolveQuotas(quotas: Quotas = {}): { quotas: ResolvedQuotas; problems: string[] } {
  const problems: string[] = Object.keys(quotas).filter(key => !isQuotaKey(key)).map(key => unknownQuota(`\`quotas.${key}\``, key));
  const resolved: Partial<Record<keyof Quotas, number>> = {};
  for (const key of Object.keys(QUOTA_SPECS) as (keyof Quotas)[]) {
    const value = quotas[key];
    const valid = value === undefined || (Number.isInteger(value) && value >= 1);
    if (!valid) problems.push(`\`quotas.${key}\` must be a positive whole number, got ${show(value)}`);
    resolved[key] = valid && value !== undefined ? value : QUOTA_SPECS[key].defaultValue;
  }
  return { quotas: resolved as ResolvedQuotas, problems };
}

/**
 * Quotas given both in a tenants file's `settings.quotas` and elsewhere (the gateway's `quotas`
 * prop, the CLI's `--quota`) with different figures: the CLI plans from the file, so the two
 * must agree. `given` words how the other place names a key, e.g. "`quotas.domainsPerDistribution`".
 */
export function quotaConflicts(overrides: Quotas | undefined, fileQuotas: Quotas | undefined, source: string,
  given: (key: string) => string): string[] {
  return Object.entries(fileQuotas ?? {}).flatMap(([key, figure]) => {
    const override = (overrides as Record<string, number | undefined> | undefined)?.[key];
    return override !== undefined && override !== figure
      ? [`${given(key)} is ${override}, but ${source} says \`settings.quotas.${key}\` ${figure}; give it in one place`]
      : [];
  });
}

/**
 * The message for a plan that needs more than a quota allows: the quota, the figure needed, and
 * how to raise it.
 */
export function quotaExceeded(key: keyof Quotas, allowed: number, needed: number, what: string): string {
  const q = QUOTA_SPECS[key];
  return `${what} needs ${needed} but the ${q.service} quota "${q.awsName}" is ${allowed}` +
    ` (\`quotas.${key}\`). Ask AWS to raise it (Service Quotas console, ${q.service}),` +
    ` then set \`quotas.${key}\` to the new figure.`;
}
