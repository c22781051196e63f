// The model test of declared moves: each deploy of a move (prepare, then move) is replayed from the
// gateway's synthesized templates in every order CloudFormation permits, and failed at every step
// with its rollback, against a simulated account that enforces CloudFront's rules (see
// deploy-sim.ts, which cites them). At every moment, every moving domain must be served: its DNS
// name leads to CloudFront, and a distribution or distribution tenant whose certificate covers it
// holds it. The real move handler runs, through SDK clients backed by the account.
import { EdgeMode, TenantProps } from '../../src';
import { build } from '../gateway-fixture';
import {
  Account, Answers, GatewayModel, mockAws, modelOf, ordersOf, runDeploy, snapshot, stepsOf,
} from './deploy-sim';

let current = new Account();
let aws: ReturnType<typeof mockAws>;
beforeAll(() => { aws = mockAws(() => current); });
afterAll(() => aws.restore());

const multiTenant = { edge: EdgeMode.multiTenantDistribution() };

function model(list: TenantProps[], overrides = {}): GatewayModel {
  const { stack, gateway } = build(list, overrides);
  return modelOf(stack, gateway.shardStacks);
}

/** Applies a deploy in its first permitted order, without failure: the state the next deploy starts from. */
async function settle(account: Account, answers: Answers, before: GatewayModel | undefined, after: GatewayModel): Promise<void> {
  current = account;
  const result = await runDeploy(account, ordersOf(stepsOf(account, answers, before, after))[0], Infinity, () => {});
  expect(result).toBe('complete');
}

/** What a replay ran and found. */
interface Replayed {
  readonly orders: number;
  readonly runs: number;
  readonly completed: number;
  /** Runs whose rollback CloudFront stopped (UPDATE_ROLLBACK_FAILED), every domain still served. */
  readonly rollbackFailed: number;
  /** Runs with a moment during the rollback when a domain was not served (it is again once the rollback ends). */
  readonly rollbackGaps: number;
  /** Each unclean rollback's case: "gap" or "rollback failed", and the step whose failure led to it. */
  readonly unclean: ReadonlySet<string>;
}

/**
 * Replays `after` over `before` from `start` in every order, with a failure at every step and each
 * rollback in every order CloudFormation permits; `dnsOf(domain, account)` names the holder the
 * domain's DNS leads to. Throws when a domain is not served at any moment of a deploy, or when a
 * rollback ends; returns what it ran.
 */
async function replay(start: { account: Account; answers: Answers }, before: GatewayModel, after: GatewayModel, domains: readonly string[],
  dnsOf: (domain: string, account: Account) => string | undefined, expectAt: (account: Account) => void): Promise<Replayed> {
  current = snapshot(start.account, start.answers).account;
  const orders = ordersOf(stepsOf(current, new Map(start.answers), before, after));
  let runs = 0;
  let completed = 0;
  let rollbackFailed = 0;
  let rollbackGaps = 0;
  const unclean = new Set<string>();
  for (const [o, order] of orders.entries()) {
    for (let failAt = 0; failAt <= order.length; failAt++) {
      let rollbacks = 1;
      for (let pick = 0; pick < rollbacks; pick++) {
        const trial = snapshot(start.account, start.answers);
        current = trial.account;
        // The order's steps act on this trial's account and answers.
        const steps = stepsOf(trial.account, trial.answers, before, after);
        const ordered = order.map(s => steps.find(x => x.id === s.id)!);
        const unserved = () => domains.filter(d => !trial.account.served(d, dnsOf(d, trial.account)));
        const where = `order ${o} (${order.map(s => s.id.split('/').pop()).join(' → ')}), failure at step ${failAt}, rollback order ${pick}`;
        let gap = false;
        const result = await runDeploy(trial.account, ordered, failAt, when => {
          if (unserved().length > 0) throw new Error(`${where}: ${unserved().join(', ')} not served ${when}`);
        }, () => { gap = gap || unserved().length > 0; }, { pick, count: n => { rollbacks = n; } });
        if (unserved().length > 0) throw new Error(`${where}: ${unserved().join(', ')} not served once the deploy ended (${result})`);
        runs++;
        if (result === 'complete') {
          completed++;
          expectAt(trial.account);
        }
        const failed = order[failAt]?.id;
        if (gap) {
          rollbackGaps++;
          unclean.add(`gap: ${failed} failed`);
        }
        if (result === 'rollback failed') {
          rollbackFailed++;
          unclean.add(`rollback failed: ${failed} failed`);
        }
      }
    }
  }
  const figures = { orders: orders.length, runs, completed, rollbackFailed, rollbackGaps };
  if (process.env.MOVE_MODEL_FIGURES) process.stdout.write(`${expect.getState().currentTestName}: ${JSON.stringify({ ...figures, unclean: [...unclean] })}\n`);
  return { ...figures, unclean };
}

