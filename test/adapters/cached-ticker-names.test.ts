import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../adapters/clock/fixed-clock.ts';
import { CachedTickerNames, EMPTY_NAMES_RETRY_MS } from '../../adapters/memory/cached-ticker-names.ts';
import { InMemoryTickerReferenceCache } from '../../adapters/memory/in-memory-market-board-repository.ts';
import type { TickerReferenceCache } from '../../core/index.ts';
import { TICKER_REFERENCE_MAX_AGE_MS } from '../../core/index.ts';

const FETCHED = '2026-11-20T00:00:00.000Z';

function counting(): { cache: TickerReferenceCache & InMemoryTickerReferenceCache; loads: () => number } {
  const cache = new InMemoryTickerReferenceCache();
  let loads = 0;
  const load = cache.load.bind(cache);
  cache.load = () => (loads++, load());
  return { cache, loads: () => loads };
}

describe('CachedTickerNames', () => {
  it('reads the store once, shares the read between concurrent callers, and rereads once the copy is a week old', async () => {
    const { cache, loads } = counting();
    await cache.replace({
      fetchedAt: FETCHED,
      tickers: [{ symbol: 'AAPL', name: 'Apple Inc.', type: 'CS' }],
    });
    const clock = new FixedClock(FETCHED);
    const names = new CachedTickerNames(cache, clock);

    const [first, second] = await Promise.all([names.names(), names.names()]);
    clock.advance(TICKER_REFERENCE_MAX_AGE_MS - 1);
    await names.names();
    expect(loads()).toBe(1);
    expect(first.get('AAPL')).toBe('Apple Inc.');
    expect(second).toBe(first);

    await cache.replace({
      fetchedAt: clock.now().toISOString(),
      tickers: [{ symbol: 'AAPL', name: 'Apple', type: 'CS' }],
    });
    clock.advance(1);
    expect((await names.names()).get('AAPL')).toBe('Apple');
    expect(loads()).toBe(2);
  });

  it('with nothing stored yet, answers no names and asks the store again only after an hour', async () => {
    const { cache, loads } = counting();
    const clock = new FixedClock(FETCHED);
    const names = new CachedTickerNames(cache, clock);

    expect((await names.names()).size).toBe(0);
    await cache.replace({
      fetchedAt: FETCHED,
      tickers: [{ symbol: 'MSFT', name: 'Microsoft Corp.', type: 'CS' }],
    });
    expect((await names.names()).size).toBe(0);
    clock.advance(EMPTY_NAMES_RETRY_MS);

    expect((await names.names()).get('MSFT')).toBe('Microsoft Corp.');
    expect(loads()).toBe(2);
  });

  it('answers no names when the store cannot be read, says so, and tries again after an hour', async () => {
    const { cache, loads } = counting();
    const clock = new FixedClock(FETCHED);
    const problems: unknown[] = [];
    const load = cache.load.bind(cache);
    let failing = true;
    cache.load = () => (failing ? Promise.reject(new Error('AccessDenied')) : load());
    const names = new CachedTickerNames(cache, clock, (error) => problems.push(error));

    expect((await names.names()).size).toBe(0);
    expect(problems).toHaveLength(1);
    failing = false;
    await cache.replace({
      fetchedAt: FETCHED,
      tickers: [{ symbol: 'MSFT', name: 'Microsoft Corp.', type: 'CS' }],
    });
    clock.advance(EMPTY_NAMES_RETRY_MS);

    expect((await names.names()).get('MSFT')).toBe('Microsoft Corp.');
    expect(loads()).toBe(1);
  });
});
