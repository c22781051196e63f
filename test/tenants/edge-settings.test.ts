import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { TenantProps, Tenants } from '../../src';
import { edgePartitionOf } from '../../src/tenants/edge-partition';
import { errorOf } from '../errors';

const ACL = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/acme/a1b2c3d4-5678-90ab-cdef-000000000000';

function problemsOf(fields: Partial<TenantProps>): string {
  return errorOf(() => Tenants.fromList([{ id: 'acme', domainNames: ['acme.example.com'], ...fields }]));
}

describe('webAcl and geoRestriction', () => {
  test('valid settings are accepted, in code and in a file', () => {
    expect(Tenants.fromList([
      { id: 'a', domainNames: ['a.example.com'], webAcl: ACL, geoRestriction: { allow: ['DE', 'FR'] } },
      { id: 'b', domainNames: ['b.example.com'], webAcl: 'none', geoRestriction: { deny: ['KP'] } },
    ]).list).toHaveLength(2);
    const file = Tenants.fromJson(JSON.stringify({ tenants: [{ id: 'a', domainNames: ['a.example.com'], webAcl: ACL, geoRestriction: { deny: ['RU'] } }] }));
    expect(file.list[0].geoRestriction).toEqual({ deny: ['RU'] });
  });

  test('a web ACL that is not a CloudFront-scope WAFv2 ARN is refused with the rule', () => {
    expect(problemsOf({ webAcl: 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/acme/1' }))
      .toContain('tenant "acme": `webAcl` "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/acme/1" must be "none" or the ARN of a ' +
        'WAFv2 web ACL with CloudFront scope (arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>)');
  });

  test.each(['None', 'NONE', ' none'])('"none" spelled %j is refused with how to spell it', spelled => {
    expect(problemsOf({ webAcl: spelled })).toContain(`tenant "acme": \`webAcl\` ${JSON.stringify(spelled)} must be "none" or the ARN`);
    expect(problemsOf({ webAcl: spelled })).toContain('(to turn the gateway\'s web ACL off, write "none" exactly)');
  });

  test('country codes must be upper-case ISO 3166-1 alpha-2 codes, each once', () => {
    const message = problemsOf({ geoRestriction: { allow: ['de', 'FRA', 'FR', 'FR'] } });
    expect(message).toContain('tenant "acme": `geoRestriction.allow[0]` "de" must be an ISO 3166-1 alpha-2 country code in upper case, e.g. "DE"; write "DE"');
    expect(message).toContain('`geoRestriction.allow[1]` "FRA" must be an ISO 3166-1 alpha-2 country code');
    expect(message).toContain('`geoRestriction.allow[3]` "FR" is listed twice');
  });

  test('exactly one of allow and deny, non-empty, and nothing else', () => {
    expect(problemsOf({ geoRestriction: { allow: ['DE'], deny: ['FR'] } }))
      .toContain('tenant "acme": `geoRestriction` must have exactly one of `allow` (serve only these countries) or `deny` (refuse these countries), got both');
    expect(problemsOf({ geoRestriction: {} })).toContain('got neither');
    expect(problemsOf({ geoRestriction: { deny: [] } })).toContain('tenant "acme": `geoRestriction.deny` must be a non-empty list of country codes, got []');
    expect(problemsOf({ geoRestriction: { allow: ['DE'], only: ['FR'] } as any })).toContain('`geoRestriction` has an unknown field `only`');
    expect(problemsOf({ geoRestriction: ['DE'] as any })).toContain('`geoRestriction` ["DE"] must be an object with one of `allow` or `deny`');
  });

  test('the JSON Schema knows exactly the fields the validator takes, and their shapes', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'tenants.schema.json'), 'utf8'));
    const tenant = schema.definitions.tenant;
    const allowed = /\(allowed: ([^)]*)\)/.exec(problemsOf({ unknownField: 1 } as any))![1].split(', ');
    expect(Object.keys(tenant.properties).sort()).toEqual(allowed.sort());
    expect(tenant.properties.webAcl.anyOf).toEqual([{ const: 'none' }, { pattern: expect.any(String) }]);
    expect(new RegExp(tenant.properties.webAcl.anyOf[1].pattern).test(ACL)).toBe(true);
    expect(tenant.properties.geoRestriction.oneOf).toEqual([{ required: ['allow'] }, { required: ['deny'] }]);
    expect(tenant.properties.geoRestriction.properties.allow.items.pattern).toBe('^[A-Z]{2}$');
  });
});

describe('edgePartitionOf', () => {
  test('separates the default, "none" and each ARN, and allow from deny', () => {
    const keys = [{}, { webAcl: 'none' }, { webAcl: ACL }, { geoRestriction: { allow: ['DE'] } }, { geoRestriction: { deny: ['DE'] } }].map(edgePartitionOf);
    expect(new Set(keys).size).toBe(5);
    expect(keys[0]).toBe('webAcl=default; geoRestriction=none');
  });

  test('property: equal settings give equal keys, however the codes are ordered', () => {
    const codes = fc.uniqueArray(fc.stringMatching(/^[A-Z]{2}$/), { minLength: 1, maxLength: 6 });
    fc.assert(fc.property(codes, fc.boolean(), (list, allow) => {
      const geo = (l: string[]) => ({ geoRestriction: allow ? { allow: l } : { deny: l } });
      expect(edgePartitionOf(geo([...list].reverse()))).toBe(edgePartitionOf(geo(list)));
      expect(edgePartitionOf(geo(list))).not.toBe(edgePartitionOf({ geoRestriction: allow ? { deny: list } : { allow: list } }));
    }));
  });
});
