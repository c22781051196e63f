import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { cliFolder } from './cli-harness';
import { formatRegistry, parseRegistry, SCHEMA_PATH } from '../../src/cli/registry-file';
import { TenantProps } from '../../src/tenants/tenants';

const EXAMPLE = path.join(__dirname, '..', '..', 'examples', 'tenants.json');
const SMALL = ['--quota', 'domainsPerDistribution=2'];
const ZONE_NOTE = '\nNote: `settings.zoneName` is not set, so domains were not checked against the hosted zone; ' +
  'set it to the zone\'s name, as "settings": { "zoneName": "example.com" }';

const folder = cliFolder('tenants-cli-');
const run = folder.run;

function write(tenants: TenantProps[], name = 'tenants.json'): string {
  const text = formatRegistry({ schema: SCHEMA_PATH, tenants, extra: {}, bare: false });
  fs.writeFileSync(folder.file(name), text);
  return text;
}

function read(name = 'tenants.json'): string {
  return fs.readFileSync(folder.file(name), 'utf8');
}

function shards(name = 'tenants.json'): { [id: string]: number | undefined } {
  return Object.fromEntries(parseRegistry(read(name), name).tenants.map(t => [t.id, t.shard]));
}

function tenant(id: string, count = 1, shard?: number): TenantProps {
  const domainNames = Array.from({ length: count }, (_, i) => `${i === 0 ? '' : `d${i}.`}${id}.example.com`);
  return shard === undefined ? { id, domainNames } : { id, domainNames, shard };
}

