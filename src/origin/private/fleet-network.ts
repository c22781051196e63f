// What synth time can tell of the network a fleet lives in: whether two VPCs are the same, the
// VPC of a brought Auto Scaling group, and the address blocks of the gateway's VPC.
import { Reference, Token, Tokenization } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';

/**
 * Whether two VPC ids name the same VPC: true when equal, false when both are known and differ
 * (literal ids, or VPCs this app makes), undefined when either is only known at deploy.
 */
export function sameVpc(a: string, b: string): boolean | undefined {
  if (a === b) return true;
  const [x, y] = [identify(a), identify(b)];
  return x === undefined || y === undefined ? undefined : false;
}

/** A literal id, or the VPC resource this app makes; undefined for any other token. */
function identify(vpcId: string): string | ec2.CfnVPC | undefined {
  if (!Token.isUnresolved(vpcId)) return vpcId;
  const fragments = Tokenization.reverseString(vpcId);
  const token = fragments.length === 1 ? fragments.firstToken : undefined;
  return token instanceof Reference && token.target instanceof ec2.CfnVPC ? token.target : undefined;
}

/**
 * The id of the VPC an Auto Scaling group runs in, read from its security groups (aws-cdk-lib
 * makes one in the group's VPC); undefined where they do not say.
 */
export function vpcIdOfGroup(group: autoscaling.AutoScalingGroup): string | undefined {
  let securityGroups: ec2.ISecurityGroup[];
  try {
    securityGroups = group.connections.securityGroups;
  } catch {
    return undefined; // a group from an imported launch template has no connections
  }
  for (const securityGroup of securityGroups) {
    const resource = securityGroup.node.defaultChild;
    if (resource instanceof ec2.CfnSecurityGroup && resource.vpcId !== undefined) return resource.vpcId;
  }
  return undefined;
}

/**
 * The IPv4 blocks of the gateway's VPC that synth time knows: the one of the VPC the gateway
 * makes (aws-cdk-lib's default), or a brought VPC's primary block and its subnets' blocks.
 * Undefined when none is known. A brought VPC's secondary blocks count only through its subnets.
 */
export function knownCidrBlocks(vpc: ec2.IVpc | undefined): string[] | undefined {
  if (vpc === undefined) return [ec2.Vpc.DEFAULT_CIDR_RANGE];
  const blocks: string[] = [];
  const add = (read: () => string | undefined) => {
    try {
      const block = read();
      if (block !== undefined && !Token.isUnresolved(block) && !blocks.includes(block)) blocks.push(block);
    } catch {
      // an imported VPC or subnet without the block given
    }
  };
  // A VPC this app makes knows its block only as an attribute; its resource has the literal.
  const resource = vpc.node.defaultChild;
  if (resource instanceof ec2.CfnVPC) add(() => resource.cidrBlock);
  add(() => vpc.vpcCidrBlock);
  for (const subnet of [...vpc.publicSubnets, ...vpc.privateSubnets, ...vpc.isolatedSubnets]) add(() => subnet.ipv4CidrBlock);
  return blocks.length > 0 ? blocks : undefined;
}
