// The deploy model (deploy-sim.ts, which cites the AWS rules it enforces) with the placement guard:
// its handler runs against the records synth wrote, read through a mocked S3 backed by the assets,
// first in every order CloudFormation permits, as every block and every move waits for it.
// - An edited pin without `movedFrom` (sharded distributions): the guard refuses, nothing else
//   runs, the guard's own rollback succeeds, every domain stays served. Without the guard this
//   edit takes the domains offline in some orders (deploy-model.test.ts shows it).
// - A declared move replays as it does without the guard: every order completes, every domain is
//   served throughout, and the rollbacks find what they found before.
import * as fs from 'fs';
import * as path from 'path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { TenantProps } from '../../src';
import { PlacementGuard } from '../../src/moves/private/placement-guard';
import { guardPlacement, PlacementGuardProperties } from '../../src/runtime/placement-guard.lambda';
import { build } from '../gateway-fixture';
import {
  Account, Answers, GatewayModel, mockAws, modelOf, ordersOf, runDeploy, snapshot, STACK_ID, Step, stepsOf,
} from './deploy-sim';

let current = new Account();
let aws: ReturnType<typeof mockAws>;
/** The assets bucket: each placement record synth wrote, by key. */
const objects = new Map<string, string>();
const s3 = mockClient(S3Client);
beforeAll(() => {
  aws = mockAws(() => current);
  s3.on(GetObjectCommand).callsFake(input => ({ Body: { transformToString: async () => objects.get(input.Key)! } }));
});
afterAll(() => {
  aws.restore();
  s3.restore();
});

/** The gateway's model, its placement record put in the assets bucket. */
function model(list: TenantProps[]): GatewayModel {
  const { app, stack, gateway } = build(list);
  const asset = (gateway.node.findChild('PlacementGuard') as PlacementGuard).placement;
  objects.set(`${asset.assetHash}.json`, fs.readFileSync(path.join(app.outdir, asset.assetPath), 'utf8'));
  return modelOf(stack, gateway.shardStacks);
}

/** What the guard's handler answered, in order. */
const verdicts: string[] = [];

/**
 * The deploy's steps with the guard's: its Create or Update (or none when the record is the same),
 * and every step whose block or own resource waits for it waiting for it too. A FAILED answer
 * fails the step, as CloudFormation fails the resource.
 */
function withGuard(account: Account, answers: Answers, before: GatewayModel | undefined, after: GatewayModel, guarded = true): Step[] {
  const steps = stepsOf(account, answers, before, after);
  if (!guarded) return steps;
  const id = Object.keys(after.parent).find(k => after.parent[k].Type === 'Custom::PlacementGuard')!;
  const props = (p: any): PlacementGuardProperties => ({ Bucket: p.Bucket, Key: p.Key });
  const now = props(after.parent[id].Properties);
  const was = before && props(before.parent[id].Properties);
  if (was?.Key === now.Key) return steps;
  const call = async (RequestType: 'Create' | 'Update' | 'Delete', properties: PlacementGuardProperties, old?: PlacementGuardProperties) => {
    const event = {
      RequestType,
      ResponseURL: 'https://example.com/response',
      StackId: STACK_ID,
      RequestId: 'r',
      LogicalResourceId: id,
      PhysicalResourceId: id,
      ResourceProperties: properties,
      OldResourceProperties: old,
    };
    const clients = { s3: new S3Client({}), cloudFormation: new CloudFormationClient({}) };
    const verdict = await guardPlacement(event, { ...clients, sleep: async () => {}, log: () => {} });
    verdicts.push(`${RequestType} ${verdict.status}`);
    if (verdict.status === 'FAILED') throw new Error(verdict.reason);
  };
  const guard: Step = {
    id,
    after: [],
    created: was === undefined,
    forward: () => (was === undefined ? call('Create', now) : call('Update', now, was)),
    back: () => (was === undefined ? call('Delete', now) : call('Update', was, now)),
  };
  const unitOf = (step: Step) => (after.parent[step.id] ? step.id : after.blockOf(step.id));
  return [guard, ...steps.map(step => (waitsFor(after.parent, unitOf(step), id) ? { ...step, after: [...step.after, id] } : step))];
}

/** The parent resource `from` waits for `on`, directly or not (DependsOn). */
function waitsFor(parent: GatewayModel['parent'], from: string, on: string, seen = new Set<string>()): boolean {
  return (parent[from]?.DependsOn ?? []).some(d => d === on || (!seen.has(d) && seen.add(d) && waitsFor(parent, d, on, seen)));
}

async function settle(account: Account, answers: Answers, before: GatewayModel | undefined, after: GatewayModel): Promise<void> {
  current = account;
  expect(await runDeploy(account, ordersOf(withGuard(account, answers, before, after))[0], Infinity, () => {})).toBe('complete');
}

