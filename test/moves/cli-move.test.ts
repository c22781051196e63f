import * as fs from 'fs';
import { moveTenant } from '../../src/cli/move';
import { formatRegistry, parseRegistry } from '../../src/cli/registry-file';
import { TenantProps } from '../../src/tenants/tenants';
import { cliFolder } from '../cli/cli-harness';

const file = (tenants: TenantProps[]) => formatRegistry({ schema: undefined, tenants, extra: {}, bare: false });
const ACL = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/acme/a1b2c3d4-5678-90ab-cdef-000000000000';

describe('move', () => {
  const start = file([
    { id: 'plain', domainNames: ['plain.example.com'], shard: 0 },
    { id: 'acme', domainNames: ['acme.example.com'], shard: 0 },
    { id: 'waf', domainNames: ['waf.example.com'], shard: 1, webAcl: ACL },
  ]);

  test('declares the move to a named shard in the prepare stage; nobody else changes', () => {
    const result = moveTenant(start, 'tenants.json', { id: 'acme', shard: 2 }, {});
    const tenants = parseRegistry(result.text, 'tenants.json').tenants;
    expect(tenants[1]).toEqual({ id: 'acme', domainNames: ['acme.example.com'], shard: 2, movedFrom: { shard: 0, stage: 'prepare' } });
    expect(tenants.filter((_, i) => i !== 1)).toEqual(parseRegistry(start, 'tenants.json').tenants.filter((_, i) => i !== 1));
    expect(result.messages[0]).toContain('Deploy once to prepare');
  });

  test('a tenant whose settings changed goes to a shard of its new settings', () => {
    const edited = file([
      { id: 'plain', domainNames: ['plain.example.com'], shard: 0 },
      { id: 'acme', domainNames: ['acme.example.com'], shard: 0, webAcl: ACL },
      { id: 'waf', domainNames: ['waf.example.com'], shard: 1, webAcl: ACL },
    ]);
    const tenants = parseRegistry(moveTenant(edited, 'tenants.json', { id: 'acme' }, {}).text, 'tenants.json').tenants;
    expect(tenants[1]).toMatchObject({ shard: 1, movedFrom: { shard: 0, stage: 'prepare' } });
  });

  test('run again, it advances the move to the move stage; a third time it says to deploy', () => {
    const prepared = moveTenant(start, 'tenants.json', { id: 'acme', shard: 2 }, {}).text;
    const moving = moveTenant(prepared, 'tenants.json', { id: 'acme' }, {});
    expect(parseRegistry(moving.text, 'tenants.json').tenants[1].movedFrom).toEqual({ shard: 0 });
    expect(() => moveTenant(moving.text, 'tenants.json', { id: 'acme' }, {})).toThrow('is in the "move" stage already: deploy it');
  });

  test('refuses what the plan refuses, and an unknown tenant', () => {
    expect(() => moveTenant(start, 'tenants.json', { id: 'acme', shard: 1 }, {})).toThrow(/Cannot move tenant "acme":\n {2}- tenant "waf": `shard` 1 holds tenant "acme", declared before it, whose edge settings differ/);
    expect(() => moveTenant(start, 'tenants.json', { id: 'acme', shard: 0 }, {})).toThrow('is on shard 0 already');
    expect(() => moveTenant(start, 'tenants.json', { id: 'nobody' }, {})).toThrow('tenants.json has no tenant "nobody"');
  });

  test('the file keeps movedFrom and adoptFrom through an edit', () => {
    const text = file([{ id: 'old', domainNames: ['old.example.com'], externalDns: true, adoptFrom: { distributionId: 'E2QWRUHEXAMPLE', stage: 'prepare' } }]);
    expect(parseRegistry(moveTenant(text, 'tenants.json', { id: 'old' }, {}).text, 'tenants.json').tenants[0].adoptFrom).toEqual({ distributionId: 'E2QWRUHEXAMPLE' });
  });
});

describe('the move command', () => {
  const folder = cliFolder('cli-move-');

  test('writes the move into the file, then advances it; --shard names the target', () => {
    fs.writeFileSync(folder.file('tenants.json'), file([
      { id: 'plain', domainNames: ['plain.example.com'], shard: 0 },
      { id: 'acme', domainNames: ['acme.example.com'], shard: 0 },
    ]));
    const first = folder.run('move', 'acme', '--shard', '3');
    expect(first).toMatchObject({ code: 0 });
    expect(first.out).toContain('Tenant "acme" will move from shard 0 to shard 3.');
    const written = () => parseRegistry(fs.readFileSync(folder.file('tenants.json'), 'utf8'), 'tenants.json').tenants[1];
    expect(written()).toMatchObject({ shard: 3, movedFrom: { shard: 0, stage: 'prepare' } });
    expect(folder.run('move', 'acme')).toMatchObject({ code: 0 });
    expect(written().movedFrom).toEqual({ shard: 0 });
  });

  test('a move the plan refuses exits 1 and leaves the file as it was', () => {
    const text = file([{ id: 'acme', domainNames: ['acme.example.com'], shard: 0 }]);
    fs.writeFileSync(folder.file('tenants.json'), text);
    const result = folder.run('move', 'acme', '--shard', '0');
    expect(result.code).toBe(1);
    expect(result.err).toContain('is on shard 0 already');
    expect(fs.readFileSync(folder.file('tenants.json'), 'utf8')).toBe(text);
    expect(folder.run('move', 'acme', '--shard', 'two')).toMatchObject({ code: 1, err: '`--shard` "two" must be a whole number from 0' });
  });
});
