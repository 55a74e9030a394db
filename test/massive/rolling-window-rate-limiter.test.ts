import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../adapters/clock/fixed-clock.ts';
import {
  RATE_WINDOW_MS,
  RollingWindowRateLimiter,
} from '../../adapters/massive/rolling-window-rate-limiter.ts';
import { fakeTime } from '../support/fake-massive-fixtures.ts';

/** Acquires one slot per gap: waits `gap` ms of fake time, then asks; returns when each call started. */
async function startTimes(limit: number, gaps: readonly number[]): Promise<number[]> {
  const time = fakeTime();
  const limiter = new RollingWindowRateLimiter(limit, time.clock, time.sleep);
  const starts: number[] = [];
  for (const gap of gaps) {
    time.clock.advance(gap);
    await limiter.acquire();
    starts.push(time.clock.now().getTime());
  }
  return starts;
}

describe('RollingWindowRateLimiter', () => {
  it('never lets N+1 calls start within 60 s, whatever the arrival pattern (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 8 }),
        fc.array(
          fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 0, max: 90_000 })),
          {
            minLength: 1,
            maxLength: 60,
          },
        ),
        async (limit, gaps) => {
          const starts = await startTimes(limit, gaps);
          for (let index = limit; index < starts.length; index++) {
            expect((starts[index] as number) - (starts[index - limit] as number)).toBeGreaterThanOrEqual(
              RATE_WINDOW_MS,
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never waits longer than needed: a call waits only for the oldest start to leave the window (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.integer({ min: 0, max: 30_000 }), { minLength: 1, maxLength: 40 }),
        async (limit, gaps) => {
          const starts = await startTimes(limit, gaps);
          let arrival = fakeTime().clock.now().getTime();
          let previousStart = Number.NEGATIVE_INFINITY;
          starts.forEach((start, index) => {
            arrival = Math.max(arrival, previousStart) + (gaps[index] as number);
            const windowFreeAt =
              index >= limit ? (starts[index - limit] as number) + RATE_WINDOW_MS : arrival;
            expect(start).toBe(Math.max(arrival, windowFreeAt));
            previousStart = start;
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('five calls go at once, the sixth waits for the first to leave the window', async () => {
    const starts = await startTimes(5, [0, 1_000, 1_000, 1_000, 1_000, 0]);

    expect(starts.map((start) => start - (starts[0] as number))).toEqual([
      0, 1_000, 2_000, 3_000, 4_000, 60_000,
    ]);
  });

  it('0 means unlimited: no wait at all', async () => {
    const time = fakeTime();
    const limiter = new RollingWindowRateLimiter(0, time.clock, time.sleep);

    for (let call = 0; call < 100; call++) await limiter.acquire();

    expect(time.sleeps).toEqual([]);
  });

  it('concurrent callers never share a slot', async () => {
    const time = fakeTime();
    const limiter = new RollingWindowRateLimiter(2, time.clock, time.sleep);
    const starts: number[] = [];

    await Promise.all(
      Array.from({ length: 5 }, () => limiter.acquire().then(() => starts.push(time.clock.now().getTime()))),
    );

    const relative = starts.map((start) => start - (starts[0] as number));
    expect(relative).toEqual([0, 0, 60_000, 60_000, 120_000]);
  });

  it('a frozen clock cannot wedge it: time slept counts as time passed', async () => {
    const frozen = new FixedClock('2026-01-05T17:00:00.000Z');
    const slept: number[] = [];
    const limiter = new RollingWindowRateLimiter(1, frozen, async (milliseconds) => {
      slept.push(milliseconds);
    });

    await limiter.acquire();
    await limiter.acquire();
    await limiter.acquire();

    expect(slept).toEqual([60_000, 60_000]);
  });

  it('rejects a negative or fractional limit', () => {
    const time = fakeTime();
    expect(() => new RollingWindowRateLimiter(-1, time.clock, time.sleep)).toThrow(RangeError);
    expect(() => new RollingWindowRateLimiter(1.5, time.clock, time.sleep)).toThrow(RangeError);
  });
});
