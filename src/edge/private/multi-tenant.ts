import { Annotations, CfnOutput, CfnResource, Names, Stack } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { Construct } from 'constructs';
import { DistributionHome } from './distribution-home';
import { addCnameRecords, RecordsByDomain } from './dns';
import { EdgeBinding, EdgeCheck, EdgeContext, ShardEdge, ShardEdgeResult } from './edge-binding';
import { TenantCertificateBinding } from './tenant-certificate-binding';
import { tenantCustomizations } from './tenant-customizations';
import { distributionProps } from './viewer';
import { encodeCellNames } from '../../control-plane/cell-origins';
import { ControlPlaneOptions } from '../../control-plane/control-plane-options';
import { encodeLoadBalancerNames, loadBalancerNamesProblems } from '../../control-plane/load-balancer-names';
import { controlPlaneOutputIds } from '../../control-plane/outputs';
import { TenantControlPlane } from '../../control-plane/tenant-control-plane';
import { ShardPlan } from '../../gateway/plan';
import { handOffEdgeProblems } from '../../moves/hand-off';
import { acknowledgeCheckov, acknowledgeNag } from '../../private/nag';
import { isHandedOff } from '../../tenants/tenants';
import { dnsOutputPrefix } from '../dns-outputs';
import { MULTI_TENANT_DISTRIBUTION } from '../shape';

/** What the multi-tenant edge is configured with, defaults applied. */
export interface MultiTenantEdgeOptions {
  readonly ownConnectionGroup: boolean;
  readonly tenantCertificate: TenantCertificateBinding;
  readonly tenantNamePrefix: string;
  readonly controlPlane?: ControlPlaneOptions;
}

/** What the control plane's distribution tenant names start with, unless set. */
export const STORE_TENANT_NAME_PREFIX = 'store-';

const NAME_PREFIX = /^[a-zA-Z0-9][a-zA-Z0-9-.]{0,60}$/;

/**
 * One multi-tenant distribution (connection mode `tenant-only`) carrying the shared
 * configuration, and an `AWS::CloudFront::DistributionTenant` per tenant. Tenants and their
 * CNAME records live in their shard's nested stack, so a template holds at most a hundred
 * domains' worth of resources and onboarding touches one template only.
 */
export class MultiTenantEdge implements EdgeBinding {
  public readonly shape = MULTI_TENANT_DISTRIBUTION;
  public readonly standardLogsToS3 = false;
  public readonly presentsDistributionCertificate: boolean;
  public readonly storesTenants: boolean;

  constructor(private readonly options: MultiTenantEdgeOptions) {
    this.presentsDistributionCertificate = options.tenantCertificate.presentsParentCertificate;
    this.storesTenants = options.controlPlane !== undefined;
  }

  /** What each distribution tenant's name starts with; fixed once they exist (create-only Name). */
  public get tenantNamePrefix(): string {
    return this.options.tenantNamePrefix;
  }

  /** Every problem this mode has with the gateway's input, for the gateway's single error. */
  public problems(check: EdgeCheck): string[] {
    const { tenantNamePrefix, ownConnectionGroup, tenantCertificate } = this.options;
    const problems = [...tenantCertificate.problems()];
    if (tenantNamePrefix !== '' && !NAME_PREFIX.test(tenantNamePrefix)) {
      problems.push(`\`tenantNamePrefix\` "${tenantNamePrefix}" must be up to 61 letters, digits, hyphens or dots, starting with a letter or digit`);
    }
    if (check.distributionLogging) {
      problems.push('`distributionLogging` / `distributionLogBucket`: CloudFront standard logging to S3 (legacy) is not available on a ' +
        'multi-tenant distribution; turn them off, or use EdgeMode.shardedDistributions() for S3 standard logs');
    }
    const store = this.options.controlPlane && (this.options.controlPlane.tenantNamePrefix ?? STORE_TENANT_NAME_PREFIX);
    if (store !== undefined) {
      if (!ownConnectionGroup) {
        problems.push('`controlPlane` needs `ownConnectionGroup` (the default): the reconciler writes each store tenant\'s CNAME with ' +
          'the connection group\'s routing endpoint, which the account\'s default connection group does not make known');
      }
      if (store !== '' && !NAME_PREFIX.test(store)) {
        problems.push(`\`controlPlane.tenantNamePrefix\` "${store}" must be up to 61 letters, digits, hyphens or dots, starting with a letter or digit`);
      }
    }
    problems.push(...handOffEdgeProblems(check.tenants, {
      controlPlane: store !== undefined,
      managedCertificates: tenantCertificate.validatesPerTenant,
    }));
    for (const tenant of check.tenants) {
      const who = `tenant "${tenant.id}"`;
      const name = `${tenantNamePrefix}${tenant.id}`;
      if (store !== undefined && name.startsWith(store)) {
        problems.push(`${who}: its distribution tenant "${name}" is named like the control plane's (\`controlPlane.tenantNamePrefix\` ` +
          `"${store}"), so a store tenant "${name.slice(store.length)}" would take its name. Give the control plane another ` +
          '`tenantNamePrefix`, or move the tenant to the store');
      }
      if (tenant.certificateValidation !== undefined && !tenantCertificate.validatesPerTenant) {
        problems.push(`${who}: \`certificateValidation\` "${tenant.certificateValidation}" applies only to ` +
          'TenantCertificate.cloudFrontManaged(), whose certificates CloudFront validates per tenant; remove it, or use cloudFrontManaged()');
      }
      if (!tenant.externalDns && !ownConnectionGroup) {
        problems.push(`${who}: the gateway cannot write its DNS records with \`ownConnectionGroup: false\`, because the routing endpoint ` +
          'of the account\'s default connection group is not known at synth time. Keep `ownConnectionGroup` (the default), ' +
          'or set `externalDns: true` and point its names at the default connection group\'s endpoint yourself');
      }
      tenant.domainNames.forEach((domain, d) => {
        if (!tenantCertificate.coversWildcards && domain.startsWith('*.')) {
          problems.push(`${who}: \`domainNames[${d}]\` "${domain}" is a wildcard, which a CloudFront-managed certificate cannot cover ` +
            '(it is validated over HTTP, one name at a time); list the names, or use TenantCertificate.fromParent() / fromCertificate() with a DNS-validated wildcard certificate');
        }
        if (!tenant.externalDns && domain === check.zoneName) {
          problems.push(`${who}: \`domainNames[${d}]\` "${domain}" is the hosted zone's apex, which cannot hold the CNAME record a distribution ` +
            'tenant needs (its connection group has no alias target). Serve a subdomain such as "www.' + domain + '", ' +
            'or use EdgeMode.shardedDistributions(), whose alias records work at the apex');
        }
      });
    }
    return problems;
  }

