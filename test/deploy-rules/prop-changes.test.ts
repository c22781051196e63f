// No prop change replaces a named, stateful or domain-holding resource, unless synth refuses it
// with the migration spelled out (DESIGN invariant 11).
//
// Sources:
// - CloudFormation replaces a resource when a property whose update requires replacement changes,
//   creating the replacement before deleting the original ("Update behaviors of stack resources",
//   AWS CloudFormation User Guide,
//   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html).
// - Which properties those are: `createOnlyProperties` of each resource type's provider schema
//   ("Resource type schema", CloudFormation CLI User Guide,
//   https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html), as
//   cfn-lint bundles them (create-only-properties.json, written by extract-create-only.py).
// - An alternate domain name belongs to one distribution or distribution tenant in all of AWS: a
//   second claim fails with CNAMEAlreadyExists ("Use custom URLs by adding alternate domain names
//   (CNAMEs)", Amazon CloudFront Developer Guide,
//   https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/CNAMEs.html).
// - A load balancer with deletion protection cannot be deleted ("Deletion protection", Application
//   Load Balancers, Elastic Load Balancing User Guide,
//   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#deletion-protection),
//   so a replacement of one leaves the stack unable to delete the original.
import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { createOnlyOf, guardedReplacements, Replacement, resourcesOf, SCHEMAS } from './replacements';
import {
  Cell, EdgeMode, Fleet, GatewayCertificates, MultiTenantGateway, MultiTenantGatewayProps, OriginAccess, OriginShield, TenantCertificate,
  TenantProps, Tenants,
} from '../../src';
import { MultiTenantEdge } from '../../src/edge/private/multi-tenant';
import { recordedOriginAccess } from '../../src/gateway/private/fixed-at-deploy';
import { ALB_CERT, EDGE_CERT, ENV } from '../gateway-fixture';

type Props = Partial<MultiTenantGatewayProps>;
/** A value of the props, made in the gateway's stack when it needs constructs. */
type Variant = (stack: Stack) => Props;

interface Change {
  /** The prop (or settings field, or option) whose value changes. */
  readonly name: string;
  readonly before: Variant;
  readonly after: Variant;
  /** The tenants of both deploys (default TENANTS). */
  readonly tenants?: TenantProps[];
  /** The tenants after the change, when they change. */
  readonly tenantsAfter?: TenantProps[];
  /** What the tenants file's `settings` say after the change, over what they recorded. */
  readonly settingsAfter?: Record<string, unknown>;
}

const TENANTS: TenantProps[] = [
  { id: 'acme', domainNames: ['acme.example.com', 'www.acme.example.com'] },
  { id: 'globex', domainNames: ['globex.example.com'] },
  { id: 'initech', domainNames: ['initech.example.com'] },
];
/** Enough tenants for several record groups, so a change in their count would show. */
const MANY: TenantProps[] = Array.from({ length: 60 }, (_, i) => ({ id: `t${i}`, domainNames: [`t${i}.example.com`] }));
const WEB_ACL = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/edge/1a2b';
const none: Variant = () => ({});
const multiTenant = (options = {}): Variant => () => ({ edge: EdgeMode.multiTenantDistribution(options) });

