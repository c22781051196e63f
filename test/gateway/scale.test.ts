import { differences, expectDeployable, kinds, synth, tenants } from './scale-helpers';
import { EdgeMode } from '../../src';

describe('every template deploys at any tenant count', () => {
  test.each([1, 100, 1_000, 10_000])('%i tenants: each template has at most 500 resources and 1 MB', count => {
    const templates = synth(tenants(count));
    const shards = Math.ceil(count / 100);
    expect(kinds(templates)).toEqual({ parent: [expect.any(String)], blocks: expect.any(Array), shards: expect.any(Array) });
    expect(kinds(templates).shards).toHaveLength(shards);
    expect(kinds(templates).blocks).toHaveLength(Math.ceil(shards / 50));
    expectDeployable(templates);
  }, 300_000);
});

describe('onboarding cost', () => {
  test.each([
    ['sharded distributions', undefined],
    ['multi-tenant distribution', EdgeMode.multiTenantDistribution()],
  ])('%s: adding or removing a tenant changes only its shard\'s template and the references to it', (_, edge) => {
    const before = synth(tenants(150), edge);
    for (const after of [synth(tenants(151), edge), synth(tenants(149), edge)]) {
      expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
      const changed = [...after.keys()].filter(f => after.get(f) !== before.get(f)).sort();
      const { parent, blocks, shards } = kinds(new Map(changed.map(f => [f, ''])));
      expect(shards).toEqual([expect.stringContaining('Shard1')]);
      expect(blocks).toEqual([expect.stringContaining('Block0')]);
      expect(parent).toHaveLength(1);

      // Up the chain, only the pointer to the changed template changes, and the placement guard's
      // record (the placement changed), so the guard checks it before the block changes.
      const parentChanges = differences(JSON.parse(before.get(parent[0])!), JSON.parse(after.get(parent[0])!));
      expect(parentChanges).toContainEqual(expect.stringMatching(/^Resources\.GatewayPlacementGuard[0-9A-F]+\.Properties\.Key$/));
      for (const p of parentChanges) {
        expect(p).toMatch(/^Resources\.(GatewayBlock0NestedStackBlock0NestedStackResource[0-9A-F]+\.Properties\.TemplateURL\.|GatewayPlacementGuard[0-9A-F]+\.Properties\.Key$)/);
      }
      for (const p of differences(JSON.parse(before.get(blocks[0])!), JSON.parse(after.get(blocks[0])!))) {
        expect(p).toMatch(/^Resources\.Shard1NestedStackShard1NestedStackResource[0-9A-F]+\.Properties\.TemplateURL\./);
      }
    }
  }, 300_000);
});
