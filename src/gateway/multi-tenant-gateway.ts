import { Annotations, Duration, NestedStack, Stack, Token } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { GatewayCertificates, gatewayCertificateProblems, makeGatewayCertificates } from '../certificates/certificates';
import { isInZone, knownZoneName } from '../edge/private/dns';
import { CacheOptions, cacheProblems, EdgePolicies } from '../edge/cache';
import { EdgeMode } from '../edge/edge-mode';
import { SecurityHeadersPolicies } from '../edge/private/response-headers';
import { FleetOptions, fleetProblems, GatewayFleet } from '../origin/fleet';
import { LogBucket } from '../private/logging';
import { GatewayObservability, ObservabilityOptions, observabilityProblems } from '../observability/observability';
import { GatewayOrigin, OriginAccess, originAccessProblems } from '../origin/origin-access';
import { PlacementPlan, placeTenants, TenantPlacement } from '../tenants/placement';
import { throwIfProblems } from '../private/problems';
import { recordUsage, sharedResourceUsage, usageProblems } from '../quotas/quota-usage';
import { Quotas, quotaExceeded, ResolvedQuotas, resolveQuotas } from '../quotas/quotas';
import { grantTenantConfigRead, publishTenantConfig, tenantConfigDocuments, tenantConfigProblems } from '../tenants/tenant-config';
import { TenantProps, Tenants } from '../tenants/tenants';

/** Properties of a MultiTenantGateway. */
export interface MultiTenantGatewayProps {
  /** The tenants to serve, e.g. `Tenants.fromFile('tenants.json')`. */
  readonly tenants: Tenants;

  /** The hosted zone where tenant records go; tenant domains must lie inside it unless their DNS is external. */
  readonly hostedZone: route53.IHostedZone;

  /**
   * Where the certificates of CloudFront and the load balancer come from: ones you bring, or
   * DNS-validated ones the gateway requests. Give this, or `distributionCertificate` with
   * `loadBalancerCertificates`, not both.
   * @default - the certificates in `distributionCertificate` and `loadBalancerCertificates`
   */
  readonly certificates?: GatewayCertificates;

  /**
   * A us-east-1 certificate covering every tenant domain, for CloudFront. Same as
   * `certificates: GatewayCertificates.fromCertificates(...)`; give it with `loadBalancerCertificates`.
   * @default - none; `certificates` is required then
   */
  readonly distributionCertificate?: acm.ICertificate;

  /**
   * Certificates for the load balancer's HTTPS listener: the first is the default, the rest are
   * served by SNI. Because the viewer's Host reaches the origin, CloudFront expects the load
   * balancer to present a certificate for every tenant domain. Give it with `distributionCertificate`.
   * @default - none; `certificates` is required then
   */
  readonly loadBalancerCertificates?: acm.ICertificate[];

  /**
   * The VPC for the load balancer and the fleet.
   * @default - a new VPC over two Availability Zones with one NAT gateway
   */
  readonly vpc?: ec2.IVpc;

  /**
   * The Availability Zones of the VPC the gateway makes, e.g. `['us-east-1a', 'us-east-1b']`.
   * Naming them spares the Availability Zone lookup that a stack with a concrete `env` otherwise
   * makes, which needs AWS credentials at `cdk synth`. Has no effect on a VPC you bring.
   * @default - the first two zones of the stack's region (looked up when the stack has a concrete `env`)
   */
  readonly availabilityZones?: string[];

  /**
   * The app servers.
   * @default - t3.small instances of the latest Amazon Linux 2023, 2 to 10, on port 80
   */
  readonly fleet?: FleetOptions;

  /**
   * Caching at the edge. `Host` is always in the cache key.
   * @default - min TTL 180 s, default TTL 1 day, max TTL 365 days, all query strings, no cookies
   */
  readonly cache?: CacheOptions;

  /**
   * AWS quotas to plan within; raise one only after AWS has raised it for your account.
   * @default - AWS's default quotas
   */
  readonly quotas?: Quotas;

  /**
   * How tenant domains attach to CloudFront.
   * @default EdgeMode.shardedDistributions()
   */
  readonly edge?: EdgeMode;

  /**
   * How CloudFront reaches the load balancer, and how everything else is kept out.
   * @default OriginAccess.vpcOrigin()
   */
  readonly originAccess?: OriginAccess;

  /**
   * Write the load balancer's access logs to `logBucket`.
   * @default true
   */
  readonly loadBalancerAccessLogs?: boolean;

