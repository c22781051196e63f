import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { addTargets, appSecurityGroup, BuiltFleet, FLEET_DEFAULTS, FleetBinding, FleetCheckSite, FleetSite, fleetPort } from './fleet-binding';
import { broughtVpcProblems, capacityProblems, protocolAndPathProblems, wholeNumberProblems } from './fleet-problems';
import { EcsServiceWatch } from '../../observability/private/fleet-watch';
import { acknowledgeCheckov, acknowledgeNag } from '../../private/nag';
import { show } from '../../private/problems';
import type { EcsFargateFleetOptions, EcsServiceFleetOptions } from '../fleet';

/** Fargate's task sizes: the memory (MiB) each number of CPU units allows. */
const FARGATE_MEMORY: Record<number, { least: number; most: number; step: number; also?: number[] }> = {
  256: { least: 1024, most: 2048, step: 1024, also: [512] },
  512: { least: 1024, most: 4096, step: 1024 },
  1024: { least: 2048, most: 8192, step: 1024 },
  2048: { least: 4096, most: 16384, step: 1024 },
  4096: { least: 8192, most: 30720, step: 1024 },
  8192: { least: 16384, most: 61440, step: 4096 },
  16384: { least: 32768, most: 122880, step: 8192 },
};

/** `cpu` is a Fargate task size and `memoryLimitMiB` one it allows. */
export function fargateSizeProblems(cpu: number, memory: number): string[] {
  const sizes = FARGATE_MEMORY[cpu];
  if (sizes === undefined) {
    return [`\`fleet.cpu\` must be one of Fargate's task sizes (${Object.keys(FARGATE_MEMORY).join(', ')} CPU units), got ${show(cpu)}`];
  }
  const fits = (sizes.also ?? []).includes(memory) ||
    (Number.isInteger(memory) && memory >= sizes.least && memory <= sizes.most && (memory - sizes.least) % sizes.step === 0);
  if (fits) return [];
  const allowed = [...(sizes.also ?? []).map(String), `${sizes.least} to ${sizes.most} in steps of ${sizes.step}`].join(', ');
  return [`\`fleet.memoryLimitMiB\` ${show(memory)} does not go with \`fleet.cpu\` ${cpu} on Fargate, which allows ${allowed} MiB`];
}

/**
 * A name in both `environment` and `secrets`: ECS refuses to register such a task definition
 * ("The secret name must be unique and not shared with any new or existing environment variables").
 */
export function environmentProblems(environment: { [name: string]: string } | undefined, secrets: { [name: string]: unknown } | undefined): string[] {
  const both = Object.keys(environment ?? {}).filter(name => Object.prototype.hasOwnProperty.call(secrets ?? {}, name));
  return both.length === 0 ? [] : [`\`fleet.environment\` and \`fleet.secrets\` both set ${both.map(name => `"${name}"`).join(', ')}; ` +
    'ECS refuses a container variable given both ways: keep each name in one of them (a secret in `secrets`)'];
}

/** The app as containers of an ECS service on Fargate that the gateway makes. */
export class EcsFargateFleetBinding implements FleetBinding {
  constructor(private readonly options: EcsFargateFleetOptions) {}

  public problems(): string[] {
    const o = this.options;
    return [
      ...(o.image === undefined ? ['`fleet.image` is missing: Fleet.ecsFargate needs the app\'s container image'] : []),
      ...environmentProblems(o.environment, o.secrets),
      ...wholeNumberProblems('minTasks', o.minTasks, 0),
      ...wholeNumberProblems('maxTasks', o.maxTasks, 1),
      ...wholeNumberProblems('desiredTasks', o.desiredTasks, 0),
      ...wholeNumberProblems('port', o.port, 1, 65535),
      ...wholeNumberProblems('cpuTargetUtilization', o.cpuTargetUtilization, 1, 100),
      ...wholeNumberProblems('requestsPerTargetPerMinute', o.requestsPerTargetPerMinute, 1),
      ...capacityProblems({
        min: ['minTasks', o.minTasks ?? FLEET_DEFAULTS.min],
        max: ['maxTasks', o.maxTasks ?? FLEET_DEFAULTS.max],
        desired: ['desiredTasks', o.desiredTasks],
      }),
      ...fargateSizeProblems(o.cpu ?? 512, o.memoryLimitMiB ?? 1024),
      ...protocolAndPathProblems(o),
    ];
  }

  public build(scope: Construct, id: string, site: FleetSite): BuiltFleet {
    const fleet = new EcsFargateFleet(scope, id, { ...site, options: this.options });
    return {
      targetGroup: fleet.targetGroup,
      ecsService: fleet.service,
      role: fleet.service.taskDefinition.taskRole,
      watch: new EcsServiceWatch({
        service: fleet.service,
        targetGroup: fleet.targetGroup,
        maxTasks: this.options.maxTasks ?? FLEET_DEFAULTS.max,
        containerInsights: this.options.containerInsights ?? false,
      }),
    };
  }
}

interface EcsFargateFleetProps extends FleetSite {
  readonly options: EcsFargateFleetOptions;
}

/**
 * A cluster of its own with one Fargate service in the private subnets: its security group admits
 * only the load balancer, on the container port, and sends HTTPS out only; logs go to CloudWatch
 * Logs; a failed deployment rolls back; it scales on CPU and on requests per task.
 */
class EcsFargateFleet extends Construct {
  public readonly service: ecs.FargateService;
  public readonly targetGroup: elbv2.ApplicationTargetGroup;

