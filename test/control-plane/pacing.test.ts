import * as fc from 'fast-check';
import { CONCURRENT_PASSES, Pacer, passRate, rateOf, rateProblems, reconcilerTimeoutSeconds } from '../../src/control-plane/pacing';

/** A clock that only moves when slept on (or told to). */
class FakeClock {
  public at = 0;
  public slept = 0;
  now() { return this.at; }
  async sleep(ms: number) { this.at += ms; this.slept += ms; }
}

describe('Pacer', () => {
  test('a burst goes at once; then one call per 1/rate seconds', async () => {
    const clock = new FakeClock();
    const pacer = new Pacer(rateOf(5), clock);
    for (let i = 0; i < 10; i++) await pacer.take();
    expect(clock.slept).toBe(0);
    await pacer.take();
    expect(clock.at).toBe(200);
    await pacer.take();
    expect(clock.at).toBe(400);
  });

  test('time spent elsewhere refills the bucket, never beyond its burst', async () => {
    const clock = new FakeClock();
    const pacer = new Pacer(rateOf(5), clock);
    for (let i = 0; i < 10; i++) await pacer.take();
    clock.at += 60_000;
    for (let i = 0; i < 10; i++) await pacer.take();
    expect(clock.slept).toBe(0);
    await pacer.take();
    expect(clock.slept).toBe(200);
  });

  test('a call waits only for the part of a token the bucket lacks, and the wait counts toward the next', async () => {
    const clock = new FakeClock();
    const pacer = new Pacer(rateOf(1), clock);
    await pacer.take();
    await pacer.take();
    clock.at += 500;
    await pacer.take();
    expect(clock.slept).toBe(500);
    await pacer.take();
    expect(clock.slept).toBe(1500);
  });

  test('a clock set back refills nothing', async () => {
    const clock = new FakeClock();
    clock.at = 10_000;
    const pacer = new Pacer(rateOf(1), clock);
    await pacer.take();
    await pacer.take();
    clock.at = 5_000;
    await pacer.take();
    expect(clock.slept).toBe(1000);
  });

  test('over any run of calls, no window holds more than the burst plus the rate\'s share of its length', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 20 }), fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 60 }),
      async (perSecond, gaps) => {
        const clock = new FakeClock();
        const rate = rateOf(perSecond);
        const pacer = new Pacer(rate, clock);
        const times: number[] = [];
        for (const gap of gaps) {
          clock.at += gap;
          await pacer.take();
          times.push(clock.at);
        }
        for (let i = 0; i < times.length; i++) {
          for (let j = i; j < times.length; j++) {
            expect(j - i + 1).toBeLessThanOrEqual(rate.burst + (times[j] - times[i]) / 1000 * perSecond + 1e-9);
          }
        }
      }), { numRuns: 100 });
  });
});

test('a rate\'s burst is two seconds\' worth, at least one call', () => {
  expect(rateOf(5)).toEqual({ perSecond: 5, burst: 10 });
  expect(rateOf(0.2)).toEqual({ perSecond: 0.2, burst: 1 });
});

test('a pass paces its share of the environment\'s rate (the default when absent or not a positive number): the passes together keep to it', () => {
  expect(CONCURRENT_PASSES).toBe(2);
  expect(passRate('12', 5)).toEqual(rateOf(6));
  for (const value of [undefined, '', 'fast', '0']) expect(passRate(value, 5)).toEqual(rateOf(2.5));
  // Two buckets of half the rate burst no more than one of the whole.
  expect(2 * passRate('5', 5).burst).toBe(rateOf(5).burst);
});

test('the reconciler\'s timeout: a full pass over a page (2 calls a tenant, as long again for actions) at a pass\'s share, from 1 to 15 minutes', () => {
  expect(reconcilerTimeoutSeconds(5)).toBe(160);
  expect(reconcilerTimeoutSeconds(1)).toBe(800);
  expect(reconcilerTimeoutSeconds(100)).toBe(60);
  expect(reconcilerTimeoutSeconds(0.5)).toBe(900);
});

test('a rate prop must be from 1 to 100 calls a second', () => {
  expect(rateProblems(undefined, 'cloudFrontCallsPerSecond')).toEqual([]);
  expect(rateProblems(2.5, 'cloudFrontCallsPerSecond')).toEqual([]);
  expect(rateProblems(1, 'cloudFrontCallsPerSecond')).toEqual([]);
  expect(rateProblems(100, 'cloudFrontCallsPerSecond')).toEqual([]);
  expect(rateProblems(0.9, 'cloudFrontCallsPerSecond')).toEqual([expect.stringMatching(/^`cloudFrontCallsPerSecond` 0.9 must be from 1 to 100 calls a second/)]);
  expect(rateProblems(101, 'route53CallsPerSecond')).toHaveLength(1);
  expect(rateProblems(NaN, 'route53CallsPerSecond')).toHaveLength(1);
});