  /**
   * The bucket for the load balancer's access logs and the gateway-made VPC's flow logs. Load
   * balancer access logs need S3-managed encryption (SSE-S3) and a bucket in the stack's region.
   * @default - a bucket the gateway makes: SSE-S3, TLS only, public access blocked, versioned, retained on delete
   */
  readonly logBucket?: s3.IBucket;

  /**
   * How long the buckets the gateway makes keep logs.
   * @default Duration.days(90)
   */
  readonly logRetention?: Duration;

  /**
   * Record the traffic of the VPC the gateway makes, as flow logs in `logBucket`. Has no effect
   * on a VPC you bring.
   * @default true
   */
  readonly vpcFlowLogs?: boolean;

  /**
   * Write CloudFront standard logs for every distribution, each under `distribution-<shard>/`.
   * Opt-in: they cost S3 storage for every request of every tenant.
   * @default false
   */
  readonly distributionLogging?: boolean;

  /**
   * The bucket for CloudFront standard logs. CloudFront writes them with ACLs, so the bucket's
   * object ownership must not be `BUCKET_OWNER_ENFORCED`. Giving one turns `distributionLogging` on.
   * @default - with `distributionLogging`, a bucket the gateway makes: ACLs as CloudFront needs, SSE-S3, TLS only, public access blocked
   */
  readonly distributionLogBucket?: s3.IBucket;

  /**
   * The ARN of an AWS WAF web ACL (WAFv2, CloudFront scope, so in us-east-1) for every distribution.
   * @default - no web ACL
   */
  readonly webAclId?: string;

  /**
   * The response headers policy of every distribution. It must serve every shard, so the number of
   * distributions must stay within `quotas.distributionsPerResponseHeadersPolicy`.
   * @default - policies the gateway makes: HSTS (two years), X-Content-Type-Options, X-Frame-Options SAMEORIGIN, Referrer-Policy strict-origin-when-cross-origin
   */
  readonly responseHeadersPolicy?: cloudfront.IResponseHeadersPolicy;

  /**
   * Protect the load balancer from deletion; a stack that deletes or replaces it then fails
   * until the protection is turned off.
   * @default false
   */
  readonly loadBalancerDeletionProtection?: boolean;

  /**
   * The dashboard and alarms: what they show, when alarms fire, whom they notify.
   * @default - a dashboard and alarms with default thresholds, no alarm actions, no additional CloudFront metrics
   */
  readonly observability?: ObservabilityOptions;

  /**
   * The SSM parameter path where the gateway publishes each host's tenant and `config`, one
   * parameter per distribution shard (`<path>/shard-<n>`, a JSON object keyed by host). The fleet
   * may read them with `ssm:GetParametersByPath` on this path.
   * @default "/<stack name>/<gateway id>/tenants"
   */
  readonly tenantConfigPath?: string;
}

/**
 * Serves many tenants, each on its own domain names, from one shared app: Route 53 alias
 * records, CloudFront distributions sharded by the alternate-domain quota (Host in every cache
 * key), an HTTPS Application Load Balancer, and one autoscaled target group.
 */
export class MultiTenantGateway extends Construct {
  /** The CloudFront distributions, in shard order. */
  public readonly distributions: cloudfront.IDistribution[];

  /** Where each tenant lives, in declaration order. */
  public readonly placements: TenantPlacement[];

  /** The nested stacks holding each shard's distribution and records, in shard order. */
  public readonly shardStacks: NestedStack[];

  /** The cache policies (Host in the key), one per `quotas.distributionsPerCachePolicy` distributions. */
  public readonly cachePolicies: cloudfront.CachePolicy[];

  /** The origin request policies, one per `quotas.distributionsPerOriginRequestPolicy` distributions. */
  public readonly originRequestPolicies: cloudfront.OriginRequestPolicy[];

  /** The VPC of the load balancer and the fleet. */
  public readonly vpc: ec2.IVpc;

  /** The load balancer every distribution forwards to. */
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;

  /** The load balancer's HTTPS listener on 443. */
  public readonly listener: elbv2.ApplicationListener;

  /** The load balancer's security group. */
  public readonly loadBalancerSecurityGroup: ec2.SecurityGroup;

  /** The CloudFront VPC origins in front of the load balancer (VPC-origin access only). */
  public readonly vpcOrigins: cloudfront.VpcOrigin[];

  /** The secret CloudFront sends to the load balancer (secret-header origin access only). */
  public readonly originSecret?: secretsmanager.ISecret;

