import { Annotations, Duration } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import {
  addTargets, appSecurityGroup, BuiltFleet, FLEET_DEFAULTS, FleetBinding, FleetCheckSite, fleetPort, FleetSite,
} from './fleet-binding';
import { vpcIdOfGroup } from './fleet-network';
import {
  broughtProblems, broughtVpcProblems, capacityProblems, protocolAndPathProblems, rootVolumeProblems, wholeNumberProblems,
} from './fleet-problems';
import { PLACEHOLDER_APP_WARNING, placeholderUserData } from './placeholder-app';
import { AutoScalingWatch } from '../../observability/private/fleet-watch';
import { acknowledgeNag } from '../../private/nag';
import type { AutoScalingFleetOptions } from '../fleet';

/** The options that shape a group the gateway makes. */
const BUILD_OPTIONS: (keyof AutoScalingFleetOptions)[] = ['instanceType', 'machineImage', 'userData', 'minCapacity', 'maxCapacity',
  'desiredCapacity', 'rootVolumeSize', 'cpuTargetUtilization', 'requestsPerTargetPerMinute', 'allowAllOutbound', 'detailedMonitoring'];

/** EC2 app servers in an Auto Scaling group, the gateway's or the user's. */
export class AutoScalingFleetBinding implements FleetBinding {
  constructor(private readonly options: AutoScalingFleetOptions) {}

  public problems(site: FleetCheckSite): string[] {
    const o = this.options;
    return [
      ...(o.autoScalingGroup
        ? [
          ...broughtProblems(o, BUILD_OPTIONS, { what: 'an Auto Scaling group', key: 'autoScalingGroup', yours: 'your group' }),
          ...broughtVpcProblems('`fleet.autoScalingGroup`', vpcIdOfGroup(o.autoScalingGroup), site),
        ]
        : rootVolumeProblems(o.rootVolumeSize, o.machineImage !== undefined)),
      ...wholeNumberProblems('minCapacity', o.minCapacity, 0),
      ...wholeNumberProblems('maxCapacity', o.maxCapacity, 1),
      ...wholeNumberProblems('desiredCapacity', o.desiredCapacity, 0),
      ...wholeNumberProblems('port', o.port, 1, 65535),
      ...wholeNumberProblems('rootVolumeSize', o.rootVolumeSize, 1),
      ...wholeNumberProblems('cpuTargetUtilization', o.cpuTargetUtilization, 1, 100),
      ...wholeNumberProblems('requestsPerTargetPerMinute', o.requestsPerTargetPerMinute, 1),
      ...capacityProblems({
        min: ['minCapacity', o.minCapacity ?? FLEET_DEFAULTS.min],
        max: ['maxCapacity', o.maxCapacity ?? FLEET_DEFAULTS.max],
        desired: ['desiredCapacity', o.desiredCapacity],
      }),
      ...protocolAndPathProblems(o),
    ];
  }

  public build(scope: Construct, id: string, site: FleetSite): BuiltFleet {
    const fleet = new AutoScalingFleet(scope, id, { ...site, options: this.options });
    return {
      targetGroup: fleet.targetGroup,
      autoScalingGroup: fleet.autoScalingGroup,
      role: fleet.role,
      grantee: fleet.role ? undefined : fleet.autoScalingGroup,
      watch: new AutoScalingWatch(fleet.autoScalingGroup),
    };
  }
}

interface AutoScalingFleetProps extends FleetSite {
  readonly options: AutoScalingFleetOptions;
}

/**
 * One target group for all tenants and the Auto Scaling group behind it: IMDSv2 only, an
 * encrypted root volume, SSM Session Manager instead of SSH, scaling on CPU and on requests.
 */
class AutoScalingFleet extends Construct {
  public readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  public readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** The app servers' role, when the gateway made their group. */
  public readonly role?: iam.IRole;

  constructor(scope: Construct, id: string, props: AutoScalingFleetProps) {
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
    this.targetGroup = addTargets(props, [this.autoScalingGroup], options);
    if (!options.autoScalingGroup) {
      this.autoScalingGroup.scaleOnCpuUtilization('CpuScaling', {
        targetUtilizationPercent: options.cpuTargetUtilization ?? FLEET_DEFAULTS.cpuTargetUtilization,
      });
      this.autoScalingGroup.scaleOnRequestCount('RequestScaling', {
        targetRequestsPerMinute: options.requestsPerTargetPerMinute ?? FLEET_DEFAULTS.requestsPerTargetPerMinute,
      });
    }
  }

  private makeGroup(vpc: ec2.IVpc, options: AutoScalingFleetOptions, role: iam.Role): autoscaling.AutoScalingGroup {
    acknowledgeNag(role, [{
      id: 'AwsSolutions-IAM4',
      reason: 'AmazonSSMManagedInstanceCore is what SSM Session Manager needs instead of SSH; AWS keeps it current.',
      appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore'],
    }]);
    const securityGroup = appSecurityGroup(this, vpc, {
      allowAllOutbound: options.allowAllOutbound,
      description: 'Gateway app servers: traffic from the load balancer only',
      httpsOutDescription: 'HTTPS out: package repositories, SSM Session Manager, AWS APIs',
    });
    const launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      instanceType: options.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.SMALL),
      machineImage: options.machineImage ?? ec2.MachineImage.latestAmazonLinux2023(),
      userData: options.userData ?? this.placeholderApp(options),
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
      minCapacity: options.minCapacity ?? FLEET_DEFAULTS.min,
      maxCapacity: options.maxCapacity ?? FLEET_DEFAULTS.max,
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

  /**
   * With neither an image nor user data of the user's, nothing would start an app and every
   * target would fail its health check: the placeholder app answers it and shows each request's
   * Host, so a first deploy is visibly working, and a warning says it is a placeholder.
   */
  private placeholderApp(options: AutoScalingFleetOptions): ec2.UserData | undefined {
    if (options.machineImage) return undefined;
    Annotations.of(this).addWarningV2('cdk-multi-tenant-gateway:placeholder-app',
      'The fleet runs a placeholder app that answers every request with the Host it was asked for. ' +
      'Give it your app with `Fleet.autoScaling({ userData })` (or `machineImage`, `Fleet.ecsFargate({ image })`), ' +
      `or keep the placeholder with \`Annotations.of(gateway).acknowledgeWarning('${PLACEHOLDER_APP_WARNING}')\`.`);
    return placeholderUserData(fleetPort(options), options.protocol === elbv2.ApplicationProtocol.HTTPS);
  }
}