/** Every prop of MultiTenantGatewayProps, each changed between two valid values. */
const PROP_CHANGES: Change[] = [
  { name: 'tenants', before: none, after: none, tenantsAfter: [...TENANTS, { id: 'hooli', domainNames: ['hooli.example.com'] }] },
  {
    name: 'hostedZone',
    before: none,
    after: s => ({ hostedZone: route53.HostedZone.fromHostedZoneAttributes(s, 'OtherZone', { hostedZoneId: 'Z999', zoneName: 'example.com' }) }),
  },
  {
    name: 'certificates',
    before: none,
    after: () => ({ distributionCertificate: undefined, loadBalancerCertificates: undefined, certificates: GatewayCertificates.dnsValidated() }),
  },
  {
    name: 'distributionCertificate',
    before: none,
    after: s => ({ distributionCertificate: acm.Certificate.fromCertificateArn(s, 'Edge2', `${EDGE_CERT}-2`) }),
  },
  {
    name: 'loadBalancerCertificates',
    before: none,
    after: s => ({ loadBalancerCertificates: [acm.Certificate.fromCertificateArn(s, 'A1', ALB_CERT), acm.Certificate.fromCertificateArn(s, 'A2', `${ALB_CERT}-2`)] }),
  },
  { name: 'vpc', before: none, after: s => ({ vpc: new ec2.Vpc(s, 'OwnVpc', { maxAzs: 2 }) }) },
  { name: 'natGateways', before: none, after: () => ({ natGateways: 2 }) },
  { name: 'restrictDefaultSecurityGroup', before: none, after: () => ({ restrictDefaultSecurityGroup: false }) },
  {
    name: 'availabilityZones',
    before: () => ({ availabilityZones: ['eu-west-1a', 'eu-west-1b'] }),
    after: () => ({ availabilityZones: ['eu-west-1a', 'eu-west-1c'] }),
  },
  { name: 'fleet', before: none, after: () => ({ fleet: Fleet.autoScaling({ instanceType: new ec2.InstanceType('t3.medium'), maxCapacity: 4 }) }) },
  {
    name: 'cells',
    before: () => ({ originAccess: OriginAccess.secretHeader() }),
    after: () => ({ originAccess: OriginAccess.secretHeader(), cells: [Cell.fromHttpsOrigin('eu', { domainName: 'eu.origin.example.net' })] }),
  },
  { name: 'cache', before: none, after: () => ({ cache: { minTtl: Duration.minutes(5), sharedPaths: ['/assets/*'] } }) },
  { name: 'behaviors', before: none, after: () => ({ behaviors: [{ pathPattern: '/api/*', cached: false }] }) },
  { name: 'originShield', before: none, after: () => ({ originShield: OriginShield.inStackRegion() }) },
  { name: 'quotas', before: none, after: () => ({ quotas: { distributionsPerCachePolicy: 50 } }) },
  { name: 'quotas.domainsPerDistribution', before: none, after: () => ({ quotas: { domainsPerDistribution: 200 } }), tenants: MANY },
  { name: 'edge', before: none, after: multiTenant() },
  { name: 'originAccess', before: none, after: () => ({ originAccess: OriginAccess.secretHeader() }) },
  { name: 'loadBalancerAccessLogs', before: none, after: () => ({ loadBalancerAccessLogs: false }) },
  { name: 'logBucket', before: none, after: s => ({ logBucket: new s3.Bucket(s, 'OwnLogs') }) },
  { name: 'logRetention', before: none, after: () => ({ logRetention: Duration.days(30) }) },
  { name: 'vpcFlowLogs', before: none, after: () => ({ vpcFlowLogs: false }) },
  { name: 'distributionLogging', before: none, after: () => ({ distributionLogging: false }) },
  { name: 'distributionLogBucket', before: none, after: s => ({ distributionLogBucket: s3.Bucket.fromBucketName(s, 'CfLogs', 'own-cf-logs') }) },
  { name: 'webAclId', before: none, after: () => ({ webAclId: WEB_ACL }) },
  {
    name: 'responseHeadersPolicy',
    before: none,
    after: s => ({ responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.fromResponseHeadersPolicyId(s, 'Rhp', 'rhp-1') }),
  },
  { name: 'loadBalancerDeletionProtection', before: none, after: () => ({ loadBalancerDeletionProtection: false }) },
  { name: 'observability', before: none, after: () => ({ observability: { dashboardName: 'gateway', alarmThresholds: { unhealthyHosts: 2 } } }) },
  { name: 'tenantConfigPath', before: none, after: () => ({ tenantConfigPath: '/apps/shop/tenants' }) },
  { name: 'maxConcurrentEdgeChanges', before: none, after: () => ({ maxConcurrentEdgeChanges: 10 }) },
  { name: 'removalPolicy', before: none, after: () => ({ removalPolicy: RemovalPolicy.DESTROY }) },
];

/** The options of the choices below the props, where a value is a choice. */
const OPTION_CHANGES: Change[] = [
  { name: 'EdgeMode.shardedDistributions priceClass', before: none, after: () => ({ edge: EdgeMode.shardedDistributions({ priceClass: cloudfront.PriceClass.PRICE_CLASS_100 }) }) },
  { name: 'EdgeMode.multiTenantDistribution tenantCertificate', before: multiTenant(), after: multiTenant({ tenantCertificate: TenantCertificate.cloudFrontManaged() }) },
  { name: 'EdgeMode.multiTenantDistribution tenantNamePrefix', before: multiTenant(), after: multiTenant({ tenantNamePrefix: 'shop-' }) },
  {
    name: 'EdgeMode.multiTenantDistribution ownConnectionGroup',
    before: multiTenant(),
    after: multiTenant({ ownConnectionGroup: false }),
    tenants: TENANTS.map(t => ({ ...t, externalDns: true })),
  },
  { name: 'OriginAccess.vpcOrigin prefixListId', before: none, after: () => ({ originAccess: OriginAccess.vpcOrigin({ prefixListId: 'pl-4fa04526' }) }) },
  {
    name: 'OriginAccess.secretHeader headerName',
    before: () => ({ originAccess: OriginAccess.secretHeader() }),
    after: () => ({ originAccess: OriginAccess.secretHeader({ headerName: 'X-Gateway-Verify' }) }),
  },
  { name: 'OriginAccess secretHeader to vpcOrigin', before: () => ({ originAccess: OriginAccess.secretHeader() }), after: none },
  { name: 'Fleet.autoScaling to Fleet.ecsFargate', before: none, after: () => ({ fleet: Fleet.ecsFargate({ image: ecs.ContainerImage.fromRegistry('nginx') }) }) },
];

