// Creation stack traces: recent aws-cdk-lib releases record one for every element and stack they create.
// The gateway turns them off for what it makes, unless the app decides.
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { build, tenants } from '../gateway-fixture';

const KEY = 'aws:cdk:disable-creation-stack-traces';
const CREATION_STACK = 'aws:cdk:creationStack';

/** The constructs under `scope` (itself included) that recorded a creation stack. */
function traced(scope: IConstruct): IConstruct[] {
  return scope.node.findAll().filter(c => c.node.metadata.some(m => m.type === CREATION_STACK));
}

/** Whether the aws-cdk-lib under test records creation stacks (recent releases): a bare resource gets one. */
function recordsCreationStacks(): boolean {
  return traced(new CfnResource(new Stack(new App(), 'Probe'), 'Probe', { type: 'AWS::SNS::Topic' })).length > 0;
}

/** A synthesized gateway of two shards in an app with `context`, beside a resource of the app's own. */
function gatewayIn(context: Record<string, unknown>) {
  const built = build(tenants(150), {}, new App({ context }));
  const outside = new CfnResource(built.stack, 'Outside', { type: 'AWS::SNS::Topic' });
  built.app.synth(); // the shards' parameters, which carry references, are made here
  return { ...built, outside };
}

test('the gateway turns creation stack traces off below itself, unless the app set the context', () => {
  const { gateway, outside } = gatewayIn({});
  expect(gateway.node.tryGetContext(KEY)).toBe(true);
  expect(outside.node.tryGetContext(KEY)).toBeUndefined();
  expect(gatewayIn({ [KEY]: false }).gateway.node.tryGetContext(KEY)).toBe(false);
});

(recordsCreationStacks() ? describe : describe.skip)('on an aws-cdk-lib that records creation stacks', () => {
  test('nothing the gateway makes records one, nested stacks and their parameters included; the rest of the app still does', () => {
    const { gateway, outside, stack } = gatewayIn({});
    expect(gateway.shardStacks.flatMap(shard => shard.node.findAll().filter(c => c.node.id.startsWith('reference-to-')))).not.toEqual([]);
    expect(traced(gateway)).toEqual([]);
    expect(traced(outside)).toEqual([outside]);
    expect(traced(stack)).toContain(stack);
  });

  test('an app that sets the context to false keeps them', () => {
    const { gateway } = gatewayIn({ [KEY]: false });
    expect(traced(gateway).length).toBeGreaterThan(gateway.shardStacks.length);
  });
});
