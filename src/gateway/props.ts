import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { GatewayCertificates } from '../certificates/certificates';
import { CacheOptions, PathBehavior } from '../edge/cache';
import { EdgeMode } from '../edge/edge-mode';
import { OriginShield } from '../edge/origin-shield';
import { ObservabilityOptions } from '../observability/observability';
import { Cell } from '../origin/cell';
import { Fleet } from '../origin/fleet';
import { OriginAccess } from '../origin/origin-access';
import { Quotas } from '../quotas/quotas';
import { Tenants } from '../tenants/tenants';

/** Properties of a MultiTenantGateway. */
export interface MultiTenantGatewayProps {
  /** The tenants to serve, e.g. `Tenants.fromFile('tenants.json')`. */
  readonly tenants: Tenants;

  /** The hosted zone where tenant records go; tenant domains must lie inside it unless their DNS is external. */
  readonly hostedZone: route53.IHostedZone;

  /**
   * Where the certificates of CloudFront and the load balancer come from: ones you bring, or
   * DNS-validated ones the gateway requests. Give this, or `distributionCertificate` with
   * `loadBalancerCertificates`, not both.
   * @default - the certificates in `distributionCertificate` and `loadBalancerCertificates`
   */
  readonly certificates?: GatewayCertificates;

  /**
   * A us-east-1 certificate covering every tenant domain, for CloudFront. Same as
   * `certificates: GatewayCertificates.fromCertificates(...)`; give it with `loadBalancerCertificates`.
   * @default - none; `certificates` is required then
   */
  readonly distributionCertificate?: acm.ICertificate;

  /**
   * Certificates for the load balancer's HTTPS listener: the first is the default, the rest are
   * served by SNI. Because the viewer's Host reaches the origin, CloudFront expects the load
   * balancer to present a certificate for every tenant domain. Give it with `distributionCertificate`.
   * @default - none; `certificates` is required then
   */
  readonly loadBalancerCertificates?: acm.ICertificate[];

  /**
   * The VPC for the load balancer and the fleet.
   * @default - a new VPC over two Availability Zones with `natGateways` NAT gateways, its default security group closed
   */
  readonly vpc?: ec2.IVpc;

  /**
   * NAT gateways of the VPC the gateway makes, for the app servers' traffic out: one (the
   * default) is cheapest, but the servers of every zone lose their way out if its zone fails;
   * one per zone (2, or the number of `availabilityZones`) keeps each zone on its own. Has no
   * effect on a VPC you bring, and must then be left out.
   * @default 1
   */
  readonly natGateways?: number;

  /**
   * Close the default security group of the VPC the gateway makes (no rules in or out), so
   * nothing put in it by mistake is reachable. aws-cdk-lib does this with a custom resource
   * (a small Lambda function that runs at deployment). Has no effect on a VPC you bring.
   * @default true
   */
  readonly restrictDefaultSecurityGroup?: boolean;

  /**
   * The Availability Zones of the VPC the gateway makes, e.g. `['us-east-1a', 'us-east-1b']`:
   * at least two distinct zones of the stack's region, named literally (not tokens), as the load
   * balancer needs subnets in two zones. Naming them spares the Availability Zone lookup that a
   * stack with a concrete `env` otherwise makes, which needs AWS credentials at `cdk synth`. Leave
   * it out when you bring `vpc`.
   * @default - the first two zones of the stack's region (looked up when the stack has a concrete `env`)
   */
  readonly availabilityZones?: string[];

  /**
   * The app behind the load balancer: EC2 app servers (`Fleet.autoScaling`), an ECS service on
   * Fargate (`Fleet.ecsFargate`), an ECS service of your own (`Fleet.ecsService`), or targets of
   * your own such as IP addresses or a Lambda function (`Fleet.targets`).
   * @default - Fleet.autoScaling(): t3.small instances of the latest Amazon Linux 2023, 2 to 10, on port 80
   */
  readonly fleet?: Fleet;

  /**
   * Cells besides the gateway's own load balancer and `fleet` (the cell named "default"): each a
   * load balancer with a fleet of its own (`Cell.withFleet`), or an HTTPS origin elsewhere
   * (`Cell.fromHttpsOrigin`). A tenant names its cell in `cell`. With sharded distributions a
   * shard serves one cell; with a multi-tenant distribution, a distribution tenant's origin domain
   * parameter routes it to its cell, which needs `OriginAccess.secretHeader()`.
   * @default - no cells but "default"
   */
  readonly cells?: Cell[];

  /**
   * Caching at the edge. `Host` is in every cache key but that of `cache.sharedPaths`.
   * @default - min TTL 180 s, default TTL 1 day, max TTL 365 days, all query strings, no cookies; no shared paths
   */
  readonly cache?: CacheOptions;

  /**
   * Path patterns with caching of their own (TTLs, methods, cache-key headers), e.g. `/api/*`
   * with `cached: false`. `Host` stays in their cache keys. In every distribution they follow
   * `cache.sharedPaths`, in order, before the default behaviour.
   * @default - none; the default behaviour serves every path that is not shared
   */
  readonly behaviors?: PathBehavior[];

  /**
   * CloudFront Origin Shield in front of the load balancer (and the shared-paths bucket), in both
   * edge modes: regional edge caches fetch from it instead of the origin. Billed per request that
   * reaches it (see `OriginShield`).
   * @default - no Origin Shield
   */
  readonly originShield?: OriginShield;

  /**
   * AWS quotas to plan within; raise one only after AWS has raised it for your account.
   * @default - AWS's default quotas
   */
  readonly quotas?: Quotas;