  public bind(scope: Construct, context: EdgeContext): ShardEdge {
    const settings = context.settingsFor(0);
    const distribution = new cloudfront.Distribution(scope, 'MultiTenantDistribution', distributionProps(settings,
      'Multi-tenant gateway: every tenant, one distribution tenant each'));
    // What a tenant-only distribution takes: no aliases, IPv6 flag (the connection group has it)
    // or S3 standard logging; its certificate is set here, as the L2 wants aliases beside one. Set
    // on the resource's own configuration, not as overrides, so scanners of it see them too.
    const resource = distribution.node.defaultChild as cloudfront.CfnDistribution;
    resource.distributionConfig = {
      ...(resource.distributionConfig as cloudfront.CfnDistribution.DistributionConfigProperty),
      connectionMode: 'tenant-only',
      ipv6Enabled: undefined,
      // Cells: the origin's domain is a parameter, the default cell's unless a tenant sets it.
      tenantConfig: context.originDomain ? {
        parameterDefinitions: [{
          name: context.originDomain.name,
          definition: { stringSchema: { required: false, defaultValue: context.originDomain.defaultValue, comment: 'The origin of the tenant\'s cell' } },
        }],
      } : undefined,
      viewerCertificate: {
        acmCertificateArn: settings.certificate.certificateArn,
        minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
        sslSupportMethod: cloudfront.SSLMethod.SNI,
      },
    };
    acknowledgeNag(distribution, [{
      id: 'AwsSolutions-CFR1',
      reason: 'Tenants serve viewers worldwide; a tenant that needs a geo restriction sets `geoRestriction` on its distribution tenant.',
    }, {
      id: 'AwsSolutions-CFR3',
      reason: 'Standard logging to S3 (legacy) is not available on multi-tenant distributions.',
    }]);
    acknowledgeCheckov(distribution, 'CKV_AWS_86', 'Standard logging to S3 (legacy) is not available on multi-tenant distributions.');

    const group = this.options.ownConnectionGroup
      ? new cloudfront.CfnConnectionGroup(scope, 'ConnectionGroup', {
        name: Names.uniqueResourceName(scope, { maxLength: 64, separator: '-' }),
        ipv6Enabled: true,
        enabled: true,
      })
      : undefined;
    const endpoint = group?.attrRoutingEndpoint;
    const controlPlane = this.options.controlPlane && group && endpoint
      ? makeControlPlane(scope, this.options.controlPlane, { distributionId: distribution.distributionId, groupId: group.attrId, endpoint, context })
      : undefined;
    return {
      controlPlane,
      sharedHomes: [new DistributionHome(scope, distribution)],
      build: (shard: Construct, plan: ShardPlan): ShardEdgeResult => {
        const records: RecordsByDomain = endpoint ? addCnameRecords(shard, context.hostedZone, plan.recordGroups, endpoint) : new Map();
        for (const tenant of plan.tenants) {
          // Handed to the control plane: CloudFormation kept its distribution tenant when it left
          // the template ("prepare" deployed the policy); its records stay in the groups above.
          if (isHandedOff(tenant)) continue;
          const certificate = this.options.tenantCertificate.tenantProperties(tenant);
          const originDomain = context.originDomain?.valueFor(tenant.cell);
          const distributionTenant = new cloudfront.CfnDistributionTenant(shard, `Tenant ${tenant.id}`, {
            name: `${this.options.tenantNamePrefix}${tenant.id}`,
            distributionId: distribution.distributionId,
            domains: [...tenant.domainNames],
            enabled: true,
            connectionGroupId: group?.attrId,
            parameters: originDomain === undefined ? undefined : [{ name: context.originDomain!.name, value: originDomain }],
            ...certificate,
            customizations: tenantCustomizations(tenant,
              certificate.customizations as cloudfront.CfnDistributionTenant.CustomizationsProperty | undefined),
          });
          if (tenant.handOff === 'prepare') keepWhenRemoved(distributionTenant);
          if (this.options.tenantCertificate.needsDnsFirst(tenant)) {
            // CloudFront validates the certificate over HTTP on the tenant's domains, which must
            // already resolve to the connection group when the tenant is created (unless the
            // partner's own server serves the token: "self-hosted").
            new Set(tenant.domainNames.map(domain => records.get(domain)).filter(r => r !== undefined))
              .forEach(recordGroup => distributionTenant.node.addDependency(recordGroup));
          }
        }
        return { distribution, dnsTarget: endpoint };
      },
    };
  }
}

