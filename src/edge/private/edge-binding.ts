// The seam between the gateway and its two edge modes. Tenants, policies, origin, certificate
// and DNS are shared; an edge mode only decides how tenant domains attach to CloudFront.
import { NestedStack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { EdgePolicies } from '../cache';
import { PlacementPlan } from '../../tenants/placement';
import { ResolvedQuotas } from '../../quotas/quotas';
import { TenantProps } from '../../tenants/tenants';

/** What every edge mode is given. */
export interface EdgeContext {
  readonly tenants: readonly TenantProps[];
  readonly plan: PlacementPlan;
  readonly hostedZone: route53.IHostedZone;
  readonly certificate: acm.ICertificate;
  /** The certificate of a shard's distribution, when shards present different ones; `certificate` when undefined. */
  readonly certificateFor?: (shard: number) => acm.ICertificate;
  readonly policies: EdgePolicies;
  /** A fresh origin for a shard's distribution (each distribution binds its own). */
  readonly originFor: (shard: number) => cloudfront.IOrigin;
  /** The response headers policy for a shard's distribution. */
  readonly responseHeadersPolicyFor: (shard: number) => cloudfront.IResponseHeadersPolicy;
  /** The AWS WAF web ACL (ARN) every distribution uses; none when undefined. */
  readonly webAclId?: string;
  /** Where distributions write standard logs; none when undefined. */
  readonly logBucket?: s3.IBucket;
}

/** What an edge mode built. */
export interface EdgeBuild {
  /** Distributions by shard. */
  readonly distributions: ReadonlyMap<number, cloudfront.IDistribution>;
  /** The nested stacks that hold them, by shard. */
  readonly stacks: ReadonlyMap<number, NestedStack>;
  /** The name each shard's tenant domains resolve to; a shard missing here has none known at synth time. */
  readonly dnsTargets?: ReadonlyMap<number, string>;
}

/** What an edge mode checks before anything is built. */
export interface EdgeCheck {
  readonly tenants: readonly TenantProps[];
  readonly hostedZone: route53.IHostedZone;
  readonly quotas: ResolvedQuotas;
  /** CloudFront standard logs to S3 were asked for. */
  readonly distributionLogging: boolean;
}

/** One way of attaching tenant domains to CloudFront. */
export interface EdgeBuilder {
  /**
   * Whether viewers of every tenant get the gateway's distribution certificate, which must then
   * cover every tenant domain; true when undefined.
   */
  readonly presentsDistributionCertificate?: boolean;
  build(scope: Construct, context: EdgeContext): EdgeBuild;
  /** The mode's own problems with the input, joined into the gateway's single error. */
  problems?(check: EdgeCheck): string[];
}
