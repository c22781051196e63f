import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import { CERTIFICATE_VALIDATIONS, isDomainName, tenantProblems, TenantProps, Tenants } from '../../src/tenants/tenants';

describe('Tenants.fromList', () => {
  test('accepts valid tenants and keeps their order', () => {
    const tenants = Tenants.fromList([
      { id: 'acme', domainNames: ['acme.example.com', 'shop.acme.example.com'], shard: 0, config: { plan: 'gold' } },
      { id: 'globex-2', domainNames: ['globex.example.com'], externalDns: true },
    ]);
    expect(tenants.list.map(t => t.id)).toEqual(['acme', 'globex-2']);
    expect(tenants.source).toBe('tenant list');
  });

  test('one error lists every problem, naming tenant, field, value and rule', () => {
    const bad = [
      { id: 'Bad_Id', domainNames: ['ok.example.com'] },
      { id: 'acme', domainNames: ['UPPER.example.com', 'dup.example.com'] },
      { id: 'acme', domainNames: ['dup.example.com'] },
      { id: 'pinned', domainNames: ['p.example.com'], shard: -1 },
      { id: 'nodomains', domainNames: [] },
    ] as TenantProps[];
    let message = '';
    try {
      Tenants.fromList(bad);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^Tenant list has 6 problems:/);
    expect(message).toContain('tenant "Bad_Id": `id` "Bad_Id" must be 1-63 lower-case letters, digits or hyphens');
    expect(message).toContain('tenant "acme": `domainNames[0]` "UPPER.example.com" must be a lower-case fully qualified domain name');
    expect(message).toContain('tenant "acme": `id` "acme" is also the id of tenants[1]; ids must be unique');
    expect(message).toContain('tenant "acme": `domainNames[0]` "dup.example.com" already belongs to tenant "acme"');
    expect(message).toContain('tenant "pinned": `shard` -1 must be a whole number from 0');
    expect(message).toContain('tenant "nodomains": `domainNames` must be a non-empty list of domain names, got []');
  });

  test('an unknown field is an error, not silently dropped', () => {
    expect(() => Tenants.fromList([{ id: 'a', domainNames: ['a.example.com'], distrbution: 1 } as unknown as TenantProps]))
      .toThrow('tenant "a": unknown field `distrbution`');
  });

  test('config values must be strings', () => {
    expect(() => Tenants.fromList([{ id: 'a', domainNames: ['a.example.com'], config: { seats: 5 } } as unknown as TenantProps]))
      .toThrow('tenant "a": `config.seats` 5 must be a string');
  });

  test('a tenant without a usable id is named by its position', () => {
    expect(() => Tenants.fromList([{ domainNames: ['a.example.com'] } as unknown as TenantProps]))
      .toThrow('tenants[0]: `id` undefined must be 1-63 lower-case letters');
  });
});

describe('Tenants.fromJson and fromFile', () => {
  test('reads the tenants file object and a bare list', () => {
    const doc = { $schema: './tenants.schema.json', tenants: [{ id: 'a', domainNames: ['a.example.com'] }] };
    expect(Tenants.fromJson(JSON.stringify(doc)).list).toHaveLength(1);
    expect(Tenants.fromJson(JSON.stringify(doc.tenants)).list[0].id).toBe('a');
  });

  test('malformed JSON names the source, line and column', () => {
    const text = '{\n  "tenants": [\n    { "id": "a" "domainNames": [] }\n  ]\n}\n';
    expect(() => Tenants.fromJson(text, 'tenants.json')).toThrow(/^tenants\.json:3:17: malformed JSON/);
  });

  test('a document without a tenants list is refused', () => {
    expect(() => Tenants.fromJson('{"tenant": []}', 'x.json')).toThrow('x.json: expected an object with a `tenants` list');
  });

  test('errors from a file name the file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenants-'));
    const file = path.join(dir, 'tenants.json');
    fs.writeFileSync(file, JSON.stringify({ tenants: [{ id: 'a', domainNames: ['a..example.com'] }] }));
    expect(() => Tenants.fromFile(file)).toThrow(`${file} has 1 problem:\n  - tenant "a": \`domainNames[0]\` "a..example.com"`);
    expect(() => Tenants.fromFile(path.join(dir, 'missing.json'))).toThrow(/Cannot read tenants file .*missing\.json/);
  });

  test('the sample tenants file validates', () => {
    const tenants = Tenants.fromFile(path.join(__dirname, '..', '..', 'examples', 'tenants.json'));
    expect(tenants.list.length).toBeGreaterThan(100);
  });
});

