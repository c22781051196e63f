// Every default of the gateway's props, applied once, into one frozen configuration that the
// checks, the plan and the build read. Strategy choices are bound here, once each.
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { PlanInput } from './plan';
import { fixedAtDeployProblems } from './private/fixed-at-deploy';
import { MultiTenantGatewayProps } from './props';
import { GatewayCertificates } from '../certificates/certificates';
import { CertificatesBinding } from '../certificates/private/certificates-binding';
import { cachePoliciesPerBlock, extraCacheBehaviors, ResolvedCacheOptions, resolveCacheOptions } from '../edge/cache';
import { EdgeMode } from '../edge/edge-mode';
import { knownZoneName } from '../edge/private/dns';
import { EdgeBinding } from '../edge/private/edge-binding';
import { MULTI_TENANT_DISTRIBUTION, SHARDED_DISTRIBUTIONS } from '../edge/shape';
import { ObservabilityOptions } from '../observability/observability';
import { Fleet } from '../origin/fleet';
import { OriginAccess } from '../origin/origin-access';
import { CellBinding } from '../origin/private/cell-binding';
import { FleetBinding } from '../origin/private/fleet-binding';
import { OriginAccessBinding } from '../origin/private/origin-access-binding';
import { quotaConflicts, ResolvedQuotas, resolveQuotas } from '../quotas/quotas';
import { withGatewayWebAcl } from '../tenants/edge-settings';
import { TenantProps } from '../tenants/tenants';

/** The gateway's props with every default applied and every strategy bound. */
export interface GatewayConfig {
  readonly tenants: readonly TenantProps[];
  /** Where the tenants came from, for messages. */
  readonly tenantsSource: string;
  readonly hostedZone: route53.IHostedZone;
  /** The hosted zone's name, when synth time knows it. */
  readonly zoneName?: string;
  readonly region: string;
  readonly quotas: ResolvedQuotas;
  /** Overrides that are not positive whole numbers (resolved to AWS's default meanwhile). */
  readonly quotaProblems: readonly string[];
  /** Where the tenants file's settings and the props disagree. */
  readonly settingsProblems: readonly string[];
  readonly edge: EdgeBinding;
  readonly originAccess: OriginAccessBinding;
  /** Undefined when the props choose no certificates, or two ways at once (`certificateProblems` says which). */
  readonly certificates?: CertificatesBinding;
  readonly certificateProblems: readonly string[];
  readonly vpc?: ec2.IVpc;
  readonly availabilityZones?: readonly string[];
  /** NAT gateways of the VPC the gateway makes; undefined when the props leave it out. */
  readonly natGateways?: number;
  readonly restrictDefaultSecurityGroup: boolean;
  readonly fleet: FleetBinding;
  /** The cells besides "default", in the order given. */
  readonly cells: readonly CellBinding[];
  readonly cache: ResolvedCacheOptions;
  /** Origin Shield's region; none when undefined. */
  readonly originShieldRegion?: string;
  /** Origin Shield was asked for in the stack's region. */
  readonly originShieldInStackRegion: boolean;
  readonly logRetention: Duration;
  readonly loadBalancerAccessLogs: boolean;
  /** Flow logs of the VPC the gateway makes (never for a VPC brought). */
  readonly vpcFlowLogs: boolean;
  readonly logBucket?: s3.IBucket;
  readonly distributionLogging: boolean;
  /** `distributionLogging` was turned on explicitly in a region where CloudFront delivers no standard logs to a bucket the gateway would make. */
  readonly distributionLoggingRegionProblem: boolean;
  /** `distributionLogging` was turned off explicitly while a bucket was given. */
  readonly distributionLoggingConflict: boolean;
  readonly distributionLogBucket?: s3.IBucket;
  readonly webAclId?: string;
  readonly responseHeadersPolicy?: cloudfront.IResponseHeadersPolicy;
  readonly loadBalancerDeletionProtection: boolean;
  /** `removalPolicy` is RemovalPolicy.DESTROY: everything the gateway makes goes with the stack. */
  readonly destroyOnRemoval: boolean;
  readonly observability: ObservabilityOptions;
  readonly tenantConfigPath: string;
  /** The most CloudFront distributions and distribution tenants that change at once. */
  readonly maxConcurrentEdgeChanges: number;
  /** What the plan is made from. */
  readonly plan: PlanInput;
}

