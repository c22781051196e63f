import * as fc from 'fast-check';
import { MULTI_TENANT_DISTRIBUTION, SHARDED_DISTRIBUTIONS } from '../../src/edge/shape';
import { planGateway } from '../../src/gateway/plan';
import { planMoves, TenantMove } from '../../src/moves/move-plan';
import { shardContents, sourceShards } from '../../src/moves/move-shards';
import { moveSourceProblems, moveStage } from '../../src/moves/move-source';
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

describe('planMoves on its own', () => {
  const acme = { id: 'acme', domainNames: ['acme.example.com', 'www.acme.example.com'] };
  const DT_ID = 'dt_2x9GhoK0TZRsohWzv1b9It8JABC';

  test('a move between shards: its ends, its record shard, a copy of its domains and the deploy\'s steps, in order', () => {
    const tenant = { ...acme, movedFrom: { shard: 4 } };
    const [move] = planMoves({ tenants: [tenant], shards: [2], edge: SHARDED_DISTRIBUTIONS }).moves;
    expect(move).toMatchObject({
      tenantId: 'acme',
      kind: 'between-shards',
      stage: 'move',
      recordShard: 4,
      domainNames: acme.domainNames,
      source: { shard: 4, resource: 'distribution' },
      target: { shard: 2, resource: 'distribution' },
    });
    expect(move.domainNames).not.toBe(tenant.domainNames);
    expect(move.placeholderDomain).toBeUndefined();
    // The source shard is told to let the domains go, and the records, the gateway's, are updated last.
    expect(move.steps).toHaveLength(5);
    expect(move.steps[3]).toContain('shard 4\'s distribution without them');
    expect(move.steps[4]).toContain('records in shard 4\'s record groups');
  });

  test('preparing a move between shards needs no placeholder: the target is a shard\'s distribution', () => {
    const { moves, problems } = planMoves({ tenants: [{ ...acme, movedFrom: { shard: 0, stage: 'prepare' } }], shards: [1], edge: SHARDED_DISTRIBUTIONS });
    expect(problems).toEqual([]);
    expect(moves[0].stage).toBe('prepare');
    expect(moves[0].steps).toHaveLength(2);
    expect(moves[0].steps[1]).toContain('shard 0\'s distribution keeps serving');
  });

  test('an adoption of a distribution tenant into the multi-tenant mode: a foreign source, the tenant\'s own distribution tenant as target', () => {
    const tenant = { ...acme, externalDns: true, adoptFrom: { distributionTenantId: DT_ID, placeholderDomain: 'acme-move.example.com' } };
    const { moves, problems } = planMoves({ tenants: [tenant], shards: [3], edge: MULTI_TENANT_DISTRIBUTION });
    expect(problems).toEqual([]);
    expect(moves).toEqual([expect.objectContaining({
      kind: 'adoption',
      stage: 'move',
      recordShard: 3,
      placeholderDomain: 'acme-move.example.com',
      source: expect.objectContaining({ resource: 'distribution-tenant', id: DT_ID }),
      target: expect.objectContaining({ shard: 3, resource: 'distribution-tenant' }),
    })]);
    expect(moves[0].source.shard).toBeUndefined();
    // No shard of the gateway lets the domains go, and DNS is the partner's.
    expect(moves[0].steps).toHaveLength(4);
    expect(moves[0].steps[3]).toContain('DNS is the partner\'s');
  });

  test('only the tenants that declare a move are planned, each on the shard at its own index', () => {
    const tenants = [{ id: 'still', domainNames: ['still.example.com'] }, { ...acme, movedFrom: { shard: 0 } }];
    const { moves } = planMoves({ tenants, shards: [5, 3], edge: SHARDED_DISTRIBUTIONS });
    expect(moves.map(m => [m.tenantId, m.target.shard])).toEqual([['acme', 3]]);
  });

  // "Move an alternate domain name", CloudFront Developer Guide
  // (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/alternate-domain-names-move.html):
  // UpdateDomainAssociation moves a domain from a source in the target's own account.
  test('the account check refuses only a source known to be in another account than a known gateway account', () => {
    const adopting = (accountId?: string) => ({ ...acme, externalDns: true, adoptFrom: { distributionId: 'E2QWRUHEXAMPLE', accountId } });
    const problems = (accountId?: string, account?: string) =>
      planMoves({ tenants: [adopting(accountId)], shards: [0], edge: SHARDED_DISTRIBUTIONS, account }).problems;
    expect(problems('111111111111', '111111111111')).toEqual([]);
    expect(problems('111111111111', undefined)).toEqual([]);
    expect(problems(undefined, '111111111111')).toEqual([]);
    expect(problems('111111111111', '222222222222')).toEqual([expect.stringContaining('is in account 111111111111')]);
  });

  test('a placeholder is needed only to prepare a move to a distribution tenant', () => {
    const problems = (stage: string | undefined, placeholderDomain?: string) => planMoves({
      tenants: [{ ...acme, externalDns: true, adoptFrom: { distributionId: 'E2QWRUHEXAMPLE', stage, placeholderDomain } }],
      shards: [0],
      edge: MULTI_TENANT_DISTRIBUTION,
    }).problems;
    expect(problems('prepare')).toEqual([expect.stringContaining('needs `adoptFrom.placeholderDomain`')]);
    expect(problems('prepare', 'acme-move.example.com')).toEqual([]);
    expect(problems('move')).toEqual([]);
    expect(problems(undefined)).toEqual([]);
  });

  test('the certificate check lists only the domains the target\'s names do not cover, and is skipped when synth does not know them', () => {
    const problems = (names: string[] | undefined) => planMoves({
      tenants: [{ ...acme, movedFrom: { shard: 0 } }], shards: [1], edge: SHARDED_DISTRIBUTIONS, certificateNames: () => names,
    }).problems;
    expect(problems(undefined)).toEqual([]);
    expect(problems(['*.acme.example.com', 'acme.example.com'])).toEqual([]);
    expect(problems(['acme.example.com'])).toEqual([expect.stringContaining('no certificate covering "www.acme.example.com" (its names: acme.example.com)')]);
  });
});

