import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AutoScalingFleetBinding } from './private/auto-scaling-fleet';
import { EcsFargateFleetBinding, EcsServiceFleetBinding } from './private/ecs-fleet';
import { FleetBinding } from './private/fleet-binding';
import { TargetsFleetBinding } from './private/targets-fleet';

/** What every fleet takes: how the load balancer's one target group reaches the app. */
export interface FleetOptions {
  /**
   * The protocol from the load balancer to the app: `HTTP` (TLS ends at the load balancer; the
   * hop stays inside the VPC, between two security groups that admit only each other), or
   * `HTTPS` to encrypt that hop too. With HTTPS the app must serve TLS on `port`, with any
   * certificate (the load balancer does not validate it), and its health check is made over HTTPS.
   * Not for a Lambda function target, whose target group has no protocol.
   * @default ApplicationProtocol.HTTP
   */
  readonly protocol?: elbv2.ApplicationProtocol;

  /**
   * The port the app listens on: on the instances, in the container, or on the IP targets.
   * Not for a Lambda function target, whose target group has no port.
   * @default - 80 with HTTP, 443 with HTTPS
   */
  readonly port?: number;

  /**
   * The path the target group's health check requests. Lambda targets are health-checked only
   * when it is given (each check invokes the function).
   * @default "/" (Lambda targets: no health check)
   */
  readonly healthCheckPath?: string;
}

/** Options for `Fleet.autoScaling`: EC2 app servers in an Auto Scaling group. */
export interface AutoScalingFleetOptions extends FleetOptions {
  /**
   * Bring your own Auto Scaling group instead; the gateway only registers it with the target
   * group. The other fleet options, which shape a group the gateway makes, must then be left out.
   * The group must run in the gateway's `vpc` (a target group registers instances of its own VPC only).
   * @default - the gateway makes one
   */
  readonly autoScalingGroup?: autoscaling.AutoScalingGroup;

  /**
   * The instance type of the app servers.
   * @default t3.small
   */
  readonly instanceType?: ec2.InstanceType;

  /**
   * The machine image the app servers boot.
   * @default - the latest Amazon Linux 2023
   */
  readonly machineImage?: ec2.IMachineImage;

  /**
   * Commands that install and start the app at boot.
   *
   * With neither `userData` nor `machineImage`, the instances run a placeholder app (Python 3 on
   * Amazon Linux 2023, nothing downloaded) that answers every path, the health check's included,
   * with a page showing the request's Host, so a first deploy serves every tenant domain; synth
   * warns `cdk-multi-tenant-gateway:placeholder-app` until you give your app or acknowledge it.
   * @default - with a `machineImage`, none (the image starts the app); without one, the placeholder app
   */
  readonly userData?: ec2.UserData;

  /**
   * The fewest app servers the group keeps, whatever the load.
   * @default 2
   */
  readonly minCapacity?: number;

  /**
   * The most app servers the group scales out to.
   * @default 10
   */
  readonly maxCapacity?: number;

  /**
   * The app servers the group starts with; scaling moves it between min and max afterwards.
   * @default - minCapacity at first; scaling decides after that
   */
  readonly desiredCapacity?: number;

  /**
   * Let the app servers connect anywhere on any port. Off, their security group allows HTTPS
   * (443) out only, which is what the package repositories, SSM Session Manager and AWS APIs
   * need (DNS, NTP and instance metadata are never filtered by security groups); open other
   * ports one by one with `gateway.autoScalingGroup.connections.allowTo(...)`.
   * @default false
   */
  readonly allowAllOutbound?: boolean;

  /**
   * Detailed (one-minute) EC2 monitoring of the app servers, so CPU scaling and the dashboard
   * react within minutes. Billed per instance (see CloudWatch pricing).
   * @default true
   */
  readonly detailedMonitoring?: boolean;

