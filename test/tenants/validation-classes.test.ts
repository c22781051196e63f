// The tenants-file rules as classes: every field refuses every value of the wrong type, and every
// pattern holds at both ends (a bad character at the start, in the middle or at the end).
import * as fc from 'fast-check';
import { QUOTA_SPECS } from '../../src/quotas/quotas';
import { cellListProblems, cellNameProblems, isDomainName, settingsProblems, tenantLabel, tenantProblems, TenantProps, Tenants } from '../../src/tenants/tenants';

const base = (extra: object): TenantProps => ({ id: 'acme', domainNames: ['acme.example.com'], ...extra } as TenantProps);

/** Any JSON value but the ones `keep` accepts. */
const jsonValueExcept = (keep: (v: unknown) => boolean) => fc.jsonValue().filter(v => !keep(v));

describe('every field\'s type', () => {
  test('externalDns: only true or false; a string "false" would read as true', () => {
    expect(tenantProblems([base({ externalDns: 'false' })])).toEqual(['tenant "acme": `externalDns` "false" must be true or false']);
    fc.assert(fc.property(jsonValueExcept(v => typeof v === 'boolean'), value => {
      expect(tenantProblems([base({ externalDns: value })])).toEqual([expect.stringMatching(/^tenant "acme": `externalDns` .* must be true or false$/)]);
    }));
    for (const value of [true, false, undefined]) expect(tenantProblems([base({ externalDns: value })])).toEqual([]);
  });

  test('shard: only a whole number from 0; "3" would concatenate, 1.5 and -1 name no shard', () => {
    for (const value of ['3', 1.5, -1, Number.NaN, Number.POSITIVE_INFINITY, null, [1], { n: 1 }, true]) {
      expect(tenantProblems([base({ shard: value })])).toEqual([expect.stringMatching(/^tenant "acme": `shard` .* must be a whole number from 0 \(the shard it is pinned to\)$/)]);
    }
    fc.assert(fc.property(jsonValueExcept(v => typeof v === 'number' && Number.isInteger(v) && v >= 0), value => {
      expect(tenantProblems([base({ shard: value })])).toHaveLength(1);
    }));
    fc.assert(fc.property(fc.nat(), shard => expect(tenantProblems([base({ shard })])).toEqual([])));
  });

  test('each quota figure: only a positive whole number; "lots" would turn the quota off', () => {
    const quotas = Object.keys(QUOTA_SPECS);
    fc.assert(fc.property(fc.constantFrom(...quotas), jsonValueExcept(v => typeof v === 'number' && Number.isInteger(v) && v >= 1), (quota, figure) => {
      expect(settingsProblems({ quotas: { [quota]: figure } })).toEqual([expect.stringMatching(
        new RegExp(`^\`settings\\.quotas\\.${quota}\` must be a positive whole number, got `))]);
    }));
    for (const figure of ['lots', '3', 0, -1, 2.5, null]) expect(settingsProblems({ quotas: { domainsPerDistribution: figure } })).toHaveLength(1);
    fc.assert(fc.property(fc.constantFrom(...quotas), fc.integer({ min: 1 }), (quota, figure) => {
      expect(settingsProblems({ quotas: { [quota]: figure } })).toEqual([]);
    }));
    for (const value of [null, [], 'x', 1]) expect(settingsProblems({ quotas: value })).toEqual([`\`settings.quotas\` must be an object of quotas, got ${JSON.stringify(value)}`]);
  });

  test('config: an object of string values, nothing else', () => {
    for (const value of [null, [], ['a'], 'plan=gold', 5, true]) {
      expect(tenantProblems([base({ config: value })])).toEqual([`tenant "acme": \`config\` ${JSON.stringify(value)} must be an object of string values`]);
    }
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 8 }).filter(k => k !== '__proto__'), jsonValueExcept(v => typeof v === 'string'), (key, value) => {
      expect(tenantProblems([base({ config: { plan: 'gold', [key]: value } })]).filter(p => p.includes('`config.'))).toEqual(
        key === 'plan' ? [`tenant "acme": \`config.plan\` ${JSON.stringify(value)} must be a string`] : [expect.stringContaining(`\`config.${key}\``)]);
    }));
    expect(tenantProblems([base({ config: {} })])).toEqual([]);
    expect(tenantProblems([base({ config: { plan: 'gold', seats: '5' } })])).toEqual([]);
  });

  test('certificateValidation: one of its values, exactly', () => {
    for (const value of ['Cloudfront', 'self_hosted', ' cloudfront', '', 1, null, ['cloudfront']]) {
      expect(tenantProblems([base({ certificateValidation: value })])).toEqual([expect.stringContaining('`certificateValidation`')]);
    }
  });

  test('id and domainNames: strings and a non-empty list of strings', () => {
    for (const id of [1, null, ['a'], { a: 1 }, '']) expect(tenantProblems([{ id, domainNames: ['a.example.com'] } as unknown as TenantProps])).toHaveLength(1);
    for (const domainNames of ['a.example.com', [], null, {}, [1], [null]]) {
      expect(tenantProblems([{ id: 'a', domainNames } as unknown as TenantProps])).toEqual([expect.stringMatching(/^tenant "a": `domainNames/)]);
    }
  });

  test('a tenant that is not an object, and settings that are not one', () => {
    for (const tenant of [null, 'acme', 1, ['acme']]) {
      expect(tenantProblems([tenant as unknown as TenantProps])).toEqual([`tenants[0] must be an object with \`id\` and \`domainNames\`, got ${JSON.stringify(tenant)}`]);
    }
    for (const settings of [null, [], 'x']) expect(settingsProblems(settings)).toHaveLength(1);
    expect(settingsProblems(undefined)).toEqual([]);
    expect(settingsProblems({ edge: 1 })).toEqual(['`settings.edge` 1 must be one of "shardedDistributions", "multiTenantDistribution"']);
    expect(settingsProblems({ edge: 'multiTenantDistribution', cells: ['eu'] })).toEqual([]);
  });
});

