// The deploy waves follow shard order, however the tenants file declares its pins: each shard of
// a block waits for the shard a wave before it (see changeWaves), so a shard never waits on itself
// or on a later one.
import { Template } from 'aws-cdk-lib/assertions';
import { build } from '../gateway-fixture';

describe('shard order in the deploy waves', () => {
  test('pins declared out of order: each shard of a block waits for the one a wave before it, in shard order', () => {
    // Two changes at once in one block: the k-th shard (ascending) waits for the (k - 2)-th.
    const list = [12, 3, 7, 0, 9].map(shard => ({ id: `s${shard}`, domainNames: [`s${shard}.example.com`], shard }));
    const { gateway } = build(list, { maxConcurrentEdgeChanges: 2 });
    const block = Template.fromStack(gateway.shardStacks[0].nestedStackParent!);
    const waitsFor = Object.fromEntries(Object.entries(block.findResources('AWS::CloudFormation::Stack'))
      .map(([id, resource]) => [id.match(/^Shard(\d+)/)![1], (resource.DependsOn ?? []).map((on: string) => on.match(/^Shard(\d+)/)![1])]));
    expect(waitsFor).toEqual({ 0: [], 3: [], 7: ['0'], 9: ['3'], 12: ['7'] });
  });
});
