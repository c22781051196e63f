import { EdgeBuilder } from './private/edge-binding';
import { MultiTenantDistributionOptions, MultiTenantDistributions } from './private/multi-tenant';
import { ShardedDistributions, ShardedDistributionsOptions } from './private/sharded';

/**
 * How tenant domains attach to CloudFront. Both modes share the tenants, cache policy, origin,
 * certificate and DNS logic.
 */
export class EdgeMode {
  /**
   * One distribution per shard of at most `quotas.domainsPerDistribution` domains (the default).
   */
  public static shardedDistributions(options: ShardedDistributionsOptions = {}): EdgeMode {
    return new EdgeMode('sharded distributions', new ShardedDistributions(options));
  }

  /**
   * One CloudFront multi-tenant distribution (SaaS Manager) with a distribution tenant per
   * tenant, reached through a connection group: no alternate-domain-name shards, CNAME records
   * instead of alias records (so no tenant domain may be the hosted zone's apex). Placement
   * shards still group tenants into nested stacks of at most a hundred domains.
   */
  public static multiTenantDistribution(options: MultiTenantDistributionOptions = {}): EdgeMode {
    return new EdgeMode('multi-tenant distribution', new MultiTenantDistributions(options));
  }

  /** @internal */
  public readonly _builder: EdgeBuilder;

  /** The mode's name, for messages. */
  public readonly name: string;

  private constructor(name: string, builder: EdgeBuilder) {
    this.name = name;
    this._builder = builder;
  }
}