describe('every pattern holds at both ends', () => {
  const BAD = ['A', '_', ' ', '/', 'é', '\n', '*'];
  const at = (valid: string, char: string) => [char + valid, valid.slice(0, 2) + char + valid.slice(2), valid + char];

  test.each(BAD)('a tenant id with %j at its start, middle or end is refused', char => {
    for (const id of at('acme-2', char)) {
      expect(tenantProblems([{ id, domainNames: ['a.example.com'] }])).toEqual([expect.stringContaining('`id`')]);
    }
  });

  test.each([...BAD, '-'])('a domain label with %j at its start, middle or end is refused (a hyphen only at an end)', char => {
    const cases = char === '-' ? ['-acme.example.com', 'acme-.example.com', 'acme.example-.com', 'acme.-example.com'] : at('acme', char).map(l => `${l}.example.com`);
    for (const domain of [...cases, ...(char === '-' ? [] : [`acme.example.com${char}`, `acme.ex${char}ample.com`])]) expect(isDomainName(domain)).toBe(false);
  });

  test.each([...BAD, '-'])('a cell name with %j at its start, middle or end is refused (a hyphen only at an end)', char => {
    const names = char === '-' ? ['-eu', 'eu-'] : at('eu-west', char);
    for (const name of names) expect(cellNameProblems(name, '`cell`')).toHaveLength(1);
    expect(cellNameProblems('eu-west', '`cell`')).toEqual([]);
  });

  test('lengths are bounded at both ends: id 1-63, label 1-63, domain 253, cell 1-32', () => {
    expect(tenantProblems([{ id: 'a'.repeat(63), domainNames: ['a.example.com'] }])).toEqual([]);
    expect(tenantProblems([{ id: 'a'.repeat(64), domainNames: ['a.example.com'] }])).toHaveLength(1);
    expect(isDomainName(`${'a'.repeat(63)}.example.com`)).toBe(true);
    expect(isDomainName(`${'a'.repeat(64)}.example.com`)).toBe(false);
    const long = `${Array.from({ length: 4 }, () => 'a'.repeat(61)).join('.')}.com`; // 4 * 62 + 3 = 251
    expect(isDomainName(long)).toBe(true);
    expect(isDomainName(`a.${long}`)).toBe(true); // 253
    expect(isDomainName(`ab.${long}`)).toBe(false); // 254
    expect(cellNameProblems('a'.repeat(32), 'x')).toEqual([]);
    expect(cellNameProblems('a'.repeat(33), 'x')).toHaveLength(1);
    expect(cellNameProblems('a', 'x')).toEqual([]);
    expect(isDomainName('a.bc')).toBe(true);
    expect(isDomainName('a.b1')).toBe(true);
    expect(isDomainName('a.12')).toBe(false);
  });

  test('property: any id outside [a-z0-9-]{1,63} is refused, any inside accepted', () => {
    fc.assert(fc.property(fc.string({ maxLength: 70 }), id => {
      const ok = /^[a-z0-9-]{1,63}$/.test(id);
      expect(tenantProblems([{ id, domainNames: ['a.example.com'] }]).length === 0).toBe(ok);
    }));
  });
});