  /**
   * How tenant domains attach to CloudFront.
   * @default EdgeMode.shardedDistributions()
   */
  readonly edge?: EdgeMode;

  /**
   * How CloudFront reaches the load balancer, and how everything else is kept out.
   * @default OriginAccess.vpcOrigin()
   */
  readonly originAccess?: OriginAccess;

  /**
   * Write the load balancer's access logs to `logBucket`.
   * @default true
   */
  readonly loadBalancerAccessLogs?: boolean;

  /**
   * The bucket for the load balancer's access logs and the gateway-made VPC's flow logs. Load
   * balancer access logs need S3-managed encryption (SSE-S3) and a bucket in the stack's region.
   * @default - a bucket the gateway makes: SSE-S3, TLS only, public access blocked, versioned, retained on delete
   */
  readonly logBucket?: s3.IBucket;

  /**
   * How long the buckets the gateway makes keep logs.
   * @default Duration.days(90)
   */
  readonly logRetention?: Duration;

  /**
   * Record the traffic of the VPC the gateway makes, as flow logs in `logBucket`. Has no effect
   * on a VPC you bring.
   * @default true
   */
  readonly vpcFlowLogs?: boolean;

  /**
   * Write CloudFront standard logs (legacy, to S3) for every distribution, each under
   * `distribution-<shard>/`, kept `logRetention`. They cost S3 storage for every request of every
   * tenant; turn them off to save it. A multi-tenant distribution cannot log to S3 this way, so
   * with `EdgeMode.multiTenantDistribution()` they are off and may not be turned on (use
   * `observability.tenantInsights` for its access logs). CloudFront does not deliver them in some
   * opt-in regions (af-south-1, ap-east-1, ap-south-2, ap-southeast-3, ap-southeast-4, ca-west-1,
   * eu-central-2, eu-south-1, eu-south-2, il-central-1, me-central-1, me-south-1): there they are
   * off unless you give `distributionLogBucket`, a bucket in another region.
   * @default - true with sharded distributions outside those regions; false with a multi-tenant distribution
   */
  readonly distributionLogging?: boolean;

  /**
   * The bucket for CloudFront standard logs. CloudFront writes them with ACLs, so the bucket's
   * object ownership must not be `BUCKET_OWNER_ENFORCED`. Giving one turns `distributionLogging` on.
   * @default - with `distributionLogging`, a bucket the gateway makes: ACLs as CloudFront needs, SSE-S3, TLS only, public access blocked, versioned, retained on delete
   */
  readonly distributionLogBucket?: s3.IBucket;

  /**
   * The ARN of an AWS WAF web ACL (WAFv2, CloudFront scope, so in us-east-1) for every distribution.
   * A tenant's `webAcl` takes its place for that tenant (or turns it off with "none"); a tenant
   * whose `webAcl` is this same ARN is served as one without `webAcl`, so it shares a distribution
   * with the tenants of the default web ACL rather than taking one of its own.
   * @default - no web ACL
   */
  readonly webAclId?: string;

  /**
   * The response headers policy of every distribution. Every distribution shares it, so their
   * number must stay within `quotas.distributionsPerResponseHeadersPolicy`.
   * @default - policies the gateway makes: HSTS (two years), X-Content-Type-Options, X-Frame-Options SAMEORIGIN, Referrer-Policy strict-origin-when-cross-origin
   */
  readonly responseHeadersPolicy?: cloudfront.IResponseHeadersPolicy;

  /**
   * Protect the load balancer from deletion: a stack update that deletes or replaces it, or
   * deleting the stack, then fails until the protection is turned off (set this to false and
   * deploy first). Every tenant's traffic goes through it, so it is protected by default.
   * @default true
   */
  readonly loadBalancerDeletionProtection?: boolean;

  /**
   * What becomes of what the gateway keeps when the stack is deleted (or the gateway removed from
   * it). RemovalPolicy.DESTROY, for development and tests, makes `cdk destroy` delete all of it:
   * the load balancer's deletion protection is off, the log buckets the gateway makes are emptied
   * and deleted, and every other resource of the gateway (keys, secrets) is deleted too. Any other
   * policy keeps them: the log buckets are retained and the load balancer protected, and a
   * production teardown takes the steps in docs/safe-changes.md.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * The dashboard and alarms: what they show, when alarms fire, whom they notify.
   * @default - a dashboard and alarms with default thresholds notifying a KMS-encrypted topic the gateway makes, no additional CloudFront metrics
   */
  readonly observability?: ObservabilityOptions;

  /**
   * The SSM parameter path where the gateway publishes each host's tenant and `config`, one
   * parameter per shard (`<path>/shard-<n>`, a JSON object keyed by host). The fleet
   * may read them with `ssm:GetParametersByPath` on this path.
   * @default "/<stack name>/<gateway id>/tenants"
   */
  readonly tenantConfigPath?: string;

  /**
   * The most CloudFront distributions and distribution tenants CloudFormation creates, updates or
   * deletes at once, across the whole gateway. CloudFront throttles its control plane per account
   * ("Rate exceeded" has been seen at about 130 changes at once), so a first deploy, or a change
   * that touches every shard, goes in waves: blocks of shards side by side (in lanes when there are
   * more blocks than this), the shards of a block and the distribution tenants of a shard each
   * waiting for the one this many before it. Routine onboarding changes one shard, so it never
   * waits. Leave room for anything else that changes CloudFront in the account at the same time.
   * @default 50
   */
  readonly maxConcurrentEdgeChanges?: number;
}