describe('add', () => {
  test('appends the tenant pinned, and the diff is only its lines plus the comma before it', () => {
    fs.copyFileSync(EXAMPLE, folder.file('tenants.json'));
    const before = read().split('\n');

    const result = run('add', 'newco', 'newco.example.com', 'www.newco.example.com');

    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toMatch(/Added tenant "newco" \(2 domains\) to shard 1 in tenants\.json; shard 1 now holds 33\/100/);
    expect(result.out).not.toMatch(/reformatted/);
    const after = read().split('\n');
    let prefix = 0;
    while (before[prefix] === after[prefix]) prefix++;
    let suffix = 0;
    while (suffix < before.length - prefix && before[before.length - 1 - suffix] === after[after.length - 1 - suffix]) suffix++;
    // Nothing removed; inserted: the comma closing the last tenant, then the new tenant's lines.
    expect(prefix + suffix).toBe(before.length);
    expect(after.slice(prefix, after.length - suffix).join('\n')).toBe([
      '    },',
      '    {',
      '      "id": "newco",',
      '      "domainNames": [',
      '        "newco.example.com",',
      '        "www.newco.example.com"',
      '      ],',
      '      "shard": 1',
    ].join('\n'));
  });

  test('pins to the first shard with room for all the domains', () => {
    write([]);
    expect(run('add', 'a', 'a.example.com', ...SMALL).code).toBe(0);
    expect(run('add', 'b', 'b.example.com', ...SMALL).code).toBe(0);
    expect(run('add', 'c', 'c.example.com', 'www.c.example.com', ...SMALL).code).toBe(0);
    expect(run('add', 'd', 'd.example.com', ...SMALL).code).toBe(0);
    expect(shards()).toEqual({ a: 0, b: 0, c: 1, d: 2 });

    expect(run('remove', 'a', ...SMALL).code).toBe(0);
    expect(run('add', 'e', 'e.example.com', 'www.e.example.com', ...SMALL).code).toBe(0);
    expect(run('add', 'f', 'f.example.com', ...SMALL).code).toBe(0);
    expect(shards()).toEqual({ b: 0, c: 1, d: 2, e: 3, f: 0 });
  });

  test('writes externalDns and config in the canonical field order', () => {
    write([tenant('acme', 1, 0)]);
    const result = run('add', 'initech', 'portal.initech.example', '--config', 'plan=gold', '--external-dns', '--config=query=a=b');
    expect(result.code).toBe(0);
    // The next steps are commands to run, not a code API.
    expect(result.out).toContain('npx cdk deploy --outputs-file cdk-outputs.json\n');
    expect(result.out).toContain('  npx cdk-multi-tenant-gateway dns initech --outputs cdk-outputs.json');
    expect(result.out).not.toContain('dnsTargetOf');
    const added = JSON.parse(read()).tenants[1];
    expect(Object.keys(added)).toEqual(['id', 'domainNames', 'shard', 'externalDns', 'config']);
    expect(added).toEqual({
      id: 'initech', domainNames: ['portal.initech.example'], shard: 0, externalDns: true, config: { plan: 'gold', query: 'a=b' },
    });
  });

  test('refuses a missing file and names the command that creates one; init creates it, with $schema first', () => {
    write([tenant('acme', 1, 0)]);
    const refused = run('add', 'acme', 'acme.example.com', '--file', 'tenant.json');
    expect(refused.code).toBe(1);
    expect(refused.err).toBe('Tenants file tenant.json does not exist (did you mean "tenants.json"?). To start a new one on purpose, run:\n' +
      '  npx cdk-multi-tenant-gateway init --zone-name <your hosted zone> --file tenant.json');
    expect(fs.existsSync(folder.file('tenant.json'))).toBe(false);

    expect(run('init', '--file', 'sub-tenants.json').code).toBe(0);
    expect(run('init', '--file', 'sub-tenants.json')).toMatchObject({ code: 1, err: 'sub-tenants.json exists already; `init` creates a new file only' });
    const result = run('add', 'acme', 'acme.example.com', '--file', 'sub-tenants.json');
    expect(result.code).toBe(0);
    expect(read('sub-tenants.json')).toBe(
      `{\n  "$schema": "${SCHEMA_PATH}",\n  "tenants": [\n    {\n      "id": "acme",\n` +
      '      "domainNames": [\n        "acme.example.com"\n      ],\n      "shard": 0\n    }\n  ]\n}\n');
  });

  test('refuses a domain another tenant has, and leaves the file alone', () => {
    const text = write([tenant('acme', 2, 0)]);
    const result = run('add', 'evil', 'evil.example.com', 'd1.acme.example.com');
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/Cannot add tenant "evil".*\n.*`domainNames\[1\]` "d1\.acme\.example\.com" already belongs to tenant "acme"/);
    expect(read()).toBe(text);
  });

  test('refuses a duplicate id, and a domain listed twice', () => {
    write([tenant('acme', 1, 0)]);
    expect(run('add', 'acme', 'other.example.com').err).toMatch(/`id` "acme" is also the id of tenants\[0\]; ids must be unique/);
    expect(run('add', 'twice', 'twice.example.com', 'twice.example.com').err)
      .toMatch(/`domainNames\[1\]` "twice\.example\.com" already belongs to tenant "twice"/);
  });

  test('refuses an invalid id and invalid domains, listing every problem', () => {
    write([]);
    const result = run('add', 'Acme_Corp', 'Acme.example.com', '*.example.com', 'example.com.');
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/it has 4 problems/);
    expect(result.err).toMatch(/`id` "Acme_Corp" must be 1-63 lower-case letters, digits or hyphens/);
    expect(result.err).toMatch(/`domainNames\[0\]` "Acme\.example\.com" must be a lower-case fully qualified domain name/);
    expect(result.err).toMatch(/`domainNames\[1\]` "\*\.example\.com"/);
    expect(result.err).toMatch(/`domainNames\[2\]` "example\.com\."/);
  });

  test('refuses when no shard has room within distributionsPerAccount', () => {
    const text = write([tenant('a', 2, 0), tenant('b', 1, 1), tenant('c', 1, 1)]);
    const result = run('add', 'd', 'd.example.com', ...SMALL, '--quota', 'distributionsPerAccount=2');
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/Cannot add tenant "d": no shard has room for its 1 domain\. Another distribution needs 3 but the CloudFront quota "Web distributions per AWS account" is 2 \(`quotas\.distributionsPerAccount`\)/);
    expect(read()).toBe(text);
  });

  test('refuses a tenant with more domains than a distribution takes', () => {
    write([]);
    const result = run('add', 'big', 'big.example.com', 'a.big.example.com', 'b.big.example.com', ...SMALL);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/its 3 `domainNames` must share one distribution, which needs 3 but .* is 2 \(`quotas\.domainsPerDistribution`\)/);
  });

  test('refuses a tenant that would break another quota', () => {
    write([tenant('a', 1, 0)]);
    const result = run('add', 'b', 'b.example.com', '--quota', 'recordsPerHostedZone=3');
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/An A and an AAAA record for each of 2 tenant domains needs 4 .* is 3 \(`quotas\.recordsPerHostedZone`\)/);
    // A partner hosting its own DNS takes no records.
    expect(run('add', 'b', 'b.example.com', '--external-dns', '--quota', 'recordsPerHostedZone=3').code).toBe(0);
  });

  test('refuses to add to a file that already breaks a rule', () => {
    write([tenant('a', 2, 0), tenant('b', 1, 0)]);
    const result = run('add', 'c', 'c.example.com', ...SMALL);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^tenants\.json has 1 problem:\n {2}- tenant "b": .*domainsPerDistribution/);
    expect(result.err).toMatch(/Fix them \(run `validate`\) before adding a tenant\./);
  });

  test('rewrites a hand-formatted file in the canonical layout and says so', () => {
    fs.writeFileSync(folder.file('tenants.json'),
      '{"tenants":[{"domainNames":["a.example.com"],"id":"a"}],"$schema":"x.json","owner":"platform"}');
    const result = run('add', 'b', 'b.example.com');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/could not be edited in its own layout, so it was re-laid out .*: besides this change, line 1 of the old file changed/);
    const text = read();
    expect(Object.keys(JSON.parse(text))).toEqual(['$schema', 'tenants', 'owner']);
    expect(JSON.parse(text).tenants[0]).toEqual({ id: 'a', domainNames: ['a.example.com'] });
    expect(text).toBe(formatRegistry(parseRegistry(text, 'tenants.json')));
  });

  test('keeps a bare list of tenants a bare list', () => {
    fs.writeFileSync(folder.file('tenants.json'), '[]\n');
    expect(run('add', 'a', 'a.example.com').code).toBe(0);
    expect(JSON.parse(read())).toEqual([{ id: 'a', domainNames: ['a.example.com'], shard: 0 }]);
  });
});