/** Applies every default once. Pure apart from reading the scope's stack and id. */
export function resolveGateway(gateway: Construct, props: MultiTenantGatewayProps): GatewayConfig {
  const settings = props.tenants.settings;
  const quotas = resolveQuotas({ ...settings.quotas, ...props.quotas });
  const fileEdge = settings.edge === undefined ? undefined : FILE_EDGE_MODES[settings.edge]();
  const edge = (props.edge ?? fileEdge ?? EdgeMode.shardedDistributions())._bind();
  const originAccess = (props.originAccess ?? OriginAccess.vpcOrigin())._bind();
  const choice = certificateSource(props);
  const certificates = choice.source?._bind(props.hostedZone);
  // A tenant's `webAcl` equal to `webAclId` is the default: it shares the default partition.
  const tenants = withGatewayWebAcl(props.tenants.list, props.webAclId);
  const cells = (props.cells ?? []).map(cell => cell._bind());
  // On by default where CloudFront can write standard logs to S3 (legacy): sharded distributions,
  // and a bucket the gateway makes in a region CloudFront delivers them to.
  const region = Stack.of(gateway).region;
  const logsHere = !NO_STANDARD_LOGS_REGIONS.includes(region);
  const distributionLogging = props.distributionLogging ??
    (props.distributionLogBucket !== undefined || (edge.standardLogsToS3 && logsHere));
  const cache = resolveCacheOptions(props.cache, props.behaviors);
  const shield = props.originShield?._bind();
  return Object.freeze({
    tenants,
    tenantsSource: props.tenants.source,
    hostedZone: props.hostedZone,
    zoneName: knownZoneName(props.hostedZone),
    region,
    quotas: quotas.quotas,
    quotaProblems: quotas.problems,
    settingsProblems: [
      ...settingsConflicts(props, edge, cells),
      ...fixedAtDeployProblems(props.tenants.settings, props.tenants.source, edge, originAccess),
    ],
    edge,
    originAccess,
    certificates,
    certificateProblems: choice.problems,
    vpc: props.vpc,
    availabilityZones: props.availabilityZones,
    natGateways: props.natGateways,
    restrictDefaultSecurityGroup: props.restrictDefaultSecurityGroup ?? true,
    fleet: (props.fleet ?? Fleet.autoScaling())._bind(),
    cells,
    cache,
    originShieldRegion: shield ? shield.region ?? region : undefined,
    originShieldInStackRegion: shield !== undefined && shield.region === undefined,
    logRetention: props.logRetention ?? Duration.days(90),
    loadBalancerAccessLogs: props.loadBalancerAccessLogs ?? true,
    vpcFlowLogs: !props.vpc && (props.vpcFlowLogs ?? true),
    logBucket: props.logBucket,
    distributionLogging,
    distributionLoggingRegionProblem: props.distributionLogging === true && props.distributionLogBucket === undefined && !logsHere,
    distributionLoggingConflict: props.distributionLogging === false && props.distributionLogBucket !== undefined,
    distributionLogBucket: props.distributionLogBucket,
    webAclId: props.webAclId,
    responseHeadersPolicy: props.responseHeadersPolicy,
    // RemovalPolicy.DESTROY: `cdk destroy` deletes everything, so nothing may be protected.
    loadBalancerDeletionProtection: props.loadBalancerDeletionProtection ?? props.removalPolicy !== RemovalPolicy.DESTROY,
    destroyOnRemoval: props.removalPolicy === RemovalPolicy.DESTROY,
    observability: props.observability ?? {},
    tenantConfigPath: props.tenantConfigPath ?? `/${Stack.of(gateway).stackName}/${gateway.node.id}/tenants`,
    maxConcurrentEdgeChanges: props.maxConcurrentEdgeChanges ?? 50,
    plan: {
      tenants,
      quotas: quotas.quotas,
      edge: edge.shape,
      shared: {
        vpcOrigins: originAccess.usesVpcOrigins,
        responseHeadersPolicies: !props.responseHeadersPolicy,
        cachePoliciesPerBlock: cachePoliciesPerBlock(cache),
        cacheBehaviors: extraCacheBehaviors(cache),
      },
      certificateZone: certificates?.validationZoneName,
      cells: cells.map(cell => ({ name: cell.name, vpcOrigins: cell.ownLoadBalancer && originAccess.usesVpcOrigins })),
    },
  });
}

