import { Stack, Stage, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { broughtTopicProblems } from './brought-topic';
import { CLOUDFRONT_REGION } from './metrics';
import { show } from '../../private/problems';
import type { AlarmThresholds, ObservabilityOptions } from '../observability';

/** Every problem with the observability options, for the gateway's single error. */
export function observabilityProblems(gateway: Construct, options: ObservabilityOptions): string[] {
  const region = Stack.of(gateway).region;
  const problems: string[] = [];
  if (options.alarms ?? true) {
    if (options.alarmTopic) problems.push(...broughtTopicProblems('observability.alarmTopic', options.alarmTopic, region));
    if (options.cloudFrontAlarmsStack) problems.push(...alarmsStackProblems(Stack.of(gateway), options.cloudFrontAlarmsStack));
  }
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


/** What keeps `stack` from holding the CloudFront alarms of a gateway in `home`. */
function alarmsStackProblems(home: Stack, stack: Stack): string[] {
  const prop = `\`observability.cloudFrontAlarmsStack\` (stack "${stack.node.path}")`;
  const known = (value: string) => Token.isUnresolved(value) ? 'not known at synth time' : value;
  // CDK resolves references between the stacks of one stage only.
  if (Stage.of(stack) !== Stage.of(home)) return [`${prop} must be in the gateway's app, and in its stage if it has one`];
  if (!Token.isUnresolved(home.region) && home.region === CLOUDFRONT_REGION) {
    return [`${prop} is for gateways outside us-east-1: this gateway's stack is in us-east-1, where its CloudFront alarms are made ` +
      'beside its distributions; leave `cloudFrontAlarmsStack` unset'];
  }
  const problems: string[] = [];
  if (Token.isUnresolved(stack.region) || stack.region !== CLOUDFRONT_REGION) {
    problems.push(`${prop} must be in us-east-1, where CloudFront publishes its metrics (an alarm watches metrics of its own region ` +
      `only), but its region is ${known(stack.region)}: give it \`env: { region: 'us-east-1' }\``);
  }
  if (Token.isUnresolved(home.region)) {
    problems.push(`${prop} receives the distribution ids through a cross-region reference, which needs the gateway's stack's region, ` +
      'but it is not known at synth time: give the gateway\'s stack an `env` with its region');
  }
  if (Token.isUnresolved(home.account) !== Token.isUnresolved(stack.account)
    || (!Token.isUnresolved(home.account) && home.account !== stack.account)) {
    problems.push(`${prop} must be in the gateway's account, where CloudFront publishes its distributions' metrics, but its account ` +
      `is ${known(stack.account)} and the gateway's is ${known(home.account)}: give both stacks the same \`env.account\``);
  }
  if (!stack._crossRegionReferences) {
    problems.push(`${prop} needs \`crossRegionReferences: true\`: the gateway hands it the ids of its distributions, which live in ` +
      `${known(home.region)} (CDK carries them in SSM parameters in us-east-1)`);
  }
  return problems;
}
