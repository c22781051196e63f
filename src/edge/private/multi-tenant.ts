import { Lazy, NestedStack, Names, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { Construct } from 'constructs';
import { EdgeBuild, EdgeBuilder, EdgeCheck, EdgeContext } from './edge-binding';
import { addCnameRecords, knownZoneName } from './dns';
import { acknowledgeCheckov, acknowledgeNag } from '../../private/nag';
import { quotaExceeded } from '../../quotas/quotas';
import { TenantProps } from '../../tenants/tenants';

/**
 * Which certificate a distribution tenant presents to viewers.
 */
export class TenantCertificate {
  /**
   * The multi-tenant distribution's own certificate: the gateway's `distributionCertificate`,
   * which must then cover every tenant domain (as in the sharded mode).
   */
  public static fromParent(): TenantCertificate {
    return new TenantCertificate('parent');
  }

  /**
   * A certificate of yours, in us-east-1, that every tenant presents instead of the parent's;
   * it must cover every tenant domain.
   */
  public static fromCertificate(certificate: acm.ICertificate): TenantCertificate {
    return new TenantCertificate('certificate', certificate);
  }

  /**
   * A certificate CloudFront requests and renews for each tenant, validated over HTTP: CloudFront
   * answers the validation request itself once the tenant's domains resolve to the connection
   * group's routing endpoint (the records the gateway makes). HTTP validation cannot issue
   * wildcard names, so tenant domains must be plain names.
   */
  public static cloudFrontManaged(): TenantCertificate {
    return new TenantCertificate('managed');
  }

  /** @internal */
  public readonly _kind: 'parent' | 'certificate' | 'managed';

  /** @internal */
  public readonly _certificate?: acm.ICertificate;

  private constructor(kind: 'parent' | 'certificate' | 'managed', certificate?: acm.ICertificate) {
    this._kind = kind;
    this._certificate = certificate;
  }
}

/** Options for the multi-tenant-distribution edge (CloudFront SaaS Manager). */
export interface MultiTenantDistributionOptions {
  /**
   * Make a connection group for the gateway's tenants. Its routing endpoint is known to
   * CloudFormation, so the gateway can write each tenant domain's CNAME record and
   * `dnsTargetOf` can name it. With `false`, tenants join the account's default connection
   * group, whose routing endpoint no template can reference: every tenant must then have
   * `externalDns: true`, and you point its names at the endpoint the CloudFront console shows.
   *
   * @default true
   */
  readonly ownConnectionGroup?: boolean;

  /**
   * The certificate each distribution tenant presents.
   *
   * @default TenantCertificate.fromParent()
   */
  readonly tenantCertificate?: TenantCertificate;

  /**
   * Put before each tenant id to name its distribution tenant. Distribution tenant names are
   * unique in the account and cannot change, so two gateways in one account that share tenant
   * ids need different prefixes; changing it later replaces every distribution tenant.
   *
   * @default "" (the tenant id alone)
   */
  readonly tenantNamePrefix?: string;
}

const NAME_PREFIX = /^[a-zA-Z0-9][a-zA-Z0-9-.]{0,60}$/;

/**
 * One multi-tenant distribution (connection mode `tenant-only`) carrying the shared
 * configuration, and an `AWS::CloudFront::DistributionTenant` per tenant. Tenants and their
 * CNAME records live in one nested stack per placement shard, so a template holds at most a
 * hundred domains' worth of resources and onboarding touches one template only.
 */
export class MultiTenantDistributions implements EdgeBuilder {
  private readonly ownConnectionGroup: boolean;
  private readonly certificate: TenantCertificate;
  private readonly namePrefix: string;

  constructor(options: MultiTenantDistributionOptions) {
    this.ownConnectionGroup = options.ownConnectionGroup ?? true;
    this.certificate = options.tenantCertificate ?? TenantCertificate.fromParent();
    this.namePrefix = options.tenantNamePrefix ?? '';
  }

  /** Only tenants that present the parent's certificate need the gateway's to cover them. */
  public get presentsDistributionCertificate(): boolean {
    return this.certificate._kind === 'parent';
  }

  /** Every problem this mode has with the gateway's input, for the gateway's single error. */
  public problems(check: EdgeCheck): string[] {
    const problems: string[] = [];
    const { tenants, quotas } = check;
    if (this.namePrefix !== '' && !NAME_PREFIX.test(this.namePrefix)) {
      problems.push(`\`tenantNamePrefix\` "${this.namePrefix}" must be up to 61 letters, digits, hyphens or dots, starting with a letter or digit`);
    }
    if (tenants.length > quotas.distributionTenantsPerAccount) {
      problems.push(quotaExceeded('distributionTenantsPerAccount', quotas.distributionTenantsPerAccount, tenants.length,
        `A distribution tenant for each of ${tenants.length} tenants`));
    }
    if (check.distributionLogging) {
      problems.push('`distributionLogging` / `distributionLogBucket`: CloudFront standard logging to S3 (legacy) is not available on a ' +
        'multi-tenant distribution; turn them off, or use EdgeMode.shardedDistributions() for S3 standard logs');
    }
    const certificateRegion = this.certificate._certificate ? regionOf(this.certificate._certificate) : undefined;
    if (certificateRegion !== undefined && certificateRegion !== 'us-east-1') {
      problems.push(`\`TenantCertificate.fromCertificate\` is given a certificate in ${certificateRegion}; CloudFront only uses certificates in us-east-1`);
    }
    const zoneName = knownZoneName(check.hostedZone);

    for (const tenant of tenants) {
      const who = `tenant "${tenant.id}"`;
      const domains = tenant.domainNames ?? [];
      if (domains.length > quotas.domainsPerDistributionTenant) {
        problems.push(`${who}: ` + quotaExceeded('domainsPerDistributionTenant', quotas.domainsPerDistributionTenant, domains.length,
          `its ${domains.length} \`domainNames\` share one distribution tenant, which`));
      }
      if (!tenant.externalDns && !this.ownConnectionGroup) {
        problems.push(`${who}: the gateway cannot write its DNS records with \`ownConnectionGroup: false\`, because the routing endpoint ` +
          'of the account\'s default connection group is not known at synth time. Keep `ownConnectionGroup` (the default), ' +
          'or set `externalDns: true` and point its names at the default connection group\'s endpoint yourself');
      }
      domains.forEach((domain, d) => {
        if (this.certificate._kind === 'managed' && domain.startsWith('*.')) {
          problems.push(`${who}: \`domainNames[${d}]\` "${domain}" is a wildcard, which a CloudFront-managed certificate cannot cover ` +
            '(it is validated over HTTP, one name at a time); list the names, or use TenantCertificate.fromParent() / fromCertificate() with a DNS-validated wildcard certificate');
        }
        if (!tenant.externalDns && zoneName !== undefined && domain === zoneName) {
          problems.push(`${who}: \`domainNames[${d}]\` "${domain}" is the hosted zone's apex, which cannot hold the CNAME record a distribution ` +
            'tenant needs (its connection group has no alias target). Serve a subdomain such as "www.' + domain + '", ' +
            'or use EdgeMode.shardedDistributions(), whose alias records work at the apex');
        }
      });
    }
    return problems;
  }

  public build(scope: Construct, context: EdgeContext): EdgeBuild {
    const parent: cloudfront.CfnDistribution = new cloudfront.CfnDistribution(scope, 'MultiTenantDistribution', {
      distributionConfig: this.distributionConfig(scope, context, (): string => parent.ref),
    });
    acknowledgeNag(parent, [{
      id: 'AwsSolutions-CFR1',
      reason: 'Tenants serve viewers worldwide; a geo restriction would apply to every tenant alike.',
    }, {
      id: 'AwsSolutions-CFR3',
      reason: 'Standard logging to S3 (legacy) is not available on multi-tenant distributions.',
    }]);
    acknowledgeCheckov(parent, 'CKV_AWS_86', 'Standard logging to S3 (legacy) is not available on multi-tenant distributions.');

    const group = this.ownConnectionGroup
      ? new cloudfront.CfnConnectionGroup(scope, 'ConnectionGroup', {
        name: Names.uniqueResourceName(scope, { maxLength: 64, separator: '-' }),
        ipv6Enabled: true,
        enabled: true,
      })
      : undefined;
    const endpoint = group?.attrRoutingEndpoint;
    const distribution = cloudfront.Distribution.fromDistributionAttributes(scope, 'Distribution', {
      distributionId: parent.ref,
      // A tenant-only distribution has no endpoint of its own; viewers reach it through the group.
      domainName: endpoint ?? parent.attrDomainName,
    });

    const external = new Set(context.tenants.filter(t => t.externalDns).map(t => t.id));
    const byId = new Map(context.tenants.map(t => [t.id, t]));
    const distributions = new Map<number, cloudfront.IDistribution>();
    const stacks = new Map<number, NestedStack>();
    const dnsTargets = new Map<number, string>();
    for (const shard of context.plan.shards) {
      const stack = new NestedStack(scope, `Shard${shard}`, {
        description: `cdk-multi-tenant-gateway: CloudFront distribution tenants of placement shard ${shard} and their DNS records`,
      });
      for (const placement of context.plan.placements.filter(p => p.shard === shard)) {
        this.addTenant(stack, byId.get(placement.tenantId)!, parent.ref, group?.attrId);
        if (endpoint && !external.has(placement.tenantId)) {
          addCnameRecords(stack, context.hostedZone, placement.domainNames, endpoint);
        }
      }
      distributions.set(shard, distribution);
      stacks.set(shard, stack);
      if (endpoint) dnsTargets.set(shard, endpoint);
    }
    return { distributions, stacks, dnsTargets };
  }

  private addTenant(scope: Construct, tenant: TenantProps, distributionId: string, connectionGroupId?: string) {
    const certificate = this.certificate;
    new cloudfront.CfnDistributionTenant(scope, `Tenant ${tenant.id}`, {
      name: `${this.namePrefix}${tenant.id}`,
      distributionId,
      domains: [...tenant.domainNames],
      enabled: true,
      connectionGroupId,
      customizations: certificate._certificate ? { certificate: { arn: certificate._certificate.certificateArn } } : undefined,
      managedCertificateRequest: certificate._kind === 'managed' ? {
        validationTokenHost: 'cloudfront',
        primaryDomainName: tenant.domainNames[0],
        certificateTransparencyLoggingPreference: 'enabled',
      } : undefined,
    });
  }

  /**
   * Only what a tenant-only distribution accepts: no aliases, price class, IPv6 flag (the
   * connection group has it), legacy TTLs or forwarded values, and no S3 standard logging.
   */
  private distributionConfig(scope: Construct, context: EdgeContext,
    distributionId: () => string): cloudfront.CfnDistribution.DistributionConfigProperty {
    // Bind the origin as cloudfront.Distribution does, so VPC origins and custom headers render the same.
    const originScope = new Construct(scope, 'MultiTenantOrigin');
    const generatedId = Names.uniqueId(originScope).slice(-128);
    const bound = context.originFor(0).bind(originScope, {
      originId: generatedId,
      distributionId: Lazy.string({ produce: distributionId }),
    });
    const origin = bound.originProperty!;
    return {
      enabled: true,
      connectionMode: 'tenant-only',
      comment: 'Multi-tenant gateway: every tenant, one distribution tenant each',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      origins: [origin],
      defaultCacheBehavior: {
        targetOriginId: origin.id,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL.methods,
        cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD.methods,
        compress: true,
        cachePolicyId: context.policies.cachePolicyFor(0).cachePolicyId,
        originRequestPolicyId: context.policies.originRequestPolicyFor(0).originRequestPolicyId,
        responseHeadersPolicyId: context.responseHeadersPolicyFor(0).responseHeadersPolicyId,
      },
      viewerCertificate: {
        acmCertificateArn: context.certificate.certificateArn,
        minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
        sslSupportMethod: cloudfront.SSLMethod.SNI,
      },
      webAclId: context.webAclId,
    };
  }
}


function regionOf(certificate: acm.ICertificate): string | undefined {
  const arn = certificate.certificateArn;
  const region = Token.isUnresolved(arn) ? certificate.env.region : arn.split(':')[3];
  return region === undefined || Token.isUnresolved(region) || region === '' ? undefined : region;
}