describe('remove', () => {
  test('removes the tenant; every other tenant keeps its lines', () => {
    const tenants = [tenant('a', 1, 0), tenant('b', 2, 0), tenant('c', 1, 1)];
    write(tenants);
    const result = run('remove', 'b');
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toBe('Removed tenant "b" (b.example.com, d1.b.example.com) from tenants.json; no other tenant moves.\n' +
      'Next, check the file as CI will, then commit it and open a pull request:\n  npx cdk-multi-tenant-gateway validate');
    expect(read()).toBe(formatRegistry({ schema: SCHEMA_PATH, tenants: [tenants[0], tenants[2]], extra: {}, bare: false }));
  });

  test('refuses an unknown tenant', () => {
    write([tenant('a', 1, 0)]);
    expect(run('remove', 'zz')).toMatchObject({ code: 1, err: 'tenants.json has no tenant "zz" (it has 1 tenant)' });
  });

  test('refuses when an unpinned tenant would move, and says how to pin it', () => {
    const text = write([tenant('a', 2), tenant('b', 1)]);
    const result = run('remove', 'a', ...SMALL);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/Cannot remove tenant "a": it would move 1 unpinned tenant:\n {2}- tenant "b" would move from shard 1 to 0; pin it with "shard": 1/);
    expect(result.err).toMatch(/CNAMEAlreadyExists\)\. Pin them where they are first \(`pin` pins every unpinned tenant\), then remove it\.$/);
    expect(read()).toBe(text);

    expect(run('pin', ...SMALL).code).toBe(0);
    expect(run('remove', 'a', ...SMALL).code).toBe(0);
    expect(shards()).toEqual({ b: 1 });
  });
});

