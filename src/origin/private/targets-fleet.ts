import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as elbv2targets from 'aws-cdk-lib/aws-elasticloadbalancingv2-targets';
import { Construct } from 'constructs';
import { addTargets, BuiltFleet, FleetBinding, FleetCheckSite, FleetSite } from './fleet-binding';
import { knownCidrBlocks, vpcIdOfGroup } from './fleet-network';
import { broughtVpcProblems, protocolAndPathProblems, wholeNumberProblems } from './fleet-problems';
import { ipTargetProblems, mixedTargetTypeProblems } from './ip-targets';
import type { TargetsFleetOptions } from '../fleet';

/** Targets of the user's (IP addresses, instances, or one Lambda function), only registered. */
export class TargetsFleetBinding implements FleetBinding {
  private readonly lambdas: number;

  constructor(private readonly targets: elbv2.IApplicationLoadBalancerTarget[], private readonly options: TargetsFleetOptions) {
    this.lambdas = targets.filter(t => t instanceof elbv2targets.LambdaTarget).length;
  }

  public problems(site: FleetCheckSite): string[] {
    const o = this.options;
    const problems: string[] = [];
    if (this.targets.length === 0) problems.push('`fleet` (Fleet.targets) has no targets; give at least one');
    if (this.lambdas > 0 && this.targets.length > 1) {
      problems.push('`fleet` (Fleet.targets): a LambdaTarget must be the only target, as a target group holds one Lambda function and nothing else');
    }
    if (this.lambdas > 0) {
      for (const key of ['port', 'protocol'] as const) {
        if (o[key] !== undefined) problems.push(`\`fleet.${key}\` does not apply to a Lambda function target; leave it out`);
      }
    }
    return [
      ...problems,
      ...mixedTargetTypeProblems(this.targets),
      ...ipTargetProblems(this.targets, knownCidrBlocks(site.vpc)),
      ...this.targets.flatMap((target, i) => vpcProblems(target, `\`fleet\` target ${i}`, site)),
      ...wholeNumberProblems('port', o.port, 1, 65535),
      ...protocolAndPathProblems(o),
    ];
  }

  public build(_scope: Construct, _id: string, site: FleetSite): BuiltFleet {
    const targetGroup = this.lambdas > 0 ? addLambdaTarget(site, this.targets, this.options) : addTargets(site, this.targets, this.options);
    return { targetGroup, grantee: this.options.grantee };
  }
}

/** An Auto Scaling group or ECS service among the targets runs in the gateway's VPC. */
function vpcProblems(target: elbv2.IApplicationLoadBalancerTarget, subject: string, site: FleetCheckSite): string[] {
  if (target instanceof autoscaling.AutoScalingGroup) return broughtVpcProblems(`${subject} (an Auto Scaling group)`, vpcIdOfGroup(target), site);
  if (target instanceof ecs.BaseService) return broughtVpcProblems(`${subject} (an ECS service)`, target.cluster.vpc.vpcId, site);
  return [];
}

/**
 * A Lambda function's target group takes no port or protocol, and is health-checked (each
 * check an invocation) only when a path is given.
 */
function addLambdaTarget(site: FleetSite, lambdaTargets: elbv2.IApplicationLoadBalancerTarget[],
  options: TargetsFleetOptions): elbv2.ApplicationTargetGroup {
  const path = options.healthCheckPath;
  return site.listener.addTargets('Fleet', {
    targets: lambdaTargets,
    ...(path !== undefined ? { healthCheck: { enabled: true, path, healthyHttpCodes: '200-399' } } : {}),
    ...(site.conditions.length > 0 ? { priority: 1, conditions: site.conditions } : {}),
  });
}