/**
 * The tenants file's `settings`, each changed with the props that must follow it. The fields the
 * file records of the first deploy (`edge`, `tenantNamePrefix`, `originAccess`) are not changed
 * here: a prop that contradicts them is refused (above and below), and changing the record is the
 * last step of the migration that refusal spells out.
 */
const SETTINGS_CHANGES: Change[] = [
  { name: 'settings.quotas', before: none, after: none, settingsAfter: { quotas: { distributionsPerCachePolicy: 50 } } },
  {
    name: 'settings.cells',
    before: () => ({ originAccess: OriginAccess.secretHeader() }),
    after: () => ({ originAccess: OriginAccess.secretHeader(), cells: [Cell.fromHttpsOrigin('eu', { domainName: 'eu.origin.example.net' })] }),
    settingsAfter: { cells: ['eu'] },
  },
  { name: 'settings.zoneName', before: none, after: none, settingsAfter: { zoneName: 'example.com' } },
];
const RECORDED = ['edge', 'tenantNamePrefix', 'originAccess'];

/** What the tenants file records of a gateway with these props, as the CLI writes it at the first deploy. */
function recordedSettings(props: Props): Record<string, unknown> {
  const edge = (props.edge ?? EdgeMode.shardedDistributions())._bind();
  return {
    edge: edge.shape.name,
    ...(edge instanceof MultiTenantEdge ? { tenantNamePrefix: edge.tenantNamePrefix } : {}),
    originAccess: recordedOriginAccess((props.originAccess ?? OriginAccess.vpcOrigin())._bind()),
  };
}

/** The assembly of a small gateway with `variant`'s props over a tenants file with `settings`. */
function synth(variant: Variant, settings: (props: Props) => Record<string, unknown>, list: TenantProps[] = TENANTS): string {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: ENV });
  const props = variant(stack);
  const tenants = Tenants.fromJson(JSON.stringify({ settings: settings(props), tenants: list }), 'tenants.json');
  new MultiTenantGateway(stack, 'Gateway', {
    tenants,
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z123', zoneName: 'example.com' }),
    distributionCertificate: acm.Certificate.fromCertificateArn(stack, 'EdgeCert', EDGE_CERT),
    loadBalancerCertificates: [acm.Certificate.fromCertificateArn(stack, 'AlbCert', ALB_CERT)],
    ...props,
  });
  return app.synth().directory;
}

/** What a change does: the guarded resources its deploy would replace, or synth's refusal. */
type Outcome = { replacements: Replacement[] } | { refused: string };

/**
 * The walk of one change. The tenants file records what the first deploy (the "before" props)
 * fixed; the props then change, the file not (unless the change is to the file's settings).
 */
function walk(change: Change, record: (props: Props) => Record<string, unknown> = recordedSettings): Outcome {
  let recorded: Record<string, unknown> = {};
  const before = resourcesOf(synth(change.before, props => (recorded = record(props)), change.tenants));
  let after: string;
  try {
    after = synth(change.after, () => ({ ...recorded, ...change.settingsAfter }), change.tenantsAfter ?? change.tenants);
  } catch (e) {
    return { refused: (e as Error).message };
  }
  return { replacements: guardedReplacements(before, resourcesOf(after)) };
}

/** The readonly members of an interface in a source file. */
function membersOf(file: string, name: string): string[] {
  const text = fs.readFileSync(path.join(__dirname, '../../src', file), 'utf8');
  const body = new RegExp(`export interface ${name} [^{]*\\{([\\s\\S]*?)\\n\\}`).exec(text)![1];
  return [...body.matchAll(/^ {2}readonly (\w+)\??:/gm)].map(m => m[1]);
}

describe('the walk covers every prop', () => {
  test('each prop of MultiTenantGatewayProps changes in the walk', () => {
    expect([...new Set(PROP_CHANGES.map(c => c.name.split('.')[0]))].sort()).toEqual(membersOf('gateway/props.ts', 'MultiTenantGatewayProps').sort());
  });

  test('each field of the tenants file\'s settings changes in the walk, or is a record of the first deploy', () => {
    expect([...SETTINGS_CHANGES.map(c => c.name.replace('settings.', '')), ...RECORDED].sort())
      .toEqual(membersOf('tenants/tenants.ts', 'TenantsFileSettings').sort());
  });

  test('every resource type the walk makes has its create-only properties on file', () => {
    const made = [...resourcesOf(synth(multiTenant(), recordedSettings)).values(), ...resourcesOf(synth(none, recordedSettings)).values()];
    const types = new Set(made.map(r => r.type).filter(t => t.startsWith('AWS::') && t !== 'AWS::CloudFormation::CustomResource'));
    const missing = [...types].filter(t => createOnlyOf(t) === undefined);
    expect(missing).toEqual([]); // else: .venv/lint/bin/python test/deploy-rules/extract-create-only.py <types>
    expect(SCHEMAS.cfnLint).toBe('1.58.0');
  }, 60_000);
});

