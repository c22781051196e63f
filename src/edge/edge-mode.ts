import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { ControlPlaneOptions } from '../control-plane/control-plane-options';
import { EdgeBinding } from './private/edge-binding';
import { MultiTenantEdge } from './private/multi-tenant';
import { ShardedEdge } from './private/sharded';
import { TenantCertificate } from './tenant-certificate';

/** Options for the sharded-distributions edge. */
export interface ShardedDistributionsOptions {
  /**
   * The CloudFront price class of every distribution.
   * @default PriceClass.PRICE_CLASS_ALL
   */
  readonly priceClass?: cloudfront.PriceClass;
}

/** Options for the multi-tenant-distribution edge (CloudFront SaaS Manager). */
export interface MultiTenantDistributionOptions {
  /**
   * Make a connection group for the gateway's tenants. Its routing endpoint is known to
   * CloudFormation, so the gateway can write each tenant domain's CNAME record and
   * `dnsTargetOf` can name it. With `false`, tenants join the account's default connection
   * group, whose routing endpoint no template can reference: every tenant must then have
   * `externalDns: true`, and you point its names at the endpoint the CloudFront console shows.
   *
   * @default true
   */
  readonly ownConnectionGroup?: boolean;

  /**
   * The certificate each distribution tenant presents.
   *
   * @default TenantCertificate.fromParent()
   */
  readonly tenantCertificate?: TenantCertificate;

  /**
   * Put before each tenant id to name its distribution tenant. Distribution tenant names are
   * unique in the account and cannot change, so two gateways in one account that share tenant
   * ids need different prefixes; changing it later replaces every distribution tenant.
   *
   * @default "" (the tenant id alone)
   */
  readonly tenantNamePrefix?: string;

  /**
   * Also make a tenant control plane (`TenantControlPlane`) bound to this distribution, its
   * connection group and the hosted zone: tenants kept as data in a DynamoDB table and reconciled
   * by a Lambda function, beside the template tenants of the `tenants` prop. The CLI's `sync`,
   * `add --store`, `remove --store`, `status --store` and `export` work on it. Needs
   * `ownConnectionGroup` (the records' value is its routing endpoint). See docs/control-plane.md.
   *
   * @default - no control plane: every tenant is a resource of the template
   */
  readonly controlPlane?: ControlPlaneOptions;
}

/**
 * How tenant domains attach to CloudFront. Both modes share the tenants, cache policy, origin,
 * certificate and DNS logic.
 */
export abstract class EdgeMode {
  /**
   * One distribution per shard of at most `quotas.domainsPerDistribution` domains (the default).
   */
  public static shardedDistributions(options: ShardedDistributionsOptions = {}): EdgeMode {
    return new ShardedDistributions(options);
  }

  /**
   * One CloudFront multi-tenant distribution (SaaS Manager) with a distribution tenant per
   * tenant, reached through a connection group: no alternate-domain-name shards, CNAME records
   * instead of alias records (so no tenant domain may be the hosted zone's apex). Shards still
   * group tenants into nested stacks of at most `quotas.domainsPerDistribution` domains.
   */
  public static multiTenantDistribution(options: MultiTenantDistributionOptions = {}): EdgeMode {
    return new MultiTenantDistribution(options);
  }

  /** @internal */
  public abstract _bind(): EdgeBinding;
}

class ShardedDistributions extends EdgeMode {
  constructor(private readonly options: ShardedDistributionsOptions) {
    super();
  }

  public _bind(): EdgeBinding {
    return new ShardedEdge({ priceClass: this.options.priceClass });
  }
}

class MultiTenantDistribution extends EdgeMode {
  constructor(private readonly options: MultiTenantDistributionOptions) {
    super();
  }

  public _bind(): EdgeBinding {
    return new MultiTenantEdge({
      ownConnectionGroup: this.options.ownConnectionGroup ?? true,
      tenantCertificate: (this.options.tenantCertificate ?? TenantCertificate.fromParent())._bind(),
      tenantNamePrefix: this.options.tenantNamePrefix ?? '',
      controlPlane: this.options.controlPlane,
    });
  }
}
