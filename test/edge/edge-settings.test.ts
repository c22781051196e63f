import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import { EdgeMode, MultiTenantGateway, TenantCertificate, TenantProps } from '../../src';
import { errorOf } from '../errors';
import { build, ENV } from '../gateway-fixture';

const ACL = (name: string) => `arn:aws:wafv2:us-east-1:123456789012:global/webacl/${name}/a1b2c3d4-5678-90ab-cdef-000000000000`;
const GATEWAY_ACL = ACL('gateway');
const TENANT_CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/tenants';

/** Tenants of the default settings, two web ACLs, none, and a geo restriction, interleaved. */
const MIXED: TenantProps[] = [
  { id: 'plain-1', domainNames: ['plain-1.example.com'] },
  { id: 'acme', domainNames: ['acme.example.com', 'www.acme.example.com'], webAcl: ACL('acme') },
  { id: 'plain-2', domainNames: ['plain-2.example.com'] },
  { id: 'globex', domainNames: ['globex.example.com'], webAcl: ACL('globex') },
  { id: 'eu-only', domainNames: ['eu-only.example.com'], geoRestriction: { allow: ['FR', 'DE'] } },
  { id: 'acme-2', domainNames: ['acme-2.example.com'], webAcl: ACL('acme') },
  { id: 'open', domainNames: ['open.example.com'], webAcl: 'none' },
  { id: 'eu-too', domainNames: ['eu-too.example.com'], geoRestriction: { allow: ['DE', 'FR'] } },
];

function shardOf(gateway: MultiTenantGateway): { [id: string]: number } {
  return Object.fromEntries(gateway.placements.map(p => [p.tenantId, p.shard]));
}

function distributionConfigs(gateway: MultiTenantGateway): any[] {
  return gateway.shardStacks.map(s => {
    const found = Object.values(Template.fromStack(s).findResources('AWS::CloudFront::Distribution'));
    expect(found).toHaveLength(1);
    return found[0].Properties.DistributionConfig;
  });
}

describe('sharded distributions', () => {
  test('tenants of different edge settings get shards of their own, each distribution with its settings', () => {
    const { gateway } = build(MIXED, { webAclId: GATEWAY_ACL });
    expect(shardOf(gateway)).toEqual({ 'plain-1': 0, 'acme': 1, 'plain-2': 0, 'globex': 2, 'eu-only': 3, 'acme-2': 1, 'open': 4, 'eu-too': 3 });

    const configs = distributionConfigs(gateway);
    expect(configs.map(c => c.WebACLId)).toEqual([GATEWAY_ACL, ACL('acme'), ACL('globex'), GATEWAY_ACL, undefined]);
    expect(configs.map(c => c.Restrictions)).toEqual([undefined, undefined, undefined,
      { GeoRestriction: { RestrictionType: 'whitelist', Locations: ['DE', 'FR'] } }, undefined]);
    expect(configs[1].Aliases).toEqual(['acme.example.com', 'www.acme.example.com', 'acme-2.example.com']);
  });

  test('appending tenants of any settings moves nobody', () => {
    const before = shardOf(build(MIXED).gateway);
    const appended = [...MIXED,
      { id: 'late-acme', domainNames: ['late-acme.example.com'], webAcl: ACL('acme') },
      { id: 'late-deny', domainNames: ['late-deny.example.com'], geoRestriction: { deny: ['RU'] } },
      { id: 'late-plain', domainNames: ['late-plain.example.com'] }];
    const after = shardOf(build(appended).gateway);
    for (const [id, shard] of Object.entries(before)) expect(after[id]).toBe(shard);
    expect(after).toMatchObject({ 'late-acme': 1, 'late-deny': 5, 'late-plain': 0 });
  });

  test('a pinned tenant whose settings differ from its shard\'s is refused, with the declared move explained', () => {
    const message = errorOf(() => build([
      { id: 'acme', domainNames: ['acme.example.com'], shard: 0 },
      { id: 'globex', domainNames: ['globex.example.com'], shard: 0, webAcl: ACL('globex') },
    ]));
    expect(message).toContain('tenant "globex": `shard` 0 holds tenant "acme", declared before it, whose edge settings differ: ' +
      `webAcl=default ("acme") vs webAcl=${ACL('globex')} ("globex")`);
    expect(message).toContain('run `cdk-multi-tenant-gateway move globex`, which pins it to a shard of its new settings and records ' +
      '`"movedFrom": { "shard": 0 }`');
    expect(message).not.toContain('remove the tenant');
  });

  test('a pinned tenant alone on its shard changes its settings in place', () => {
    const pinned = MIXED.map((t, i) => ({ ...t, shard: [0, 1, 0, 2, 3, 1, 4, 3][i] }));
    const changed = pinned.map(t => (t.id === 'globex' ? { ...t, webAcl: undefined, geoRestriction: { deny: ['KP'] } } : t));
    const { gateway } = build(changed, { webAclId: GATEWAY_ACL });
    expect(shardOf(gateway).globex).toBe(2);
    expect(distributionConfigs(gateway)[2]).toMatchObject({
      WebACLId: GATEWAY_ACL,
      Restrictions: { GeoRestriction: { RestrictionType: 'blacklist', Locations: ['KP'] } },
    });
  });
});

