// The checks every fleet shares: whole numbers in range, capacities in order, protocol and path.
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
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
