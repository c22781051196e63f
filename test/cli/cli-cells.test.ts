import * as fs from 'fs';
import { cliFolder } from './cli-harness';
import { formatRegistry, parseRegistry, SCHEMA_PATH } from '../../src/cli/registry-file';
import { TenantProps } from '../../src/tenants/tenants';

const { file, run } = cliFolder('tenants-cells-');

function write(list: TenantProps[], settings: object = { cells: ['eu', 'apac'] }): void {
  fs.writeFileSync(file('tenants.json'), formatRegistry({ schema: SCHEMA_PATH, tenants: list, extra: { settings }, bare: false }));
}

function fileText(): string {
  return fs.readFileSync(file('tenants.json'), 'utf8');
}

describe('cells in the CLI', () => {
  test('add --cell pins the tenant to a shard of its cell and writes `cell` after `externalDns`', () => {
    write([{ id: 'plain', domainNames: ['plain.example.com'], shard: 0 }]);
    expect(run('add', 'acme', 'acme.example.com', '--cell', 'eu', '--external-dns')).toMatchObject({ code: 0, err: '' });
    expect(run('add', 'globex', 'globex.example.com', '--cell', 'apac')).toMatchObject({ code: 0 });
    const result = run('add', 'initech', 'initech.example.com', '--cell', 'eu');
    expect(result.out).toContain('Added tenant "initech" of cell "eu" (1 domain) to shard 1');
    expect(run('add', 'plain-2', 'plain-2.example.com')).toMatchObject({ code: 0 });
    expect(parseRegistry(fileText(), 'tenants.json').tenants).toEqual([
      { id: 'plain', domainNames: ['plain.example.com'], shard: 0 },
      { id: 'acme', domainNames: ['acme.example.com'], shard: 1, externalDns: true, cell: 'eu' },
      { id: 'globex', domainNames: ['globex.example.com'], shard: 2, cell: 'apac' },
      { id: 'initech', domainNames: ['initech.example.com'], shard: 1, cell: 'eu' },
      { id: 'plain-2', domainNames: ['plain-2.example.com'], shard: 0 },
    ]);
    expect(fileText()).toMatch(/"externalDns": true,\n\s+"cell": "eu"\n/);
  });

  test('add and validate refuse a cell the file\'s settings.cells does not name, naming the tenant and the known cells', () => {
    write([{ id: 'plain', domainNames: ['plain.example.com'], shard: 0 }]);
    const added = run('add', 'acme', 'acme.example.com', '--cell', 'us');
    expect(added.code).toBe(1);
    expect(added.err).toContain('tenant "acme": `cell` "us" is not one of the gateway\'s cells ("default", "eu", "apac")');
    write([{ id: 'acme', domainNames: ['acme.example.com'], cell: 'us' }], {});
    const validated = run('validate');
    expect(validated.code).toBe(1);
    expect(validated.err).toContain('tenant "acme": `cell` "us" is not one of the gateway\'s cells ("default"); name one of them, ' +
      'or add the cell to the gateway\'s `cells` and its name to the tenants file\'s `settings.cells`');
  });

  test('validate refuses a pinned tenant whose cell changed on a shared shard, with the move to make', () => {
    write([{ id: 'a', domainNames: ['a.example.com'], shard: 0 }, { id: 'b', domainNames: ['b.example.com'], shard: 0, cell: 'eu' }]);
    const result = run('validate');
    expect(result.code).toBe(1);
    expect(result.err).toContain('whose edge settings differ: cell=default ("a") vs cell=eu ("b")');
    expect(result.err).toContain('run `cdk-multi-tenant-gateway move b`');
  });

  test('plan shows tenants, shards and domains per cell, and the VPC origins each cell\'s load balancer needs', () => {
    write([
      { id: 'a', domainNames: ['a.example.com', 'www.a.example.com'], shard: 0 },
      { id: 'b', domainNames: ['b.example.com'], shard: 1, cell: 'eu' },
      { id: 'c', domainNames: ['c.example.com'], shard: 2, cell: 'eu' },
    ]);
    const { code, out } = run('plan');
    expect(code).toBe(0);
    expect(out).toContain('Cells (each shard serves one cell, its distribution\'s origin; room = free domains on its shards):');
    expect(out).toMatch(/\ncell +shards +tenants +domains +room +vpc origins\n/);
    expect(out).toMatch(/\ndefault +1 +1 +2 +98 +1\n/);
    expect(out).toMatch(/\neu +2 +2 +2 +198 +1\n/);
    expect(out).toMatch(/\napac +0 +0 +0 +0 +0\n/);
    // default: distribution 0 (one VPC origin); eu: distributions 1 and 2 (one).
    expect(out).toMatch(/vpcOriginsPerAccount +\[.*\] +8% +2\/25 +23 +vpc origins \(one per 50 distributions of each cell's load balancer\)/);
  });

  test('a file without cells plans as before: no cell table', () => {
    write([{ id: 'a', domainNames: ['a.example.com'], shard: 0 }], {});
    const { out } = run('plan');
    expect(out).not.toContain('Cells');
    expect(out).toMatch(/vpcOriginsPerAccount +\[.*\] +4% +1\/25 +24 +vpc origins \(one per 50 distributions\)$/m);
  });
});