  /** The bucket of the load balancer's access logs and the VPC's flow logs, when either is on. */
  public readonly logBucket?: s3.IBucket;

  /** The bucket of CloudFront standard logs, when they are on. */
  public readonly distributionLogBucket?: s3.IBucket;

  /** The response headers policies the gateway made (none when you gave one). */
  public readonly responseHeadersPolicies: cloudfront.ResponseHeadersPolicy[];

  /** The one target group every tenant's requests reach. */
  public readonly targetGroup: elbv2.ApplicationTargetGroup;

  /** The app servers. */
  public readonly autoScalingGroup: autoscaling.AutoScalingGroup;

  /** The dashboard and alarms. */
  public readonly observability: GatewayObservability;

  /** The CloudWatch dashboard, unless `observability.dashboard` is false. */
  public readonly dashboard?: cloudwatch.Dashboard;

  /** Every alarm the gateway made, for adding actions. */
  public readonly alarms: cloudwatch.Alarm[];

  /** The SSM path under which each shard's host → tenant and config map is published. */
  public readonly tenantConfigPath: string;

  /** The published host → tenant and config maps, one per shard, in shard order. */
  public readonly tenantConfigParameters: ssm.StringParameter[];

  private readonly distributionByShard: ReadonlyMap<number, cloudfront.IDistribution>;
  private readonly dnsTargetByShard?: ReadonlyMap<number, string>;
  private readonly shardOfTenant: Map<string, number>;

