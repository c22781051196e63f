// The Availability Zones a user names for the VPC the gateway makes: the load balancer needs
// subnets in two distinct zones, and the gateway lays out one subnet per zone, so they must be
// literal names of the stack's region.
import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { show } from '../../private/problems';

/** Every problem with `availabilityZones`; `region` may be a token (then zones are not matched to it). */
export function availabilityZoneProblems(zones: readonly string[], region: string): string[] {
  // A list token (Fn.getAzs()) is a single element that only the list itself reveals.
  if (Token.isUnresolved(zones) || zones.some(zone => Token.isUnresolved(zone))) {
    return ['`availabilityZones` must be literal zone names such as "eu-west-1a", known at synth time (the gateway makes a subnet ' +
      'per zone and checks that the load balancer spans two distinct zones); got a token, which is only known at deploy. ' +
      'Name the zones, or leave `availabilityZones` out to use the first two zones of the stack\'s region'];
  }
  const problems: string[] = [];
  const distinct = [...new Set(zones)];
  if (distinct.length < 2) problems.push(`\`availabilityZones\` must name at least two zones (a load balancer spans two), got ${show(zones)}`);
  const repeated = distinct.filter(zone => zones.indexOf(zone) !== zones.lastIndexOf(zone));
  if (repeated.length > 0) {
    problems.push(`\`availabilityZones\` names ${repeated.map(zone => `"${zone}"`).join(', ')} more than once; name each zone once ` +
      '(an Application Load Balancer needs subnets in at least two distinct zones)');
  }
  if (!Token.isUnresolved(region)) {
    const foreign = distinct.filter(zone => !new RegExp(`^${region}[a-z]$`).test(zone));
    if (foreign.length > 0) {
      problems.push(`\`availabilityZones\` must be zones of the stack's region ${region} (such as "${region}a"), got ${show(foreign)}`);
    }
  }
  return problems;
}

/**
 * The zones of the subnets a brought VPC gives the load balancer (public subnets when it is
 * internet-facing, else the private ones, as aws-cdk-lib selects them): fewer than two distinct
 * zones is refused where they are all known; a selection aws-cdk-lib refuses is left to it.
 */
export function broughtVpcZoneProblems(vpc: ec2.IVpc, internetFacing: boolean): string[] {
  let zones: string[];
  try {
    zones = vpc.selectSubnets(internetFacing ? { subnetType: ec2.SubnetType.PUBLIC } : {}).subnets.map(subnet => subnet.availabilityZone);
  } catch {
    return [];
  }
  if (zones.length === 0 || zones.some(zone => Token.isUnresolved(zone))) return [];
  const distinct = [...new Set(zones)];
  return distinct.length >= 2 ? [] : [`\`vpc\` gives the load balancer ${internetFacing ? 'public' : 'private'} subnets in ` +
    `${distinct.length === 1 ? `one Availability Zone only (${distinct[0]})` : 'no Availability Zone'}; an Application Load Balancer needs ` +
    'subnets in at least two distinct zones: add a subnet of that kind in a second zone'];
}