describe('validate', () => {
  test('accepts the example file', () => {
    fs.copyFileSync(EXAMPLE, folder.file('tenants.json'));
    expect(run('validate')).toMatchObject({ code: 0, out: `tenants.json is valid: 130 tenants, 131 domains on 2 shards.${ZONE_NOTE}` });
  });

  test('names the file, line and column of malformed JSON', () => {
    fs.writeFileSync(folder.file('broken.json'), '{\n  "tenants": [\n    { "id": "a" "domainNames": [] }\n  ]\n}\n');
    const result = run('validate', '--file', 'broken.json');
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^broken\.json:3:17: malformed JSON: /);
  });

  test('lists every tenant problem at once', () => {
    fs.writeFileSync(folder.file('tenants.json'), JSON.stringify({
      tenants: [tenant('a', 1, 0), { id: 'B', domainNames: ['a.example.com'] }, { id: 'c', domainNames: [], color: 'red' }],
    }));
    const result = run('validate');
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^tenants\.json has 4 problems:/);
    expect(result.err).toMatch(/tenant "B": `id` "B" must be/);
    expect(result.err).toMatch(/tenant "B": `domainNames\[0\]` "a\.example\.com" already belongs to tenant "a"/);
    expect(result.err).toMatch(/tenant "c": unknown field `color`/);
    expect(result.err).toMatch(/tenant "c": `domainNames` must be a non-empty list/);
  });

  test('reports placement and quota problems with the quota to raise', () => {
    write([tenant('a', 2, 0), tenant('b', 1, 0), tenant('c', 1, 7)]);
    const result = run('validate', ...SMALL, '--quota', 'distributionsPerAccount=5', '--quota', 'distributionsPerCachePolicy=2');
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/tenant "b": .*`quotas\.domainsPerDistribution`/);
    expect(result.err).toMatch(/tenant "c": `shard` 7 is past the last distribution .*`quotas\.distributionsPerAccount`/);
  });

  test('refuses a file with no tenants, as the gateway does', () => {
    write([]);
    expect(run('validate')).toMatchObject({ code: 1, err: 'tenants.json has 1 problem:\n  - it has no tenants; a gateway needs at least one' });
    write([tenant('a')]);
    expect(run('validate')).toMatchObject({ code: 0, out: `tenants.json is valid: 1 tenant, 1 domain on 1 shard.${ZONE_NOTE}` });
  });

  test('reports a file that cannot be read', () => {
    fs.mkdirSync(folder.file('folder.json'));
    expect(run('validate', '--file', 'folder.json')).toMatchObject({ code: 1, err: expect.stringMatching(/^Cannot read tenants file folder\.json: EISDIR/) });
    expect(run('validate', '--file', 'nope.json')).toMatchObject({ code: 1, err: expect.stringMatching(/^Tenants file nope\.json does not exist\. To start/) });
  });
});