describe('cell lists', () => {
  test('a list of unique names other than "default"', () => {
    expect(cellListProblems(['eu', 'us'], '`cells`')).toEqual([]);
    expect(cellListProblems('eu', '`cells`')).toEqual(['`cells` must be a list of cell names, got "eu"']);
    expect(cellListProblems(['default'], '`cells`')).toEqual(['`cells`[0] "default" is the gateway\'s own load balancer and fleet, always there; name only the other cells']);
    expect(cellListProblems(['eu', 'eu'], '`cells`')).toEqual(['`cells`[1] "eu" is listed twice; cell names must be unique']);
    expect(cellListProblems(['EU'], '`cells`')).toHaveLength(1);
  });
});

describe('the verdict in code and in a file', () => {
  test('fromList and fromJson refuse the same tenants with the same lines', () => {
    const bad = [base({ externalDns: 'false', shard: '3', config: [] })];
    const lines = tenantProblems(bad);
    expect(lines).toHaveLength(3);
    expect(() => Tenants.fromList(bad)).toThrow(`Tenant list has 3 problems:\n${lines.map(l => `  - ${l}`).join('\n')}`);
    expect(() => Tenants.fromJson(JSON.stringify({ tenants: bad }), 'tenants.json')).toThrow(`tenants.json has 3 problems:\n${lines.map(l => `  - ${l}`).join('\n')}`);
  });
});

describe('what the rules accept and keep', () => {
  test('a renamed field is named with its new name; a cell is checked where a tenant gives it', () => {
    expect(tenantProblems([base({ distribution: 1 })])).toEqual(['tenant "acme": `distribution` is now called `shard`; rename the field']);
    expect(tenantProblems([base({ cell: 'EU' })])).toEqual([expect.stringMatching(/^tenant "acme": `cell` "EU" must be 1-32 lower-case/)]);
    expect(tenantProblems([base({ cell: 'eu' })])).toEqual([]);
  });

  test('a top-level domain may hold digits, but not only digits', () => {
    expect(isDomainName('a.1b')).toBe(true);
    expect(isDomainName('a.b1')).toBe(true);
    expect(isDomainName('a.1')).toBe(false);
  });

  test('settings: read from the file object, none from a bare list; the list given in code is copied', () => {
    expect(Tenants.fromJson(JSON.stringify([{ id: 'a', domainNames: ['a.example.com'] }])).settings).toEqual({});
    expect(Tenants.fromJson(JSON.stringify({ tenants: [] })).settings).toEqual({});
    expect(Tenants.fromJson(JSON.stringify({ settings: { edge: 'multiTenantDistribution' }, tenants: [] })).settings).toEqual({ edge: 'multiTenantDistribution' });
    const list: TenantProps[] = [{ id: 'a', domainNames: ['a.example.com'], config: { plan: 'gold' }, geoRestriction: { allow: ['DE'] } }];
    const tenants = Tenants.fromList(list);
    list[0].domainNames.push('b.example.com');
    list[0].config!.plan = 'free';
    list[0].geoRestriction!.allow!.push('FR');
    expect(tenants.list[0]).toEqual({ id: 'a', domainNames: ['a.example.com'], config: { plan: 'gold' }, geoRestriction: { allow: ['DE'], deny: undefined } });
    expect(Tenants.fromList([{ id: 'b', domainNames: ['b.example.com'], geoRestriction: { deny: ['RU'] } }]).list[0].geoRestriction)
      .toEqual({ allow: undefined, deny: ['RU'] });
  });
});

