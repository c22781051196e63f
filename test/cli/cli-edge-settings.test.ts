import * as fs from 'fs';
import { cliFolder } from './cli-harness';
import { formatRegistry, parseRegistry, SCHEMA_PATH } from '../../src/cli/registry-file';
import { TenantProps } from '../../src/tenants/tenants';

const ACL = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/acme/a1b2c3d4-5678-90ab-cdef-000000000000';

const folder = cliFolder('tenants-edge-');
const run = folder.run;

function write(list: TenantProps[], settings?: object): void {
  const extra = settings ? { settings } : {};
  fs.writeFileSync(folder.file('tenants.json'), formatRegistry({ schema: SCHEMA_PATH, tenants: list, extra, bare: false }));
}

function tenants(): TenantProps[] {
  return parseRegistry(fs.readFileSync(folder.file('tenants.json'), 'utf8'), 'tenants.json').tenants;
}

describe('edge settings in the CLI', () => {
  test('add pins a tenant with its own settings to a shard of those settings, and writes them', () => {
    write([{ id: 'plain', domainNames: ['plain.example.com'], shard: 0 }]);
    expect(run('add', 'acme', 'acme.example.com', '--web-acl', ACL)).toMatchObject({ code: 0, err: '' });
    expect(run('add', 'eu', 'eu.example.com', '--geo-allow', 'FR,DE', '--geo-allow', 'IT')).toMatchObject({ code: 0 });
    expect(run('add', 'plain-2', 'plain-2.example.com')).toMatchObject({ code: 0 });
    expect(run('add', 'acme-2', 'acme-2.example.com', '--web-acl', ACL)).toMatchObject({ code: 0 });
    expect(tenants()).toEqual([
      { id: 'plain', domainNames: ['plain.example.com'], shard: 0 },
      { id: 'acme', domainNames: ['acme.example.com'], shard: 1, webAcl: ACL },
      { id: 'eu', domainNames: ['eu.example.com'], shard: 2, geoRestriction: { allow: ['FR', 'DE', 'IT'] } },
      { id: 'plain-2', domainNames: ['plain-2.example.com'], shard: 0 },
      { id: 'acme-2', domainNames: ['acme-2.example.com'], shard: 1, webAcl: ACL },
    ]);
  });

  test('in the multi-tenant mode, settings do not split shards', () => {
    write([{ id: 'plain', domainNames: ['plain.example.com'], shard: 0 }], { edge: 'multiTenantDistribution' });
    expect(run('add', 'acme', 'acme.example.com', '--web-acl', 'none')).toMatchObject({ code: 0 });
    expect(tenants()[1]).toEqual({ id: 'acme', domainNames: ['acme.example.com'], shard: 0, webAcl: 'none' });
  });

  test('add refuses bad settings by the tenant rules', () => {
    write([]);
    const result = run('add', 'acme', 'acme.example.com', '--geo-allow', 'de', '--geo-deny', 'FR', '--web-acl', 'None');
    expect(result.code).toBe(1);
    expect(result.err).toContain('`geoRestriction.allow[0]` "de" must be an ISO 3166-1 alpha-2 country code in upper case');
    expect(result.err).toContain('`geoRestriction` must have exactly one of `allow`');
    expect(result.err).toContain('`webAcl` "None" must be "none" or the ARN');
  });

  test('validate knows the fields; a pinned tenant of other settings is refused with the move explained', () => {
    write([
      { id: 'plain', domainNames: ['plain.example.com'], shard: 0 },
      { id: 'acme', domainNames: ['acme.example.com'], shard: 1, webAcl: ACL, geoRestriction: { deny: ['KP'] } },
    ]);
    expect(run('validate')).toMatchObject({ code: 0, out: expect.stringMatching(/^tenants\.json is valid: 2 tenants, 2 domains on 2 shards\.\n/) });
    write([
      { id: 'plain', domainNames: ['plain.example.com'], shard: 0 },
      { id: 'acme', domainNames: ['acme.example.com'], shard: 0, geoRestriction: { deny: ['KP'] } },
    ]);
    const result = run('validate');
    expect(result.code).toBe(1);
    expect(result.err).toContain('tenant "acme": `shard` 0 holds tenant "plain", declared before it, whose edge settings differ: ' +
      'geoRestriction=none ("plain") vs geoRestriction=deny KP ("acme")');
    expect(result.err).toContain('run `cdk-multi-tenant-gateway move acme`');
  });

  test('plan shows the shards of each partition when there is more than one', () => {
    write([
      { id: 'plain', domainNames: ['plain.example.com'], shard: 0 },
      { id: 'acme', domainNames: ['acme.example.com'], shard: 1, webAcl: ACL },
      { id: 'plain-2', domainNames: ['plain-2.example.com'], shard: 0 },
    ]);
    const { code, out } = run('plan');
    expect(code).toBe(0);
    expect(out).toContain('Tenants of different edge settings (cell, webAcl, geoRestriction) are on distributions of their own:');
    expect(out).toMatch(/edge settings +shards +tenants +domains/);
    expect(out).toMatch(/webAcl=default; geoRestriction=none +1 +2 +2/);
    expect(out).toMatch(/distributionsPerAccount +\[.*\] +0% +2\/500 +498 +distributions \(2 partitions of edge settings\)/);

    write([{ id: 'plain', domainNames: ['plain.example.com'] }]);
    expect(run('plan').out).not.toContain('edge settings');
  });
});
