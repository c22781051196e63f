import { NestedStack, Stack, Token } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { CloudFrontTarget } from 'aws-cdk-lib/aws-route53-targets';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import { EdgeBuild, EdgeBuilder, EdgeContext } from './edge-binding';
import { addAliasRecords } from './dns';
import { acknowledgeNag } from '../../private/nag';

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
        certificate: context.certificateFor?.(shard) ?? context.certificate,
        minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
        httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
        enableIpv6: true,
        priceClass: this.options.priceClass ?? cloudfront.PriceClass.PRICE_CLASS_ALL,
        webAclId: context.webAclId,
        logBucket: context.logBucket,
        logFilePrefix: context.logBucket ? `distribution-${shard}/` : undefined,
        defaultBehavior: {
          origin: context.originFor(shard),
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD,
          compress: true,
          cachePolicy: context.policies.cachePolicyFor(shard),
          originRequestPolicy: context.policies.originRequestPolicyFor(shard),
          responseHeadersPolicy: context.responseHeadersPolicyFor(shard),
        },
      });
      acknowledgeNag(distribution, [{
        id: 'AwsSolutions-CFR1',
        reason: 'Tenants serve viewers worldwide; a geo restriction would apply to every tenant on the shard alike.',
      }]);
      // Each shard is its own template, so a plain logical id cannot clash; it also spares
      // resolving a hashed id for every one of the shard's records.
      (distribution.node.defaultChild as cloudfront.CfnDistribution).overrideLogicalId('Distribution');
      addAliasRecords(stack, context.hostedZone, zoneDomainsByShard.get(shard) ?? [], {
        dnsName: distribution.distributionDomainName,
        hostedZoneId: cloudFrontZoneId(stack),
      });
      distributions.set(shard, distribution);
      stacks.set(shard, stack);
    }
    return { distributions, stacks, dnsTargets: new Map([...distributions].map(([shard, d]) => [shard, d.distributionDomainName])) };
  }
}

/**
 * CloudFront's alias hosted-zone id: the literal in the commercial partition when the region is
 * known (one string per record instead of a FindInMap to resolve), else the partition mapping.
 */
function cloudFrontZoneId(stack: Stack): string {
  const region = stack.region;
  if (!Token.isUnresolved(region) && RegionInfo.get(region).partition === 'aws') {
    return CloudFrontTarget.CLOUDFRONT_ZONE_ID;
  }
  return CloudFrontTarget.getHostedZoneId(stack);
}