describe('the rules\' edges', () => {
  test('a cell name must be a string, not a number that reads like one', () => {
    expect(cellNameProblems(123, '`cell`')).toEqual([expect.stringMatching(/^`cell` 123 must be 1-32 lower-case/)]);
    expect(cellListProblems(['EU'], '`cells`')).toEqual([expect.stringMatching(/^`cells`\[0\] "EU" must be/)]);
  });

  test('a tenant is named by a non-empty string id, else by its position', () => {
    expect(tenantLabel({ id: 'a' }, 3)).toBe('tenant "a"');
    expect(tenantLabel({ id: '' }, 3)).toBe('tenants[3]');
    expect(tenantLabel({ id: 7 }, 3)).toBe('tenants[3]');
    expect(tenantLabel(undefined as unknown as { id?: unknown }, 2)).toBe('tenants[2]');
  });

  test('settings: each field checked by its own rule, with its own name', () => {
    expect(settingsProblems('x')).toEqual(['`settings` must be an object with `edge`, `quotas` and `cells`, got "x"']);
    expect(settingsProblems({ edge: 'cdn' })).toEqual(['`settings.edge` "cdn" must be one of "shardedDistributions", "multiTenantDistribution"']);
    expect(settingsProblems({ quotas: { nope: 1 } })).toEqual([expect.stringMatching(/^`settings\.quotas\.nope` is not a quota \(known: /)]);
    expect(settingsProblems({ cells: 'eu' })).toEqual(['`settings.cells` must be a list of cell names, got "eu"']);
    expect(settingsProblems({ color: 1 })).toEqual([expect.stringMatching(/^`settings` has an unknown field `color`/)]);
  });

  test('a document that is not an object is refused with the usual error, not a TypeError', () => {
    for (const text of ['null', '1', '"tenants"']) {
      expect(() => Tenants.fromJson(text, 'x.json')).toThrow(/^x\.json: expected an object with a `tenants` list/);
    }
  });

  test('a move source is checked with the tenant', () => {
    expect(tenantProblems([base({ movedFrom: 5 })])).toEqual([expect.stringContaining('`movedFrom`')]);
  });
});

describe('settings naming the gateway\'s own props', () => {
  test('zoneName: a lower-case domain name, a trailing dot allowed, held at both ends', () => {
    for (const zone of ['example.com', 'example.com.', 'a-b.example.co.uk', 'x1.io', 'a.b', 'a.b.']) expect(settingsProblems({ zoneName: zone })).toEqual([]);
    const bad = ['Example.com', 'example', '.example.com', 'example..com', '-a.example.com', 'a-.example.com', '_a.example.com',
      'a_b.example.com', 'example.com_', 'example.com..', ' example.com', 'example.com\n', 'example.-com', 5, null, ['example.com']];
    for (const zone of bad) {
      expect(settingsProblems({ zoneName: zone })).toEqual([`\`settings.zoneName\` must be the hosted zone's lower-case domain name, as "example.com", got ${JSON.stringify(zone)}`]);
    }
  });

  test('tenantNamePrefix: any string; originAccess: one of the recorded kinds', () => {
    expect(settingsProblems({ tenantNamePrefix: 'acme-' })).toEqual([]);
    expect(settingsProblems({ tenantNamePrefix: 5 })).toEqual(['`settings.tenantNamePrefix` must be a string, got 5']);
    for (const access of ['vpcOrigin', 'secretHeader']) expect(settingsProblems({ originAccess: access })).toEqual([]);
    for (const access of ['VpcOrigin', 'vpcOrigins', '', 1]) {
      expect(settingsProblems({ originAccess: access })).toEqual([`\`settings.originAccess\` ${JSON.stringify(access)} must be one of "vpcOrigin", "secretHeader"`]);
    }
  });
});