  constructor(scope: Construct, id: string, props: MultiTenantGatewayProps) {
    super(scope, id);
    const { quotas, plan, tenantConfig } = validate(this, props);

    const retention = props.logRetention ?? Duration.days(90);
    const flowLogs = !props.vpc && (props.vpcFlowLogs ?? true);
    const accessLogs = props.loadBalancerAccessLogs ?? true;
    this.logBucket = props.logBucket ?? (accessLogs || flowLogs
      ? new LogBucket(this, 'LogBucket', { purpose: 'load balancer access logs and VPC flow logs', retention }).bucket
      : undefined);
    this.distributionLogBucket = props.distributionLogBucket ?? (props.distributionLogging
      ? new LogBucket(this, 'DistributionLogBucket', { purpose: 'CloudFront standard logs', objectWriterAcls: true, retention }).bucket
      : undefined);

    if (props.vpc) {
      this.vpc = props.vpc;
    } else {
      const vpc = new ec2.Vpc(this, 'Vpc', {
        ...(props.availabilityZones ? { availabilityZones: props.availabilityZones } : { maxAzs: 2 }),
        natGateways: 1,
        // Nothing in the public subnets needs a public address of its own (NAT gateways and
        // load balancers get theirs), so none is handed out.
        subnetConfiguration: [
          { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, mapPublicIpOnLaunch: false },
          { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        ],
      });
      if (flowLogs) {
        vpc.addFlowLog('FlowLogs', { destination: ec2.FlowLogDestination.toS3(this.logBucket, 'vpc-flow-logs/') });
      }
      this.vpc = vpc;
    }
    const policies = new EdgePolicies(this, 'Policies', props.cache ?? {},
      quotas.distributionsPerCachePolicy, quotas.distributionsPerOriginRequestPolicy);
    const headers = props.responseHeadersPolicy
      ? undefined
      : new SecurityHeadersPolicies(this, 'ResponseHeaders', quotas.distributionsPerResponseHeadersPolicy);
    const certificates = makeGatewayCertificates(this, props, {
      tenants: props.tenants.list, hostedZone: props.hostedZone, plan, quotas, edge: props.edge ?? EdgeMode.shardedDistributions(),
    });
    const origin = new GatewayOrigin(this, 'Origin', {
      vpc: this.vpc,
      certificates: certificates.loadBalancerCertificates,
      access: props.originAccess ?? OriginAccess.vpcOrigin(),
      distributionsPerVpcOrigin: quotas.distributionsPerVpcOrigin,
      accessLogBucket: accessLogs ? this.logBucket : undefined,
      deletionProtection: props.loadBalancerDeletionProtection ?? false,
    });
    const fleet = new GatewayFleet(this, 'Fleet', {
      vpc: this.vpc,
      listener: origin.listener,
      options: props.fleet ?? {},
      conditions: origin.forwardConditions,
    });

    const edge = (props.edge ?? EdgeMode.shardedDistributions())._builder.build(this, {
      tenants: props.tenants.list,
      plan,
      hostedZone: props.hostedZone,
      certificate: certificates.distributionCertificate,
      certificateFor: certificates.distributionCertificateFor,
      policies,
      originFor: shard => origin.originFor(shard),
      responseHeadersPolicyFor: shard => props.responseHeadersPolicy ?? headers!.policyFor(shard),
      webAclId: props.webAclId,
      logBucket: this.distributionLogBucket,
    });

    this.placements = plan.placements;
    this.shardOfTenant = new Map(plan.placements.map(p => [p.tenantId, p.shard]));
    this.distributionByShard = edge.distributions;
    this.dnsTargetByShard = edge.dnsTargets;
    // Distinct: in multi-tenant mode every shard shares the one distribution.
    this.distributions = [...new Set(plan.shards.map(shard => edge.distributions.get(shard)!))];
    this.shardStacks = plan.shards.map(shard => edge.stacks.get(shard)!);
    this.cachePolicies = policies.cachePolicies;
    this.originRequestPolicies = policies.originRequestPolicies;
    this.loadBalancer = origin.loadBalancer;
    this.listener = origin.listener;
    this.loadBalancerSecurityGroup = origin.securityGroup;
    this.vpcOrigins = origin.vpcOrigins;
    this.originSecret = origin.originSecret;
    this.responseHeadersPolicies = headers?.policies ?? [];
    this.targetGroup = fleet.targetGroup;
    this.autoScalingGroup = fleet.autoScalingGroup;
    this.observability = new GatewayObservability(this, 'Observability', {
      ...props.observability,
      distributions: this.distributions,
      loadBalancer: this.loadBalancer,
      targetGroup: this.targetGroup,
      autoScalingGroup: this.autoScalingGroup,
    });
    this.dashboard = this.observability.dashboard;
    this.tenantConfigPath = tenantConfig.path;
    this.tenantConfigParameters = plan.shards.map(shard =>
      publishTenantConfig(edge.stacks.get(shard)!, tenantConfig.path, shard, tenantConfig.documents.get(shard)!));
    grantTenantConfigRead(this, this.autoScalingGroup, tenantConfig.path);
    this.alarms = this.observability.alarms;
  }

  /** The distribution that carries a tenant's domains. */
  public distributionOf(tenantId: string): cloudfront.IDistribution {
    return this.distributionByShard.get(this.shardOf(tenantId))!;
  }

  /**
   * The name a tenant's domains resolve to: what a partner with external DNS points a CNAME at.
   */
  public dnsTargetOf(tenantId: string): string {
    const shard = this.shardOf(tenantId);
    if (!this.dnsTargetByShard) return this.distributionOf(tenantId).distributionDomainName;
    const target = this.dnsTargetByShard.get(shard);
    if (target === undefined) {
      throw new Error(`Tenant "${tenantId}" uses the account's default connection group, whose routing endpoint is not known at synth time; ` +
        'read it in the CloudFront console (connection groups), or let the gateway make its own connection group');
    }
    return target;
  }

  private shardOf(tenantId: string): number {
    const shard = this.shardOfTenant.get(tenantId);
    if (shard === undefined) {
      throw new Error(`No tenant "${tenantId}" in this gateway (it has ${this.shardOfTenant.size} tenants)`);
    }
    return shard;
  }
}

/** Checks every input and the plan they make; throws once, listing every problem. */
function validate(gateway: Construct, props: MultiTenantGatewayProps): {
  quotas: ResolvedQuotas; plan: PlacementPlan; tenantConfig: { path: string; documents: Map<number, string> };
} {
  const resolved = resolveQuotas(props.quotas);
  const quotas = resolved.quotas;
  const tenants = props.tenants.list;
  const problems = [...resolved.problems, ...cacheProblems(props.cache), ...fleetProblems(props.fleet),
    ...originAccessProblems(gateway, props.originAccess ?? OriginAccess.vpcOrigin()), ...securityProblems(gateway, props),
    ...observabilityProblems(props.observability, Stack.of(gateway).region)];

  if (tenants.length === 0) problems.push(`${props.tenants.source} has no tenants; a gateway needs at least one`);
  problems.push(...zoneProblems(gateway, props.hostedZone, tenants, quotas));

  const plan = placeTenants(tenants, quotas);
  problems.push(...plan.problems);
  const distributionLogging = (props.distributionLogging ?? false) || props.distributionLogBucket !== undefined;
  const edgeMode = props.edge ?? EdgeMode.shardedDistributions();
  problems.push(...gatewayCertificateProblems(gateway, props, { tenants, hostedZone: props.hostedZone, plan, quotas, edge: edgeMode }));
  problems.push(...(edgeMode._builder.problems?.({ tenants, hostedZone: props.hostedZone, quotas, distributionLogging }) ?? []));
  problems.push(...usageProblems(sharedResourceUsage(plan, quotas, {
    vpcOrigins: (props.originAccess ?? OriginAccess.vpcOrigin())._kind === 'vpc-origin',
    responseHeadersPolicies: !props.responseHeadersPolicy,
  })));
  const shards = plan.shards.length > 0 ? plan.shards[plan.shards.length - 1] + 1 : 0;
  if (props.responseHeadersPolicy && shards > quotas.distributionsPerResponseHeadersPolicy) {
    problems.push(quotaExceeded('distributionsPerResponseHeadersPolicy', quotas.distributionsPerResponseHeadersPolicy, shards,
      '`responseHeadersPolicy`, which every distribution shard shares,'));
  }

  const tenantConfig = {
    path: props.tenantConfigPath ?? `/${Stack.of(gateway).stackName}/${gateway.node.id}/tenants`,
    documents: tenantConfigDocuments(plan.placements, tenants),
  };
  problems.push(...tenantConfigProblems(tenantConfig.path, tenantConfig.documents));

  throwIfProblems(`MultiTenantGateway "${gateway.node.path}"`, problems);
  const unpinned = plan.placements.filter(p => !p.pinned).length;
  if (unpinned > 0 && plan.shards.length > 1) {
    Annotations.of(gateway).addWarningV2('cdk-multi-tenant-gateway:unpinned',
      `${unpinned} tenants are not pinned to a distribution. Their placement holds while tenants are only appended, ` +
      'but removing a tenant may move the unpinned ones declared after it (a CNAMEAlreadyExists failure). ' +
      'Pin them with `distribution: n` (the CLI\'s `add` pins every tenant it adds).');
  }
  return { quotas, plan, tenantConfig };
}

/** The problems with the logging, WAF and header options. */
function securityProblems(gateway: Construct, props: MultiTenantGatewayProps): string[] {
  const problems: string[] = [];
  if ((props.loadBalancerAccessLogs ?? true) && Token.isUnresolved(Stack.of(gateway).region)) {
    problems.push('load balancer access logs (`loadBalancerAccessLogs`, on by default) need the stack\'s region at synth time,' +
      ' as the account that delivers them differs by region: give the stack an `env` with a region, or set `loadBalancerAccessLogs: false`');
  }
  if (props.distributionLogging === false && props.distributionLogBucket) {
    problems.push('`distributionLogging` is false but `distributionLogBucket` is given; drop one of them');
  }
  const acl = props.webAclId;
  if (acl !== undefined && !Token.isUnresolved(acl) && !/^arn:aws[a-z-]*:wafv2:us-east-1:\d{12}:global\/webacl\/[\w-]+\/[\w-]+$/.test(acl)) {
    problems.push(`\`webAclId\` must be the ARN of a WAFv2 web ACL with CloudFront scope (arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>), got "${acl}"`);
  }
  const retention = props.logRetention;
  const seconds = retention?.toSeconds();
  if (retention !== undefined && !Token.isUnresolved(seconds) && (seconds! < 86400 || seconds! % 86400 !== 0)) {
    problems.push(`\`logRetention\` must be a whole number of days, at least one, got ${retention.toHumanString()}`);
  }
  return problems;
}

function zoneProblems(gateway: Construct, zone: route53.IHostedZone, tenants: readonly TenantProps[], quotas: ResolvedQuotas): string[] {
  const problems: string[] = [];
  const zoneName = knownZoneName(zone);
  const inZone = tenants.filter(t => !t.externalDns);
  if (zoneName === undefined) {
    Annotations.of(gateway).addWarningV2('cdk-multi-tenant-gateway:zone-name-unknown',
      'The hosted zone\'s name is not known at synth time, so tenant domains were not checked to lie inside it. ' +
      'Import the zone with HostedZone.fromHostedZoneAttributes to have them checked.');
  } else {
    for (const tenant of inZone) {
      tenant.domainNames.forEach((domain, d) => {
        if (!isInZone(domain, zoneName!)) {
          problems.push(`tenant "${tenant.id}": \`domainNames[${d}]\` "${domain}" is outside the hosted zone "${zoneName}";` +
            ' use a name inside it, or set `externalDns: true` if the partner hosts its DNS');
        }
      });
    }
  }
  problems.push(...usageProblems([recordUsage(tenants, quotas)]));
  return problems;
}
