// A gateway with a control plane, for the template linters: the multi-tenant distribution with a
// few template tenants beside the tenant store, its queues, the reconciler and the drift sweep's
// schedule, and a second cell (the cells' origin domains in the reconciler's environment). Two
// template tenants are on their way to the store (`handOff`): one kept by CloudFormation when it
// leaves ("prepare": DeletionPolicy Retain), one whose records alone stay in the template ("store").
// scripts/synth-fixture.ts adds it to the fixtures' app.
import { App, Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Cell, EdgeMode, GatewayCertificates, MultiTenantGateway, OriginAccess, TenantCertificate, Tenants } from '../src';

/** Adds the stack `LintFixtureControlPlane` to `app`. */
export function addControlPlaneFixture(app: App): Stack {
  const stack = new Stack(app, 'LintFixtureControlPlane', { env: { account: '123456789012', region: 'us-east-1' } });
  new MultiTenantGateway(stack, 'Gateway', {
    tenants: Tenants.fromList([
      ...Array.from({ length: 3 }, (_, i) => ({ id: `template-${i}`, domainNames: [`template-${i}.example.com`] })),
      { id: 'leaving', domainNames: ['leaving.example.com'], handOff: 'prepare' },
      { id: 'handed', domainNames: ['handed.example.com'], handOff: 'store' },
    ]),
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789EXAMPLE', zoneName: 'example.com' }),
    certificates: GatewayCertificates.dnsValidated(),
    edge: EdgeMode.multiTenantDistribution({ controlPlane: {}, tenantCertificate: TenantCertificate.cloudFrontManaged() }),
    originAccess: OriginAccess.secretHeader(),
    cells: [Cell.fromHttpsOrigin('eu', { domainName: 'eu.origin.example.net' })],
    webAclId: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/gateway/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
  });
  return stack;
}
