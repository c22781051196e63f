import { NestedStack } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { DistributionHome } from './distribution-home';
import { ShardEdge } from './edge-binding';
import { ShardPlan } from '../../gateway/plan';

/** What a shard is built from. */
export interface TenantShardProps {
  readonly plan: ShardPlan;
  /** The edge mode's part of every shard. */
  readonly edge: ShardEdge;
  /** The SSM path the shard's host → tenant map goes under. */
  readonly tenantConfigPath: string;
}

/**
 * One shard: a nested stack owning everything of its tenants — the distribution (sharded mode) or
 * the distribution tenants (multi-tenant mode), their DNS records, the tenant-config parameter,
 * and whatever watches its distribution. Onboarding a tenant changes this template only.
 */
export class TenantShard extends NestedStack {
  public readonly index: number;
  /** The distribution serving the shard's tenants. */
  public readonly distribution: cloudfront.IDistribution;
  /** The shard's own distribution and what watches it; none when the shard shares one. */
  public readonly home?: DistributionHome;
  /** The name the shard's tenant domains resolve to, when synth time knows it. */
  public readonly dnsTarget?: string;
  /** The shard's host → tenant and config map, in parts of at most 4 KB. */
  public readonly tenantConfig: ssm.StringParameter[];

  constructor(scope: Construct, id: string, props: TenantShardProps) {
    super(scope, id, {
      description: `cdk-multi-tenant-gateway: tenant shard ${props.plan.index}, its CloudFront resources and DNS records`,
    });
    this.index = props.plan.index;
    const edge = props.edge.build(this, props.plan);
    this.distribution = edge.distribution;
    this.home = edge.home;
    this.dnsTarget = edge.dnsTarget;
    // Standard tier always: every part fits it, and a parameter made advanced could never go back.
    this.tenantConfig = props.plan.tenantConfig.map((part, k) => new ssm.StringParameter(this, `TenantConfig${k === 0 ? '' : k}`, {
      parameterName: `${props.tenantConfigPath}/shard-${this.index}${k === 0 ? '' : `-part-${k}`}`,
      description: `Host to tenant and config for the tenants of shard ${this.index}${k === 0 ? '' : `, part ${k}`}`,
      stringValue: part,
      tier: ssm.ParameterTier.STANDARD,
    }));
  }
}
