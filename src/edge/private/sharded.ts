import { Stack, Token } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { CloudFrontTarget } from 'aws-cdk-lib/aws-route53-targets';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import { DistributionHome } from './distribution-home';
import { addAliasRecords } from './dns';
import { EdgeBinding, EdgeContext, ShardEdge, ShardEdgeResult } from './edge-binding';
import { distributionProps } from './viewer';
import { ShardPlan } from '../../gateway/plan';
import { acknowledgeNag } from '../../private/nag';
import { SHARDED_DISTRIBUTIONS } from '../shape';

/** The logical id of a shard's distribution in the shard's template. */
const DISTRIBUTION_ID = 'Distribution';

/** What the sharded edge is configured with. */
export interface ShardedEdgeOptions {
  readonly priceClass?: cloudfront.PriceClass;
}

/**
 * One CloudFront distribution per shard, in the shard's nested stack with its tenants' alias
 * records: a template per hundred domains, whatever the tenant count, and onboarding a tenant
 * touches only its shard's template.
 */
export class ShardedEdge implements EdgeBinding {
  public readonly shape = SHARDED_DISTRIBUTIONS;
  public readonly standardLogsToS3 = true;
  public readonly presentsDistributionCertificate = true;

  constructor(private readonly options: ShardedEdgeOptions) {}

  public problems(): string[] {
    return [];
  }

  public bind(_scope: Construct, context: EdgeContext): ShardEdge {
    const priceClass = this.options.priceClass ?? cloudfront.PriceClass.PRICE_CLASS_ALL;
    return {
      sharedHomes: [],
      build: (shard: Construct, plan: ShardPlan): ShardEdgeResult => {
        const settings = context.settingsFor(plan.distribution, plan.edgeSettings?.cell);
        const distribution = new cloudfront.Distribution(shard, 'Distribution', {
          ...distributionProps(settings, `Tenant shard ${plan.index}`, plan.edgeSettings),
          domainNames: [...plan.domainNames],
          certificate: settings.certificate,
          enableIpv6: true,
          priceClass,
          logFilePrefix: settings.logBucket ? `distribution-${plan.index}/` : undefined,
        });
        if (plan.edgeSettings?.geoRestriction === undefined) {
          acknowledgeNag(distribution, [{
            id: 'AwsSolutions-CFR1',
            reason: 'Its tenants serve viewers worldwide; a tenant that needs a geo restriction sets `geoRestriction` and gets a shard of its own settings.',
          }]);
        }
        // Each shard is its own template, so a plain logical id cannot clash. The records name
        // it literally too, as the intrinsic the template holds: a reference to the distribution
        // would resolve its logical id again for each of the shard's up to 200 records in every
        // pass of synthesis, and even a token of `Fn.getAtt` is one more token per record.
        (distribution.node.defaultChild as cloudfront.CfnDistribution).overrideLogicalId(DISTRIBUTION_ID);
        addAliasRecords(shard, context.hostedZone, plan.recordGroups, {
          dnsName: { 'Fn::GetAtt': [DISTRIBUTION_ID, 'DomainName'] },
          hostedZoneId: cloudFrontZoneId(Stack.of(shard)),
        });
        return { distribution, home: new DistributionHome(shard, distribution), dnsTarget: distribution.distributionDomainName };
      },
    };
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
