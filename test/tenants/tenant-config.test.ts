import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { MultiTenantGateway, MultiTenantGatewayProps, TenantProps, Tenants } from '../../src';
import { tenantConfigParts, tenantConfigPathProblems, tenantConfigProblems } from '../../src/tenants/tenant-config';

function build(list: TenantProps[], overrides: Partial<MultiTenantGatewayProps> = {}) {
  const app = new App();
  const stack = new Stack(app, 'Shop', { env: { account: '123456789012', region: 'us-east-1' } });
  const gateway = new MultiTenantGateway(stack, 'Gateway', {
    tenants: Tenants.fromList(list),
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z123', zoneName: 'example.com' }),
    distributionCertificate: acm.Certificate.fromCertificateArn(stack, 'EdgeCert', 'arn:aws:acm:us-east-1:123456789012:certificate/e'),
    loadBalancerCertificates: [acm.Certificate.fromCertificateArn(stack, 'AlbCert', 'arn:aws:acm:us-east-1:123456789012:certificate/o')],
    ...overrides,
  });
  return { stack, gateway };
}

describe('tenant config', () => {
  test('each shard publishes its hosts\' tenant and config in its own stack, at <path>/shard-<n>', () => {
    const tenants: TenantProps[] = [
      { id: 'acme', domainNames: ['acme.example.com', 'shop.acme.example.com'], config: { plan: 'gold' } },
      { id: 'globex', domainNames: ['globex.example.com'] },
      { id: 'later', domainNames: ['later.example.com'], shard: 1, config: { theme: 'dark' } },
    ];
    const { gateway } = build(tenants);
    expect(gateway.tenantConfigPath).toBe('/Shop/Gateway/tenants');
    expect(gateway.tenantConfigParameters).toHaveLength(2);

    const shard0 = Template.fromStack(gateway.shardStacks[0]);
    const [param0] = Object.values(shard0.findResources('AWS::SSM::Parameter')).map(r => r.Properties);
    expect(param0.Name).toBe('/Shop/Gateway/tenants/shard-0');
    expect(JSON.parse(param0.Value)).toEqual({
      'acme.example.com': { tenantId: 'acme', config: { plan: 'gold' } },
      'shop.acme.example.com': { tenantId: 'acme', config: { plan: 'gold' } },
      'globex.example.com': { tenantId: 'globex', config: {} },
    });
    const [param1] = Object.values(Template.fromStack(gateway.shardStacks[1]).findResources('AWS::SSM::Parameter')).map(r => r.Properties);
    expect(JSON.parse(param1.Value)).toEqual({ 'later.example.com': { tenantId: 'later', config: { theme: 'dark' } } });
  });

  test('the fleet may read every shard\'s map by path', () => {
    const { stack } = build([{ id: 'a', domainNames: ['a.example.com'] }], { tenantConfigPath: '/apps/shop/tenants' });
    // A managed policy on the role the gateway made for the fleet (no inline policy).
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^GatewayFleetInstanceRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: 'ssm:GetParametersByPath',
          Effect: 'Allow',
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:us-east-1:123456789012:parameter/apps/shop/tenants']] },
        })]),
      },
    });
  });

  test('a bad path and a host entry over 4 KB are errors naming them', () => {
    const big = { notes: 'x'.repeat(5000) };
    expect(() => build([{ id: 'a', domainNames: ['a.example.com'], config: big }], { tenantConfigPath: 'tenants/' }))
      .toThrow(/`tenantConfigPath` "tenants\/" must be an SSM parameter path[\s\S]*tenant "a": its `config` makes 50\d\d bytes per host, more than the 4096 bytes a standard SSM parameter holds \(the largest value is `config.notes`, 5000 bytes\)/);
  });

  test('paths SSM refuses: reserved prefixes, too many levels, too long', () => {
    expect(tenantConfigPathProblems('/ok/path')).toEqual([]);
    expect(tenantConfigPathProblems('/aws/tenants')).toEqual([expect.stringContaining('must not begin with "aws" or "ssm"')]);
    expect(tenantConfigPathProblems('/SSM-x')).toEqual([expect.stringContaining('must not begin with "aws" or "ssm"')]);
    expect(tenantConfigPathProblems('/a'.repeat(15))).toEqual([expect.stringContaining('has 15 levels')]);
    expect(tenantConfigPathProblems('/' + 'a'.repeat(1000))).toEqual([expect.stringContaining('is 1001 characters')]);
  });

  test('two gateways of one app may not publish under the same path, or one under the other', () => {
    const app = new App();
    const gatewayIn = (stackId: string, env: { account?: string; region?: string } | undefined, path?: string) => {
      const stack = new Stack(app, stackId, { env });
      return () => new MultiTenantGateway(stack, 'Gateway', {
        // Each gateway its own domain: one domain in two gateways of an app is refused on its own.
        tenants: Tenants.fromList([{ id: 'a', domainNames: [`${stackId.toLowerCase()}.example.com`] }]),
        hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z123', zoneName: 'example.com' }),
        distributionCertificate: acm.Certificate.fromCertificateArn(stack, 'EdgeCert', 'arn:aws:acm:us-east-1:123456789012:certificate/e'),
        loadBalancerCertificates: [acm.Certificate.fromCertificateArn(stack, 'AlbCert', 'arn:aws:acm:us-east-1:123456789012:certificate/o')],
        tenantConfigPath: path,
      });
    };
    const env = { account: '123456789012', region: 'us-east-1' };
    gatewayIn('First', env, '/shop/tenants')();
    expect(gatewayIn('Same', env, '/shop/tenants')).toThrow(
      /`tenantConfigPath` "\/shop\/tenants" is also the path of gateway "First\/Gateway" \("\/shop\/tenants"\) in the same account and region/);
    expect(gatewayIn('Nested', env, '/shop/tenants/eu')).toThrow(/`tenantConfigPath` "\/shop\/tenants\/eu" overlaps the path of gateway "First\/Gateway"/);
    expect(gatewayIn('Agnostic', undefined, '/shop')).toThrow(/overlaps the path of gateway "First\/Gateway"/);
    // Another region, a sibling path, or the default path (named after the stack) are fine.
    expect(gatewayIn('OtherRegion', { ...env, region: 'eu-west-1' }, '/shop/tenants')).not.toThrow();
    expect(gatewayIn('Sibling', env, '/shop/tenants-eu')).not.toThrow();
    expect(gatewayIn('Default', env)).not.toThrow();
    // A new app starts afresh.
    expect(() => build([{ id: 'a', domainNames: ['a.example.com'] }], { tenantConfigPath: '/shop/tenants' })).not.toThrow();
  });

  test('a shard\'s map is cut into standard-tier parts; every host appears once, in order', () => {
    // 100 tenants with long ids and domains: far past one 4 KB parameter, with no config at all.
    const list = Array.from({ length: 100 }, (_, i) => ({
      id: `a-partner-with-a-rather-long-identifier-${i}`,
      domainNames: [`www.a-partner-with-a-rather-long-identifier-${i}.example.com`],
    }));
    const parts = tenantConfigParts(list);
    expect(parts.length).toBeGreaterThan(2);
    for (const part of parts) expect(Buffer.byteLength(part)).toBeLessThanOrEqual(4096);
    const merged = Object.assign({}, ...parts.map(p => JSON.parse(p)));
    expect(Object.keys(merged)).toEqual(list.map(t => t.domainNames[0]));
    expect(tenantConfigProblems(list)).toEqual([]);

    const { gateway } = build(list.map(t => ({ ...t, domainNames: [t.domainNames[0]] })));
    const params = Object.values(Template.fromStack(gateway.shardStacks[0]).findResources('AWS::SSM::Parameter')).map(r => r.Properties);
    expect(params.map(p => p.Name)).toEqual(parts.map((_, k) => `/Shop/Gateway/tenants/shard-0${k === 0 ? '' : `-part-${k}`}`));
    expect(new Set(params.map(p => p.Tier))).toEqual(new Set(['Standard']));
  });
});
