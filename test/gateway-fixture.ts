// A gateway in a stack of its own, for the tests of the gateway and its edge modes.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { MultiTenantGateway, MultiTenantGatewayProps, TenantProps, Tenants } from '../src';

export const ENV = { account: '123456789012', region: 'eu-west-1' };
export const EDGE_CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/edge';
export const ALB_CERT = 'arn:aws:acm:eu-west-1:123456789012:certificate/origin';

/** `count` single-domain tenants in example.com, none pinned. */
export function tenants(count: number): TenantProps[] {
  return Array.from({ length: count }, (_, i) => ({ id: `tenant-${i}`, domainNames: [`tenant-${i}.example.com`] }));
}

/** A gateway over `list` in the zone example.com with imported certificates, in `app`; `overrides` win. */
export function build(list: TenantProps[], overrides: Partial<MultiTenantGatewayProps> = {}, app = new App()) {
  const stack = new Stack(app, 'Stack', { env: ENV });
  const gateway = new MultiTenantGateway(stack, 'Gateway', {
    tenants: Tenants.fromList(list),
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z123', zoneName: 'example.com' }),
    distributionCertificate: acm.Certificate.fromCertificateArn(stack, 'EdgeCert', EDGE_CERT),
    loadBalancerCertificates: [acm.Certificate.fromCertificateArn(stack, 'AlbCert', ALB_CERT)],
    ...overrides,
  });
  return { app, stack, gateway };
}

/** Every DNS record of a template, each record set of its record groups with the group's hosted zone. */
export function recordsOf(template: Template): any[] {
  return Object.values(template.findResources('AWS::Route53::RecordSetGroup'))
    .flatMap(group => group.Properties.RecordSets.map((record: object) => ({ HostedZoneId: group.Properties.HostedZoneId, ...record })));
}

/** The one resource of a type in a template (it fails unless there is exactly one): its logical id and properties. */
export function only(template: Template, type: string): { id: string; properties: any } {
  const found = template.findResources(type);
  expect(Object.keys(found)).toHaveLength(1);
  const [id] = Object.keys(found);
  return { id, properties: found[id].Properties };
}