/**
 * Changes the walk finds unsafe that synth does not refuse yet (it would need the deployed value,
 * which the tenants file does not record); docs/safe-changes.md says not to make them. When one is
 * made safe or refused, its entry goes.
 * - A subnet's CIDR block is unique in its VPC ("Subnet CIDR blocks", Amazon VPC User Guide,
 *   https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html): other zones replace the
 *   subnets with the same CIDR blocks, so the replacements conflict with the originals.
 * - A load balancer stays in the VPC it was created in (its subnets and security groups must be of
 *   that VPC; not stated in one AWS document found, seen in the ELB API's SetSubnets and
 *   SetSecurityGroups errors).
 */
const KNOWN_UNSAFE: Record<string, RegExp> = {
  availabilityZones: /^create-only AvailabilityZone changes while its replacement keeps subnet /,
  vpc: /^its VPC is deleted while it is kept: a load balancer cannot move to another VPC$/,
};

describe.each([...PROP_CHANGES, ...OPTION_CHANGES, ...SETTINGS_CHANGES])('changing $name', change => {
  test('replaces no named, stateful or domain-holding resource, or synth refuses it with the migration', () => {
    const outcome = walk(change);
    const known = KNOWN_UNSAFE[change.name];
    if (known) {
      expect(outcome).toEqual({ replacements: expect.arrayContaining([expect.objectContaining({ why: expect.stringMatching(known) })]) });
    } else if ('refused' in outcome) {
      expect(outcome.refused).toMatch(/To change (it|the mode)/);
    } else {
      expect(outcome.replacements).toEqual([]);
    }
  }, 60_000);
});

describe('the known cases', () => {
  const prefixChange = OPTION_CHANGES.find(c => c.name.endsWith('tenantNamePrefix'))!;
  const accessChange = PROP_CHANGES.find(c => c.name === 'originAccess')!;
  const unrecorded = (): Record<string, unknown> => ({});

  test('unrecorded, a new tenantNamePrefix would replace every distribution tenant (create-only Name)', () => {
    const outcome = walk(prefixChange, unrecorded);
    expect(outcome).toEqual({ replacements: TENANTS.map(() => expect.objectContaining({ type: 'AWS::CloudFront::DistributionTenant', why: 'create-only Name changes' })) });
  }, 60_000);

  test('recorded, a new tenantNamePrefix is refused with both values and the way to change it', () => {
    const outcome = walk(prefixChange);
    expect(outcome).toEqual({ refused: expect.stringMatching(/`tenantNamePrefix` "shop-" differs from the "" that tenants.json records in `settings.tenantNamePrefix`.*To change it/) });
  }, 60_000);

  test('unrecorded, switching originAccess would replace the protected load balancer (create-only Scheme)', () => {
    const outcome = walk(accessChange, unrecorded);
    expect(outcome).toEqual({
      replacements: [
        expect.objectContaining({ type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', why: 'create-only Scheme changes' }),
        expect.objectContaining({ why: 'the original cannot be deleted while deletion protection is on' }),
      ],
    });
  }, 60_000);

  test('recorded, switching originAccess is refused with the steps: protection off, switch, protection on', () => {
    const outcome = walk(accessChange);
    expect(outcome).toEqual({
      refused: expect.stringMatching(/`originAccess` is OriginAccess.secretHeader\(\), but tenants.json records `settings.originAccess` "vpcOrigin".*`loadBalancerDeletionProtection: false` first/),
    });
  }, 60_000);

  test('the record itself is checked: settings.originAccess names a kind of access, settings.tenantNamePrefix is a string', () => {
    expect(() => Tenants.fromJson(JSON.stringify({ settings: { originAccess: 'public', tenantNamePrefix: 7 }, tenants: TENANTS }), 'tenants.json'))
      .toThrow(/`settings.tenantNamePrefix` must be a string, got 7[\s\S]*`settings.originAccess` "public" must be one of "vpcOrigin", "secretHeader"|`settings.originAccess` "public" must be one of "vpcOrigin", "secretHeader"[\s\S]*`settings.tenantNamePrefix` must be a string, got 7/);
  });
});
