// Gateways for the template linters, beside the example (sharded, VPC origins): 150 tenants in
// secret-header mode with WAF and CloudFront logging, 150 tenants on a multi-tenant distribution
// with DNS-validated certificates and alarms in us-east-1, and 20 tenants with DNS-validated
// certificates in eu-west-1, served by ECS Fargate.
// `ts-node --project tsconfig.dev.json scripts/synth-fixture.ts <outdir>`.
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { EdgeMode, Fleet, GatewayCertificates, MultiTenantGateway, OriginAccess, TenantProps, Tenants } from '../src';
import { addControlPlaneFixture } from './lint-fixture-control-plane';

const outdir = process.argv[2];
if (!outdir) {
  console.error('usage: synth-fixture.ts <outdir>');
  process.exit(2);
}

const app = new App({ outdir: path.resolve(outdir) });
const stack = new Stack(app, 'LintFixture', { env: { account: '123456789012', region: 'eu-west-1' } });
// Each gateway serves domains of its own: two gateways of one app may not serve the same domain.
const tenantsOf = (label: string, count: number): TenantProps[] => Array.from({ length: count }, (_, i) => ({
  id: `tenant-${i}`,
  domainNames: [`${label}-${i}.example.com`],
  shard: Math.floor(i / 100),
}));

new MultiTenantGateway(stack, 'Gateway', {
  tenants: Tenants.fromList(tenantsOf('tenant', 150)),
  hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789EXAMPLE', zoneName: 'example.com' }),
  distributionCertificate: acm.Certificate.fromCertificateArn(stack, 'EdgeCertificate',
    'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555'),
  loadBalancerCertificates: [acm.Certificate.fromCertificateArn(stack, 'OriginCertificate',
    'arn:aws:acm:eu-west-1:123456789012:certificate/66666666-7777-8888-9999-000000000000')],
  originAccess: OriginAccess.secretHeader(),
  webAclId: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/gateway/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
  distributionLogging: true,
  loadBalancerDeletionProtection: true,
});

const saas = new Stack(app, 'LintFixtureMultiTenant', { env: { account: '123456789012', region: 'us-east-1' } });
new MultiTenantGateway(saas, 'Gateway', {
  tenants: Tenants.fromList(tenantsOf('saas', 150)),
  hostedZone: route53.HostedZone.fromHostedZoneAttributes(saas, 'Zone', { hostedZoneId: 'Z0123456789EXAMPLE', zoneName: 'example.com' }),
  certificates: GatewayCertificates.dnsValidated(),
  edge: EdgeMode.multiTenantDistribution(),
  webAclId: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/gateway/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
});

// DNS-validated certificates from a stack outside us-east-1 (the edge certificate is requested
// there by a function, which the linters must see too), and the app on ECS Fargate.
const regional = new Stack(app, 'LintFixtureRegionalCertificates', { env: { account: '123456789012', region: 'eu-west-1' } });
new MultiTenantGateway(regional, 'Gateway', {
  tenants: Tenants.fromList(tenantsOf('regional', 20)),
  hostedZone: route53.HostedZone.fromHostedZoneAttributes(regional, 'Zone', { hostedZoneId: 'Z0123456789EXAMPLE', zoneName: 'example.com' }),
  certificates: GatewayCertificates.dnsValidated(),
  fleet: Fleet.ecsFargate({ image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:stable') }),
  webAclId: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/gateway/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
  loadBalancerDeletionProtection: true,
});

// A gateway with a control plane (tenant store, queues, reconciler, drift sweep).
addControlPlaneFixture(app);

const assembly = app.synth();
console.log(`Synthesized the secret-header, multi-tenant and regional-certificate gateways into ${path.relative(process.cwd(), assembly.directory)}`);
