// The seam between the gateway and its two edge modes. Tenants, policies, origin, certificate
// and DNS are shared; an edge mode only decides how tenant domains attach to CloudFront.
import { NestedStack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { EdgePolicies } from './cache';
import { PlacementPlan } from '../placement';
import { TenantProps } from '../tenants';

/** What every edge mode is given. */
export interface EdgeContext {
  readonly tenants: readonly TenantProps[];
  readonly plan: PlacementPlan;
  readonly hostedZone: route53.IHostedZone;
  readonly certificate: acm.ICertificate;
  readonly policies: EdgePolicies;
  /** A fresh origin for a shard's distribution (each distribution binds its own). */
  readonly originFor: (shard: number) => cloudfront.IOrigin;
}

/** What an edge mode built. */
export interface EdgeBuild {
  /** Distributions by shard. */
  readonly distributions: ReadonlyMap<number, cloudfront.IDistribution>;
  /** The nested stacks that hold them, by shard. */
  readonly stacks: ReadonlyMap<number, NestedStack>;
}

/** One way of attaching tenant domains to CloudFront. */
export interface EdgeBuilder {
  build(scope: Construct, context: EdgeContext): EdgeBuild;
}