/** Replays `after` over `before` in every order, failing at every step; throws when a domain is ever unserved. */
async function replay(start: { account: Account; answers: Answers }, before: GatewayModel, after: GatewayModel, domains: readonly string[],
  dnsOf: () => string, expectAt: (account: Account, result: string, ran: string[]) => void, guarded = true,
  failures = (steps: number) => Array.from({ length: steps + 1 }, (_, k) => k)) {
  current = snapshot(start.account, start.answers).account;
  const orders = ordersOf(withGuard(current, new Map(start.answers), before, after, guarded));
  let completed = 0;
  let rollbackFailed = 0;
  let rollbackGaps = 0;
  for (const order of orders) {
    for (const failAt of failures(order.length)) {
      const trial = snapshot(start.account, start.answers);
      current = trial.account;
      const ran: string[] = [];
      const steps = withGuard(trial.account, trial.answers, before, after, guarded)
        .map(s => ({ ...s, forward: () => { ran.push(s.id); return s.forward(); } }));
      const ordered = order.map(s => steps.find(x => x.id === s.id)!);
      const unserved = () => domains.filter(d => !trial.account.served(d, dnsOf()));
      const where = `order ${order.map(s => s.id.split('/').pop()).join(' → ')}, failure at step ${failAt}`;
      const result = await runDeploy(trial.account, ordered, failAt, when => {
        if (unserved().length > 0) throw new Error(`${where}: ${unserved().join(', ')} not served ${when}`);
      }, () => { if (unserved().length > 0) rollbackGaps++; });
      if (unserved().length > 0) throw new Error(`${where}: ${unserved().join(', ')} not served once the deploy ended (${result})`);
      if (result === 'complete') completed++;
      if (result === 'rollback failed') rollbackFailed++;
      expectAt(trial.account, result, ran);
    }
  }
  return { orders, completed, rollbackFailed, rollbackGaps };
}

const stays: TenantProps = { id: 'stays', domainNames: ['stays.example.com'], shard: 0 };
const acme = (shard: number, stage?: string): TenantProps => ({
  id: 'acme', domainNames: ['acme.example.com', 'example.com'], shard, ...(stage ? { movedFrom: { shard: 0, stage } } : {}),
});

test('an edited pin without movedFrom: the guard refuses first in every order, nothing else runs, every domain stays served', async () => {
  const before = model([stays, acme(0)]);
  const edited = model([stays, acme(1)]);
  const start = { account: new Account(), answers: new Map<string, string>() };
  await settle(start.account, start.answers, undefined, before);
  const sourceId = start.account.ownerOf('acme.example.com')!;
  const dns = () => sourceId;
  const paths = [...start.account.physical.keys()];
  verdicts.length = 0;

  const replayed = await replay(start, before, edited, acme(0).domainNames, dns, (account, result, ran) => {
    expect(result).toBe('rolled back');
    // The guard ran alone (or nothing did, when the failure was injected at it).
    expect(ran.filter(id => !id.startsWith('GatewayPlacementGuard'))).toEqual([]);
    expect(account.ownerOf('acme.example.com')).toBe(sourceId);
    expect(account.ownerOf('example.com')).toBe(sourceId);
    expect([...account.physical.keys()]).toEqual(paths);
  // The guard is first in every order, so a failure injected later is never reached: at it, or none.
  }, true, () => [0, Infinity]);
  expect(replayed.orders.length).toBeGreaterThan(1);
  expect(replayed.orders.every(order => order[0].id.startsWith('GatewayPlacementGuard'))).toBe(true);
  expect(replayed.completed).toBe(0);
  // In each run its refusal (unless the failure was injected at it), then its own rollback (the same
  // Update reversed, while the stack rolls back), which succeeds.
  expect(verdicts).toContain('Update FAILED');
  expect(verdicts.join('; ')).toMatch(/^((Update FAILED; )?Update SUCCESS(; |$))+$/);
});

test('a declared move with the guard in place replays as before: every order completes, served throughout, the same rollbacks', async () => {
  const before = model([stays, acme(0)]);
  const prepare = model([stays, acme(1, 'prepare')]);
  const move = model([stays, acme(1, 'move')]);
  const start = { account: new Account(), answers: new Map<string, string>() };
  await settle(start.account, start.answers, undefined, before);
  const sourceId = start.account.ownerOf('acme.example.com')!;
  const dns = () => sourceId;

  const prepared = await replay(start, before, prepare, acme(0).domainNames, dns, () => {});
  expect(prepared.completed).toBe(prepared.orders.length);
  await settle(start.account, start.answers, before, prepare);
  const targetId = start.account.physical.get(move.holders.find(h => h.aliases.includes('acme.example.com'))!.path)!;
  const expectMoved = (account: Account, result: string) => {
    if (result === 'complete') expect(account.ownerOf('acme.example.com')).toBe(targetId);
  };
  const moved = await replay(start, prepare, move, acme(0).domainNames, dns, expectMoved);
  expect(moved.completed).toBe(moved.orders.length);
  expect(moved.orders.every(order => order[0].id.startsWith('GatewayPlacementGuard'))).toBe(true);
  // The same deploy without the guard finds the same: the guard's rollback, undone last, lets every rollback through.
  const unguarded = await replay(start, prepare, move, acme(0).domainNames, dns, expectMoved, false);
  expect({ orders: moved.orders.length, rollbackGaps: moved.rollbackGaps, rollbackFailed: moved.rollbackFailed })
    .toEqual({ orders: unguarded.orders.length, rollbackGaps: unguarded.rollbackGaps, rollbackFailed: unguarded.rollbackFailed });
});
