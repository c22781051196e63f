import { EdgeBuilder } from './edge';
import { ShardedDistributions, ShardedDistributionsOptions } from './sharded';

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

  /** @internal */
  public readonly _builder: EdgeBuilder;

  /** The mode's name, for messages. */
  public readonly name: string;

  private constructor(name: string, builder: EdgeBuilder) {
    this.name = name;
    this._builder = builder;
  }
}