/** The path of the resource that holds `domain` in a gateway's templates. */
function holderPath(gateway: GatewayModel, domain: string): string {
  return gateway.holders.find(h => h.aliases.includes(domain))!.path;
}

describe('between shards of sharded distributions', () => {
  const stays: TenantProps = { id: 'stays', domainNames: ['stays.example.com'], shard: 0 };
  const acme = (shard: number, stage?: string): TenantProps => ({
    id: 'acme', domainNames: ['acme.example.com', 'example.com'], shard, ...(stage ? { movedFrom: { shard: 0, stage } } : {}),
  });

  for (const target of [1, 60]) {
    test(`shard 0 → ${target} (${target < 50 ? 'one block' : 'two blocks'}): prepare, then move; served at every step and rollback`, async () => {
      const before = model([stays, acme(0)]);
      const prepare = model([stays, acme(target, 'prepare')]);
      const move = model([stays, acme(target, 'move')]);
      const start = { account: new Account(), answers: new Map<string, string>() };
      await settle(start.account, start.answers, undefined, before);
      const source = () => start.account.physical.get(before.holders.find(h => h.aliases.includes('acme.example.com'))!.path)!;
      const sourceId = source();
      // Records stay in the source shard's groups, naming its distribution.
      const dnsOf = (_: string, account: Account) => account.physical.get(before.holders.find(h => account.physical.get(h.path) === sourceId)!.path);

      const prepared = await replay(start, before, prepare, acme(0).domainNames, dnsOf, account => {
        expect(account.ownerOf('acme.example.com')).toBe(sourceId);
      });
      expect(prepared.completed).toBe(prepared.orders);

      await settle(start.account, start.answers, before, prepare);
      const targetId = start.account.physical.get(move.holders.find(h => h.aliases.includes('acme.example.com'))!.path)!;
      const moved = await replay(start, prepare, move, acme(0).domainNames, dnsOf, account => {
        expect(account.ownerOf('acme.example.com')).toBe(targetId);
        expect(account.ownerOf('example.com')).toBe(targetId);
      });
      expect(moved.completed).toBe(moved.orders);
      expect(moved.runs).toBeGreaterThan(moved.orders);
      // Every rollback is clean but for the two no order can protect, where the shard's CloudFront
      // resource's own update is what fails: nothing is undone before it (a rollback undoes only
      // what depends on it first, and nothing that does has run), so the target goes back to a
      // template without the domains while it holds them (unserved until the move's rollback gives
      // them back to the source), and the source goes back to a template listing them while the
      // target holds them, which CloudFront refuses (UPDATE_ROLLBACK_FAILED, still served).
      expect(moved.unclean).toEqual(new Set([`gap: ${holderPath(move, 'acme.example.com')} failed`, `rollback failed: ${holderPath(before, 'acme.example.com')} failed`]));
      expect({ rollbackGaps: moved.rollbackGaps, rollbackFailed: moved.rollbackFailed }).toEqual({ rollbackGaps: 1, rollbackFailed: 1 });
    });
  }

  test('shard 1 → 0 (the target before the source in shard order): prepare, then move; served at every step and rollback', async () => {
    const down = (shard: number, stage?: string): TenantProps => ({
      id: 'acme', domainNames: ['acme.example.com', 'example.com'], shard, ...(stage ? { movedFrom: { shard: 1, stage } } : {}),
    });
    const before = model([stays, down(1)]);
    const prepare = model([stays, down(0, 'prepare')]);
    const move = model([stays, down(0, 'move')]);
    const start = { account: new Account(), answers: new Map<string, string>() };
    await settle(start.account, start.answers, undefined, before);
    const sourceId = start.account.ownerOf('acme.example.com')!;
    const prepared = await replay(start, before, prepare, down(1).domainNames, () => sourceId, account => {
      expect(account.ownerOf('acme.example.com')).toBe(sourceId);
    });
    expect(prepared.completed).toBe(prepared.orders);
    await settle(start.account, start.answers, before, prepare);
    const targetId = start.account.physical.get(holderPath(move, 'acme.example.com'))!;
    expect(targetId).not.toBe(sourceId);
    const moved = await replay(start, prepare, move, down(1).domainNames, () => sourceId, account => {
      expect(account.ownerOf('acme.example.com')).toBe(targetId);
      expect(account.ownerOf('example.com')).toBe(targetId);
    });
    expect(moved.completed).toBe(moved.orders);
    // The same two cases no order can protect, whichever shard comes first.
    expect(moved.unclean).toEqual(new Set([`gap: ${holderPath(move, 'acme.example.com')} failed`, `rollback failed: ${holderPath(before, 'acme.example.com')} failed`]));
  });

  test('a move deploy that changes more of both shards: a failure of their other resources or hand-backs rolls back clean', async () => {
    const joiner = (id: string, shard: number): TenantProps => ({ id, domainNames: [`${id}.example.com`], shard });
    const before = model([stays, acme(0)]);
    const prepare = model([stays, acme(1, 'prepare')]);
    // Each shard gains a tenant in the move deploy: their records and tenant config change after the hand-backs.
    const move = model([stays, acme(1, 'move'), joiner('near', 0), joiner('far', 1)]);
    const start = { account: new Account(), answers: new Map<string, string>() };
    await settle(start.account, start.answers, undefined, before);
    await settle(start.account, start.answers, before, prepare);
    const sourceId = start.account.ownerOf('acme.example.com')!;
    const steps = stepsOf(start.account, new Map(start.answers), prepare, move).map(step => step.id);
    expect(steps.filter(id => /Records|TenantConfig/.test(id)).length).toBeGreaterThanOrEqual(3);
    const moved = await replay(start, prepare, move, acme(0).domainNames, () => sourceId, () => {});
    expect(moved.completed).toBe(moved.orders);
    expect(moved.unclean).toEqual(new Set([`gap: ${holderPath(move, 'acme.example.com')} failed`, `rollback failed: ${holderPath(before, 'acme.example.com')} failed`]));
  });

  test('another shard deploying beside the move: its failure while a moving distribution\'s update has no hand-back yet is the unprotected case', async () => {
    const aside = (config?: { [key: string]: string }): TenantProps => ({ id: 'aside', domainNames: ['aside.example.com'], shard: 2, config });
    const before = model([stays, acme(0), aside()]);
    const prepare = model([stays, acme(1, 'prepare'), aside()]);
    // Only shard 2's tenant config changes beside the move.
    const move = model([stays, acme(1, 'move'), aside({ plan: 'gold' })]);
    const start = { account: new Account(), answers: new Map<string, string>() };
    await settle(start.account, start.answers, undefined, before);
    await settle(start.account, start.answers, before, prepare);
    const sourceId = start.account.ownerOf('acme.example.com')!;
    const moved = await replay(start, prepare, move, acme(0).domainNames, () => sourceId, () => {});
    expect(moved.completed).toBe(moved.orders);
    // Shard 2's config fails after the target's (or the source's) distribution, before its hand-back:
    // CloudFormation lets that update finish, then rolls it back first, unprotected.
    const shard2 = holderPath(move, 'aside.example.com').replace(/\/[^/]+$/, '');
    const config = `${shard2}/${Object.keys(move.shards.get(shard2)!.resources).find(id => id.startsWith('TenantConfig'))}`;
    expect(moved.unclean).toEqual(new Set([
      `gap: ${holderPath(move, 'acme.example.com')} failed`, `rollback failed: ${holderPath(before, 'acme.example.com')} failed`,
      `gap: ${config} failed`, `rollback failed: ${config} failed`,
    ]));
  });

  test('without the order of the two shards, a failure in one while the other\'s CloudFront update has no hand-back yet is not clean', async () => {
    const before = model([stays, acme(0)]);
    const prepare = model([stays, acme(1, 'prepare')]);
    const ordered = model([stays, acme(1, 'move')]);
    // The same templates with the block's DependsOn between its shards left out.
    const move: GatewayModel = {
      ...ordered,
      blocks: new Map([...ordered.blocks].map(([id, resources]) => [id,
        Object.fromEntries(Object.entries(resources).map(([k, r]) => [k, { ...r, DependsOn: undefined }]))])),
    };
    const start = { account: new Account(), answers: new Map<string, string>() };
    await settle(start.account, start.answers, undefined, before);
    await settle(start.account, start.answers, before, prepare);
    const sourceId = start.account.ownerOf('acme.example.com')!;
    const moved = await replay(start, prepare, move, acme(0).domainNames, () => sourceId, () => {});
    expect(moved.orders).toBeGreaterThan(1);
    // E.g. the target's distribution updated, its hand-back not yet, and the source's hand-back fails:
    // the target rolls back unprotected (a gap); or the other way round, the source's rollback is refused.
    const [source, target] = [holderPath(before, 'acme.example.com'), holderPath(ordered, 'acme.example.com')].map(path => path.replace(/[^/]+$/, 'Handbackacme'));
    expect([...moved.unclean]).toEqual(expect.arrayContaining([`gap: ${source} failed`, `rollback failed: ${target} failed`]));
  });

  test('a target whose certificate does not cover the domain: the move fails, the rollback leaves it served by the source', async () => {
    const before = model([stays, acme(0)]);
    const prepare = model([stays, acme(1, 'prepare')]);
    const move = model([stays, acme(1, 'move')]);
    const start = { account: new Account(), answers: new Map<string, string>() };
    await settle(start.account, start.answers, undefined, before);
    await settle(start.account, start.answers, before, prepare);
    const targetPath = move.holders.find(h => h.aliases.includes('acme.example.com'))!.path;
    (start.account.holders.get(start.account.physical.get(targetPath)!)!.certificate as string[]).length = 0;
    const sourceId = start.account.ownerOf('acme.example.com')!;
    const replayed = await replay(start, prepare, move, acme(0).domainNames, () => sourceId, () => {});
    expect(replayed.completed).toBe(0);
  });

  test('a failed wait: the handler moves the domains back, and the rollback leaves them served by the source', async () => {
    const before = model([stays, acme(0)]);
    const prepare = model([stays, acme(1, 'prepare')]);
    const move = model([stays, acme(1, 'move')]);
    const start = { account: new Account(), answers: new Map<string, string>() };
    await settle(start.account, start.answers, undefined, before);
    await settle(start.account, start.answers, before, prepare);
    start.account.stuck = true;
    const sourceId = start.account.ownerOf('acme.example.com')!;
    const replayed = await replay(start, prepare, move, acme(0).domainNames, () => sourceId, () => {});
    expect(replayed.completed).toBe(0);
  });

  test('an edited pin without movedFrom: the target\'s update meets the domain on the source and fails; nothing goes offline', async () => {
    const before = model([stays, acme(0)]);
    const edited = model([stays, acme(1)]);
    const start = { account: new Account(), answers: new Map<string, string>() };
    await settle(start.account, start.answers, undefined, before);
    const sourceId = start.account.ownerOf('acme.example.com')!;
    // Every order in which the source drops the domain before the target takes it leaves it unserved:
    // the reason invariant 12 refuses an undeclared move.
    await expect(replay(start, before, edited, acme(0).domainNames, () => sourceId, () => {})).rejects.toThrow('not served');
  });
});

