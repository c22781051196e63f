import { Duration } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { FleetWatch } from '../../observability/private/fleet-watch';
import type { FleetOptions } from '../fleet';

/** Where the fleet goes: the VPC and the listener that forwards to its target group. */
export interface FleetSite {
  readonly vpc: ec2.IVpc;
  readonly listener: elbv2.ApplicationListener;
  /**
   * Conditions a request must meet to reach the fleet, as a listener rule; without them the
   * listener's default action forwards to it.
   */
  readonly conditions: elbv2.ListenerCondition[];
}

/** What the checks of a fleet know of where it goes, before anything is built. */
export interface FleetCheckSite {
  /** The VPC brought for the gateway (`vpc`); undefined when the gateway makes its own. */
  readonly vpc?: ec2.IVpc;
}

/** What a fleet choice means for the gateway: its problems, and how it is built. */
export interface FleetBinding {
  /** Every problem with the fleet's options, naming each as `fleet.<key>`. */
  problems(site: FleetCheckSite): string[];
  /** Builds the fleet and its target group, as the construct `id` under `scope`. */
  build(scope: Construct, id: string, site: FleetSite): BuiltFleet;
}

/** A fleet, built. */
export interface BuiltFleet {
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  readonly autoScalingGroup?: autoscaling.AutoScalingGroup;
  readonly ecsService?: ecs.BaseService;
  /** A role the gateway made for the app: it gets a managed policy of its own. */
  readonly role?: iam.IRole;
  /** A principal of the user's that serves the app: it gets a statement. */
  readonly grantee?: iam.IGrantable;
  /** What the dashboard and alarms watch of the fleet beyond its target group. */
  readonly watch?: FleetWatch;
}

/**
 * The size and scaling a fleet the gateway makes gets unless told otherwise, whether Auto Scaling
 * instances or Fargate tasks (the `@default`s of their options); the checks and the build read them.
 */
export const FLEET_DEFAULTS = {
  min: 2,
  max: 10,
  cpuTargetUtilization: 60,
  requestsPerTargetPerMinute: 1000,
} as const;

/**
 * The security group of app servers the gateway makes: the load balancer adds its own ingress;
 * egress is HTTPS only unless `allowAllOutbound`.
 */
export function appSecurityGroup(scope: Construct, vpc: ec2.IVpc, props: {
  allowAllOutbound?: boolean;
  description: string;
  httpsOutDescription: string;
}): ec2.SecurityGroup {
  const allowAllOutbound = props.allowAllOutbound ?? false;
  const securityGroup = new ec2.SecurityGroup(scope, 'SecurityGroup', { vpc, description: props.description, allowAllOutbound });
  if (!allowAllOutbound) securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), props.httpsOutDescription);
  return securityGroup;
}

/** The port the app listens on: the one given, else the protocol's own. */
export function fleetPort(options: { port?: number; protocol?: elbv2.ApplicationProtocol }): number {
  return options.port ?? (options.protocol === elbv2.ApplicationProtocol.HTTPS ? 443 : 80);
}

/** The one target group, made on the listener as every fleet's is. */
export function addTargets(site: FleetSite, targets: elbv2.IApplicationLoadBalancerTarget[], options: FleetOptions): elbv2.ApplicationTargetGroup {
  return site.listener.addTargets('Fleet', {
    port: fleetPort(options),
    protocol: options.protocol ?? elbv2.ApplicationProtocol.HTTP,
    targets,
    healthCheck: { path: options.healthCheckPath ?? '/', healthyHttpCodes: '200-399' },
    deregistrationDelay: Duration.seconds(30),
    ...(site.conditions.length > 0 ? { priority: 1, conditions: site.conditions } : {}),
  });
}
