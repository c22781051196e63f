// The CLI in the pull-request flow: a file is created on purpose, its domains are checked against
// the hosted zone it names, an edit keeps the file's own layout and line endings (so the diff is
// the tenant's lines), what cannot be kept is refused, mistakes get the nearest name, and each
// command that leaves a next step prints it as a command.
import * as fs from 'fs';
import * as path from 'path';
import { cliFolder } from './cli-harness';
import { schemaFor, SCHEMA_PATH } from '../../src/cli/registry-file';

const folder = cliFolder('tenants-cli-flow-');
const run = folder.run;

function writeText(text: string, name = 'tenants.json'): void {
  fs.writeFileSync(folder.file(name), text);
}

function read(name = 'tenants.json'): string {
  return fs.readFileSync(folder.file(name), 'utf8');
}

/** The lines of `after` that are not in `before`, and the reverse, by a common prefix and suffix. */
function changed(before: string, after: string): { removed: string[]; added: string[] } {
  const a = before.split('\n');
  const b = after.split('\n');
  let prefix = 0;
  while (prefix < a.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
  return { removed: a.slice(prefix, a.length - suffix), added: b.slice(prefix, b.length - suffix) };
}

describe('init and the hosted zone', () => {
  test('init writes the zone into settings and points $schema at the installed package', () => {
    const result = run('init', '--zone-name', 'example.com');
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toBe('Created an empty tenants file for the hosted zone "example.com".\n' +
      'Next, add the first tenant:\n  npx cdk-multi-tenant-gateway add <id> <domain...>');
    expect(JSON.parse(read())).toEqual({ $schema: SCHEMA_PATH, tenants: [], settings: { zoneName: 'example.com' } });
  });

  test('init refuses a zone name that is not one', () => {
    expect(run('init', '--zone-name', 'Example.COM')).toMatchObject({
      code: 1,
      err: expect.stringContaining(
        '`settings.zoneName` must be the hosted zone\'s lower-case domain name, as "example.com", got "Example.COM"'),
    });
    expect(fs.existsSync(folder.file('tenants.json'))).toBe(false);
  });

  test('validate and add refuse a domain outside the zone, as the gateway does; one with external DNS may be anywhere', () => {
    writeText(JSON.stringify({
      settings: { zoneName: 'example.com' },
      tenants: [
        { id: 'acme', domainNames: ['acme.example.com', 'acme.example.org'], shard: 0 },
        { id: 'partner', domainNames: ['www.partner.test'], externalDns: true, shard: 0 },
      ],
    }));
    expect(run('validate')).toMatchObject({
      code: 1,
      err: 'tenants.json has 1 problem:\n' +
      '  - tenant "acme": `domainNames[1]` "acme.example.org" is outside the hosted zone "example.com"; ' +
      'use a name inside it, or set `externalDns: true` if the partner hosts its DNS',
    });

    writeText(JSON.stringify({ settings: { zoneName: 'example.com' }, tenants: [{ id: 'acme', domainNames: ['acme.example.com'] }] }));
    const before = read();
    const refused = run('add', 'globex', 'globex.example.net');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('tenant "globex": `domainNames[0]` "globex.example.net" is outside the hosted zone "example.com"');
    expect(read()).toBe(before);
    expect(run('add', 'globex', 'globex.example.net', '--external-dns').code).toBe(0);
  });

  test('$schema: the relative path to the schema in the nearest node_modules, else where it will be', () => {
    expect(schemaFor(folder.dir())).toBe(SCHEMA_PATH);
    const installed = path.join(folder.dir(), 'node_modules', 'cdk-multi-tenant-gateway');
    fs.mkdirSync(installed, { recursive: true });
    fs.writeFileSync(path.join(installed, 'tenants.schema.json'), '{}');
    fs.mkdirSync(folder.file('infra/tenants'), { recursive: true });
    expect(schemaFor(folder.file('infra/tenants'))).toBe('../../node_modules/cdk-multi-tenant-gateway/tenants.schema.json');
    expect(schemaFor(folder.dir())).toBe('./node_modules/cdk-multi-tenant-gateway/tenants.schema.json');
  });

  test('the schema the package ships is where a written $schema points once installed', () => {
    const root = path.join(__dirname, '..', '..');
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(pkg.name).toBe('cdk-multi-tenant-gateway');
    expect(fs.existsSync(path.join(root, 'tenants.schema.json'))).toBe(true);
    // npm packs every file unless .npmignore leaves it out.
    expect(fs.readFileSync(path.join(root, '.npmignore'), 'utf8').split('\n')).not.toContain('tenants.schema.json');
  });
});

describe('pin', () => {
  test('writes each unpinned tenant\'s current shard into the file, in its layout; nobody moves', () => {
    const text = [
      '{',
      '    "tenants": [',
      '        { "id": "a", "domainNames": ["a.example.com", "www.a.example.com"] },',
      '        { "id": "b", "domainNames": ["b.example.com"], "shard": 0 },',
      '        {',
      '            "id": "c",',
      '            "domainNames": ["c.example.com"]',
      '        }',
      '    ]',
      '}',
      '',
    ].join('\n');
    writeText(text);
    const result = run('pin', '--quota', 'domainsPerDistribution=3');
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toBe('Pinned 2 tenants of tenants.json to the shards they are on now; nobody moves: a → 0, c → 1.\n' +
      'Next, check the file, then commit it:\n  npx cdk-multi-tenant-gateway validate');
    expect(read()).toBe(text
      .replace('"www.a.example.com"] }', '"www.a.example.com"], "shard": 0 }')
      .replace('"domainNames": ["c.example.com"]\n', '"domainNames": ["c.example.com"],\n            "shard": 1\n'));

    expect(run('pin', '--quota', 'domainsPerDistribution=3').out).toBe('Every tenant in tenants.json is pinned already; nothing changed.');
  });

  test('refuses a file the gateway would not deploy', () => {
    writeText(JSON.stringify({ tenants: [{ id: 'a', domainNames: ['a.example.com'], shard: 3 }, { id: 'b', domainNames: ['b.example.com'] }] }));
    const before = read();
    const result = run('pin', '--quota', 'distributionsPerAccount=2');
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^tenants\.json has 1 problem:\n {2}- tenant "a": `shard` 3 is past the last distribution/);
    expect(result.err).toMatch(/Fix them \(run `validate`\) before pinning/);
    expect(read()).toBe(before);
  });
});