  /**
   * Size of the encrypted root volume, in GiB. EC2 refuses a root volume smaller than the image's
   * snapshot: with the default image (Amazon Linux 2023, an 8 GiB snapshot) a smaller size is
   * refused at synth; with a `machineImage` of yours the gateway cannot know its snapshot and
   * assumes the size fits it.
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

/** Options for `Fleet.ecsFargate`: the app as containers in an ECS service on Fargate. */
export interface EcsFargateFleetOptions extends FleetOptions {
  /** The app's container image; it must listen on `port`. */
  readonly image: ecs.ContainerImage;

  /**
   * The task's vCPU units: 256, 512, 1024, 2048, 4096, 8192 or 16384. Each allows its own range
   * of `memoryLimitMiB` (Fargate's task sizes).
   * @default 512
   */
  readonly cpu?: number;

  /**
   * The task's memory, in MiB, within what `cpu` allows: 512 to 2048 for 256 units, 1024 to 4096
   * for 512, 2048 to 8192 for 1024, 4096 to 16384 for 2048, 8192 to 30720 for 4096 (in steps of
   * 1024), 16384 to 61440 for 8192 (steps of 4096), 32768 to 122880 for 16384 (steps of 8192).
   * @default 1024
   */
  readonly memoryLimitMiB?: number;

  /**
   * Environment variables of the container, in plain text in the task definition (cdk-nag
   * AwsSolutions-ECS2 reports them); put anything secret in `secrets`. A name may not be in both
   * (ECS refuses the task definition).
   * @default - none
   */
  readonly environment?: { [name: string]: string };

  /**
   * Environment variables of the container read from Secrets Manager or SSM Parameter Store
   * when a task starts; the task's execution role is granted read of them.
   * @default - none
   */
  readonly secrets?: { [name: string]: ecs.Secret };

  /**
   * The fewest tasks the service keeps, whatever the load.
   * @default 2
   */
  readonly minTasks?: number;

  /**
   * The most tasks the service scales out to.
   * @default 10
   */
  readonly maxTasks?: number;

  /**
   * The tasks the service starts with; scaling moves it between min and max afterwards.
   * @default - minTasks
   */
  readonly desiredTasks?: number;

  /**
   * Average CPU utilization, in percent, the service scales to keep.
   * @default 60
   */
  readonly cpuTargetUtilization?: number;

  /**
   * Load balancer requests per task per minute the service scales to keep.
   * @default 1000
   */
  readonly requestsPerTargetPerMinute?: number;

  /**
   * CloudWatch Container Insights on the cluster: task, memory and network metrics per task,
   * and the dashboard's running-task count. Opt-in, as it is billed per metric and log data (see
   * CloudWatch pricing); without it the dashboard graphs the service's CPU and memory and counts
   * healthy targets.
   * @default false
   */
  readonly containerInsights?: boolean;

  /**
   * How long to keep the container's logs (stdout and stderr, in a CloudWatch Logs log group
   * encrypted with CloudWatch Logs' own key; for a customer managed key, bring your service with
   * `Fleet.ecsService`).
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Let the tasks connect anywhere on any port. Off, their security group allows HTTPS (443) out
   * only, which is what image pulls, AWS APIs and most web services need; open other ports one
   * by one with `gateway.ecsService.connections.allowTo(...)`.
   * @default false
   */
  readonly allowAllOutbound?: boolean;
}

/** Options for `Fleet.ecsService`. */
export interface EcsServiceFleetOptions extends FleetOptions {
  /**
   * The container the load balancer sends requests to, on `port`.
   * @default - the task definition's first container, on its first port mapping
   */
  readonly containerName?: string;
}

/** Options for `Fleet.targets`. */
export interface TargetsFleetOptions extends FleetOptions {
  /**
   * Who is granted read of the tenant config parameters (and, with a control plane, lookups in
   * its tenant store), e.g. the Lambda function of a `LambdaTarget`. The gateway cannot tell who
   * serves behind arbitrary targets.
   * @default - nobody: grant `ssm:GetParametersByPath` on `gateway.tenantConfigPath` (and
   * `dynamodb:GetItem` on `gateway.controlPlane.table`) yourself
   */
  readonly grantee?: iam.IGrantable;
}

/**
 * The app behind the load balancer: what the gateway's one target group sends every tenant's
 * requests to. Whatever the fleet, the gateway grants it read of the tenant config parameters
 * and, with a control plane, lookups in its tenant store (except `targets` without a `grantee`), and its security group admits the load balancer only,
 * on the app's port.
 */
export abstract class Fleet {
  /**
   * EC2 app servers in an Auto Scaling group, in the VPC's private subnets: IMDSv2 only, an
   * encrypted gp3 root volume, SSM Session Manager instead of SSH, detailed monitoring, HTTPS
   * out only, scaling on CPU and on requests per target. Or your own group, only registered.
   */
  public static autoScaling(options: AutoScalingFleetOptions = {}): Fleet {
    return new AutoScalingFleet(options);
  }

