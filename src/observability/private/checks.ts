import { Token } from 'aws-cdk-lib';
import { CLOUDFRONT_REGION } from './metrics';
import { show } from '../../private/problems';
import type { AlarmThresholds, ObservabilityOptions } from '../observability';

/** Every problem with the observability options, for the gateway's single error. */
export function observabilityProblems(options: ObservabilityOptions, region: string): string[] {
  const problems: string[] = [];
  if (options.tenantInsights && region !== undefined && region !== CLOUDFRONT_REGION) {
    problems.push('`observability.tenantInsights` needs the gateway\'s stack in us-east-1, where CloudFront delivers its access logs ' +
      `to CloudWatch Logs, but its region is ${Token.isUnresolved(region) ? 'not known at synth time' : region}: ` +
      'deploy the gateway in us-east-1 (give its stack an `env` with that region), or turn `tenantInsights` off');
  }
  const t = options.alarmThresholds ?? {};
  const within = (key: keyof AlarmThresholds, value: number | undefined, least: number, most: number) => {
    if (value !== undefined && !Token.isUnresolved(value) && (typeof value !== 'number' || !(value >= least && value <= most))) {
      problems.push(`\`observability.alarmThresholds.${key}\` must be a number from ${least} to ${most}, got ${show(value)}`);
    }
  };
  within('distribution5xxErrorRate', t.distribution5xxErrorRate, 0, 100);
  within('loadBalancer5xxErrorRate', t.loadBalancer5xxErrorRate, 0, 100);
  const hosts = t.unhealthyHosts;
  if (hosts !== undefined && !Token.isUnresolved(hosts) && !(Number.isInteger(hosts) && hosts >= 1)) {
    problems.push(`\`observability.alarmThresholds.unhealthyHosts\` must be a whole number, at least 1, got ${show(hosts)}`);
  }
  const p99 = t.targetResponseTimeP99;
  if (p99 !== undefined && p99.toMilliseconds() <= 0) {
    problems.push(`\`observability.alarmThresholds.targetResponseTimeP99\` must be longer than zero, got ${p99.toHumanString()}`);
  }
  const atMax = t.fleetAtMaxCapacityFor;
  if (atMax !== undefined) {
    const minutes = atMax.toMilliseconds() / 60000;
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) {
      problems.push(`\`observability.alarmThresholds.fleetAtMaxCapacityFor\` must be whole minutes from 1 to 1440, got ${atMax.toHumanString()}`);
    }
  }
  return problems;
}