describe('the file\'s own layout', () => {
  const ONE_LINE = [
    '{',
    '  "$schema": "./node_modules/cdk-multi-tenant-gateway/tenants.schema.json",',
    '  "tenants": [',
    '    { "id": "acme", "domainNames": ["acme.example.com", "shop.acme.example.com"], "shard": 0 },',
    '    { "id": "globex", "domainNames": ["globex.example.com"], "shard": 0, "config": { "plan": "gold" } }',
    '  ]',
    '}',
    '',
  ].join('\n');

  test('add to a file of one-line tenants adds one line, in that style, and says nothing of a re-layout', () => {
    writeText(ONE_LINE);
    const result = run('add', 'hooli', 'hooli.example.com', '--config', 'plan=gold');
    expect(result.code).toBe(0);
    expect(result.out).not.toMatch(/re-laid out/);
    expect(changed(ONE_LINE, read())).toEqual({
      removed: ['    { "id": "globex", "domainNames": ["globex.example.com"], "shard": 0, "config": { "plan": "gold" } }'],
      added: [
        '    { "id": "globex", "domainNames": ["globex.example.com"], "shard": 0, "config": { "plan": "gold" } },',
        '    { "id": "hooli", "domainNames": ["hooli.example.com"], "shard": 0, "config": { "plan": "gold" } }',
      ],
    });
  });

  test('remove takes the tenant\'s line only, first, middle or last', () => {
    const three = ONE_LINE.replace('"gold" } }\n', '"gold" } },\n    { "id": "hooli", "domainNames": ["hooli.example.com"], "shard": 0 }\n');
    for (const [id, index] of [['acme', 3], ['globex', 4], ['hooli', 5]] as const) {
      writeText(three);
      expect(run('remove', id).code).toBe(0);
      const lines = three.split('\n');
      const { removed, added } = changed(three, read());
      // The tenant's line goes; for the last one, the comma that ended the line before it goes too.
      expect(removed).toContain(lines[index]);
      expect(removed.length - added.length).toBe(1);
      expect(read()).not.toContain(`"${id}"`);
    }
  });

  test('a multi-line file with 4-space indentation keeps it', () => {
    const text = JSON.stringify({ tenants: [{ id: 'acme', domainNames: ['acme.example.com'], shard: 0 }] }, null, 4) + '\n';
    writeText(text);
    expect(run('add', 'hooli', 'hooli.example.com').code).toBe(0);
    expect(read()).toBe(text.replace('            "shard": 0\n        }\n', '            "shard": 0\n        },\n' +
      '        {\n            "id": "hooli",\n            "domainNames": [\n                "hooli.example.com"\n            ],\n' +
      '            "shard": 0\n        }\n'));
  });

  test('CRLF stays CRLF, in the CLI\'s layout and in a hand layout', () => {
    writeText(ONE_LINE.replace(/\n/g, '\r\n'));
    expect(run('add', 'hooli', 'hooli.example.com').code).toBe(0);
    expect(read()).not.toMatch(/[^\r]\n/);
    expect(read()).toContain('"hooli"');

    expect(run('init', '--file', 'new.json').code).toBe(0);
    writeText(read('new.json').replace(/\n/g, '\r\n'), 'new.json');
    expect(run('add', 'a', 'a.example.com', '--file', 'new.json').code).toBe(0);
    expect(run('remove', 'a', '--file', 'new.json').code).toBe(0);
    expect(run('add', 'b', 'b.example.com', '--file', 'new.json').code).toBe(0);
    expect(read('new.json')).not.toMatch(/[^\r]\n/);
    expect(JSON.parse(read('new.json')).tenants).toEqual([{ id: 'b', domainNames: ['b.example.com'], shard: 0 }]);
  });

  test('a file it cannot edit in place is re-laid out, and the message says which lines that changed', () => {
    writeText('{"tenants": [{"id": "a", "domainNames": ["a.example.com"], "shard": 0}],\n"owner": "platform"}\n');
    const result = run('add', 'b', 'b.example.com');
    expect(result.code).toBe(0);
    expect(result.out).toContain('Note: tenants.json could not be edited in its own layout, so it was re-laid out in the CLI\'s ' +
      '(2-space JSON, fields in the fixed order): besides this change, lines 1-2 of the old file changed. ' +
      'Commit the re-layout on its own first to keep the pull request to this change.');
    expect(JSON.parse(read())).toEqual({
      tenants: [{ id: 'a', domainNames: ['a.example.com'], shard: 0 },
        { id: 'b', domainNames: ['b.example.com'], shard: 0 }],
      owner: 'platform',
    });
  });
});

