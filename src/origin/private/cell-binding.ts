import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { Construct } from 'constructs';
import { FleetBinding, BuiltFleet, FleetCheckSite } from './fleet-binding';
import { GatewayOrigin, GatewayOriginProps } from './gateway-origin';
import { AttachedAccess, OriginAccessBinding } from './origin-access-binding';
import { OriginShieldBinding } from '../../edge/private/origin-shield-binding';

/** Where cells are built: what every load balancer of the gateway shares, as its own origin has it. */
export type CellSite = GatewayOriginProps;

/** A cell, built: the origin its distributions (or distribution tenants) reach. */
export interface BuiltCell {
  readonly name: string;
  /** The origin's domain name: what a distribution tenant of the cell sets its origin to. */
  readonly domainName: string;
  /** The load balancer the gateway made for it, with its origin access; none for an origin elsewhere. */
  readonly origin?: GatewayOrigin;
  /** Its fleet; none for an origin elsewhere. */
  readonly fleet?: BuiltFleet;
  /** A fresh origin for distribution n. */
  originFor(distribution: number): cloudfront.IOrigin;
}

/** What a cell choice means for the gateway. */
export interface CellBinding {
  readonly name: string;
  /** The gateway makes a load balancer for it, reached through the gateway's origin access. */
  readonly ownLoadBalancer: boolean;
  /** The Origin Shield the cell asks for itself; undefined to follow the gateway's. */
  readonly originShield?: OriginShieldBinding;
  /** Every problem with the cell's options, naming the cell; its fleet goes where the gateway's does (`site`). */
  problems(access: OriginAccessBinding, site: FleetCheckSite): string[];
  /** Builds the cell under `scope`; `defaultAccess` is the default cell's origin access, made. */
  build(scope: Construct, site: CellSite, defaultAccess: AttachedAccess): BuiltCell;
}

/**
 * A load balancer and its fleet, as `originId` and `fleetId` under `scope`: the gateway's own
 * (the default cell, whose ids are the gateway's since before cells), or a cell's.
 */
export function buildLocalCell(scope: Construct, name: string, fleet: FleetBinding, site: CellSite): BuiltCell {
  const origin = new GatewayOrigin(scope, 'Origin', {
    vpc: site.vpc,
    certificates: site.certificates,
    access: site.access,
    distributionsPerVpcOrigin: site.distributionsPerVpcOrigin,
    accessLogBucket: site.accessLogBucket,
    deletionProtection: site.deletionProtection,
    originShieldRegion: site.originShieldRegion,
  });
  const built = fleet.build(scope, 'Fleet', { vpc: site.vpc, listener: origin.listener, conditions: origin.access.forwardConditions });
  return {
    name,
    domainName: origin.loadBalancer.loadBalancerDnsName,
    origin,
    fleet: built,
    originFor: distribution => origin.originFor(distribution),
  };
}