describe('adoption from a distribution the gateway did not make (same account)', () => {
  const tenant = (stage?: string, placeholderDomain?: string, from: object = { distributionId: 'EFOREIGN0001' }): TenantProps => ({
    id: 'old', domainNames: ['old.example.com'], externalDns: true, adoptFrom: { ...from, stage, placeholderDomain },
  });
  const other: TenantProps = { id: 'other', domainNames: ['other.example.com'] };

  async function adopt(kind: 'distribution' | 'distribution-tenant', overrides: object, placeholder?: string) {
    const foreignId = kind === 'distribution' ? 'EFOREIGN0001' : 'dt_FOREIGN00000001';
    const from = kind === 'distribution' ? { distributionId: foreignId } : { distributionTenantId: foreignId };
    const before = model([other], overrides);
    const prepare = model([other, tenant('prepare', placeholder, from)], overrides);
    const move = model([other, tenant('move', undefined, from)], overrides);
    const start = { account: new Account(), answers: new Map<string, string>() };
    // The team's hand-built resource, serving the domain; their DNS names it.
    start.account.add(kind, ['old.example.com'], ['*.example.com'], undefined, foreignId);
    await settle(start.account, start.answers, undefined, before);
    const dnsOf = () => foreignId;
    const prepared = await replay(start, before, prepare, ['old.example.com'], dnsOf, a => expect(a.ownerOf('old.example.com')).toBe(foreignId));
    await settle(start.account, start.answers, before, prepare);
    const moved = await replay(start, prepare, move, ['old.example.com'], dnsOf, a => expect(a.ownerOf('old.example.com')).not.toBe(foreignId));
    // Clean but where the target's own update fails (nothing is undone before it: see above); the
    // foreign source is no template's, so its rollback never conflicts.
    expect(moved.unclean).toEqual(new Set([`gap: ${holderPath(move, 'old.example.com')} failed`]));
    return { prepared, moved };
  }

  test('into sharded distributions', async () => {
    const { prepared, moved } = await adopt('distribution', {});
    expect(prepared.completed).toBe(prepared.orders);
    expect(moved.completed).toBe(moved.orders);
  });

  test('between distribution tenants: from a foreign distribution tenant into the gateway\'s, prepared with a placeholder', async () => {
    const { prepared, moved } = await adopt('distribution-tenant', multiTenant, 'old-move.example.com');
    expect(prepared.completed).toBe(prepared.orders);
    expect(moved.completed).toBe(moved.orders);
  });

  test('sharded → multi-tenant: a multi-tenant gateway adopts each tenant from the sharded gateway\'s distribution', async () => {
    // The sharded gateway's shard distribution is, to the new gateway, a same-account distribution it did not make.
    const { prepared, moved } = await adopt('distribution', multiTenant, 'old-move.example.com');
    expect(prepared.completed).toBe(prepared.orders);
    expect(moved.completed).toBe(moved.orders);
  });
});
