// Builds a gateway from its resolved configuration and plan: logs, network, certificates, origin
// and fleet, the shared edge policies, one TenantShard per shard, then what watches them.
import { Arn, CfnResource, NestedStack, RemovalPolicies, Stack } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { chainInWaves, changeWaves } from './waves';
import { knownNames } from '../../certificates/private/certificate-builders';
import { DEFAULT_ORIGIN_PARAMETER } from '../../control-plane/cell-origins';
import { TenantControlPlane } from '../../control-plane/tenant-control-plane';
import { addDnsTargetOutputs } from '../../edge/private/dns-target-outputs';
import { OriginDomainParameter, PathSettings, ShardEdge } from '../../edge/private/edge-binding';
import { EdgePolicies } from '../../edge/private/policies';
import { SharedAssets } from '../../edge/private/shared-assets';
import { TenantShard } from '../../edge/private/tenant-shard';
import { placementRecordOf } from '../../moves/placement-record';
import { DomainMoves } from '../../moves/private/domain-moves';
import { PlacementGuard } from '../../moves/private/placement-guard';
import { GatewayObservability } from '../../observability/observability';
import { BuiltCell, buildLocalCell, CellSite } from '../../origin/private/cell-binding';
import { BuiltFleet } from '../../origin/private/fleet-binding';
import { GatewayOrigin } from '../../origin/private/gateway-origin';
import { LogBucket } from '../../private/logging';
import { acknowledgeCheckov, acknowledgeNag } from '../../private/nag';
import { blockOf } from '../../quotas/blocks';
import { DEFAULT_CELL } from '../../tenants/tenants';
import { GatewayPlan, ShardPlan } from '../plan';
import { GatewayConfig } from '../resolve';

/** Shards per nested stack of the middle layer: the 500 distributions an account may have make 10 blocks. */
export const SHARDS_PER_BLOCK = 50;

/** What the gateway exposes of what was built. */
export interface GatewayParts {
  readonly vpc: ec2.IVpc;
  readonly logBucket?: s3.IBucket;
  readonly distributionLogBucket?: s3.IBucket;
  readonly origin: GatewayOrigin;
  readonly fleet: BuiltFleet;
  /** Every cell, the default one first. */
  readonly cells: BuiltCell[];
  readonly policies: EdgePolicies;
  /** The bucket shared paths are served from, when they go to one. */
  readonly sharedPathsBucket?: s3.IBucket;
  readonly shards: TenantShard[];
  readonly distributions: cloudfront.IDistribution[];
  readonly observability: GatewayObservability;
  readonly originSecret?: secretsmanager.ISecret;
  readonly controlPlane?: TenantControlPlane;
}

