import { Duration } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeNag } from '../../private/nag';
import { FleetOptions, fleetPort } from '../fleet';

/** Properties of the gateway's fleet. */
export interface GatewayFleetProps {
  readonly vpc: ec2.IVpc;
  readonly listener: elbv2.ApplicationListener;
  readonly options: FleetOptions;
  /**
   * Conditions a request must meet to reach the fleet, as a listener rule; without them the
   * listener's default action forwards to it.
   */
  readonly conditions?: elbv2.ListenerCondition[];
}

/**
 * One target group for all tenants and the Auto Scaling group behind it: IMDSv2 only, an
 * encrypted root volume, SSM Session Manager instead of SSH, scaling on CPU and on requests.
 */
export class GatewayFleet extends Construct {
  public readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  public readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** The app servers' role, when the gateway made their group. */
  public readonly role?: iam.IRole;

  constructor(scope: Construct, id: string, props: GatewayFleetProps) {
    super(scope, id);
    const options = props.options;
    if (options.autoScalingGroup) {
      this.autoScalingGroup = options.autoScalingGroup;
    } else {
      const role = new iam.Role(this, 'InstanceRole', {
        assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
        description: 'Gateway app servers: SSM Session Manager access, no SSH',
        managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
      });
      this.role = role;
      this.autoScalingGroup = this.makeGroup(props.vpc, options, role);
    }
    this.targetGroup = props.listener.addTargets('Fleet', {
      port: fleetPort(options),
      protocol: options.protocol ?? elbv2.ApplicationProtocol.HTTP,
      targets: [this.autoScalingGroup],
      healthCheck: { path: options.healthCheckPath ?? '/', healthyHttpCodes: '200-399' },
      deregistrationDelay: Duration.seconds(30),
      ...(props.conditions && props.conditions.length > 0 ? { priority: 1, conditions: props.conditions } : {}),
    });
    if (!options.autoScalingGroup) {
      this.autoScalingGroup.scaleOnCpuUtilization('CpuScaling', {
        targetUtilizationPercent: options.cpuTargetUtilization ?? 60,
      });
      this.autoScalingGroup.scaleOnRequestCount('RequestScaling', {
        targetRequestsPerMinute: options.requestsPerTargetPerMinute ?? 1000,
      });
    }
  }

  private makeGroup(vpc: ec2.IVpc, options: FleetOptions, role: iam.Role): autoscaling.AutoScalingGroup {
    acknowledgeNag(role, [{
      id: 'AwsSolutions-IAM4',
      reason: 'AmazonSSMManagedInstanceCore is what SSM Session Manager needs instead of SSH; AWS keeps it current.',
      appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore'],
    }]);
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: 'Gateway app servers: traffic from the load balancer only',
      allowAllOutbound: options.allowAllOutbound ?? false,
    });
    if (!(options.allowAllOutbound ?? false)) {
      securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS out: package repositories, SSM Session Manager, AWS APIs');
    }
    const launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      instanceType: options.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.SMALL),
      machineImage: options.machineImage ?? ec2.MachineImage.latestAmazonLinux2023(),
      userData: options.userData,
      role,
      securityGroup,
      requireImdsv2: true,
      detailedMonitoring: options.detailedMonitoring ?? true,
      blockDevices: [{
        deviceName: '/dev/xvda',
        volume: ec2.BlockDeviceVolume.ebs(options.rootVolumeSize ?? 16, {
          encrypted: true,
          volumeType: ec2.EbsDeviceVolumeType.GP3,
        }),
      }],
    });
    const group = new autoscaling.AutoScalingGroup(this, 'AutoScalingGroup', {
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      launchTemplate,
      minCapacity: options.minCapacity ?? 2,
      maxCapacity: options.maxCapacity ?? 10,
      desiredCapacity: options.desiredCapacity,
      healthChecks: autoscaling.HealthChecks.withAdditionalChecks({
        additionalTypes: [autoscaling.AdditionalHealthCheckType.ELB],
        gracePeriod: Duration.minutes(5),
      }),
    });
    acknowledgeNag(group, [{
      id: 'AwsSolutions-AS3',
      reason: 'Scaling is the fleet\'s routine; notifications on it are an operational choice, made on `gateway.autoScalingGroup`.',
    }]);
    return group;
  }
}
