import { Duration } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeNag } from '../private/nag';
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
   * @default t3.small
   */
  readonly instanceType?: ec2.InstanceType;

  /**
   * @default - the latest Amazon Linux 2023
   */
  readonly machineImage?: ec2.IMachineImage;

  /**
   * Commands that install and start the app at boot.
   * @default - none: the machine image starts the app
   */
  readonly userData?: ec2.UserData;

  /**
   * @default 2
   */
  readonly minCapacity?: number;

  /**
   * @default 10
   */
  readonly maxCapacity?: number;

  /**
   * @default - minCapacity at first; scaling decides after that
   */
  readonly desiredCapacity?: number;

  /**
   * The port the app listens on (plain HTTP inside the VPC; TLS ends at the load balancer).
   * @default 80
   */
  readonly port?: number;

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
  'desiredCapacity', 'rootVolumeSize', 'cpuTargetUtilization', 'requestsPerTargetPerMinute'];

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
  if (options.healthCheckPath !== undefined && !options.healthCheckPath.startsWith('/')) {
    problems.push(`\`fleet.healthCheckPath\` ${show(options.healthCheckPath)} must start with "/"`);
  }
  return problems;
}

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

  constructor(scope: Construct, id: string, props: GatewayFleetProps) {
    super(scope, id);
    const options = props.options;
    this.autoScalingGroup = options.autoScalingGroup ?? this.makeGroup(props.vpc, options);
    this.targetGroup = props.listener.addTargets('Fleet', {
      port: options.port ?? 80,
      protocol: elbv2.ApplicationProtocol.HTTP,
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

  private makeGroup(vpc: ec2.IVpc, options: FleetOptions): autoscaling.AutoScalingGroup {
    const role = new iam.Role(this, 'InstanceRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'Gateway app servers: SSM Session Manager access, no SSH',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
    });
    acknowledgeNag(role, [{
      id: 'AwsSolutions-IAM4',
      reason: 'AmazonSSMManagedInstanceCore is what SSM Session Manager needs instead of SSH; AWS keeps it current.',
      appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore'],
    }]);
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: 'Gateway app servers: traffic from the load balancer only',
    });
    const launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      instanceType: options.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.SMALL),
      machineImage: options.machineImage ?? ec2.MachineImage.latestAmazonLinux2023(),
      userData: options.userData,
      role,
      securityGroup,
      requireImdsv2: true,
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