/**
 * Makes CloudFormation keep the resource when a later template leaves it out ("DeletionPolicy
 * attribute": it "also applies to stack update operations that lead to resources being deleted
 * from stacks"). Written as overrides, which the template takes last: a development gateway's
 * RemovalPolicy.DESTROY, an aspect over every resource, would make a removal policy Delete.
 */
function keepWhenRemoved(resource: CfnResource): void {
  resource.addOverride('DeletionPolicy', 'Retain');
  resource.addOverride('UpdateReplacePolicy', 'Retain');
}

/**
 * The gateway's control plane, bound to its distribution, connection group and zone, with the
 * outputs the CLI's store commands read (documented ids, as the DNS targets have).
 */
function makeControlPlane(scope: Construct, options: ControlPlaneOptions,
  made: { distributionId: string; groupId: string; endpoint: string; context: EdgeContext }): TenantControlPlane {
  // Names too many for the reconciler's environment are not passed on: as unknown, nothing is checked.
  const known = made.context.loadBalancerNames;
  const names = known && loadBalancerNamesProblems(known).length === 0 ? known : undefined;
  const controlPlane = new TenantControlPlane(scope, 'ControlPlane', {
    ...options,
    distributionId: made.distributionId,
    connectionGroupId: made.groupId,
    routingEndpoint: made.endpoint,
    hostedZone: made.context.hostedZone,
    tenantNamePrefix: options.tenantNamePrefix ?? STORE_TENANT_NAME_PREFIX,
    loadBalancerNames: names && [...names],
    // Store tenants of a cell get their distribution tenant's origin parameter set, as template tenants do.
    cellOrigins: made.context.originDomain && { ...made.context.originDomain.cellOrigins },
    originParameter: made.context.originDomain?.name,
  });
  const prefix = dnsOutputPrefix(scope.node.path.slice(Stack.of(scope).node.path.length + 1));
  const ids = controlPlaneOutputIds(prefix);
  const outputs = [
    [ids.table, controlPlane.table.tableName, 'the tenant store (DynamoDB table)'],
    [ids.queueUrl, controlPlane.queue.queueUrl, 'the reconciler\'s queue of pages of tenant ids'],
  ];
  const cells = Object.keys(made.context.originDomain?.cellOrigins ?? {});
  if (cells.length > 0) outputs.push([ids.cells, encodeCellNames(cells), 'the cells a store tenant may name besides "default", comma-separated']);
  // Store tenants are not in the template, so their domains are checked against the load
  // balancer's certificates by the CLI and the reconciler, when the names are known here.
  if (names !== undefined) {
    outputs.push([ids.loadBalancerNames, encodeLoadBalancerNames(names), 'the names the load balancer\'s certificates cover, comma-separated']);
  } else {
    Annotations.of(scope).addWarningV2('cdk-multi-tenant-gateway:control-plane-coverage-unchecked',
      'The control plane cannot check store tenants\' domains against the load balancer\'s certificates: ' + (known === undefined
        ? 'their names are not known at synth time (imported by ARN, or not made with acm.Certificate in this app). '
        : `their ${known.length} names are more than the reconciler's environment holds. `) + '`add --store`, `sync` and the reconciler take ' +
      'any domain; make sure the load balancer\'s certificates cover every store tenant\'s domain, else viewers get 502.');
  }
  for (const [id, value, what] of outputs) {
    const output = new CfnOutput(scope, id.slice(prefix.length), { value, description: `cdk-multi-tenant-gateway: ${what}, read by the CLI's store commands` });
    output.overrideLogicalId(id);
  }
  return controlPlane;
}
