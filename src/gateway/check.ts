// Every problem with the resolved configuration and its plan, for the gateway's one error. Reads
// only the configuration and the plan; warnings go on the gateway where a check cannot be made.
import { Annotations, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { GatewayPlan } from './plan';
import { claimDomains } from './private/claimed-domains';
import { claimTenantConfigPath } from './private/claimed-paths';
import { GatewayConfig } from './resolve';
import { cellRoomProblems } from '../control-plane/cell-origins';
import { cacheProblems, shadowedPathPatterns } from '../edge/cache';
import { originShieldRegionProblem } from '../edge/origin-shield-regions';
import { isWebAclArn, WEB_ACL_ARN_SHAPE } from '../edge/web-acl-arn';
import { observabilityProblems } from '../observability/private/checks';
import { availabilityZoneProblems, broughtVpcZoneProblems } from '../origin/private/availability-zones';
import { cellOriginShieldProblems } from '../origin/private/cell-origin-shield';
import { show } from '../private/problems';
import { tenantConfigPathProblems } from '../tenants/tenant-config';
import { cellNameProblems, DEFAULT_CELL } from '../tenants/tenants';
import { zoneProblems as domainsOutsideZone } from '../tenants/zone';

/** Every problem, in the order a user fixes them: inputs first, then what the plan found. */
export function gatewayProblems(gateway: Construct, config: GatewayConfig, plan: GatewayPlan): string[] {
  const check = { tenants: config.tenants, quotas: config.quotas, edge: config.edge, plan };
  return [
    ...config.quotaProblems,
    ...config.settingsProblems,
    // With a control plane, the tenants may all live in its store.
    ...(config.tenants.length === 0 && !config.edge.storesTenants ? [`${config.tenantsSource} has no tenants; a gateway needs at least one`] : []),
    ...cacheProblems(config.cache),
    ...warnShadowedPaths(gateway, config),
    ...sharedPathsOriginProblems(config),
    ...originShieldProblems(config),
    ...config.fleet.problems({ vpc: config.vpc }),
    ...cellProblems(config),
    ...config.originAccess.problems(gateway),
    ...securityProblems(config),
    ...networkProblems(gateway, config),
    ...waveProblems(config.maxConcurrentEdgeChanges),
    ...teardownProblems(config),
    ...observabilityProblems(gateway, config.observability),
    ...zoneProblems(gateway, config),
    ...config.certificateProblems,
    ...(config.certificates?.problems(gateway, check) ?? []),
    ...config.edge.problems({
      tenants: config.tenants, zoneName: config.zoneName, quotas: config.quotas, distributionLogging: config.distributionLogging,
    }),
    ...tenantConfigPathProblems(config.tenantConfigPath),
    ...claimTenantConfigPath(gateway, config.tenantConfigPath),
    ...claimDomains(gateway, config.tenants),
    ...plan.problems,
  ];
}

/** Warns when unpinned tenants span several shards: removing one may move the others. */
export function warnUnpinned(gateway: Construct, plan: GatewayPlan): void {
  const unpinned = plan.placements.filter(p => !p.pinned).length;
  if (unpinned > 0 && plan.shards.length > 1) {
    Annotations.of(gateway).addWarningV2('cdk-multi-tenant-gateway:unpinned',
      `${unpinned} tenants are not pinned to a shard. Their placement holds while tenants are only appended, ` +
      'but removing a tenant may move the unpinned ones declared after it (a CNAMEAlreadyExists failure). ' +
      'Pin them with `shard: n` (the CLI\'s `add` pins every tenant it adds).');
  }
}

/** Cell names (rules, uniqueness, "default" reserved), each cell's own problems, and what the edge mode needs of them. */
function cellProblems(config: GatewayConfig): string[] {
  const problems: string[] = [];
  config.cells.forEach((cell, i) => {
    problems.push(...cellNameProblems(cell.name, `\`cells[${i}]\` name`));
    if (cell.name === DEFAULT_CELL) {
      problems.push(`\`cells[${i}]\` is named "${DEFAULT_CELL}", the name of the gateway's own load balancer and \`fleet\`; give it another name`);
    } else if (config.cells.findIndex(c => c.name === cell.name) !== i) {
      problems.push(`\`cells[${i}]\` is named "${cell.name}" as an earlier cell is; cell names must be unique`);
    }
    problems.push(...cellOriginShieldProblems(cell.name, cell.originShield));
    if (cell.originShield && config.edge.shape.oneDistribution) {
      problems.push(`cell "${cell.name}": \`originShield\` needs sharded distributions; a multi-tenant distribution reaches every cell ` +
        'through one origin, whose Origin Shield is the gateway\'s `originShield`');
    }
    problems.push(...cell.problems(config.originAccess, { vpc: config.vpc }));
  });
  if (config.cells.length > 0 && config.edge.shape.oneDistribution && config.originAccess.usesVpcOrigins) {
    problems.push('`cells` with a multi-tenant distribution need `originAccess: OriginAccess.secretHeader()`: a distribution tenant routes ' +
      'to its cell by an origin domain parameter, and a VPC origin (OriginAccess.vpcOrigin(), the default) is bound by its id, not by a domain name');
  }
  if (config.edge.storesTenants) problems.push(...cellRoomProblems(config.cells.map(cell => cell.name), '`cells`'));
  return problems;
}

/** Warns of path patterns an earlier one shadows: they are valid, but never serve a request. */
function warnShadowedPaths(gateway: Construct, config: GatewayConfig): string[] {
  for (const warning of shadowedPathPatterns(config.cache)) {
    Annotations.of(gateway).addWarningV2('cdk-multi-tenant-gateway:path-pattern-shadowed', warning);
  }
  return [];
}

/** A bucket chosen for shared paths that there are none of. */
function sharedPathsOriginProblems(config: GatewayConfig): string[] {
  return config.cache.sharedPathsOrigin.bucket && config.cache.sharedPaths.length === 0
    ? ['`cache.sharedPathsOrigin` is a bucket but `cache.sharedPaths` is empty; name the paths it serves, e.g. ["/assets/*"]']
    : [];
}

/** Origin Shield's region: known at synth time, and one where CloudFront offers it. */
function originShieldProblems(config: GatewayConfig): string[] {
  const region = config.originShieldRegion;
  if (region === undefined) return [];
  if (Token.isUnresolved(region)) {
    return config.originShieldInStackRegion
      ? ['`originShield: OriginShield.inStackRegion()` needs the stack\'s region at synth time: give the stack an `env` with a region, ' +
        'or name one with OriginShield.inRegion(...)']
      : [];
  }
  const problem = originShieldRegionProblem('`originShield`', region);
  return problem === undefined ? [] : [`${problem}: name it with OriginShield.inRegion(...)`];
}

/** The problems with the logging, WAF and header options. */
function securityProblems(config: GatewayConfig): string[] {
  const problems: string[] = [];
  if (config.loadBalancerAccessLogs && Token.isUnresolved(config.region)) {
    problems.push('load balancer access logs (`loadBalancerAccessLogs`, on by default) need the stack\'s region at synth time,' +
      ' as the account that delivers them differs by region: give the stack an `env` with a region, or set `loadBalancerAccessLogs: false`');
  }
  if (config.distributionLoggingRegionProblem) {
    problems.push(`\`distributionLogging\`: CloudFront delivers no standard logs to S3 buckets in ${config.region}; ` +
      'give `distributionLogBucket`, a bucket in another region, or turn `distributionLogging` off');
  }
  if (config.distributionLoggingConflict) {
    problems.push('`distributionLogging` is false but `distributionLogBucket` is given; drop one of them');
  }
  const acl = config.webAclId;
  if (acl !== undefined && !Token.isUnresolved(acl) && !isWebAclArn(acl)) {
    problems.push(`\`webAclId\` must be ${WEB_ACL_ARN_SHAPE}, got "${acl}"`);
  }
  const seconds = config.logRetention.toSeconds();
  if (!Token.isUnresolved(seconds) && (seconds < 86400 || seconds % 86400 !== 0)) {
    problems.push(`\`logRetention\` must be a whole number of days, at least one, got ${config.logRetention.toHumanString()}`);
  }
  return problems;
}

/** The problems with the VPC options; a warning where a brought VPC cannot be checked. */
function networkProblems(gateway: Construct, config: GatewayConfig): string[] {
  const problems: string[] = [];
  const zones = config.availabilityZones;
  if (zones !== undefined && config.vpc) {
    problems.push('`availabilityZones` chooses the zones of the VPC the gateway makes; leave it out when you bring `vpc`');
  } else if (zones !== undefined) {
    problems.push(...availabilityZoneProblems(zones, config.region));
  } else if (config.vpc) {
    problems.push(...broughtVpcZoneProblems(config.vpc, config.originAccess.internetFacing));
  }
  const nat = config.natGateways;
  if (nat !== undefined && config.vpc) {
    problems.push('`natGateways` shapes the VPC the gateway makes; leave it out when you bring `vpc`');
  } else if (nat !== undefined) {
    const most = zones?.length ?? 2;
    if (!Number.isInteger(nat) || nat < 1 || nat > most) {
      problems.push(`\`natGateways\` must be a whole number from 1 to ${most} (one per Availability Zone at most; the app servers need a way out), got ${show(nat)}`);
    }
  }
  const vpc = config.vpc;
  if (vpc && config.originAccess.usesVpcOrigins) {
    // CloudFront VPC origins reach an internal load balancer only in a VPC with an internet gateway.
    if (vpc instanceof ec2.Vpc && vpc.internetGatewayId === undefined) {
      problems.push('`vpc` has no internet gateway, which CloudFront VPC origins need (OriginAccess.vpcOrigin(), the default); ' +
        'give the VPC a public subnet (an internet gateway), or use OriginAccess.secretHeader()');
    } else if (!(vpc instanceof ec2.Vpc)) {
      Annotations.of(gateway).addWarningV2('cdk-multi-tenant-gateway:vpc-origin-unchecked',
        'The VPC you brought could not be checked for what CloudFront VPC origins need: an internet gateway, and subnets outside ' +
        'the Availability Zones VPC origins do not support (zone ids use1-az3, usw1-az2, apne1-az3, cac1-az3). Check them before the first deploy.');
    }
  }
  return problems;
}

/** The bound on concurrent CloudFront changes: at least one, and below where CloudFront has answered "Rate exceeded". */
function waveProblems(bound: number): string[] {
  return Number.isInteger(bound) && bound >= 1 && bound <= MAX_CONCURRENT_EDGE_CHANGES ? []
    : [`\`maxConcurrentEdgeChanges\` must be a whole number from 1 to ${MAX_CONCURRENT_EDGE_CHANGES} (CloudFront has answered "Rate exceeded" ` +
      `at about 130 changes at once), got ${show(bound)}`];
}

/** The highest `maxConcurrentEdgeChanges` accepted. */
const MAX_CONCURRENT_EDGE_CHANGES = 100;

/** RemovalPolicy.DESTROY promises a `cdk destroy` that completes; a protected load balancer would stop it. */
function teardownProblems(config: GatewayConfig): string[] {
  return config.destroyOnRemoval && config.loadBalancerDeletionProtection
    ? ['`removalPolicy` RemovalPolicy.DESTROY deletes everything with the stack, but `loadBalancerDeletionProtection` true would stop ' +
      '`cdk destroy` at the load balancer (after the shards are gone); leave `loadBalancerDeletionProtection` out, or keep the default removal policy']
    : [];
}

/** Tenant domains outside the hosted zone; a warning when its name is unknown. */
function zoneProblems(gateway: Construct, config: GatewayConfig): string[] {
  const zoneName = config.zoneName;
  if (zoneName === undefined) {
    Annotations.of(gateway).addWarningV2('cdk-multi-tenant-gateway:zone-name-unknown',
      'The hosted zone\'s name is not known at synth time, so tenant domains were not checked to lie inside it. ' +
      'Import the zone with HostedZone.fromHostedZoneAttributes to have them checked.');
    return [];
  }
  return domainsOutsideZone(config.tenants, zoneName);
}