export function buildGateway(gateway: Construct, config: GatewayConfig, plan: GatewayPlan): GatewayParts {
  const logBucket = config.logBucket ?? (config.loadBalancerAccessLogs || config.vpcFlowLogs
    ? new LogBucket(gateway, 'LogBucket', {
      purpose: 'load balancer access logs and VPC flow logs', retention: config.logRetention, destroyOnRemoval: config.destroyOnRemoval,
    }).bucket
    : undefined);
  const distributionLogBucket = config.distributionLogBucket ?? (config.distributionLogging
    ? new LogBucket(gateway, 'DistributionLogBucket', {
      purpose: 'CloudFront standard logs', objectWriterAcls: true, retention: config.logRetention, destroyOnRemoval: config.destroyOnRemoval,
    }).bucket
    : undefined);
  const vpc = config.vpc ?? makeVpc(gateway, config, logBucket);

  const certificates = config.certificates!.build(gateway, { tenants: config.tenants, quotas: config.quotas, edge: config.edge, plan });
  const site: CellSite = {
    vpc,
    certificates: certificates.loadBalancerCertificates,
    access: config.originAccess,
    distributionsPerVpcOrigin: config.quotas.distributionsPerVpcOrigin,
    accessLogBucket: config.loadBalancerAccessLogs ? logBucket : undefined,
    deletionProtection: config.loadBalancerDeletionProtection,
    originShieldRegion: config.originShieldRegion,
  };
  // The default cell keeps the ids the gateway's origin and fleet had before cells.
  const home = buildLocalCell(gateway, DEFAULT_CELL, config.fleet, site);
  const origin = home.origin!;
  const fleet = home.fleet!;
  const cellsScope = config.cells.length > 0 ? new Construct(gateway, 'Cells') : undefined;
  const cells = [home, ...config.cells.map(cell => cell.build(cellsScope!, site, origin.access))];
  const cellOf = new Map(cells.map(cell => [cell.name, cell]));
  // With one distribution for every cell, a distribution tenant routes to its cell by the origin
  // domain parameter, the default cell's domain unless it sets it (secret-header access only).
  const parameterized = config.cells.length > 0 && config.edge.shape.oneDistribution;
  const originDomain: OriginDomainParameter | undefined = parameterized ? {
    name: DEFAULT_ORIGIN_PARAMETER,
    defaultValue: home.domainName,
    valueFor: cell => (cell === undefined || cell === DEFAULT_CELL ? undefined : cellOf.get(cell)!.domainName),
    cellOrigins: Object.fromEntries(config.cells.map(cell => [cell.name, cellOf.get(cell.name)!.domainName])),
  } : undefined;

  const policies = new EdgePolicies(gateway, 'Policies', config.cache, config.quotas, config.responseHeadersPolicy);
  const sharedAssets = config.cache.sharedPaths.length > 0 && config.cache.sharedPathsOrigin.bucket
    ? new SharedAssets(gateway, 'SharedPaths', config.cache.sharedPathsOrigin, config.originShieldRegion)
    : undefined;
  const loadBalancerNames = certificates.loadBalancerCertificates.map(knownNames);
  const edge = config.edge.bind(gateway, {
    hostedZone: config.hostedZone,
    originDomain,
    loadBalancerNames: loadBalancerNames.every(names => names !== undefined) ? loadBalancerNames.flatMap(names => names!) : undefined,
    settingsFor: (distribution, cell) => {
      const appOrigin = originDomain ? origin.access.originTo(`{{${originDomain.name}}}`)!
        : cellOf.get(cell ?? DEFAULT_CELL)!.originFor(distribution);
      const originRequestPolicy = policies.originRequestPolicies.for(distribution);
      return {
        origin: appOrigin,
        cachePolicy: policies.cachePolicies.for(distribution),
        originRequestPolicy,
        responseHeadersPolicy: policies.responseHeadersPolicies.for(distribution),
        certificate: certificates.certificateFor(distribution),
        webAclId: config.webAclId,
        logBucket: distributionLogBucket,
        pathBehaviors: pathBehaviors(config, policies, distribution, { appOrigin, originRequestPolicy, sharedAssets }),
      };
    },
  });
  const shards = buildShards(gateway, config, plan, edge);
  addDnsTargetOutputs(gateway, shards, config.edge.shape);

  const homes = [...edge.sharedHomes, ...shards.flatMap(s => (s.home ? [s.home] : []))];
  const observability = GatewayObservability._watch(gateway, 'Observability', {
    options: config.observability,
    homes,
    loadBalancer: origin.loadBalancer,
    targetGroup: fleet.targetGroup,
    fleet: fleet.watch,
    cells: cells.filter(cell => cell.origin && cell.fleet && cell.name !== DEFAULT_CELL).map(cell => ({
      name: cell.name, loadBalancer: cell.origin!.loadBalancer, targetGroup: cell.fleet!.targetGroup, fleet: cell.fleet!.watch,
    })),
  });
  for (const cell of cells.filter(c => c.fleet)) {
    const idSuffix = cell.name === DEFAULT_CELL ? '' : `-${cell.name}`;
    grantFleet(gateway, cell.fleet!, `TenantConfigReadPolicy${idSuffix}`, 'Gateway app servers: read the tenant config parameters', new iam.PolicyStatement({
      actions: ['ssm:GetParametersByPath'],
      resources: [Arn.format({ service: 'ssm', resource: 'parameter', resourceName: config.tenantConfigPath.slice(1) }, Stack.of(gateway))],
    }));
    // Store tenants' config is in the tenant store: the app looks a host up there.
    if (edge.controlPlane) {
      grantFleet(gateway, cell.fleet!, `TenantStoreLookupPolicy${idSuffix}`, 'Gateway app servers: look store tenants up by host',
        new iam.PolicyStatement({ actions: ['dynamodb:GetItem'], resources: [edge.controlPlane.table.tableArn] }));
    }
  }
  // A development gateway goes whole with its stack: keys, secrets and the rest are deleted too.
  if (config.destroyOnRemoval) RemovalPolicies.of(gateway).destroy();
  return {
    vpc,
    logBucket,
    distributionLogBucket,
    origin,
    fleet,
    cells,
    policies,
    sharedPathsBucket: sharedAssets?.bucket,
    shards,
    distributions: [...new Set(shards.map(s => s.distribution))],
    observability,
    originSecret: origin.access.secret,
    controlPlane: edge.controlPlane,
  };
}

