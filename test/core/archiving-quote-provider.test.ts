import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../adapters/clock/fixed-clock.ts';
import { InMemoryBarArchive } from '../../adapters/memory/in-memory-bar-archive.ts';
import { ArchivingQuoteProvider, tradingSessions } from '../../core/index.ts';
import { testStockQuoteProviderContract } from '../contracts/stock-quote-provider.contract.ts';
import { CountingMarket } from './support/counting-market.ts';

const UNIVERSE = ['AAPL', 'MSFT', 'GOOGL', 'AMZN', 'TSLA', 'NVDA', 'META', 'AMD', 'INTC'];

function archiving(market = new CountingMarket(), archive = new InMemoryBarArchive()) {
  return new ArchivingQuoteProvider(market, archive, new FixedClock('2026-01-06T23:00:00.000Z'), {
    universe: UNIVERSE,
  });
}

testStockQuoteProviderContract('archiving, over a market priced like Massive', async () => {
  const market = new CountingMarket();
  return {
    provider: archiving(market),
    upstream: {
      calls: () => market.calls,
      datesAsked: () => market.fetches.flatMap((fetch) => fetch.sessions),
    },
  };
});

describe('ArchivingQuoteProvider', () => {
  it('asks about the whole tracked universe, then serves any of it from the archive with no call', async () => {
    const market = new CountingMarket();
    const archive = new InMemoryBarArchive();
    const sessions = tradingSessions('2025-03-03', '2025-03-07');
    const first = archiving(market, archive);

    const fetched = await first.fetchDailyBars({
      symbols: ['AAPL'],
      sessions,
      includePreviousSession: false,
    });

    expect(market.fetches.map((fetch) => fetch.symbols)).toEqual([[...UNIVERSE].sort()]);
    expect(new Set(fetched.bars.map((bar) => bar.symbol))).toEqual(new Set(['AAPL']));

    const later = archiving(market, archive);
    const request = { symbols: ['INTC', 'NVDA'], sessions, includePreviousSession: false };
    expect(await later.plan(request)).toMatchObject({ strategy: 'archive', calls: 0 });
    const served = await later.fetchDailyBars(request);

    expect(market.fetches).toHaveLength(1);
    expect(served.bars).toHaveLength(10);
    expect(later.callsMade).toBe(0);
  });

  it('archives no bar with a number a store cannot keep, and fetches its ticker again', async () => {
    const market = new CountingMarket().override({
      symbol: 'AAPL',
      session: '2025-03-07',
      open: 1,
      high: 2,
      low: 1,
      close: 2,
      volume: 2 ** 60,
    });
    const archive = new InMemoryBarArchive();
    await archiving(market, archive).fetchDailyBars({
      symbols: ['AAPL'],
      sessions: ['2025-03-07'],
      includePreviousSession: false,
    });

    const read = await archive.read('massive', '2025-03-07', '2025-03-07', UNIVERSE);

    expect(read.covered.get('2025-03-07')?.has('AAPL')).toBe(false);
    expect(read.covered.get('2025-03-07')?.has('MSFT')).toBe(true);
    expect(
      await archiving(market, archive).plan({
        symbols: ['AAPL'],
        sessions: ['2025-03-07'],
        includePreviousSession: false,
      }),
    ).toMatchObject({ calls: 1 });
  });
});
