import { NestedStack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { gatewayProblems, warnUnpinned } from './check';
import { planGateway } from './plan';
import { buildGateway } from './private/build';
import { MultiTenantGatewayProps } from './props';
import { resolveGateway } from './resolve';
import { TenantControlPlane } from '../control-plane/tenant-control-plane';
import { TenantShard } from '../edge/private/tenant-shard';
import { GatewayObservability } from '../observability/observability';
import { skipCreationTraces } from '../private/creation-traces';
import { throwIfProblems } from '../private/problems';
import { TenantPlacement } from '../tenants/placement';

/**
 * Serves many tenants, each on its own domain names, from one shared app: Route 53 records,
 * CloudFront distributions sharded by the alternate-domain quota (Host in every cache key), an
 * HTTPS Application Load Balancer, and one autoscaled target group.
 *
 * What the gateway makes records no creation stack trace (recent aws-cdk-lib releases record one
 * per element, about 15 per shard, which would all point into this library): set the context
 * `aws:cdk:disable-creation-stack-traces` to `false` to keep them, or synthesize with `--debug`
 * (`CDK_DEBUG=true`).
 */
export class MultiTenantGateway extends Construct {
  /** The CloudFront distributions: one per shard, or the one multi-tenant distribution. */
  public readonly distributions: cloudfront.IDistribution[];

  /** Where each tenant lives, in declaration order. */
  public readonly placements: TenantPlacement[];

  /** The nested stacks of the shards, in shard order: each holds its tenants' CloudFront resources, records and config. */
  public readonly shardStacks: NestedStack[];

  /** The cache policies (Host in the key), one per `quotas.distributionsPerCachePolicy` distributions. */
  public readonly cachePolicies: cloudfront.ICachePolicy[];

  /** The origin request policies, one per `quotas.distributionsPerOriginRequestPolicy` distributions. */
  public readonly originRequestPolicies: cloudfront.IOriginRequestPolicy[];

  /** The response headers policies the gateway made (none when you gave one). */
  public readonly responseHeadersPolicies: cloudfront.IResponseHeadersPolicy[];

  /** The VPC of the load balancer and the fleet. */
  public readonly vpc: ec2.IVpc;

  /** The load balancer every distribution forwards to. */
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;

  /** The load balancer's HTTPS listener on 443. */
  public readonly listener: elbv2.ApplicationListener;

  /** The load balancer's security group. */
  public readonly loadBalancerSecurityGroup: ec2.SecurityGroup;

  /** The CloudFront VPC origins in front of the load balancer (VPC-origin access only). */
  public readonly vpcOrigins: cloudfront.VpcOrigin[];

  /** The secret CloudFront sends to the load balancer (secret-header origin access only). */
  public readonly originSecret?: secretsmanager.ISecret;

  /** The bucket of the load balancer's access logs and the VPC's flow logs, when either is on. */
  public readonly logBucket?: s3.IBucket;

  /** The bucket of CloudFront standard logs, when they are on. */
  public readonly distributionLogBucket?: s3.IBucket;

  /** The bucket `cache.sharedPaths` are served from, when `cache.sharedPathsOrigin` is a bucket. */
  public readonly sharedPathsBucket?: s3.IBucket;

  /** The one target group every tenant's requests reach. */
  public readonly targetGroup: elbv2.ApplicationTargetGroup;

  /** The app servers, with a `Fleet.autoScaling` fleet (undefined with any other). */
  public readonly autoScalingGroup?: autoscaling.AutoScalingGroup;

  /** The ECS service, with a `Fleet.ecsFargate` or `Fleet.ecsService` fleet (undefined with any other). */
  public readonly ecsService?: ecs.BaseService;

  /** The dashboard and alarms. */
  public readonly observability: GatewayObservability;

  /** The tenant control plane, with `EdgeMode.multiTenantDistribution({ controlPlane })` (undefined otherwise). */
  public readonly controlPlane?: TenantControlPlane;

  /** The SSM path under which each shard's host → tenant and config map is published. */
  public readonly tenantConfigPath: string;

  /** The published host → tenant and config maps: per shard, in shard order, one or more parts of at most 4 KB. */
  public readonly tenantConfigParameters: ssm.StringParameter[];

  private readonly shards: ReadonlyMap<number, TenantShard>;
  private readonly shardOfTenant: ReadonlyMap<string, number>;

  constructor(scope: Construct, id: string, props: MultiTenantGatewayProps) {
    super(scope, id);
    skipCreationTraces(this);
    const config = resolveGateway(this, props);
    const plan = planGateway(config.plan);
    throwIfProblems(`MultiTenantGateway "${this.node.path}"`, gatewayProblems(this, config, plan));
    warnUnpinned(this, plan);
    const built = buildGateway(this, config, plan);

    this.placements = [...plan.placements];
    this.shardOfTenant = new Map(plan.placements.map(p => [p.tenantId, p.shard]));
    this.shards = new Map(built.shards.map(s => [s.index, s]));
    this.shardStacks = built.shards;
    this.distributions = built.distributions;
    this.tenantConfigPath = config.tenantConfigPath;
    this.tenantConfigParameters = built.shards.flatMap(s => s.tenantConfig);
    this.cachePolicies = built.policies.cachePolicies.all;
    this.originRequestPolicies = built.policies.originRequestPolicies.all;
    this.responseHeadersPolicies = config.responseHeadersPolicy ? [] : built.policies.responseHeadersPolicies.all;
    this.vpc = built.vpc;
    this.logBucket = built.logBucket;
    this.distributionLogBucket = built.distributionLogBucket;
    this.sharedPathsBucket = built.sharedPathsBucket;
    this.loadBalancer = built.origin.loadBalancer;
    this.listener = built.origin.listener;
    this.loadBalancerSecurityGroup = built.origin.securityGroup;
    this.vpcOrigins = built.origin.access.vpcOrigins;
    this.originSecret = built.originSecret;
    this.targetGroup = built.fleet.targetGroup;
    this.autoScalingGroup = built.fleet.autoScalingGroup;
    this.ecsService = built.fleet.ecsService;
    this.observability = built.observability;
    this.controlPlane = built.controlPlane;
  }

  /** The distribution that carries a tenant's domains. */
  public distributionOf(tenantId: string): cloudfront.IDistribution {
    return this.shardOf(tenantId).distribution;
  }

  /**
   * The name a tenant's domains resolve to: what a partner with external DNS points a CNAME at.
   */
  public dnsTargetOf(tenantId: string): string {
    const target = this.shardOf(tenantId).dnsTarget;
    if (target === undefined) {
      throw new Error(`Tenant "${tenantId}" uses the account's default connection group, whose routing endpoint is not known at synth time; ` +
        'read it in the CloudFront console (connection groups), or let the gateway make its own connection group');
    }
    return target;
  }

  private shardOf(tenantId: string): TenantShard {
    const shard = this.shardOfTenant.get(tenantId);
    if (shard === undefined) {
      throw new Error(`No tenant "${tenantId}" in this gateway (it has ${this.shardOfTenant.size} tenants)`);
    }
    return this.shards.get(shard)!;
  }
}
