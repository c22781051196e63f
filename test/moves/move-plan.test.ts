import * as fc from 'fast-check';
import { MULTI_TENANT_DISTRIBUTION, SHARDED_DISTRIBUTIONS } from '../../src/edge/shape';
import { planGateway } from '../../src/gateway/plan';
import { planMoves } from '../../src/moves/move-plan';
import { resolveQuotas } from '../../src/quotas/quotas';
import { Tenants, TenantProps } from '../../src/tenants/tenants';

const QUOTAS = resolveQuotas().quotas;
const SHARED = { vpcOrigins: true, responseHeadersPolicies: true, cachePoliciesPerBlock: 1, cacheBehaviors: 0 };
const plan = (tenants: TenantProps[], edge = SHARDED_DISTRIBUTIONS, account?: string) =>
  planGateway({ tenants, quotas: QUOTAS, shared: SHARED, edge, account, certificateZone: 'example.com' });

// A shard of the default cell, and a tenant that moves from it to a shard of cell "eu".
const stays: TenantProps = { id: 'stays', domainNames: ['stays.example.com'], shard: 0 };
const mover = (stage?: string): TenantProps => ({
  id: 'acme', domainNames: ['acme.example.com', 'www.acme.example.com'], shard: 1, cell: 'eu', movedFrom: { shard: 0, stage },
});

describe('declared moves between shards', () => {
  test('a cell change with movedFrom plans one move from the old shard to the new one, no placement problem', () => {
    const p = plan([stays, mover()]);
    expect(p.problems.filter(x => !x.includes('cell'))).toEqual([]);
    expect(p.moves).toEqual([expect.objectContaining({
      tenantId: 'acme',
      kind: 'between-shards',
      stage: 'move',
      recordShard: 0,
      source: expect.objectContaining({ shard: 0, resource: 'distribution' }),
      target: expect.objectContaining({ shard: 1, resource: 'distribution' }),
    })]);
  });

  test('move stage: the target carries the aliases, the source keeps the records in its groups', () => {
    const p = plan([stays, mover()]);
    const [source, target] = [p.shards.find(s => s.index === 0)!, p.shards.find(s => s.index === 1)!];
    expect(target.domainNames).toEqual(['acme.example.com', 'www.acme.example.com']);
    expect(source.domainNames).toEqual(['stays.example.com']);
    expect(source.zoneDomainNames).toEqual(['stays.example.com', 'acme.example.com', 'www.acme.example.com']);
    expect(target.zoneDomainNames).toEqual([]);
  });

  test('prepare stage: the source keeps serving the domains and its certificate keeps covering them; the target is made without them', () => {
    const p = plan([stays, mover('prepare')]);
    const [source, target] = [p.shards.find(s => s.index === 0)!, p.shards.find(s => s.index === 1)!];
    expect(source.domainNames).toEqual(['stays.example.com', 'acme.example.com', 'www.acme.example.com']);
    expect(target.domainNames).toEqual([]);
    const keyOf = (shard: number) => p.certificates!.keyOfShard.get(shard);
    const names = (shard: number) => p.certificates!.certificates.find(c => c.key === keyOf(shard))!.names;
    for (const domain of mover().domainNames) {
      expect(names(0).some(n => n === domain || n === '*.example.com' || n === '*.acme.example.com')).toBe(true);
      expect(names(1).some(n => n === domain || n === '*.example.com' || n === '*.acme.example.com')).toBe(true);
    }
  });

  test('a source shard left without tenants stays while the move is declared, with the mover\'s settings', () => {
    const p = plan([{ id: 'solo', domainNames: ['solo.example.com'], shard: 3, movedFrom: { shard: 2 } }]);
    expect(p.shards.map(s => s.index)).toEqual([2, 3]);
    expect(p.shards[0]).toMatchObject({ domainNames: [], zoneDomainNames: ['solo.example.com'] });
  });

  test('movedFrom naming the shard the tenant is on is refused: nothing moves', () => {
    expect(plan([{ ...stays, movedFrom: { shard: 0 } }]).problems).toEqual([expect.stringContaining(
      'tenant "stays": `movedFrom.shard` 0 is its `shard`: nothing moves. Remove `movedFrom`')]);
  });

  test('without movedFrom, a cell change on a shared shard is refused and the message describes the move', () => {
    const p = plan([stays, { ...mover(), shard: 0, movedFrom: undefined }]);
    expect(p.problems.join('\n')).toContain('run `cdk-multi-tenant-gateway move acme`');
    expect(p.moves).toEqual([]);
  });
});