  /**
   * The app as containers of an ECS service on Fargate, in a cluster of its own in the VPC's
   * private subnets: logs to CloudWatch Logs, a deployment circuit breaker that rolls a failed
   * deployment back, HTTPS out only, scaling on CPU and on requests per target.
   */
  public static ecsFargate(options: EcsFargateFleetOptions): Fleet {
    return new EcsFargateFleet(options);
  }

  /**
   * An ECS service of your own (Fargate or EC2), registered with the target group; its task role
   * is granted read of the tenant config. Its size, scaling and logs stay yours. The load
   * balancer is admitted to its security groups on the container port. Its cluster must be in
   * the gateway's `vpc`.
   */
  public static ecsService(service: ecs.BaseService, options: EcsServiceFleetOptions = {}): Fleet {
    return new EcsServiceFleet(service, options);
  }

  /**
   * Targets of your own: IP addresses (`IpTarget`), instances, or one Lambda function
   * (`LambdaTarget`, alone: a target group holds one function, and has no `port` or
   * `protocol`). The gateway only registers them: opening their security groups to the load
   * balancer (`gateway.loadBalancerSecurityGroup`) and granting read of the tenant config (or
   * `grantee`) is up to you. Targets are of one type (IP addresses or instances). An IP target is
   * an IPv4 address in the VPC, or one of 10.0.0.0/8, 100.64.0.0/10, 172.16.0.0/12 or
   * 192.168.0.0/16 outside it with availability zone "all" (ELB registers no publicly routable address).
   */
  public static targets(targets: elbv2.IApplicationLoadBalancerTarget[], options: TargetsFleetOptions = {}): Fleet {
    return new TargetsFleet(targets, options);
  }

  /** @internal */
  public abstract _bind(): FleetBinding;
}

class AutoScalingFleet extends Fleet {
  constructor(private readonly options: AutoScalingFleetOptions) {
    super();
  }

  public _bind(): FleetBinding {
    return new AutoScalingFleetBinding(this.options);
  }
}

class EcsFargateFleet extends Fleet {
  constructor(private readonly options: EcsFargateFleetOptions) {
    super();
  }

  public _bind(): FleetBinding {
    return new EcsFargateFleetBinding(this.options);
  }
}

class EcsServiceFleet extends Fleet {
  constructor(private readonly service: ecs.BaseService, private readonly options: EcsServiceFleetOptions) {
    super();
  }

  public _bind(): FleetBinding {
    return new EcsServiceFleetBinding(this.service, this.options);
  }
}

class TargetsFleet extends Fleet {
  constructor(private readonly targets: elbv2.IApplicationLoadBalancerTarget[], private readonly options: TargetsFleetOptions) {
    super();
  }

  public _bind(): FleetBinding {
    return new TargetsFleetBinding(this.targets, this.options);
  }
}
