// What Elastic Load Balancing registers in the gateway's target group, checked before synthesis:
// one target type per group, and IP targets only from the address blocks ELB accepts.
import { Token } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as elbv2targets from 'aws-cdk-lib/aws-elasticloadbalancingv2-targets';
import { show } from '../../private/problems';

/**
 * The blocks ELB registers IP targets from besides the subnets of the target group's VPC
 * ("Target groups for your Application Load Balancers", Target type): publicly routable
 * addresses are refused.
 */
export const REGISTRABLE_PRIVATE_BLOCKS: readonly { readonly cidr: string; readonly rfc: string }[] = [
  { cidr: '10.0.0.0/8', rfc: 'RFC 1918' },
  { cidr: '100.64.0.0/10', rfc: 'RFC 6598' },
  { cidr: '172.16.0.0/12', rfc: 'RFC 1918' },
  { cidr: '192.168.0.0/16', rfc: 'RFC 1918' },
];

/** The Availability Zone an ALB requires of an IP target outside the target group's VPC. */
export const OUTSIDE_VPC_ZONE = 'all';

/** The target type a target registers as, where synth time can tell without attaching it. */
export function targetTypeOf(target: elbv2.IApplicationLoadBalancerTarget): elbv2.TargetType | undefined {
  if (target instanceof elbv2targets.IpTarget) return elbv2.TargetType.IP;
  if (target instanceof elbv2targets.LambdaTarget) return elbv2.TargetType.LAMBDA;
  if (target instanceof elbv2targets.InstanceTarget || target instanceof elbv2targets.InstanceIdTarget) return elbv2.TargetType.INSTANCE;
  if (target instanceof autoscaling.AutoScalingGroup) return elbv2.TargetType.INSTANCE;
  if (target instanceof ecs.BaseService) {
    return target.taskDefinition.networkMode === ecs.NetworkMode.AWS_VPC ? elbv2.TargetType.IP : elbv2.TargetType.INSTANCE;
  }
  return undefined;
}

/** Targets of more than one type: a target group has one. */
export function mixedTargetTypeProblems(targets: readonly elbv2.IApplicationLoadBalancerTarget[]): string[] {
  const types = [...new Set(targets.map(targetTypeOf).filter(type => type !== undefined))];
  if (types.length < 2 || types.includes(elbv2.TargetType.LAMBDA)) return []; // a Lambda function alone is reported apart
  return [`\`fleet\` (Fleet.targets) mixes target types (${types.join(', ')}); a target group registers targets of one type only: ` +
    'give IP addresses only, or instances only'];
}

/**
 * The IP targets ELB would refuse: not an IPv4 address (the target group is IPv4), outside both
 * the VPC and the private blocks (publicly routable), or outside the VPC without availability
 * zone "all". `vpcBlocks` are the VPC's known IPv4 blocks; undefined when unknown, and then only
 * the address itself is checked.
 */
export function ipTargetProblems(targets: readonly elbv2.IApplicationLoadBalancerTarget[], vpcBlocks: readonly string[] | undefined): string[] {
  return targets.flatMap(target => {
    if (!(target instanceof elbv2targets.IpTarget)) return [];
    const { id: address, availabilityZone: zone } = registrationOf(target);
    if (typeof address !== 'string' || Token.isUnresolved(address)) return [];
    const ip = ipv4(address);
    if (ip === undefined) {
      return [`\`fleet\` IP target ${show(address)} is not an IPv4 address (the gateway's target group is IPv4)`];
    }
    if (vpcBlocks === undefined || vpcBlocks.some(block => inBlock(ip, block))) return [];
    const where = `outside the gateway's VPC (${vpcBlocks.join(', ')})`;
    if (!REGISTRABLE_PRIVATE_BLOCKS.some(block => inBlock(ip, block.cidr))) {
      return [`\`fleet\` IP target "${address}" is ${where} and publicly routable: ELB registers IP targets only from the VPC's subnets ` +
        `and ${REGISTRABLE_PRIVATE_BLOCKS.map(b => `${b.cidr} (${b.rfc})`).join(', ')}`];
    }
    if (zone !== OUTSIDE_VPC_ZONE && !(typeof zone === 'string' && Token.isUnresolved(zone))) {
      return [`\`fleet\` IP target "${address}" is ${where}, where an Application Load Balancer registers it only in ` +
        `Availability Zone "${OUTSIDE_VPC_ZONE}", got ${show(zone)}: new IpTarget('${address}', port, '${OUTSIDE_VPC_ZONE}')`];
    }
    return [];
  });
}

/** What an IP target registers: attaching one only reads its fields. */
function registrationOf(target: elbv2targets.IpTarget): { id?: unknown; availabilityZone?: unknown } {
  return target.attachToApplicationTargetGroup(undefined as unknown as elbv2.IApplicationTargetGroup).targetJson ?? {};
}

/** A dotted-quad IPv4 address as a 32-bit number; undefined when it is not one. */
export function ipv4(address: string): number | undefined {
  const parts = address.split('.');
  if (parts.length !== 4 || parts.some(part => !/^(0|[1-9]\d{0,2})$/.test(part) || Number(part) > 255)) return undefined;
  return parts.reduce((value, part) => value * 256 + Number(part), 0);
}

/** Whether `ip` lies in the IPv4 block `cidr` (a block that is not one contains nothing). */
export function inBlock(ip: number, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const start = ipv4(base);
  const length = Number(bits);
  if (start === undefined || !Number.isInteger(length) || length < 0 || length > 32) return false;
  const size = 2 ** (32 - length);
  return Math.floor(ip / size) === Math.floor(start / size);
}