describe('domain names', () => {
  test.each([
    ['acme.example.com', true],
    ['a.co', true],
    ['xn--bcher-kva.example', true],
    ['example', false],
    ['Acme.example.com', false],
    ['*.example.com', false],
    ['acme.example.com.', false],
    ['-acme.example.com', false],
    ['acme-.example.com', false],
    ['acme.123', false],
    [`${'a'.repeat(64)}.example.com`, false],
  ])('%s -> %s', (name, valid) => {
    expect(isDomainName(name)).toBe(valid);
  });

  test('property: generated valid names pass; any upper-case letter fails', () => {
    const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/);
    const tld = fc.stringMatching(/^[a-z]{2,6}$/);
    fc.assert(fc.property(fc.array(label, { minLength: 1, maxLength: 4 }), tld, (labels, top) => {
      const name = [...labels, top].join('.');
      expect(isDomainName(name)).toBe(true);
      expect(isDomainName(name.toUpperCase())).toBe(false);
    }));
  });

  test('property: validation reports every duplicated domain, once per repeat', () => {
    const domain = fc.constantFrom('a.example.com', 'b.example.com', 'c.example.com', 'd.example.com');
    fc.assert(fc.property(fc.array(fc.array(domain, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 8 }), lists => {
      const tenants = lists.map((domainNames, i) => ({ id: `t${i}`, domainNames }));
      const all = lists.flat();
      const repeats = all.length - new Set(all).size;
      expect(tenantProblems(tenants).filter(p => p.includes('already belongs to'))).toHaveLength(repeats);
    }));
  });
});

describe('tenants.schema.json', () => {
  const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'tenants.schema.json'), 'utf8'));
  const tenant = schema.definitions.tenant;

  test('describes exactly the fields the tenant rules accept', () => {
    const everyField = {
      id: 'a',
      domainNames: ['a.example.com'],
      shard: 0,
      externalDns: true,
      config: {},
      certificateValidation: 'self-hosted',
      webAcl: 'none',
      geoRestriction: { allow: ['DE'] },
      cell: 'eu',
      movedFrom: { shard: 1, stage: 'move' },
    };
    // A tenant moves from one place at a time, so `adoptFrom` is checked on its own.
    const adopting = { id: 'b', domainNames: ['b.example.com'], externalDns: true, adoptFrom: { distributionId: 'E2QWRUHEXAMPLE', accountId: '111111111111' } };
    // A tenant handed off to the control plane declares no move beside it.
    const handing = { id: 'c', domainNames: ['c.example.com'], handOff: 'prepare' };
    expect(Object.keys(tenant.properties).sort()).toEqual([...Object.keys(everyField), 'adoptFrom', 'handOff'].sort());
    expect(tenantProblems([everyField, adopting, handing])).toEqual([]);
  });

  test('certificateValidation: the same values, "cloudfront" by default; anything else is refused', () => {
    expect(tenant.properties.certificateValidation.enum).toEqual(CERTIFICATE_VALIDATIONS);
    expect(tenant.properties.certificateValidation.default).toBe('cloudfront');
    expect(tenantProblems([{ id: 'a', domainNames: ['a.example.com'], certificateValidation: 'http' }]))
      .toEqual(['tenant "a": `certificateValidation` "http" must be one of "cloudfront", "self-hosted"']);
  });
});