/**
 * Distribution n's cache behaviours besides the default one: the shared paths (Host out of the
 * key; to the bucket with only the key forwarded, or to the app with the whole viewer request, as
 * CloudFront reaches the load balancer by the viewer's Host), then the path behaviours.
 */
function pathBehaviors(config: GatewayConfig, policies: EdgePolicies, distribution: number, origins: {
  appOrigin: cloudfront.IOrigin; originRequestPolicy: cloudfront.IOriginRequestPolicy; sharedAssets?: SharedAssets;
}): PathSettings[] {
  const shared = policies.sharedPathsCachePolicies?.for(distribution);
  const sharedOrigin = origins.sharedAssets?.origin() ?? origins.appOrigin;
  const sharedRequestPolicy = origins.sharedAssets ? undefined : origins.originRequestPolicy;
  return [
    ...config.cache.sharedPaths.map((pathPattern): PathSettings => ({
      pathPattern,
      origin: sharedOrigin,
      cachePolicy: shared!,
      originRequestPolicy: sharedRequestPolicy,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
      cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD,
    })),
    ...config.cache.behaviors.map((behavior, b): PathSettings => ({
      pathPattern: behavior.pathPattern,
      origin: origins.appOrigin,
      cachePolicy: policies.behaviorCachePolicies[b].for(distribution),
      originRequestPolicy: origins.originRequestPolicy,
      allowedMethods: behavior.allowedMethods,
      cachedMethods: behavior.cachedMethods,
    })),
  ];
}

/**
 * One TenantShard per shard, in blocks of SHARDS_PER_BLOCK (a nested stack each, so the parent
 * holds one resource per block, not per shard: 500 shards fit). A shard's block is fixed by its
 * index, so no shard ever moves to another template (which would replace its distribution).
 * CloudFront throttles changes across the account, so blocks, the shards of a block and the
 * CloudFront resources of a shard go in waves that keep what changes at once within
 * `maxConcurrentEdgeChanges` (see changeWaves).
 */
function buildShards(gateway: Construct, config: GatewayConfig, plan: GatewayPlan, edge: ShardEdge): TenantShard[] {
  const byBlock = new Map<number, ShardPlan[]>();
  for (const shardPlan of plan.shards) {
    const b = blockOf(shardPlan.index, SHARDS_PER_BLOCK);
    byBlock.set(b, [...byBlock.get(b) ?? [], shardPlan]);
  }
  const perShard = config.edge.shape.oneDistribution ? config.quotas.domainsPerDistribution : 1;
  const waves = changeWaves(config.maxConcurrentEdgeChanges, byBlock.size, SHARDS_PER_BLOCK, perShard);
  const blocks: NestedStack[] = [];
  const shards: TenantShard[] = [];
  for (const [b, shardPlans] of [...byBlock].sort(([x], [y]) => x - y)) {
    const lane = waves.lanes[blocks.length % waves.blockLanes];
    const block = new NestedStack(gateway, `Block${b}`, {
      description: `cdk-multi-tenant-gateway: tenant shards ${b * SHARDS_PER_BLOCK} to ${(b + 1) * SHARDS_PER_BLOCK - 1}`,
    });
    blocks.push(block);
    const inBlock = shardPlans.map(shardPlan => {
      const shard = new TenantShard(block, `Shard${shardPlan.index}`, { plan: shardPlan, edge, tenantConfigPath: config.tenantConfigPath });
      if (perShard > 1) chainInWaves(distributionTenantsOf(shard), lane.perShardAtOnce, (tenant, on) => tenant.addDependency(on));
      return shard;
    });
    chainInWaves(inBlock, lane.shardsAtOnce, (shard, on) => shard.node.addDependency(on));
    shards.push(...inBlock);
  }
  chainInWaves(blocks, waves.blockLanes, (block, on) => block.node.addDependency(on));
  // The placement guard runs before every block and every move: a deploy it refuses changes nothing.
  const guard = new PlacementGuard(gateway, 'PlacementGuard', placementRecordOf({
    placements: plan.placements,
    moves: plan.moves,
    distributionTenants: config.edge.shape.distributionTenants,
    handOffs: Object.fromEntries(config.tenants.filter(t => t.handOff !== undefined).map(t => [t.id, t.handOff!])),
  }));
  for (const block of blocks) block.node.addDependency(guard.resource);
  // Declared moves run around the blocks of their targets and sources (see DomainMoves).
  if (plan.moves.length > 0) {
    const byIndex = new Map(shards.map(shard => [shard.index, shard]));
    new DomainMoves(gateway, 'DomainMoves', plan.moves, { shardOf: index => byIndex.get(index) }).node.addDependency(guard.resource);
  }
  return shards;
}

