import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { show } from '../private/problems';

/** The app servers behind the load balancer: one target group for every tenant. */
export interface FleetOptions {
  /**
   * Bring your own Auto Scaling group instead; the gateway only registers it with the target
   * group. The other fleet options, which shape a group the gateway makes, must then be left out.
   * @default - the gateway makes one
   */
  readonly autoScalingGroup?: autoscaling.AutoScalingGroup;

  /**
   * The instance type of the app servers.
   * @default t3.small
   */
  readonly instanceType?: ec2.InstanceType;

  /**
   * The machine image the app servers boot.
   * @default - the latest Amazon Linux 2023
   */
  readonly machineImage?: ec2.IMachineImage;

  /**
   * Commands that install and start the app at boot.
   * @default - none: the machine image starts the app
   */
  readonly userData?: ec2.UserData;

  /**
   * The fewest app servers the group keeps, whatever the load.
   * @default 2
   */
  readonly minCapacity?: number;

  /**
   * The most app servers the group scales out to.
   * @default 10
   */
  readonly maxCapacity?: number;

  /**
   * The app servers the group starts with; scaling moves it between min and max afterwards.
   * @default - minCapacity at first; scaling decides after that
   */
  readonly desiredCapacity?: number;

  /**
   * The protocol from the load balancer to the app: `HTTP` (TLS ends at the load balancer; the
   * hop stays inside the VPC, between two security groups that admit only each other), or
   * `HTTPS` to encrypt that hop too. With HTTPS the app must serve TLS on `port`, with any
   * certificate (the load balancer does not validate it), and its health check is made over HTTPS.
   * @default ApplicationProtocol.HTTP
   */
  readonly protocol?: elbv2.ApplicationProtocol;

  /**
   * The port the app listens on.
   * @default - 80 with HTTP, 443 with HTTPS
   */
  readonly port?: number;

  /**
   * Let the app servers connect anywhere on any port. Off, their security group allows HTTPS
   * (443) out only, which is what the package repositories, SSM Session Manager and AWS APIs
   * need (DNS, NTP and instance metadata are never filtered by security groups); open other
   * ports one by one with `gateway.autoScalingGroup.connections.allowTo(...)`.
   * @default false
   */
  readonly allowAllOutbound?: boolean;

  /**
   * Detailed (one-minute) EC2 monitoring of the app servers, so CPU scaling and the dashboard
   * react within minutes. Billed per instance (see CloudWatch pricing).
   * @default true
   */
  readonly detailedMonitoring?: boolean;

  /**
   * The path the target group's health check requests.
   * @default "/"
   */
  readonly healthCheckPath?: string;

  /**
   * Size of the encrypted root volume, in GiB.
   * @default 16
   */
  readonly rootVolumeSize?: number;

  /**
   * Average CPU utilization, in percent, the group scales to keep.
   * @default 60
   */
  readonly cpuTargetUtilization?: number;

  /**
   * Load balancer requests per instance per minute the group scales to keep.
   * @default 1000
   */
  readonly requestsPerTargetPerMinute?: number;
}

const BUILD_OPTIONS: (keyof FleetOptions)[] = ['instanceType', 'machineImage', 'userData', 'minCapacity', 'maxCapacity',
  'desiredCapacity', 'rootVolumeSize', 'cpuTargetUtilization', 'requestsPerTargetPerMinute', 'allowAllOutbound', 'detailedMonitoring'];

/** The port the app listens on: the one given, else the protocol's own. */
export function fleetPort(options: FleetOptions): number {
  return options.port ?? (options.protocol === elbv2.ApplicationProtocol.HTTPS ? 443 : 80);
}

/** Every problem with fleet options: capacities out of order, ports and figures out of range. */
export function fleetProblems(options: FleetOptions = {}): string[] {
  const problems: string[] = [];
  if (options.autoScalingGroup) {
    for (const key of BUILD_OPTIONS.filter(k => options[k] !== undefined)) {
      problems.push(`\`fleet.${key}\` shapes an Auto Scaling group the gateway makes, but \`fleet.autoScalingGroup\` brings your own; set it on your group instead`);
    }
  }
  const min = options.minCapacity ?? 2;
  const max = options.maxCapacity ?? 10;
  const wholeAtLeast = (key: keyof FleetOptions, value: unknown, least: number, most = Infinity) => {
    if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < least || value > most)) {
      problems.push(`\`fleet.${key}\` must be a whole number from ${least}${most < Infinity ? ` to ${most}` : ''}, got ${show(value)}`);
    }
  };
  wholeAtLeast('minCapacity', options.minCapacity, 0);
  wholeAtLeast('maxCapacity', options.maxCapacity, 1);
  wholeAtLeast('desiredCapacity', options.desiredCapacity, 0);
  wholeAtLeast('port', options.port, 1, 65535);
  wholeAtLeast('rootVolumeSize', options.rootVolumeSize, 1);
  wholeAtLeast('cpuTargetUtilization', options.cpuTargetUtilization, 1, 100);
  wholeAtLeast('requestsPerTargetPerMinute', options.requestsPerTargetPerMinute, 1);
  if (min > max) problems.push(`\`fleet.minCapacity\` (${min}) must not exceed \`fleet.maxCapacity\` (${max})`);
  const desired = options.desiredCapacity;
  if (desired !== undefined && (desired < min || desired > max)) {
    problems.push(`\`fleet.desiredCapacity\` (${desired}) must lie between minCapacity (${min}) and maxCapacity (${max})`);
  }
  const protocol = options.protocol;
  if (protocol !== undefined && protocol !== elbv2.ApplicationProtocol.HTTP && protocol !== elbv2.ApplicationProtocol.HTTPS) {
    problems.push(`\`fleet.protocol\` must be ApplicationProtocol.HTTP or ApplicationProtocol.HTTPS, got ${show(protocol)}`);
  }
  if (options.healthCheckPath !== undefined && !options.healthCheckPath.startsWith('/')) {
    problems.push(`\`fleet.healthCheckPath\` ${show(options.healthCheckPath)} must start with "/"`);
  }
  return problems;
}
