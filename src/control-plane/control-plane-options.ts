import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';

/**
 * Options of the tenant control plane a multi-tenant-distribution gateway makes (see
 * `MultiTenantDistributionOptions.controlPlane`): tenants kept as data in a DynamoDB table and
 * reconciled onto the gateway's distribution, connection group and hosted zone.
 */
export interface ControlPlaneOptions {
  /**
   * The bus the status events go to (source "cdk-multi-tenant-gateway.control-plane", detail
   * type "Tenant status changed").
   *
   * @default - the account's default event bus
   */
  readonly eventBus?: events.IEventBus;

  /**
   * How long a page of tenants whose certificates validate waits before it is reconciled again:
   * the queue's visibility timeout. A page that acted, or awaits a deploy or DNS, comes back after
   * 30 seconds instead. From the reconciler's timeout (a full pass over a page at its share of
   * `cloudFrontCallsPerSecond`: 160 seconds at the default pace) to 12 hours (SQS's maximum).
   *
   * @default - the reconciler's timeout, at least 2 minutes (160 seconds at the default pace)
   */
  readonly recheckAfter?: Duration;

  /**
   * How often the drift sweep queues every store tenant for a full pass, which reads each
   * distribution tenant and certificate again instead of trusting what the store noted: it finds
   * a change made behind the store's back (in the console, by another tool) and a page lost to
   * the dead-letter queue. It goes through the reconciler's queue, one chunk of the table at a
   * time, so it stays within the API rates and never overlaps itself; a large store's sweep takes
   * as long as an import of it (see docs/control-plane.md). `Duration.seconds(0)` turns it off.
   *
   * @default Duration.hours(6)
   */
  readonly sweepEvery?: Duration;

  /**
   * The reconciler's pace on CloudFront's API (calls a second, a burst of two seconds' worth; a
   * retried call counts again). AWS publishes no rate for CloudFront's control-plane API, so this
   * is a setting: raise it when AWS has told you your account's rate, lower it when other tools
   * share it. Import and sweep times scale with it (docs/control-plane.md).
   *
   * @default 5
   */
  readonly cloudFrontCallsPerSecond?: number;

  /**
   * The reconciler's pace on Route 53's API (calls a second, a burst of two seconds' worth).
   * Route 53 allows 10 requests a second for the whole account, shared with CloudFormation and
   * every other tool; a pass makes one change request per 500 records.
   *
   * @default 5 (half the account's rate)
   */
  readonly route53CallsPerSecond?: number;

  /**
   * What happens to the tenant store when the control plane is removed from the app.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Put before each store tenant's id to name its distribution tenant. Distribution tenant names
   * are unique in the account, so the store's names must never be those of the gateway's
   * template tenants: the gateway refuses a template tenant whose distribution tenant name
   * starts with this prefix. Fixed once tenants exist (a distribution tenant's name cannot change).
   *
   * @default "store-"
   */
  readonly tenantNamePrefix?: string;
}
