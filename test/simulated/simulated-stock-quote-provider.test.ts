import { describe, expect, it } from 'vitest';
import type { QuoteRequest } from '../../core/index.ts';
import {
  isTradingDay,
  percentChange,
  previousClosesOf,
  rankMovers,
  SyncWinners,
  tradingSessions,
} from '../../core/index.ts';
import { FixedClock } from '../../adapters/clock/fixed-clock.ts';
import { InMemoryWinnerRepository } from '../../adapters/memory/in-memory-winner-repository.ts';
import { simulatedDailyBar } from '../../adapters/simulated/simulated-market.ts';
import { SimulatedStockQuoteProvider } from '../../adapters/simulated/simulated-stock-quote-provider.ts';
import { testStockQuoteProviderContract } from '../contracts/stock-quote-provider.contract.ts';

const WATCHLIST = ['AAPL', 'MSFT', 'GOOGL', 'AMZN', 'TSLA', 'NVDA', 'META'];

function request(sessions: string[], includePreviousSession = false, symbols = WATCHLIST): QuoteRequest {
  return { symbols, sessions, includePreviousSession };
}

testStockQuoteProviderContract('simulated', async () => ({ provider: new SimulatedStockQuoteProvider() }));

describe('SimulatedStockQuoteProvider', () => {
  it('says it is simulated and plans no call', async () => {
    const provider = new SimulatedStockQuoteProvider();

    const plan = await provider.plan(request(['2025-03-07']));

    expect(provider.source).toBe('simulated');
    expect(plan).toMatchObject({ strategy: 'simulated', calls: 0 });
    expect(plan.description).toMatch(/simulated/);
  });

  it('is deterministic per seed: two providers, two runs, the same bars', async () => {
    const sessions = tradingSessions('2025-01-01', '2025-02-28');

    const first = await new SimulatedStockQuoteProvider({ seed: 11 }).fetchDailyBars(request(sessions));
    const second = await new SimulatedStockQuoteProvider({ seed: 11 }).fetchDailyBars(request(sessions));

    expect(second).toEqual(first);
  });

  it('a bar depends only on (symbol, session, seed), not on what else was asked', async () => {
    const provider = new SimulatedStockQuoteProvider({ seed: 11 });

    const alone = await provider.fetchDailyBars(request(['2025-03-07'], false, ['TSLA']));
    const withOthers = await provider.fetchDailyBars(request(['2025-03-06', '2025-03-07']));

    expect(withOthers.bars).toContainEqual(alone.bars[0]);
  });

  it('another seed is another market', async () => {
    const sessions = tradingSessions('2025-03-03', '2025-03-07');

    const one = await new SimulatedStockQuoteProvider({ seed: 1 }).fetchDailyBars(request(sessions));
    const two = await new SimulatedStockQuoteProvider({ seed: 2 }).fetchDailyBars(request(sessions));

    expect(two.bars.map((bar) => bar.close)).not.toEqual(one.bars.map((bar) => bar.close));
  });

  it('has bars on trading sessions only: none on weekends or holidays', async () => {
    const provider = new SimulatedStockQuoteProvider();

    const batch = await provider.fetchDailyBars(
      request(['2025-01-09', '2025-03-08', '2025-04-18', '2025-07-03', '2025-07-04', '2025-12-25']),
    );

    expect([...new Set(batch.bars.map((bar) => bar.session))]).toEqual(['2025-07-03']);
    expect(batch.bars.every((bar) => isTradingDay(bar.session))).toBe(true);
    expect(batch.undelivered).toEqual([]);
  });

  it('adds the previous session when asked (close-to-close)', async () => {
    const provider = new SimulatedStockQuoteProvider();

    const batch = await provider.fetchDailyBars(request(['2025-03-10'], true, ['AAPL']));

    expect(batch.bars.map((bar) => bar.session)).toEqual(['2025-03-07', '2025-03-10']);
  });

  it('prices are plausible: positive, low <= open/close <= high, daily moves of a few percent', () => {
    const sessions = tradingSessions('2016-01-01', '2025-12-31');
    const openToClose: number[] = [];
    const closeToClose: number[] = [];
    const inconsistent: unknown[] = [];
    for (const symbol of WATCHLIST) {
      let previousClose: number | undefined;
      for (const session of sessions) {
        const bar = simulatedDailyBar(symbol, session);
        const consistent =
          bar.low > 0 &&
          bar.low <= Math.min(bar.open, bar.close) &&
          bar.high >= Math.max(bar.open, bar.close) &&
          Number.isInteger(bar.volume) &&
          bar.volume > 0;
        if (!consistent) inconsistent.push(bar);
        openToClose.push(percentChange(bar.open, bar.close));
        if (previousClose !== undefined) closeToClose.push(percentChange(previousClose, bar.close));
        previousClose = bar.close;
      }
    }
    const rms = (values: number[]) =>
      Math.sqrt(values.reduce((sum, value) => sum + value * value, 0) / values.length);

    expect(inconsistent).toEqual([]);
    expect(rms(openToClose)).toBeGreaterThan(1);
    expect(rms(openToClose)).toBeLessThan(4);
    expect(rms(closeToClose)).toBeGreaterThan(1);
    expect(rms(closeToClose)).toBeLessThan(6);
    expect(Math.max(...openToClose.map(Math.abs))).toBeLessThan(20);
  });

  it('prices stay within a believable band over the whole calendar', () => {
    for (const symbol of WATCHLIST) {
      for (const session of ['2000-01-03', '2010-06-01', '2025-06-02', '2050-12-30']) {
        const { close } = simulatedDailyBar(symbol, session);
        expect(close).toBeGreaterThan(1);
        expect(close).toBeLessThan(10_000);
      }
    }
  });

  it('ten years of seven tickers in one request', async () => {
    const sessions = tradingSessions('2016-01-01', '2025-12-31');

    const batch = await new SimulatedStockQuoteProvider().fetchDailyBars(request(sessions));

    expect(batch.bars).toHaveLength(sessions.length * WATCHLIST.length);
  });

  it('feeds SyncWinners: every session stored, marked simulated, with the winner of its bars', async () => {
    const provider = new SimulatedStockQuoteProvider({ seed: 5 });
    const repository = new InMemoryWinnerRepository();
    const clock = new FixedClock('2025-06-10T21:00:00.000Z');
    const sync = new SyncWinners(provider, repository, clock, {
      symbols: WATCHLIST,
      basis: 'close-to-close',
      publishDelayMinutes: 0,
    });

    const summary = await sync.execute({ window: { sessions: 5 } });

    expect(summary.stored).toHaveLength(5);
    const stored = await repository.get('2025-06-10');
    const bars = WATCHLIST.map((symbol) => simulatedDailyBar(symbol, '2025-06-10', 5));
    const previousBars = WATCHLIST.map((symbol) => simulatedDailyBar(symbol, '2025-06-09', 5));
    expect(stored?.source).toBe('simulated');
    expect(stored?.winner).toEqual(rankMovers(bars, 'close-to-close', previousClosesOf(previousBars)).winner);
  });
});
