import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../machine/backoff.js';
import { resolveSettings } from '../../machine/settings.js';

const policy = (options: Parameters<typeof resolveSettings>[0] extends infer O ? O : never) =>
  resolveSettings(options).reconnect;

describe('backoffDelay', () => {
  it('is the fixed seed delay by default', () => {
    const p = policy({});
    expect([1, 2, 10].map((retry) => backoffDelay(p, retry, () => 0.9))).toEqual([4000, 4000, 4000]);
  });

  it('takes a delay function as the whole wait: called with the retry number, its answer used as it is', () => {
    const calls: number[] = [];
    const p = policy({ reconnect: { delay: (retry) => (calls.push(retry), [250, 1000][retry - 1] ?? 60_000) } });
    expect([1, 2, 3, 9].map((retry) => backoffDelay(p, retry, () => 0.9))).toEqual([250, 1000, 60_000, 60_000]);
    expect(calls).toEqual([1, 2, 3, 9]);
  });

  it('grows exponentially and stops at maxDelay', () => {
    const p = policy({ reconnect: { delay: 100, factor: 3, maxDelay: 2000 } });
    expect([1, 2, 3, 4].map((retry) => backoffDelay(p, retry, () => 0))).toEqual([100, 300, 900, 2000]);
  });

  it('keeps every jittered wait within (base × (1 − jitter), base]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60_000 }),
        fc.double({ min: 1, max: 4, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (delay, factor, jitter, retry, random) => {
          const p = policy({ reconnect: { delay, factor, jitter, maxDelay: 120_000 } });
          const base = Math.min(120_000, delay * factor ** (retry - 1));
          const wait = backoffDelay(p, retry, () => random);
          expect(wait).toBeLessThanOrEqual(base);
          expect(wait).toBeGreaterThanOrEqual(base * (1 - jitter) - 1e-9);
        },
      ),
      { seed: 20261125, numRuns: 500 },
    );
  });

  it('spreads full jitter over the whole range', () => {
    const p = policy({ reconnect: { delay: 1000, jitter: 1 } });
    expect(backoffDelay(p, 1, () => 0)).toBe(1000);
    expect(backoffDelay(p, 1, () => 0.75)).toBe(250);
  });
});