  constructor(scope: Construct, id: string, props: EcsFargateFleetProps) {
    super(scope, id);
    const options = props.options;
    const port = fleetPort(options);
    const insights = options.containerInsights ?? false;
    const cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: props.vpc,
      containerInsightsV2: insights ? ecs.ContainerInsights.ENABLED : ecs.ContainerInsights.DISABLED,
    });
    if (!insights) {
      acknowledgeNag(cluster, [{
        id: 'AwsSolutions-ECS4',
        reason: 'Container Insights is opt-in (`fleet.containerInsights`), as it is billed per metric; the service\'s CPU and memory ' +
          'and the target group\'s health are graphed and alarmed on without it.',
      }]);
      acknowledgeCheckov(cluster, 'CKV_AWS_65', 'Container Insights is opt-in (`fleet.containerInsights`), as it is billed per metric; ' +
        'the service\'s CPU and memory and the target group\'s health are graphed and alarmed on without it.');
    }
    const taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', {
      cpu: options.cpu ?? 512,
      memoryLimitMiB: options.memoryLimitMiB ?? 1024,
    });
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: options.logRetention ?? logs.RetentionDays.ONE_MONTH });
    acknowledgeCheckov(logGroup, 'CKV_AWS_158', 'CloudWatch Logs encrypts the app\'s logs at rest with its own key; for a customer managed ' +
      'key, log to a group of yours from a service you bring (`Fleet.ecsService`).');
    taskDefinition.addContainer('App', {
      image: options.image,
      portMappings: [{ containerPort: port }],
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'app' }),
      environment: options.environment,
      secrets: options.secrets,
    });
    acknowledgeImagePull(taskDefinition);
    const securityGroup = appSecurityGroup(this, props.vpc, {
      allowAllOutbound: options.allowAllOutbound,
      description: 'Gateway app tasks: traffic from the load balancer only',
      httpsOutDescription: 'HTTPS out: image pulls, AWS APIs',
    });
    this.service = new ecs.FargateService(this, 'Service', {
      cluster,
      taskDefinition,
      desiredCount: options.desiredTasks ?? options.minTasks ?? FLEET_DEFAULTS.min,
      securityGroups: [securityGroup],
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      assignPublicIp: false,
      // Keep full capacity while a deployment replaces tasks.
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { rollback: true },
    });
    this.targetGroup = addTargets(props, [this.service], options);
    const scaling = this.service.autoScaleTaskCount({
      minCapacity: options.minTasks ?? FLEET_DEFAULTS.min,
      maxCapacity: options.maxTasks ?? FLEET_DEFAULTS.max,
    });
    scaling.scaleOnCpuUtilization('CpuScaling', { targetUtilizationPercent: options.cpuTargetUtilization ?? FLEET_DEFAULTS.cpuTargetUtilization });
    scaling.scaleOnRequestCount('RequestScaling', {
      requestsPerTarget: options.requestsPerTargetPerMinute ?? FLEET_DEFAULTS.requestsPerTargetPerMinute,
      targetGroup: this.targetGroup,
    });
  }
}

/**
 * Pulling from ECR needs `ecr:GetAuthorizationToken`, which has no resource-level permissions:
 * the one `*` of the execution role the gateway made.
 */
function acknowledgeImagePull(taskDefinition: ecs.TaskDefinition): void {
  const policy = taskDefinition.executionRole?.node.tryFindChild('DefaultPolicy');
  if (!policy) return;
  acknowledgeNag(policy, [{
    id: 'AwsSolutions-IAM5',
    reason: 'ecr:GetAuthorizationToken, which pulling the image from ECR needs, takes no resource but "*"; ' +
      'the other statements name the repository, log group and secrets.',
    appliesTo: ['Resource::*'],
  }]);
}

/** An ECS service of the user's, only registered with the target group. */
export class EcsServiceFleetBinding implements FleetBinding {
  constructor(private readonly service: ecs.BaseService, private readonly options: EcsServiceFleetOptions) {}

  public problems(site: FleetCheckSite): string[] {
    const o = this.options;
    return [
      ...broughtVpcProblems('`fleet` (Fleet.ecsService)', this.service.cluster.vpc.vpcId, site),
      ...wholeNumberProblems('port', o.port, 1, 65535),
      ...this.containerProblems(),
      ...protocolAndPathProblems(o),
    ];
  }

  public build(_scope: Construct, _id: string, site: FleetSite): BuiltFleet {
    const o = this.options;
    const target = o.containerName === undefined
      ? this.service
      : this.service.loadBalancerTarget({ containerName: o.containerName, containerPort: o.port });
    const targetGroup = addTargets(site, [target], o);
    return {
      targetGroup,
      ecsService: this.service,
      grantee: this.service.taskDefinition.taskRole,
      watch: new EcsServiceWatch({ service: this.service, targetGroup, containerInsights: false }),
    };
  }

  /** The container named exists and maps the port given; without a name, the default container maps a port. */
  private containerProblems(): string[] {
    const { containerName, port } = this.options;
    const taskDefinition = this.service.taskDefinition;
    const container = containerName === undefined ? taskDefinition.defaultContainer : taskDefinition.findContainer(containerName);
    if (container === undefined) {
      return [containerName === undefined
        ? '`fleet` (Fleet.ecsService) has a task definition without containers'
        : `\`fleet.containerName\` ${show(containerName)} is not a container of the service's task definition`];
    }
    if (containerName !== undefined && port !== undefined && container.findPortMapping(port, ecs.Protocol.TCP) === undefined) {
      return [`\`fleet.port\` ${port} is not a TCP port mapping of container ${show(containerName)}; add it with \`addPortMappings\``];
    }
    if (container.portMappings.length === 0) {
      return [`container ${show(container.containerName)} of the \`fleet\` service maps no port for the load balancer to reach; add one with \`addPortMappings\``];
    }
    return [];
  }
}