describe('multi-tenant distribution', () => {
  test('edge settings become each distribution tenant\'s customizations, on shared shards', () => {
    const { gateway } = build(MIXED, { webAclId: GATEWAY_ACL, edge: EdgeMode.multiTenantDistribution() });
    expect(new Set(Object.values(shardOf(gateway)))).toEqual(new Set([0]));
    const tenants = Template.fromStack(gateway.shardStacks[0]).findResources('AWS::CloudFront::DistributionTenant');
    const customizations = Object.fromEntries(Object.values(tenants).map(t => [t.Properties.Name, t.Properties.Customizations]));
    expect(customizations).toEqual({
      'plain-1': undefined,
      'acme': { WebAcl: { Action: 'override', Arn: ACL('acme') } },
      'plain-2': undefined,
      'globex': { WebAcl: { Action: 'override', Arn: ACL('globex') } },
      'eu-only': { GeoRestrictions: { RestrictionType: 'whitelist', Locations: ['DE', 'FR'] } },
      'acme-2': { WebAcl: { Action: 'override', Arn: ACL('acme') } },
      'open': { WebAcl: { Action: 'disable' } },
      'eu-too': { GeoRestrictions: { RestrictionType: 'whitelist', Locations: ['DE', 'FR'] } },
    });
  });

  test('they merge with the tenant certificate\'s customization', () => {
    const certificate = acm.Certificate.fromCertificateArn(new Stack(new App(), 'Certs', { env: ENV }), 'TenantCert', TENANT_CERT);
    const { gateway } = build([
      { id: 'acme', domainNames: ['acme.example.com'], webAcl: ACL('acme') },
      { id: 'globex', domainNames: ['globex.example.com'], webAcl: 'none', geoRestriction: { deny: ['KP'] } },
      { id: 'plain', domainNames: ['plain.example.com'] },
    ], { edge: EdgeMode.multiTenantDistribution({ tenantCertificate: TenantCertificate.fromCertificate(certificate) }) });
    const tenants = Template.fromStack(gateway.shardStacks[0]).findResources('AWS::CloudFront::DistributionTenant');
    expect(Object.values(tenants).map(t => t.Properties.Customizations)).toEqual([
      { Certificate: { Arn: TENANT_CERT }, WebAcl: { Action: 'override', Arn: ACL('acme') } },
      { Certificate: { Arn: TENANT_CERT }, WebAcl: { Action: 'disable' }, GeoRestrictions: { RestrictionType: 'blacklist', Locations: ['KP'] } },
      { Certificate: { Arn: TENANT_CERT } },
    ]);
  });
});
