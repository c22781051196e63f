// The seam between the gateway and its edge modes. Tenants, policies, origin, certificates and DNS
// are shared; an edge mode states its shape and decides only how tenant domains attach to CloudFront.
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DistributionHome } from './distribution-home';
import { TenantControlPlane } from '../../control-plane/tenant-control-plane';
import { ShardPlan } from '../../gateway/plan';
import { ResolvedQuotas } from '../../quotas/quotas';
import { TenantProps } from '../../tenants/tenants';
import { EdgeShape } from '../shape';

/** What one distribution is given: the same for every mode. */
export interface DistributionSettings {
  readonly origin: cloudfront.IOrigin;
  readonly cachePolicy: cloudfront.ICachePolicy;
  readonly originRequestPolicy: cloudfront.IOriginRequestPolicy;
  readonly responseHeadersPolicy: cloudfront.IResponseHeadersPolicy;
  readonly certificate: acm.ICertificate;
  /** The AWS WAF web ACL (ARN); none when undefined. */
  readonly webAclId?: string;
  /** Where the distribution writes standard logs (legacy, S3); none when undefined. */
  readonly logBucket?: s3.IBucket;
  /** The cache behaviours before the default one, in order: shared paths, then path behaviours. */
  readonly pathBehaviors: readonly PathSettings[];
}

/** One cache behaviour besides the default one. */
export interface PathSettings {
  readonly pathPattern: string;
  readonly origin: cloudfront.IOrigin;
  readonly cachePolicy: cloudfront.ICachePolicy;
  /** What reaches the origin besides the cache key; only the cache key when undefined. */
  readonly originRequestPolicy?: cloudfront.IOriginRequestPolicy;
  readonly allowedMethods: cloudfront.AllowedMethods;
  readonly cachedMethods: cloudfront.CachedMethods;
}

/** What an edge mode checks before anything is built. */
export interface EdgeCheck {
  readonly tenants: readonly TenantProps[];
  readonly zoneName?: string;
  readonly quotas: ResolvedQuotas;
  /** CloudFront standard logs to S3 were asked for. */
  readonly distributionLogging: boolean;
}

/** A multi-tenant distribution's origin domain as a parameter its distribution tenants set (cells). */
export interface OriginDomainParameter {
  readonly name: string;
  /** The default cell's origin domain, which tenants of the default cell keep. */
  readonly defaultValue: string;
  /** The origin domain of each cell besides the default, by name (what the control plane sets for store tenants). */
  readonly cellOrigins: { readonly [cell: string]: string };
  /** The origin domain of a tenant of this cell; undefined for the default cell. */
  valueFor(cell: string | undefined): string | undefined;
}

/** What the edge hands each shard. */
export interface EdgeContext {
  readonly hostedZone: route53.IHostedZone;
  /** The origin domain parameter of a multi-tenant distribution; none without cells or with a distribution per shard. */
  readonly originDomain?: OriginDomainParameter;
  /** The names the default cell's load balancer certificates cover; undefined when any is unknown (imported by ARN). */
  readonly loadBalancerNames?: readonly string[];
  /**
   * The settings of distribution n (policies, origin and certificate differ by block and shard),
   * whose origin is that of `cell` (the default cell when undefined).
   */
  settingsFor(distribution: number, cell?: string): DistributionSettings;
}

/** What an edge mode made inside a shard. */
export interface ShardEdgeResult {
  /** The distribution serving the shard. */
  readonly distribution: cloudfront.IDistribution;
  /** The shard's own distribution, with what watches it; none when the shard shares one. */
  readonly home?: DistributionHome;
  /** The name the shard's tenant domains resolve to; undefined when not known at synth time. */
  readonly dnsTarget?: string;
}

/** Builds the CloudFront side of each shard, once the edge's shared part exists. */
export interface ShardEdge {
  /** The distributions every shard shares, with what watches them (none in the sharded mode). */
  readonly sharedHomes: DistributionHome[];
  /** The tenant control plane bound to the edge, when asked for (multi-tenant distribution only). */
  readonly controlPlane?: TenantControlPlane;
  build(shard: Construct, plan: ShardPlan): ShardEdgeResult;
}

/** One way of attaching tenant domains to CloudFront. */
export interface EdgeBinding {
  readonly shape: EdgeShape;
  /**
   * Viewers of every tenant get the gateway's distribution certificate, which must then cover
   * every tenant domain.
   */
  readonly presentsDistributionCertificate: boolean;
  /** Tenants may live in a control plane's store too, so the template may have none. */
  readonly storesTenants?: boolean;
  /** Its distributions can write CloudFront standard logs to S3 (legacy), so they do by default. */
  readonly standardLogsToS3: boolean;
  /** The mode's own problems with the input, joined into the gateway's single error. */
  problems(check: EdgeCheck): string[];
  /** Makes what the shards share and returns what builds each shard. */
  bind(scope: Construct, context: EdgeContext): ShardEdge;
}
