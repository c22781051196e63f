// The checks every fleet shares: whole numbers in range, capacities in order, protocol and path,
// the VPC of what the user brought, and a root volume that holds the image.
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type { FleetCheckSite } from './fleet-binding';
import { sameVpc } from './fleet-network';
import { show } from '../../private/problems';
import type { FleetOptions } from '../fleet';

/** `fleet.<key>` must be a whole number from `least` to `most`, when given. */
export function wholeNumberProblems(key: string, value: unknown, least: number, most = Infinity): string[] {
  return value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < least || value > most)
    ? [`\`fleet.${key}\` must be a whole number from ${least}${most < Infinity ? ` to ${most}` : ''}, got ${show(value)}`]
    : [];
}

/** The smallest, largest and starting size of a fleet, by their option names. */
export interface Capacity {
  readonly min: [key: string, value: number];
  readonly max: [key: string, value: number];
  readonly desired: [key: string, value: number | undefined];
}

/** The minimum must not exceed the maximum; the starting size lies between them. */
export function capacityProblems({ min: [minKey, min], max: [maxKey, max], desired: [desiredKey, desired] }: Capacity): string[] {
  const problems: string[] = [];
  if (min > max) problems.push(`\`fleet.${minKey}\` (${min}) must not exceed \`fleet.${maxKey}\` (${max})`);
  if (desired !== undefined && (desired < min || desired > max)) {
    problems.push(`\`fleet.${desiredKey}\` (${desired}) must lie between ${minKey} (${min}) and ${maxKey} (${max})`);
  }
  return problems;
}

/** The protocol is HTTP or HTTPS; the health check path is a path. */
export function protocolAndPathProblems(options: FleetOptions): string[] {
  const problems: string[] = [];
  const protocol = options.protocol;
  if (protocol !== undefined && protocol !== elbv2.ApplicationProtocol.HTTP && protocol !== elbv2.ApplicationProtocol.HTTPS) {
    problems.push(`\`fleet.protocol\` must be ApplicationProtocol.HTTP or ApplicationProtocol.HTTPS, got ${show(protocol)}`);
  }
  if (options.healthCheckPath !== undefined && !options.healthCheckPath.startsWith('/')) {
    problems.push(`\`fleet.healthCheckPath\` ${show(options.healthCheckPath)} must start with "/"`);
  }
  return problems;
}

/** Options that shape something the gateway makes, given alongside what the user brought. */
export function broughtProblems(options: object, keys: readonly string[], brought: { what: string; key: string; yours: string }): string[] {
  return keys.filter(k => (options as Record<string, unknown>)[k] !== undefined).map(k =>
    `\`fleet.${k}\` shapes ${brought.what} the gateway makes, but \`fleet.${brought.key}\` brings your own; set it on ${brought.yours} instead`);
}

/**
 * What the user brought (`subject`) runs in the VPC `vpcId` (undefined when synth time cannot
 * tell), and the gateway's target group registers only targets of its own VPC: instances must be
 * in it, and addresses outside it need an Availability Zone ECS and Auto Scaling do not give.
 */
export function broughtVpcProblems(subject: string, vpcId: string | undefined, site: FleetCheckSite): string[] {
  if (site.vpc === undefined) {
    return [`${subject} runs in a VPC of your own, but the gateway makes a new VPC (no \`vpc\` given) and its target group ` +
      `registers targets of that VPC only; give the gateway \`vpc\`: the VPC ${subject} runs in`];
  }
  return vpcId !== undefined && sameVpc(vpcId, site.vpc.vpcId) === false
    ? [`${subject} runs in another VPC than the gateway's \`vpc\`, and the target group registers targets of the gateway's VPC only; ` +
      'bring it in the gateway\'s VPC, or give the gateway the VPC it runs in']
    : [];
}

/**
 * The size of the root volume's snapshot in the image the gateway boots by default, the latest
 * Amazon Linux 2023 (standard edition), in GiB: EC2 refuses a smaller root volume.
 */
export const DEFAULT_IMAGE_SNAPSHOT_GIB = 8;

/**
 * `fleet.rootVolumeSize` at least the image's snapshot, where synth time knows the image (the
 * default one); for an image of the user's it is assumed to fit, as its snapshot is only known to EC2.
 */
export function rootVolumeProblems(size: unknown, imageGiven: boolean): string[] {
  return !imageGiven && typeof size === 'number' && Number.isInteger(size) && size >= 1 && size < DEFAULT_IMAGE_SNAPSHOT_GIB
    ? [`\`fleet.rootVolumeSize\` ${size} GiB is smaller than the ${DEFAULT_IMAGE_SNAPSHOT_GIB} GiB snapshot of the default image ` +
      `(the latest Amazon Linux 2023), which EC2 refuses; give at least ${DEFAULT_IMAGE_SNAPSHOT_GIB}`]
    : [];
}
