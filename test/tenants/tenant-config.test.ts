import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { MultiTenantGateway, MultiTenantGatewayProps, TenantProps, Tenants } from '../../src';
import { tenantConfigDocument, tenantConfigPathProblems, tenantConfigSizeProblems } from '../../src/tenants/tenant-config';

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
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: 'ssm:GetParametersByPath',
          Effect: 'Allow',
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:us-east-1:123456789012:parameter/apps/shop/tenants']] },
        })]),
      },
    });
  });

  test('a bad path and a shard map over 8 KB are errors naming them', () => {
    const big = { notes: 'x'.repeat(9000) };
    expect(() => build([{ id: 'a', domainNames: ['a.example.com'], config: big }], { tenantConfigPath: 'tenants/' }))
      .toThrow(/`tenantConfigPath` "tenants\/" must be an SSM parameter path[\s\S]*the tenants of shard 0 \(1: "a"\) have 9\d{3} bytes/);
  });

  test('documents: every host of the shard, nothing else; size and path checks', () => {
    const doc = tenantConfigDocument([{ id: 'b', domainNames: ['b.x.com', 'c.x.com'], config: { k: 'v' } }]);
    expect(JSON.parse(doc)).toEqual({ 'b.x.com': { tenantId: 'b', config: { k: 'v' } }, 'c.x.com': { tenantId: 'b', config: { k: 'v' } } });
    expect(tenantConfigSizeProblems([{ index: 3, tenantConfig: doc, tenants: [{ id: 'b' }] }])).toEqual([]);
    expect(tenantConfigPathProblems('/ok/path')).toEqual([]);
  });
});