/** The edge modes a tenants file's `settings.edge` names, with their default options. */
const FILE_EDGE_MODES: Record<string, () => EdgeMode> = {
  [SHARDED_DISTRIBUTIONS.name]: () => EdgeMode.shardedDistributions(),
  [MULTI_TENANT_DISTRIBUTION.name]: () => EdgeMode.multiTenantDistribution(),
};

/** The tenants file and the props must describe the same gateway, as the CLI plans from the file. */
function settingsConflicts(props: MultiTenantGatewayProps, edge: EdgeBinding, cells: readonly CellBinding[]): string[] {
  const { settings, source } = props.tenants;
  const problems: string[] = [];
  if (settings.edge !== undefined && settings.edge !== edge.shape.name) {
    problems.push(`${source} says \`settings.edge\` "${settings.edge}", but \`edge\` is ${edge.shape.description}; ` +
      'make them the same (the CLI plans from the file). To change the mode of a deployed gateway: every domain would move to ' +
      'another kind of CloudFront resource, which a deploy can do only as declared moves; make a second gateway in the new mode ' +
      'and move the tenants to it (docs/moving-tenants.md), then remove the first (docs/safe-changes.md)');
  }
  const fileCells = settings.cells;
  const names = cells.map(c => c.name);
  if (fileCells !== undefined && [...fileCells].sort().join() !== [...names].sort().join()) {
    problems.push(`${source} says \`settings.cells\` ${JSON.stringify(fileCells)}, but \`cells\` are ${JSON.stringify(names)}; ` +
      'make them name the same cells (the CLI checks tenants\' `cell` against the file)');
  }
  const zoneName = knownZoneName(props.hostedZone);
  if (settings.zoneName !== undefined && zoneName !== undefined && settings.zoneName.replace(/\.$/, '') !== zoneName) {
    problems.push(`${source} says \`settings.zoneName\` "${settings.zoneName}", but \`hostedZone\` is "${zoneName}"; ` +
      'make them the same (the CLI checks domains against the file\'s)');
  }
  problems.push(...quotaConflicts(props.quotas, settings.quotas, source, key => `\`quotas.${key}\``));
  return problems;
}

/** Regions whose S3 buckets CloudFront delivers no standard logs (legacy) to. */
export const NO_STANDARD_LOGS_REGIONS: readonly string[] = ['af-south-1', 'ap-east-1', 'ap-south-2', 'ap-southeast-3', 'ap-southeast-4',
  'ca-west-1', 'eu-central-2', 'eu-south-1', 'eu-south-2', 'il-central-1', 'me-central-1', 'me-south-1'];

/** The gateway props that choose the certificates. */
interface CertificateChoice {
  readonly certificates?: GatewayCertificates;
  readonly distributionCertificate?: acm.ICertificate;
  readonly loadBalancerCertificates?: acm.ICertificate[];
}

/**
 * The certificate source the props choose: `certificates`, or the pair of props as
 * bring-your-own. Exactly one of the two ways must be used.
 */
function certificateSource(props: CertificateChoice): { source?: GatewayCertificates; problems: string[] } {
  const pair = props.distributionCertificate !== undefined || props.loadBalancerCertificates !== undefined;
  if (props.certificates && pair) {
    return { problems: ['give either `certificates` or `distributionCertificate` with `loadBalancerCertificates`, not both'] };
  }
  if (props.certificates) return { source: props.certificates, problems: [] };
  if (!pair) {
    return {
      problems: ['no certificates: give `certificates` (GatewayCertificates.dnsValidated() or GatewayCertificates.fromCertificates(...)), ' +
        'or `distributionCertificate` with `loadBalancerCertificates`'],
    };
  }
  if (props.distributionCertificate === undefined || props.loadBalancerCertificates === undefined) {
    const missing = props.distributionCertificate === undefined ? '`distributionCertificate`' : '`loadBalancerCertificates`';
    return { problems: [`${missing} is missing: \`distributionCertificate\` and \`loadBalancerCertificates\` go together (or give \`certificates\` instead)`] };
  }
  const source = GatewayCertificates.fromCertificates({
    distributionCertificate: props.distributionCertificate,
    loadBalancerCertificates: props.loadBalancerCertificates,
  });
  return { source, problems: [] };
}