/** The distribution tenants a shard made, in the order it made them (its tenants' order). */
function distributionTenantsOf(shard: TenantShard): cloudfront.CfnDistributionTenant[] {
  return shard.node.children.filter((c): c is cloudfront.CfnDistributionTenant => c instanceof cloudfront.CfnDistributionTenant);
}

function makeVpc(gateway: Construct, config: GatewayConfig, logBucket?: s3.IBucket): ec2.Vpc {
  const zones = config.availabilityZones;
  const vpc = withStackZones(Stack.of(gateway), zones, () => new ec2.Vpc(gateway, 'Vpc', {
    ...(zones ? { availabilityZones: [...zones] } : { maxAzs: 2 }),
    natGateways: config.natGateways ?? 1,
    // Closes the default security group (aws-cdk-lib's custom resource); its function's findings
    // are acknowledged in acknowledgeVpc.
    restrictDefaultSecurityGroup: config.restrictDefaultSecurityGroup,
    // Nothing in the public subnets needs a public address of its own (NAT gateways and
    // load balancers get theirs), so none is handed out.
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, mapPublicIpOnLaunch: false },
      { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    ],
  }));
  acknowledgeVpc(vpc);
  if (config.vpcFlowLogs) {
    vpc.addFlowLog('FlowLogs', { destination: ec2.FlowLogDestination.toS3(logBucket, 'vpc-flow-logs/') });
  }
  return vpc;
}

/**
 * Runs `build` with the stack's zones reading as `zones`, when given. aws-cdk-lib's Vpc checks
 * given zones against `stack.availabilityZones`, whose lookup needs AWS credentials at synth time
 * for a stack with a concrete env; zones the user named need no lookup. The stack is restored after.
 */
function withStackZones<T>(stack: Stack, zones: readonly string[] | undefined, build: () => T): T {
  if (zones === undefined) return build();
  const own = Object.getOwnPropertyDescriptor(stack, 'availabilityZones');
  Object.defineProperty(stack, 'availabilityZones', { value: [...zones], configurable: true });
  try {
    return build();
  } finally {
    if (own) Object.defineProperty(stack, 'availabilityZones', own);
    else delete (stack as { availabilityZones?: string[] }).availabilityZones;
  }
}

/** Records the by-design findings on what the VPC is made of. */
function acknowledgeVpc(vpc: ec2.Vpc): void {
  // aws-cdk-lib's function that closes the default security group (one per stack): it runs only
  // at deployment, a few EC2 calls. Its runtime is raised from nodejs20.x, whose creation AWS
  // disables in February 2027; its handler needs only the SDK v3 client every Node.js runtime has.
  const provider = Stack.of(vpc).node.tryFindChild('Custom::VpcRestrictDefaultSGCustomResourceProvider');
  const handler = provider?.node.tryFindChild('Handler');
  if (handler instanceof CfnResource && !handler.getMetadata('checkov')) {
    handler.addPropertyOverride('Runtime', 'nodejs22.x');
    const why = 'aws-cdk-lib\'s custom resource that closes the VPC\'s default security group: it runs only at deployment, ' +
      'called by CloudFormation, which retries and reports its failures';
    acknowledgeCheckov(handler, 'CKV_AWS_115', `${why}; no concurrency to reserve.`);
    acknowledgeCheckov(handler, 'CKV_AWS_116', `${why}; no event is lost, so no dead-letter queue.`);
    acknowledgeCheckov(handler, 'CKV_AWS_117', `${why}; it calls only the EC2 API, so it needs no VPC.`);
  }
  for (const subnet of vpc.publicSubnets) {
    const route = subnet.node.tryFindChild('DefaultRoute');
    if (route) {
      acknowledgeNag(route, [{
        id: 'NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW',
        reason: 'A public subnet\'s route to the internet gateway: its NAT gateway (the app servers\' way out) and, in ' +
          'secret-header mode, the internet-facing load balancer need it. The app servers sit in private subnets.',
      }]);
    }
  }
}

/**
 * Grants the app servers what looking a tenant up takes: a managed policy on the role the gateway
 * made (instance or task role), else a statement on the principal you brought (your group's or
 * service's role, or the `grantee` of targets).
 */
function grantFleet(scope: Construct, fleet: BuiltFleet, id: string, description: string, statement: iam.PolicyStatement): void {
  if (fleet.role) {
    new iam.ManagedPolicy(scope, id, { description, statements: [statement], roles: [fleet.role] });
  } else {
    fleet.grantee?.grantPrincipal.addToPrincipalPolicy(statement);
  }
}
