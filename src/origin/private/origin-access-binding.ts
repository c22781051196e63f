import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/** What an origin access choice means for the load balancer and the distributions. */
export interface OriginAccessBinding {
  /** The load balancer is internet-facing (else internal, in private subnets). */
  readonly internetFacing: boolean;
  /** The distributions reach it through VPC origins, one per block of distributions. */
  readonly usesVpcOrigins: boolean;
  /** The HTTPS listener refuses by default; only the access's forward rule reaches the app. */
  readonly refusesByDefault: boolean;
  /** The origin-facing prefix list id given by the user, if any. */
  readonly prefixListId?: string;
  problems(scope: Construct): string[];
  /** Makes what the access needs beside the load balancer; origins get Origin Shield in `originShieldRegion` when given. */
  attach(scope: Construct, loadBalancer: elbv2.ApplicationLoadBalancer, distributionsPerVpcOrigin: number,
    originShieldRegion?: string): AttachedAccess;
}

/** The access, made. */
export interface AttachedAccess {
  /** The listener conditions a request needs to reach the app (none: the default action forwards). */
  readonly forwardConditions: elbv2.ListenerCondition[];
  /** The VPC origins made so far. */
  readonly vpcOrigins: cloudfront.VpcOrigin[];
  /** The secret CloudFront sends (secret-header access only). */
  readonly secret?: secretsmanager.ISecret;
  /** A fresh origin for distribution n (each distribution binds its own). */
  originFor(distribution: number): cloudfront.IOrigin;
  /**
   * A fresh origin at another domain name (a cell elsewhere, or a distribution tenant's parameter),
   * reached as the load balancer is, with Origin Shield in `originShieldRegion` (the load balancer's when undefined);
   * undefined when the access binds origins to the load balancer itself (VPC origins).
   */
  originTo(domainName: string, originShieldRegion?: string): cloudfront.IOrigin | undefined;
}
