import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { EdgeMode, MultiTenantGateway, TenantProps, Tenants } from '../../src';
import { dnsInstructions } from '../../src/cli/dns';
import { DnsTargetsValue, findDnsTargets, SHARDS_PER_OUTPUT } from '../../src/edge/dns-outputs';
import { ALB_CERT, build, EDGE_CERT, ENV } from '../gateway-fixture';

/**
 * What CloudFormation makes of an output's value: each `Fn::GetAtt` replaced by what `deployed`
 * names it, then the `Fn::Join`.
 */
function deployedValue(value: any, deployed: (getAtt: string[]) => string): string {
  if (typeof value === 'string') return value;
  const [separator, parts] = value['Fn::Join'];
  return parts.map((part: any) => (typeof part === 'string' ? part : deployed(part['Fn::GetAtt']))).join(separator);
}

const PINNED: TenantProps[] = [
  { id: 'first', domainNames: ['first.example.com'], shard: 0 },
  { id: 'partner', domainNames: ['www.partner.test'], shard: 49, externalDns: true },
  { id: 'later', domainNames: ['later.example.com'], shard: 50 },
];

describe('DNS-target outputs in the gateway\'s stack', () => {
  test('sharded: one output per 50 shards, named <gateway>DnsTargets<n>, each shard\'s distribution domain', () => {
    const { stack } = build(PINNED);
    const template = Template.fromStack(stack);
    expect(Object.keys(template.findOutputs('*'))).toEqual(['GatewayDnsTargets0', 'GatewayDnsTargets1']);
    template.hasOutput('GatewayDnsTargets0', {
      Description: Match.stringLikeRegexp('shards 0 to 49'),
      Value: {
        'Fn::Join': ['', [
          '{"edge":"shardedDistributions","shards":{"0":"',
          { 'Fn::GetAtt': [Match.stringLikeRegexp('^GatewayBlock0'), Match.stringLikeRegexp('Shard0Distribution.*DomainName$')] },
          '","49":"',
          { 'Fn::GetAtt': [Match.stringLikeRegexp('^GatewayBlock0'), Match.stringLikeRegexp('Shard49Distribution.*DomainName$')] },
          '"}}',
        ]],
      },
    });
    template.hasOutput('GatewayDnsTargets1', {
      Value: { 'Fn::Join': ['', ['{"edge":"shardedDistributions","shards":{"50":"', { 'Fn::GetAtt': [Match.stringLikeRegexp('^GatewayBlock1'), Match.anyValue()] }, '"}}']] },
    });
  });

  test('multi-tenant: every shard\'s target is the connection group\'s routing endpoint', () => {
    const { stack } = build(PINNED, { edge: EdgeMode.multiTenantDistribution() });
    const template = Template.fromStack(stack);
    const [group] = Object.keys(template.findResources('AWS::CloudFront::ConnectionGroup'));
    const endpoint = { 'Fn::GetAtt': [group, 'RoutingEndpoint'] };
    template.hasOutput('GatewayDnsTargets0', {
      Value: { 'Fn::Join': ['', ['{"edge":"multiTenantDistribution","shards":{"0":"', endpoint, '","49":"', endpoint, '"}}']] },
    });
  });

  test('the account\'s default connection group: null, which the CLI explains', () => {
    const list = [{ id: 'partner', domainNames: ['www.partner.test'], externalDns: true }];
    const { stack } = build(list, { edge: EdgeMode.multiTenantDistribution({ ownConnectionGroup: false }) });
    Template.fromStack(stack).hasOutput('GatewayDnsTargets0', { Value: '{"edge":"multiTenantDistribution","shards":{"0":null}}' });
  });

  test('the CLI reads what the gateway writes: the tenant\'s shard and its distribution, as deployed', () => {
    const { stack } = build(PINNED);
    const outputs = Template.fromStack(stack).findOutputs('*');
    // A deployed distribution's domain name, made up from the shard it belongs to.
    const deployed = ([, attribute]: string[]) => `d${/Shard(\d+)Distribution/.exec(attribute)![1]}.cloudfront.net`;
    const document = { GatewayStack: Object.fromEntries(Object.entries(outputs).map(([id, o]) => [id, deployedValue(o.Value, deployed)])) };
    const file = JSON.stringify({ tenants: PINNED });

    const instructions = dnsInstructions(file, 'tenants.json', 'partner', {}, { source: 'cdk-outputs.json', read: () => document });

    expect(instructions.records).toEqual([{ type: 'CNAME', name: 'www.partner.test', value: 'd49.cloudfront.net' }]);
    expect(instructions.outputs).toBe('GatewayStack/Gateway');
  });

  test('output ids are the gateway\'s path in its stack with its non-alphanumerics left out, with no hash', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: ENV });
    const gateway = new MultiTenantGateway(new Construct(stack, 'Edge'), 'Saas-Gateway_2', {
      tenants: Tenants.fromList(PINNED),
      hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z123', zoneName: 'example.com' }),
      distributionCertificate: acm.Certificate.fromCertificateArn(stack, 'EdgeCert', EDGE_CERT),
      loadBalancerCertificates: [acm.Certificate.fromCertificateArn(stack, 'AlbCert', ALB_CERT)],
    });
    expect(Object.keys(Template.fromStack(stack).findOutputs('*'))).toEqual(['EdgeSaasGateway2DnsTargets0', 'EdgeSaasGateway2DnsTargets1']);
    expect(gateway.shardStacks).toHaveLength(3);
  });

  test('two gateways of one id under different parents of a stack write outputs of their own', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: ENV });
    for (const [parent, domain] of [['Eu', 'eu.example.com'], ['Us', 'us.example.com']]) {
      const scope = new Construct(stack, parent);
      new MultiTenantGateway(scope, 'Gateway', {
        tenants: Tenants.fromList([{ id: 'a', domainNames: [domain] }]),
        hostedZone: route53.HostedZone.fromHostedZoneAttributes(scope, 'Zone', { hostedZoneId: 'Z123', zoneName: 'example.com' }),
        distributionCertificate: acm.Certificate.fromCertificateArn(scope, 'EdgeCert', EDGE_CERT),
        loadBalancerCertificates: [acm.Certificate.fromCertificateArn(scope, 'AlbCert', ALB_CERT)],
        tenantConfigPath: `/${parent}/tenants`,
      });
    }
    expect(Object.keys(Template.fromStack(stack).findOutputs('*')).sort()).toEqual(['EuGatewayDnsTargets0', 'UsGatewayDnsTargets0']);
  });

  test('a run of 50 shards with CloudFront names stays within 4,096 bytes, so 500 shards make 10 outputs', () => {
    const shards = Object.fromEntries(Array.from({ length: SHARDS_PER_OUTPUT }, (_, i) => [String(450 + i), 'd111111abcdef8.cloudfront.net']));
    const value: DnsTargetsValue = { edge: 'multiTenantDistribution', shards };
    expect(Buffer.byteLength(JSON.stringify(value))).toBeLessThanOrEqual(4096);
    expect(500 / SHARDS_PER_OUTPUT).toBeLessThanOrEqual(200);
  });

  test('other outputs, and values not of this shape, are not taken for a gateway\'s', () => {
    expect(findDnsTargets({ App: { DnsTargets: '{}', XDnsTargets0: '{"edge":"x"}', YDnsTargets0: '{"edge":"x","shards":{"a":"b"}}', Z: 1 } })).toEqual([]);
    expect(findDnsTargets([])).toEqual([]);
  });
});