describe('shard contents while a move is declared', () => {
  const move = (tenantId: string, from: number | undefined, to: number, stage: 'prepare' | 'move', placeholderDomain?: string): TenantMove => ({
    tenantId,
    kind: from === undefined ? 'adoption' : 'between-shards',
    stage,
    domainNames: [],
    placeholderDomain,
    steps: [],
    source: from === undefined ? { resource: 'distribution', id: 'E2QWRUHEXAMPLE', label: 'source' } : { shard: from, resource: 'distribution', label: 'source' },
    target: { shard: to, resource: 'distribution', label: 'target' },
    recordShard: from ?? to,
  });

  test('the source shards kept alive are those of moves between shards, in order; an adoption\'s source is no shard', () => {
    expect(sourceShards([move('a', 4, 1, 'move'), move('b', undefined, 0, 'move'), move('c', 2, 0, 'prepare')])).toEqual([4, 2]);
  });

  test('a tenant whose DNS is its own leaves no record in the source shard\'s groups, nor in the target\'s', () => {
    const p = plan([stays, { id: 'ext', domainNames: ['ext.example.com'], externalDns: true, shard: 1, movedFrom: { shard: 0 } }]);
    const [source, target] = [p.shards.find(s => s.index === 0)!, p.shards.find(s => s.index === 1)!];
    expect(source.zoneDomainNames).toEqual(['stays.example.com']);
    expect(target.zoneDomainNames).toEqual([]);
    expect(target.domainNames).toEqual(['ext.example.com']);
  });

  test('a tenant prepared without a placeholder is carried by no distribution tenant until its move; with one, it carries the placeholder only', () => {
    const tenant = { id: 'acme', domainNames: ['acme.example.com'] };
    const all = new Map([['acme', tenant]]);
    expect(shardContents(1, [tenant], [move('acme', 0, 1, 'prepare')], all).tenants).toEqual([]);
    expect(shardContents(1, [tenant], [move('acme', 0, 1, 'prepare', 'acme-move.example.com')], all).tenants)
      .toEqual([{ id: 'acme', domainNames: ['acme-move.example.com'] }]);
    expect(shardContents(1, [tenant], [move('acme', 0, 1, 'move', 'acme-move.example.com')], all).tenants).toEqual([tenant]);
  });

  test('only a move out of a shard departs from it: a shard neither end of a move keeps its own contents', () => {
    const [acme, other] = [{ id: 'acme', domainNames: ['acme.example.com'] }, { id: 'other', domainNames: ['other.example.com'] }];
    const all = new Map([['acme', acme], ['other', other]]);
    for (const stage of ['prepare', 'move'] as const) {
      expect(shardContents(2, [other], [move('acme', 0, 1, stage)], all)).toEqual({
        tenants: [other], departing: [], domainNames: ['other.example.com'], zoneDomainNames: ['other.example.com'],
      });
      expect(shardContents(0, [], [move('acme', 0, 1, stage)], all).departing).toEqual([acme]);
    }
  });
});