describe('refusals name what is missing', () => {
  test('a target whose certificate does not cover the domain', () => {
    const result = planMoves({
      tenants: [mover()], shards: [1], edge: SHARDED_DISTRIBUTIONS, certificateNames: () => ['*.other.com'],
    });
    expect(result.problems).toEqual([expect.stringContaining('tenant "acme": shard 1\'s distribution has no certificate covering ' +
      '"acme.example.com", "www.acme.example.com" (its names: *.other.com)')]);
  });

  test('adoption from another account, with AWS\'s wildcard method', () => {
    const result = planMoves({
      tenants: [{ id: 'old', domainNames: ['old.example.com'], externalDns: true, adoptFrom: { distributionId: 'E2QWRUHEXAMPLE', accountId: '111111111111' } }],
      shards: [0],
      edge: SHARDED_DISTRIBUTIONS,
      account: '222222222222',
    });
    expect(result.problems).toEqual([expect.stringContaining('`adoptFrom` distribution E2QWRUHEXAMPLE is in account 111111111111, not the ' +
      'gateway\'s (222222222222)')]);
    expect(result.problems[0]).toContain('wildcard method');
  });

  test('adoption without externalDns (the records exist outside the gateway)', () => {
    const p = plan([{ id: 'old', domainNames: ['old.example.com'], adoptFrom: { distributionId: 'E2QWRUHEXAMPLE' } }]);
    expect(p.problems).toEqual([expect.stringContaining('`adoptFrom` needs `externalDns: true`')]);
  });

  test('preparing a new distribution tenant without a placeholder domain', () => {
    const p = plan([{ id: 'old', domainNames: ['old.example.com'], externalDns: true, adoptFrom: { distributionTenantId: 'dt_2x9GhoK0TZRsohWzv1b9It8JABC', stage: 'prepare' } }],
      MULTI_TENANT_DISTRIBUTION);
    expect(p.problems).toEqual([expect.stringContaining('needs `adoptFrom.placeholderDomain`')]);
  });

  test('movedFrom with a multi-tenant distribution, with the two-gateway route spelled out', () => {
    const p = plan([{ id: 'a', domainNames: ['a.example.com'], shard: 0, movedFrom: { shard: 1 } }], MULTI_TENANT_DISTRIBUTION);
    expect(p.problems).toEqual([expect.stringContaining('deploy a second gateway in that mode whose tenants each name `adoptFrom: { distributionId }`')]);
  });
});

describe('adoption', () => {
  test('from a same-account distribution into the multi-tenant mode: prepared with the placeholder, then moved', () => {
    const base: TenantProps = { id: 'old', domainNames: ['old.example.com'], externalDns: true };
    const prepared = plan([{ ...base, adoptFrom: { distributionId: 'E2QWRUHEXAMPLE', stage: 'prepare', placeholderDomain: 'old-move.example.com' } }], MULTI_TENANT_DISTRIBUTION);
    expect(prepared.problems).toEqual([]);
    expect(prepared.shards[0].tenants[0].domainNames).toEqual(['old-move.example.com']);
    const moving = plan([{ ...base, adoptFrom: { distributionId: 'E2QWRUHEXAMPLE' } }], MULTI_TENANT_DISTRIBUTION);
    expect(moving.moves[0]).toMatchObject({ kind: 'adoption', stage: 'move', source: { id: 'E2QWRUHEXAMPLE', resource: 'distribution' } });
    expect(moving.shards[0].tenants[0].domainNames).toEqual(['old.example.com']);
  });
});

describe('the tenants file', () => {
  test('every problem with movedFrom and adoptFrom is listed at once, in the user\'s terms', () => {
    const file = JSON.stringify({
      tenants: [
        { id: 'a', domainNames: ['a.example.com'], movedFrom: { shard: -1, stage: 'later', extra: 1 } },
        { id: 'b', domainNames: ['b.example.com'], adoptFrom: { distributionId: 'nope', distributionTenantId: 'dt_2x9GhoK0TZRsohWzv1b9It8JABC', accountId: '12' } },
        { id: 'c', domainNames: ['c.example.com'], movedFrom: { shard: 1 }, adoptFrom: { distributionId: 'E2QWRUHEXAMPLE' } },
      ],
    });
    let message = '';
    try {
      Tenants.fromJson(file, 'tenants.json');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.split('\n')).toEqual([
      'tenants.json has 7 problems:',
      '  - tenant "a": `movedFrom` has an unknown field `extra` (allowed: shard, stage, placeholderDomain)',
      '  - tenant "a": `movedFrom`.shard -1 must be a whole number from 0: the shard that served the tenant\'s domains',
      '  - tenant "a": `movedFrom`.stage "later" must be one of "prepare", "move"',
      '  - tenant "b": `adoptFrom` must name exactly one of `distributionId` and `distributionTenantId` (the resource serving the domains now), got both',
      '  - tenant "b": `adoptFrom`.distributionId "nope" must be a CloudFront distribution ID such as "E2QWRUHEXAMPLE"',
      '  - tenant "b": `adoptFrom`.accountId "12" must be a 12-digit AWS account ID',
      '  - tenant "c": `movedFrom` and `adoptFrom` are both given; a tenant\'s domains move from one place at a time',
    ]);
  });

  test('property: any valid movedFrom between two shards plans exactly one move and keeps every domain on exactly one alias list', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 }), fc.constantFrom('prepare', 'move'), (from, to, stage) => {
      fc.pre(from !== to);
      const p = plan([{ id: 'm', domainNames: ['m.example.com'], shard: to, movedFrom: { shard: from, stage } }]);
      expect(p.problems).toEqual([]);
      expect(p.moves).toHaveLength(1);
      const carrying = p.shards.filter(s => s.domainNames.includes('m.example.com')).map(s => s.index);
      expect(carrying).toEqual([stage === 'prepare' ? from : to]);
      expect(p.shards.filter(s => s.zoneDomainNames.includes('m.example.com')).map(s => s.index)).toEqual([from]);
    }), { numRuns: 50 });
  });
});
