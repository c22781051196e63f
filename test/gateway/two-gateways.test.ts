// Two gateways of one app that would serve the same domain. "Move an alternate domain name",
// Amazon CloudFront Developer Guide: adding a domain already associated with another distribution
// or distribution tenant fails with CNAMEAlreadyExists ("One or more of the CNAMEs you provided are
// already associated with a different resource"), in any account, so the second gateway could
// never deploy. https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/alternate-domain-names-move.html
import { App, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { EdgeMode, MultiTenantGateway, MultiTenantGatewayProps, TenantProps, Tenants } from '../../src';
import { errorOf } from '../errors';
import { ALB_CERT, EDGE_CERT, ENV } from '../gateway-fixture';

/** A gateway of `list` under `scope` (its stack's zone and certificates made beside it). */
function gateway(scope: Construct, list: TenantProps[], props: Partial<MultiTenantGatewayProps> = {}) {
  return new MultiTenantGateway(scope, 'Gateway', {
    tenants: Tenants.fromList(list),
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(scope, 'Zone', { hostedZoneId: 'Z123', zoneName: 'example.com' }),
    distributionCertificate: acm.Certificate.fromCertificateArn(scope, 'EdgeCert', EDGE_CERT),
    loadBalancerCertificates: [acm.Certificate.fromCertificateArn(scope, 'AlbCert', ALB_CERT)],
    tenantConfigPath: `/${scope.node.path.replace(/\//g, '-')}/tenants`,
    ...props,
  });
}

const one = (id: string, ...domainNames: string[]): TenantProps => ({ id, domainNames });

test('a domain of a second gateway in the same stack is refused, whatever tenant holds it', () => {
  const stack = new Stack(new App(), 'Stack', { env: ENV });
  gateway(new Construct(stack, 'Eu'), [one('acme', 'acme.example.com'), one('shop', 'shop.example.com')]);
  const message = errorOf(() => gateway(new Construct(stack, 'Us'), [one('acme-us', 'acme.example.com'), one('new', 'new.example.com')]));
  expect(message).toMatch(/^MultiTenantGateway "Stack\/Us\/Gateway" has 1 problem:/);
  expect(message).toContain('tenant domain "acme.example.com" is also served by gateway "Stack/Eu/Gateway" of this app; ' +
    'CloudFront attaches a domain to one distribution only, across all accounts (the second fails with CNAMEAlreadyExists)');
});

test('in another stack, region or edge mode of the app too: CloudFront domains are global', () => {
  const app = new App();
  gateway(new Stack(app, 'First', { env: ENV }), [one('acme', 'acme.example.com')]);
  const elsewhere = new Stack(app, 'Elsewhere', { env: { ...ENV, region: 'us-west-2' } });
  expect(errorOf(() => gateway(elsewhere, [one('acme', 'acme.example.com')], { edge: EdgeMode.multiTenantDistribution() })))
    .toContain('tenant domain "acme.example.com" is also served by gateway "First/Gateway" of this app');
});

test('many shared domains make one problem per other gateway, naming the first five', () => {
  const app = new App();
  const list = Array.from({ length: 8 }, (_, i) => one(`t${i}`, `t${i}.example.com`));
  gateway(new Stack(app, 'First', { env: ENV }), list);
  const message = errorOf(() => gateway(new Stack(app, 'Copy', { env: ENV }), list));
  expect(message).toContain('8 tenant domains "t0.example.com", "t1.example.com", "t2.example.com", "t3.example.com", "t4.example.com" ' +
    'and 3 more are also served by gateway "First/Gateway"');
});

test('distinct domains pass; a refused gateway claims nothing; a new app starts afresh', () => {
  const app = new App();
  gateway(new Stack(app, 'First', { env: ENV }), [one('a', 'a.example.com')]);
  expect(() => gateway(new Stack(app, 'Refused', { env: ENV }), [one('a', 'a.example.com'), one('b', 'b.example.com')])).toThrow();
  expect(() => gateway(new Stack(app, 'Second', { env: ENV }), [one('b', 'b.example.com')])).not.toThrow();
  expect(() => gateway(new Stack(new App(), 'First', { env: ENV }), [one('a', 'a.example.com')])).not.toThrow();
});

test('a tenant that adopts its domains by a declared move (adoptFrom) is no conflict', () => {
  const app = new App();
  gateway(new Stack(app, 'Old', { env: ENV }), [one('acme', 'acme.example.com')]);
  const adopting: TenantProps = { ...one('acme', 'acme.example.com'), externalDns: true, adoptFrom: { distributionId: 'E2QWRUHAPOMQZL' } };
  expect(() => gateway(new Stack(app, 'New', { env: ENV }), [adopting], { edge: EdgeMode.multiTenantDistribution() })).not.toThrow();
});