describe('plan', () => {
  test('prints each shard and the headroom on every quota', () => {
    write([tenant('a', 1, 0), tenant('b', 1, 0), tenant('c', 1, 1), tenant('d', 1), tenant('e', 1, 3)]);
    const result = run('plan', ...SMALL);
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toMatch(/^tenants\.json: 5 tenants, 5 domains on 3 shards of up to 2 domains each$/m);
    expect(result.out).toMatch(/^shard\s+domains\s+free\s+tenants$/m);
    expect(result.out).toMatch(/^0\s+2\/2\s+0\s+2$/m);
    expect(result.out).toMatch(/^1\s+2\/2\s+0\s+2 \(1 unpinned\)$/m);
    expect(result.out).toMatch(/^3\s+1\/2\s+1\s+1$/m);
    // Each quota: its use as a bar of 20 steps, used/limit, headroom, and what it counts.
    expect(result.out).toMatch(/^quota\s+use\s+used\s+headroom\s+counts$/m);
    expect(result.out).toMatch(/^distributionsPerAccount\s+\[# {19}\]   1%\s+3\/500\s+497\s+distributions$/m);
    expect(result.out).toMatch(/^domainsPerDistribution\s+\[#{20}\] 100%\s+2\/2\s+0\s+domains in the fullest shard$/m);
    expect(result.out).toMatch(/^recordsPerHostedZone\s+\[# {19}\]   0%\s+10\/10000\s+9990\s+A \+ AAAA records in the hosted zone$/m);
    expect(result.out).toMatch(/^cachePoliciesPerAccount\s+\[# {19}\]   5%\s+1\/20\s+19\s+cache policies \(one per 100 distributions\)$/m);
  });

  test('shows a quota that is over and exits 1', () => {
    write([tenant('a', 1, 0), tenant('b', 1, 1), tenant('c', 1, 2)]);
    const result = run('plan', '--quota', 'distributionsPerCachePolicy=1', '--quota=cachePoliciesPerAccount=2');
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/^cachePoliciesPerAccount\s+\[#{20}\] 150%!\s+3\/2\s+OVER by 1\s+cache policies \(one per 1 distributions\)$/m);
    expect(result.err).toMatch(/Cache policies for distributions 0 to 2 needs 3 but .* is 2 \(`quotas\.cachePoliciesPerAccount`\)/);
  });

  test('plans an empty file', () => {
    write([]);
    expect(run('plan')).toMatchObject({ code: 0, out: expect.stringMatching(/^tenants\.json: 0 tenants, 0 domains on 0 shards/) });
  });
});

describe('usage', () => {
  test.each([
    [[]],
    [['bogus']],
    [['help', 'bogus']],
    [['validate', '--bogus']],
    [['validate', 'extra']],
    [['remove', 'a', '--external-dns']],
    [['remove']],
    [['add', 'only-id']],
    [['plan', '--file']],
    [['plan', '--quota', 'domainsPerShard=3']],
    [['plan', '--quota', 'domainsPerDistribution=lots']],
    [['plan', '--quota', 'domainsPerDistribution=0']],
    [['add', 'a', 'a.example.com', '--config', 'plan']],
    [['add', 'a', 'a.example.com', '--external-dns=yes']],
  ])('%j is a usage error: exit 2', argv => {
    write([]);
    const result = run(...argv);
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err).toMatch(/cdk-multi-tenant-gateway|Usage:/);
    expect(read()).toBe(formatRegistry({ schema: SCHEMA_PATH, tenants: [], extra: {}, bare: false }));
  });

  test('names the unknown command and option', () => {
    expect(run('onboard').err).toMatch(/^cdk-multi-tenant-gateway: unknown command "onboard"\nRun "cdk-multi-tenant-gateway --help"/);
    expect(run('plan', '--verbose').err).toMatch(/unknown option "--verbose"\nRun "cdk-multi-tenant-gateway plan --help"/);
    expect(run('plan', '--quota', 'x=1').err).toMatch(/unknown quota "x" \(known: domainsPerDistribution, /);
  });

  test.each([[['--help']], [['-h']], [['help']]])('%j prints the general help', argv => {
    const result = run(...argv);
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toMatch(/^Usage: cdk-multi-tenant-gateway <command> \[options\]/);
    expect(result.out).toMatch(/^ {2}add\s+append a tenant/m);
    expect(result.out).toMatch(/^ {2}domainsPerDistribution\s+100\s+Alternate domain names/m);
    expect(result.out).toMatch(/Exit codes: 0 ok, 1 invalid file or a rule broken, 2 usage error\./);
  });

  test.each([[['add', '--help']], [['help', 'add']], [['add', 'x', '-h']]])('%j prints the command help', argv => {
    const result = run(...argv);
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toMatch(/^Usage: cdk-multi-tenant-gateway add <id> <domain\.\.\.>/);
    expect(result.out).toMatch(/--external-dns/);
  });

  test('takes arguments that look like options after --', () => {
    write([]);
    expect(run('add', '--', '-dash', 'dash.example.com').code).toBe(0);
    expect(shards()).toEqual({ '-dash': 0 });
  });
});

describe('entry point', () => {
  const root = path.join(__dirname, '..', '..');

  test('runs as a program and exits with the code main returns', () => {
    fs.writeFileSync(folder.file('tenants.json'), '{ "tenants": [ { "id": "a" "x": 1 } ] }\n');
    const result = spawnSync(process.execPath,
      ['-r', require.resolve('ts-node/register/transpile-only'), path.join(root, 'src', 'cli', 'main.ts'), 'validate'],
      { cwd: folder.dir(), encoding: 'utf8', env: { ...process.env, TS_NODE_PROJECT: path.join(root, 'tsconfig.dev.json') } });
    expect(result.stderr).toMatch(/^tenants\.json:1:28: malformed JSON: /);
    expect(result.status).toBe(1);
  });

  test('starts with a shebang, as a package bin must', () => {
    expect(fs.readFileSync(path.join(root, 'src', 'cli', 'main.ts'), 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  test('imports nothing but the pure modules, so it never loads aws-cdk-lib', () => {
    const seen = new Set<string>();
    const external = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = fs.readFileSync(file, 'utf8');
      // `import type` is erased from the JavaScript; the SDK modules are required only when a command asks AWS.
      for (const [, spec] of text.matchAll(/^import (?!type ).* from '([^']+)';$/gm)) {
        if (spec.startsWith('.')) visit(path.resolve(path.dirname(file), spec) + '.ts');
        else external.add(spec);
      }
    };
    visit(path.join(root, 'src', 'cli', 'main.ts'));
    expect([...external].sort()).toEqual(['dns', 'fs', 'os', 'path', 'util']);
    // The external modules above are node's own: no module the CLI reaches imports aws-cdk-lib or the SDK.
    expect([...seen].map(f => path.relative(root, f)).sort()).toEqual(expect.arrayContaining([
      'src/cli/commands.ts', 'src/cli/dns.ts', 'src/cli/layout.ts', 'src/cli/main.ts', 'src/cli/outputs.ts', 'src/cli/registry-file.ts',
      'src/cli/safe-write.ts', 'src/cli/status.ts', 'src/gateway/plan.ts', 'src/private/suggest.ts', 'src/tenants/tenants.ts', 'src/tenants/zone.ts',
    ]));
  });

  test('validate and plan load neither the AWS SDK nor aws-cdk-lib when they run', () => {
    fs.writeFileSync(folder.file('tenants.json'), '{ "tenants": [ { "id": "a", "domainNames": ["a.example.com"] } ] }\n');
    const script = `const { main } = require(${JSON.stringify(path.join(root, 'src', 'cli', 'main.ts'))});
      const io = { cwd: process.cwd(), out: () => {}, err: () => {} };
      const codes = [main(['validate'], io), main(['plan'], io)];
      const loaded = Object.keys(require.cache).filter(f => /node_modules[\\/](@aws-sdk|aws-cdk-lib)[\\/]/.test(f));
      process.stdout.write(JSON.stringify({ codes, loaded: loaded.length }));`;
    const result = spawnSync(process.execPath, ['-r', require.resolve('ts-node/register/transpile-only'), '-e', script],
      { cwd: folder.dir(), encoding: 'utf8', env: { ...process.env, TS_NODE_PROJECT: path.join(root, 'tsconfig.dev.json') } });
    expect(JSON.parse(result.stdout)).toEqual({ codes: [0, 0], loaded: 0 });
  });
});
