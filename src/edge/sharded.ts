import { NestedStack } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { CloudFrontTarget } from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import { EdgeBuild, EdgeBuilder, EdgeContext } from './edge';
import { addAliasRecords } from '../dns';

/** Options for the sharded-distributions edge. */
export interface ShardedDistributionsOptions {
  /**
   * The CloudFront price class of every distribution.
   * @default PriceClass.PRICE_CLASS_ALL
   */
  readonly priceClass?: cloudfront.PriceClass;
}

/**
 * One CloudFront distribution per shard, each in its own nested stack with its tenants' alias
 * records: a template per hundred domains, whatever the tenant count, and onboarding a tenant
 * touches only its shard's template.
 */
export class ShardedDistributions implements EdgeBuilder {
  constructor(private readonly options: ShardedDistributionsOptions) {}

  public build(scope: Construct, context: EdgeContext): EdgeBuild {
    const domainsByShard = new Map<number, string[]>();
    const external = new Set(context.tenants.filter(t => t.externalDns).map(t => t.id));
    const zoneDomainsByShard = new Map<number, string[]>();
    for (const placement of context.plan.placements) {
      domainsByShard.set(placement.shard, [...(domainsByShard.get(placement.shard) ?? []), ...placement.domainNames]);
      if (!external.has(placement.tenantId)) {
        zoneDomainsByShard.set(placement.shard, [...(zoneDomainsByShard.get(placement.shard) ?? []), ...placement.domainNames]);
      }
    }

    const distributions = new Map<number, cloudfront.IDistribution>();
    const stacks = new Map<number, NestedStack>();
    for (const shard of context.plan.shards) {
      const stack = new NestedStack(scope, `Shard${shard}`, {
        description: `cdk-multi-tenant-gateway: CloudFront distribution shard ${shard} and its tenants' DNS records`,
      });
      const distribution = new cloudfront.Distribution(stack, 'Distribution', {
        comment: `Tenant shard ${shard}`,
        domainNames: domainsByShard.get(shard),
        certificate: context.certificate,
        minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
        httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
        enableIpv6: true,
        priceClass: this.options.priceClass ?? cloudfront.PriceClass.PRICE_CLASS_ALL,
        defaultBehavior: {
          origin: context.originFor(shard),
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD,
          compress: true,
          cachePolicy: context.policies.cachePolicyFor(shard),
          originRequestPolicy: context.policies.originRequestPolicyFor(shard),
        },
      });
      addAliasRecords(stack, context.hostedZone, zoneDomainsByShard.get(shard) ?? [], {
        dnsName: distribution.distributionDomainName,
        hostedZoneId: CloudFrontTarget.getHostedZoneId(stack),
      });
      distributions.set(shard, distribution);
      stacks.set(shard, stack);
    }
    return { distributions, stacks };
  }
}