describe('movedFrom and adoptFrom, field by field', () => {
  const problems = (tenant: { movedFrom?: unknown; adoptFrom?: unknown }) => moveSourceProblems(tenant, 'tenant "t"');
  const movedFrom = (fields: object) => problems({ movedFrom: { shard: 1, ...fields } });
  const adoptFrom = (fields: object) => problems({ adoptFrom: { distributionId: 'E2QWRUHEXAMPLE', ...fields } });
  const adoptTenant = (distributionTenantId: unknown) => problems({ adoptFrom: { distributionTenantId } });
  const refused = (field: string) => [expect.stringContaining(`tenant "t": \`${field}`)];

  test('the stage is "prepare" only when it says so', () => {
    expect([moveStage({ stage: 'prepare' }), moveStage({ stage: 'move' }), moveStage({})]).toEqual(['prepare', 'move', 'move']);
  });

  test('every field each source allows is accepted, together', () => {
    expect(problems({})).toEqual([]);
    expect(problems({ movedFrom: { shard: 0, stage: 'prepare', placeholderDomain: 'acme-move.example.com' } })).toEqual([]);
    expect(adoptFrom({ accountId: '012345678901', stage: 'move', placeholderDomain: 'acme-move.example.com' })).toEqual([]);
    expect(problems({ adoptFrom: { distributionTenantId: 'dt_2x9GhoK0TZRsohWzv1b9It8JABC', accountId: '012345678901', stage: 'prepare' } })).toEqual([]);
  });

  test('a field the other source has is unknown', () => {
    expect(movedFrom({ distributionId: 'E2QWRUHEXAMPLE' })).toEqual([expect.stringContaining('`movedFrom` has an unknown field `distributionId`')]);
    expect(adoptFrom({ shard: 1 })).toEqual([expect.stringContaining('`adoptFrom` has an unknown field `shard`')]);
  });

  test('a source that is not an object is one problem', () => {
    for (const source of [null, 'shard 1', [1], 3]) {
      expect(problems({ movedFrom: source })).toEqual([expect.stringContaining('`movedFrom` must be an object')]);
      expect(problems({ adoptFrom: source })).toEqual([expect.stringContaining('`adoptFrom` must be an object')]);
    }
  });

  test('movedFrom.shard is a whole number from 0', () => {
    expect(movedFrom({ shard: 0 })).toEqual([]);
    for (const shard of [-1, 1.5, '3', null, true, undefined]) expect(movedFrom({ shard })).toEqual(refused('movedFrom`.shard'));
  });

  // UpdateDomainAssociation's TargetResource names a DistributionId or a DistributionTenantId, not
  // both ("UpdateDomainAssociation", CloudFront API Reference,
  // https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_UpdateDomainAssociation.html); the source is named the same way.
  test('adoptFrom names exactly one of a distribution and a distribution tenant', () => {
    expect(problems({ adoptFrom: {} })).toEqual([expect.stringContaining('must name exactly one of `distributionId` and `distributionTenantId`')]);
    expect(adoptFrom({ distributionTenantId: 'dt_2x9GhoK0TZRsohWzv1b9It8JABC' })).toEqual([expect.stringContaining('got both')]);
  });

  test('a distribution ID is E and 5 to 20 capitals or digits, held at both ends', () => {
    for (const id of ['E12345', 'EABCDE', `E${'A1'.repeat(10)}`]) expect(adoptFrom({ distributionId: id })).toEqual([]);
    for (const id of ['E1234', `E${'A'.repeat(21)}`, 'xE12345', 'E12345x', 'e12345', 'F12345', ['E2QWRUHEXAMPLE']]) {
      expect(adoptFrom({ distributionId: id })).toEqual(refused('adoptFrom`.distributionId'));
    }
  });

  test('a distribution tenant ID is dt_ and 10 to 40 letters or digits, held at both ends', () => {
    for (const id of ['dt_ABCDEFGHIJ', 'dt_abcdefghij', 'dt_0123456789', `dt_${'a'.repeat(40)}`]) expect(adoptTenant(id)).toEqual([]);
    for (const id of ['dt_abcdefghi', `dt_${'a'.repeat(41)}`, 'xdt_abcdefghij', 'dt_abcdefghij!', 'dt-abcdefghij', ['dt_abcdefghij']]) {
      expect(adoptTenant(id)).toEqual(refused('adoptFrom`.distributionTenantId'));
    }
  });

  // "View AWS account identifiers", AWS Account Management Reference Guide
  // (https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html): an account ID is a 12-digit number.
  test('an account ID is 12 digits, as a string', () => {
    for (const accountId of ['01234567890', '0123456789012', 'x012345678901', '012345678901x', 123456789012]) {
      expect(adoptFrom({ accountId })).toEqual(refused('adoptFrom`.accountId'));
    }
  });

  test('the stage is "prepare" or "move"', () => {
    for (const stage of ['prepare', 'move']) expect(movedFrom({ stage })).toEqual([]);
    for (const stage of ['later', 'Move', '']) expect(movedFrom({ stage })).toEqual(refused('movedFrom`.stage'));
  });

  test('a placeholder is a lower-case domain name, held at both ends', () => {
    for (const name of ['acme-move.example.com', 'move1.example.com', 'a.b.example.com', 'x.io']) expect(movedFrom({ placeholderDomain: name })).toEqual([]);
    for (const name of ['Acme.example.com', 'acme.example.com1', 'acme.example.c', 'localhost', '_acme.example.com', ['acme.example.com']]) {
      expect(movedFrom({ placeholderDomain: name })).toEqual(refused('movedFrom`.placeholderDomain'));
    }
  });

  test('both sources at once is a problem of its own', () => {
    expect(problems({ movedFrom: { shard: 1 }, adoptFrom: { distributionId: 'E2QWRUHEXAMPLE' } }))
      .toEqual([expect.stringContaining('`movedFrom` and `adoptFrom` are both given')]);
  });
});
