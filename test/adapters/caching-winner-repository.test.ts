import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../adapters/clock/fixed-clock.ts';
import { CachingWinnerRepository } from '../../adapters/memory/caching-winner-repository.ts';
import { InMemoryWinnerRepository } from '../../adapters/memory/in-memory-winner-repository.ts';
import type { WinnerRepository } from '../../core/index.ts';
import { testWinnerRepositoryContract } from '../contracts/winner-repository.contract.ts';
import { aSessionResult } from '../support/session-result-builder.ts';

testWinnerRepositoryContract(
  'caching decorator over in-memory',
  async () =>
    new CachingWinnerRepository(
      new InMemoryWinnerRepository(),
      new FixedClock('2026-11-23T12:00:00Z'),
      5_000,
    ),
);

/** Counts reads that reach the store behind the cache. */
function countingStore(): { store: WinnerRepository; reads: () => number } {
  const inner = new InMemoryWinnerRepository();
  let reads = 0;
  const store: WinnerRepository = {
    save: (result, options) => inner.save(result, options),
    saveMany: (results, options) => inner.saveMany(results, options),
    get: (date) => (reads++, inner.get(date)),
    latestWinners: (limit, onOrBefore) => (reads++, inner.latestWinners(limit, onOrBefore)),
    storedSessions: (from, to) => (reads++, inner.storedSessions(from, to)),
  };
  return { store, reads: () => reads };
}

describe('CachingWinnerRepository', () => {
  it('serves repeated reads from memory until the time to live passes', async () => {
    const clock = new FixedClock('2026-11-23T12:00:00Z');
    const { store, reads } = countingStore();
    const cache = new CachingWinnerRepository(store, clock, 5_000);

    await cache.latestWinners(7);
    await cache.latestWinners(7);
    clock.advance(4_999);
    await cache.latestWinners(7);
    expect(reads()).toBe(1);

    clock.advance(1);
    await cache.latestWinners(7);
    expect(reads()).toBe(2);
  });

  it('forgets everything on a write through it, so a sync shows at once', async () => {
    const clock = new FixedClock('2026-11-23T12:00:00Z');
    const cache = new CachingWinnerRepository(new InMemoryWinnerRepository(), clock, 60_000);
    expect((await cache.latestWinners(7)).rows).toEqual([]);

    await cache.save(aSessionResult().on('2026-11-20').build());

    expect((await cache.latestWinners(7)).rows.map((row) => row.date)).toEqual(['2026-11-20']);
  });

  it('does not remember a failed read', async () => {
    const clock = new FixedClock('2026-11-23T12:00:00Z');
    let fail = true;
    const inner = new InMemoryWinnerRepository();
    const flaky: WinnerRepository = {
      ...inner,
      save: (result, options) => inner.save(result, options),
      saveMany: (results, options) => inner.saveMany(results, options),
      get: (date) => inner.get(date),
      storedSessions: (from, to) => inner.storedSessions(from, to),
      latestWinners: async (limit, onOrBefore) => {
        if (fail) throw new Error('store unavailable');
        return inner.latestWinners(limit, onOrBefore);
      },
    };
    const cache = new CachingWinnerRepository(flaky, clock, 60_000);

    await expect(cache.latestWinners(7)).rejects.toThrow('store unavailable');
    fail = false;

    expect((await cache.latestWinners(7)).rows).toEqual([]);
  });
});
