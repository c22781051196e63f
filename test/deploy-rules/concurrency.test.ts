// One bound on what CloudFront is asked to change at once, across the whole gateway.
//
// CloudFront throttles its control plane per account: CloudFormation creating distributions from
// about 130 nested stacks at once failed with "Rate exceeded" ("CloudFront: Rate exceeded when
// deploying many distributions in parallel", https://github.com/aws/aws-cdk/issues/29183; the
// throttling error is ThrottlingException in "Common Errors", Amazon CloudFront API Reference,
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/CommonErrors.html). CloudFormation
// creates, updates and deletes in parallel whatever does not wait for something else, through
// DependsOn or a reference ("DependsOn attribute", AWS CloudFormation User Guide,
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-dependson.html),
// and a nested stack only once what its stack resource waits for is done. So the most CloudFront
// resources that change at once is the heaviest set of them of which none waits for another.
import * as fc from 'fast-check';
import { edgeChangesAtOnce, maxWeightAntichain } from '../../scripts/bench/deploy';
import { EdgeMode, MultiTenantGatewayProps } from '../../src';
import { changeWaves } from '../../src/gateway/private/waves';
import { errorOf } from '../errors';
import { build, tenants } from '../gateway-fixture';

/** The most distributions and distribution tenants of a gateway that may change at once. */
function atOnce(count: number, overrides: Partial<MultiTenantGatewayProps> = {}): number {
  const { app } = build(tenants(count), overrides);
  return edgeChangesAtOnce(app.synth().directory);
}

describe('the heaviest set of resources of which none waits for another', () => {
  /** The same by trying every subset (small graphs only). */
  function bruteForce(weight: number[], waitsFor: number[][]): number {
    const reach = weight.map((_, i) => {
      const seen = new Set<number>();
      const visit = (v: number): void => waitsFor[v].forEach(d => { if (!seen.has(d)) { seen.add(d); visit(d); } });
      visit(i);
      return seen;
    });
    const subsets = weight.reduce<number[][]>((all, _, i) => [...all, ...all.map(set => [...set, i])], [[]]);
    const antichains = subsets.filter(set => set.every(a => set.every(b => a === b || !reach[a].has(b))));
    return Math.max(...antichains.map(set => set.reduce((sum, i) => sum + weight[i], 0)));
  }

  test('a chain changes one at a time; independent resources all at once; a heavy node counts its weight', () => {
    expect(maxWeightAntichain([1, 1, 1], [[], [0], [1]])).toBe(1);
    expect(maxWeightAntichain([1, 1, 1], [[], [], []])).toBe(3);
    // 0 and 1 wait for a weightless 2 that waits for nothing: still side by side.
    expect(maxWeightAntichain([1, 1, 0], [[2], [2], []])).toBe(2);
    expect(maxWeightAntichain([5, 1, 1], [[], [0], [0]])).toBe(5);
  });

  test('agrees with trying every subset on random graphs', () => {
    const graph = fc.integer({ min: 1, max: 8 }).chain(n => fc.tuple(
      fc.array(fc.integer({ min: 0, max: 4 }), { minLength: n, maxLength: n }),
      fc.array(fc.array(fc.integer({ min: 0, max: n - 1 }), { maxLength: 3 }), { minLength: n, maxLength: n }),
    ));
    fc.assert(fc.property(graph, ([weight, edges]) => {
      // Only edges to lower indexes, so the graph has no cycle, as a template's cannot.
      const waitsFor = edges.map((ds, i) => ds.filter(d => d < i));
      expect(maxWeightAntichain(weight, waitsFor)).toBe(bruteForce(weight, waitsFor));
    }), { numRuns: 300 });
  });
});

describe('how the bound is spent', () => {
  test('over the lanes of blocks, shards of a block x resources of a shard never exceed the bound, and each is at least one', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 100 }),
      (bound, blocks, perShard) => {
        const w = changeWaves(bound, blocks, 50, perShard);
        expect(w.lanes).toHaveLength(w.blockLanes);
        expect(w.blockLanes).toBe(Math.min(bound, blocks));
        expect(w.lanes.reduce((sum, l) => sum + l.shardsAtOnce * l.perShardAtOnce, 0)).toBeLessThanOrEqual(bound);
        for (const l of w.lanes) {
          expect(Math.min(l.shardsAtOnce, l.perShardAtOnce)).toBeGreaterThanOrEqual(1);
          expect(l.shardsAtOnce).toBeLessThanOrEqual(50);
          expect(l.perShardAtOnce).toBeLessThanOrEqual(perShard);
        }
      }));
  });
});

describe('what changes at once in a synthesized gateway, nested stacks included', () => {
  // One domain per distribution makes a shard per tenant, so a few tenants fill several blocks.
  const oneDomainEach = { quotas: { domainsPerDistribution: 1, recordsPerHostedZone: 10_000 } };

  test('sharded distributions: the default bound is 50, and a lower one holds', () => {
    expect(atOnce(80, oneDomainEach)).toBe(50);
    expect(atOnce(80, { ...oneDomainEach, maxConcurrentEdgeChanges: 7 })).toBe(7);
  }, 60_000);

  test('every shard at once when there are fewer shards than the bound', () => {
    expect(atOnce(12, oneDomainEach)).toBe(12);
  }, 60_000);

  test('more blocks than the bound: blocks wait in lanes', () => {
    // 60 shards make two blocks; with a bound of 1 the second block waits for the first.
    expect(atOnce(60, { ...oneDomainEach, maxConcurrentEdgeChanges: 1 })).toBe(1);
  }, 60_000);

  test('multi-tenant distribution: a shard\'s distribution tenants go in waves too', () => {
    const edge = EdgeMode.multiTenantDistribution();
    // 250 tenants in three shards of one block: unbounded, all 250 tenants would be created at once.
    expect(atOnce(250, { edge })).toBe(50);
    expect(atOnce(250, { edge, maxConcurrentEdgeChanges: 30 })).toBe(30);
    expect(atOnce(250, { edge, maxConcurrentEdgeChanges: 100 })).toBe(100);
  }, 120_000);

  test('a bound CloudFront would throttle, or none at all, is refused', () => {
    expect(errorOf(() => build(tenants(1), { maxConcurrentEdgeChanges: 0 }))).toMatch(/`maxConcurrentEdgeChanges` must be a whole number from 1 to 100.*got 0/);
    expect(errorOf(() => build(tenants(1), { maxConcurrentEdgeChanges: 130 }))).toMatch(/`maxConcurrentEdgeChanges` must be a whole number from 1 to 100.*got 130/);
  });
});