describe('what cannot be kept is refused', () => {
  test('a "__proto__" key anywhere in the file', () => {
    for (const text of [
      '{ "tenants": [ { "id": "a", "domainNames": ["a.example.com"], "config": { "__proto__": "x" } } ] }',
      '{ "tenants": [], "__proto__": { "x": 1 } }',
    ]) {
      writeText(text);
      for (const argv of [['validate'], ['add', 'b', 'b.example.com']]) {
        const result = run(...argv);
        expect(result.code).toBe(1);
        expect(result.err).toMatch(/^tenants\.json: the key "__proto__" \(at `(tenants\[0\]\.config\.__proto__|__proto__)`\) cannot be kept by any edit; rename it$|__proto__/);
      }
      expect(read()).toBe(text);
    }
  });
});

describe('did you mean', () => {
  test('a command, an option and a tenant id', () => {
    expect(run('valdiate').err).toBe('cdk-multi-tenant-gateway: unknown command "valdiate" (did you mean "validate"?)\n' +
      'Run "cdk-multi-tenant-gateway --help" for usage.');
    expect(run('plan', '--jsno').err).toMatch(/^cdk-multi-tenant-gateway: unknown option "--jsno" \(did you mean "--json"\?\)/);
    writeText(JSON.stringify({ tenants: [{ id: 'acme', domainNames: ['acme.example.com'], shard: 0 }, { id: 'globex', domainNames: ['globex.example.com'], shard: 0 }] }));
    expect(run('remove', 'acme-corp')).toMatchObject({ code: 1, err: 'tenants.json has no tenant "acme-corp" (it has 2 tenants)' });
    expect(run('remove', 'glbex')).toMatchObject({ code: 1, err: 'tenants.json has no tenant "glbex" (did you mean "globex"?)' });
    expect(run('dns', 'acmee')).toMatchObject({ code: 1, err: 'tenants.json has no tenant "acmee" (did you mean "acme"?)' });
  });
});

describe('--json and plan', () => {
  const full = (count: number) => Array.from({ length: count }, (_, i) => ({
    id: `t${i}`, domainNames: [`a.t${i}.example.com`, `b.t${i}.example.com`], shard: Math.floor(i / 1),
  }));

  test('plan shows a run of alike shards on one line', () => {
    writeText(JSON.stringify({ tenants: [...full(5), { id: 'last', domainNames: ['last.example.com'] }] }));
    const result = run('plan', '--quota', 'domainsPerDistribution=2');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^0-4 +2\/2 +0 +1$/m);
    expect(result.out).toMatch(/^5 +1\/2 +1 +1 \(1 unpinned\)$/m);
    expect(result.out).toContain('Shards (a range is a run of shards alike; domains, free and tenants are per shard):');
  });

  test('plan --json: the runs, the quotas and the problems, and the exit code of the text', () => {
    writeText(JSON.stringify({ tenants: full(3) }));
    const result = run('plan', '--json', '--quota', 'domainsPerDistribution=2', '--quota', 'distributionsPerAccount=2');
    expect(result.code).toBe(1);
    const data = JSON.parse(result.out);
    expect(data).toMatchObject({
      source: 'tenants.json',
      edge: 'shardedDistributions',
      domainsPerDistribution: 2,
      tenants: 3,
      domains: 6,
      shards: [{ first: 0, last: 2, domains: 2, tenants: 1, unpinned: 0 }],
    });
    expect(data.quotas).toContainEqual({ quota: 'distributionsPerAccount', counts: 'distributions', used: 3, limit: 2 });
    expect(data.problems).toEqual(expect.arrayContaining([expect.stringMatching(/`shard` 2 is past the last distribution/)]));
  });

  test('validate --json', () => {
    writeText(JSON.stringify({ settings: { zoneName: 'example.com' }, tenants: full(2) }));
    expect(JSON.parse(run('validate', '--json').out)).toEqual({ valid: true, source: 'tenants.json', tenants: 2, domains: 4, shards: 2, problems: [], notes: [] });
    writeText(JSON.stringify({ tenants: [] }));
    const invalid = run('validate', '--json');
    expect(invalid.code).toBe(1);
    expect(JSON.parse(invalid.out)).toMatchObject({
      valid: false,
      problems: ['it has no tenants; a gateway needs at least one'],
      notes: [expect.stringMatching(/^`settings.zoneName` is not set/)],
    });
  });
});
