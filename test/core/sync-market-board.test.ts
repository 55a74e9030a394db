import { beforeEach, describe, expect, it } from 'vitest';
import type { DailyBar, TickerReference } from '../../core/index.ts';
import {
  DEFAULT_MARKET_FILTERS,
  InvalidMarketFiltersError,
  InvalidRangeError,
  SyncMarketBoard,
  TICKER_REFERENCE_MAX_AGE_MS,
} from '../../core/index.ts';
import { FixedClock } from '../../adapters/clock/fixed-clock.ts';
import {
  InMemoryMarketBoardRepository,
  InMemoryTickerReferenceCache,
} from '../../adapters/memory/in-memory-market-board-repository.ts';
import { FakeMarketDataProvider } from './support/fake-market-data-provider.ts';

const MON = '2025-03-03';
const TUE = '2025-03-04';
const WED = '2025-03-05';
const SATURDAY = '2025-03-08';
const NOW = '2025-03-06T12:00:00.000Z';

const TICKERS: TickerReference[] = [
  { symbol: 'RISE', name: 'Rise Corp.', type: 'CS' },
  { symbol: 'FALL', name: 'Fall Ltd.', type: 'ADRC' },
  { symbol: 'FUND', name: 'Some ETF', type: 'ETF' },
];

function barsOf(session: string): DailyBar[] {
  const make = (symbol: string, open: number, close: number): DailyBar => ({
    symbol,
    session,
    open,
    high: Math.max(open, close),
    low: Math.min(open, close),
    close,
    volume: 5_000_000,
  });
  return [make('RISE', 10, 11), make('FALL', 20, 18), make('FUND', 30, 45)];
}

let provider: FakeMarketDataProvider;
let boards: InMemoryMarketBoardRepository;
let cache: InMemoryTickerReferenceCache;
let clock: FixedClock;
let sync: SyncMarketBoard;

beforeEach(() => {
  provider = new FakeMarketDataProvider(barsOf, TICKERS);
  boards = new InMemoryMarketBoardRepository();
  cache = new InMemoryTickerReferenceCache();
  clock = new FixedClock(NOW);
  sync = new SyncMarketBoard(provider, boards, cache, clock);
});

describe('SyncMarketBoard', () => {
  it('stores a filtered board per session, with its filters, universe and names', async () => {
    const summary = await sync.execute({ sessions: [TUE, MON] });

    expect(summary).toMatchObject({ missing: [MON, TUE], stored: [MON, TUE], reference: 'refreshed' });
    const board = await boards.get(MON);
    expect(board).toMatchObject({
      date: MON,
      universeSize: 2,
      filters: DEFAULT_MARKET_FILTERS,
      basis: 'open-to-close',
      source: 'simulated',
      computedAt: NOW,
    });
    expect(board?.gainers.map((mover) => [mover.symbol, mover.name])).toEqual([['RISE', 'Rise Corp.']]);
    expect(board?.losers.map((mover) => mover.symbol)).toEqual(['FALL']);
  });

  it('skips stored sessions, and makes no call at all when nothing is missing', async () => {
    await sync.execute({ sessions: [MON] });
    provider.sessionCalls.length = 0;
    provider.referenceCalls = 0;

    const partly = await sync.execute({ sessions: [MON, TUE] });
    const nothing = await sync.execute({ sessions: [MON, TUE] });

    expect(partly.stored).toEqual([TUE]);
    expect(provider.sessionCalls).toEqual([TUE]);
    expect(nothing).toMatchObject({ missing: [], stored: [], reference: undefined });
    expect(provider.referenceCalls).toBe(0);
  });

  it('overwrites stored boards when forced', async () => {
    await sync.execute({ sessions: [MON] });
    clock.advance(60_000);

    const summary = await sync.execute({ sessions: [MON], force: true });

    expect(summary.stored).toEqual([MON]);
    expect((await boards.get(MON))?.computedAt).toBe(clock.now().toISOString());
  });

  it('ignores days without a session and refuses a date that is not one', async () => {
    const summary = await sync.execute({ sessions: [SATURDAY, WED] });

    expect(summary.missing).toEqual([WED]);
    expect(provider.sessionCalls).toEqual([WED]);
    await expect(sync.execute({ sessions: ['2025-02-30'] })).rejects.toThrow(/Invalid date/);
  });

  it('refuses more sessions than one run covers', async () => {
    const many = Array.from({ length: 2_521 }, (_, day) =>
      new Date(Date.UTC(2010, 0, 1 + day)).toISOString().slice(0, 10),
    );

    await expect(sync.execute({ sessions: many })).rejects.toThrow(InvalidRangeError);
    expect(provider.sessionCalls).toEqual([]);
  });

  it('reports undelivered sessions and sessions without bars, and stores the rest', async () => {
    provider.undelivered.set(TUE, 'not-yet-available');
    provider.undelivered.set(WED, 'failed');
    const empty = new SyncMarketBoard(
      new FakeMarketDataProvider((session) => (session === MON ? [] : barsOf(session)), TICKERS),
      boards,
      cache,
      clock,
    );

    const summary = await sync.execute({ sessions: [TUE, WED] });
    const emptySummary = await empty.execute({ sessions: [MON] });

    expect(summary.notYetAvailable).toEqual([TUE]);
    expect(summary.failed.map((failure) => [failure.session, failure.error.message])).toEqual([
      [WED, 'failed 2025-03-05'],
    ]);
    expect(emptySummary.noData).toEqual([MON]);
    expect(await boards.storedSessions(MON, WED)).toEqual([]);
  });

  it('uses the cached reference for a week, then refreshes it', async () => {
    await sync.execute({ sessions: [MON] });
    clock.advance(TICKER_REFERENCE_MAX_AGE_MS - 1);

    const withinWeek = await sync.execute({ sessions: [TUE] });
    clock.advance(1);
    const afterWeek = await sync.execute({ sessions: [WED] });

    expect(withinWeek.reference).toBe('cached');
    expect(afterWeek.reference).toBe('refreshed');
    expect(provider.referenceCalls).toBe(2);
    expect((await cache.load())?.fetchedAt).toBe(clock.now().toISOString());
  });

  it('falls back on an old cache when the refresh fails, and fails without any cache', async () => {
    await sync.execute({ sessions: [MON] });
    clock.advance(TICKER_REFERENCE_MAX_AGE_MS);
    provider.referenceFails = true;

    const stale = await sync.execute({ sessions: [TUE] });
    const noCache = new SyncMarketBoard(provider, boards, new InMemoryTickerReferenceCache(), clock);

    expect(stale).toMatchObject({ reference: 'stale-cache', stored: [TUE] });
    await expect(noCache.execute({ sessions: [WED] })).rejects.toThrow('reference endpoint down');
    expect(await boards.storedSessions(WED, WED)).toEqual([]);
  });

  it('stops before the next fetch once aborted, and reports the rest as skipped', async () => {
    const signal = { aborted: false };
    const stopping = new FakeMarketDataProvider((session) => {
      signal.aborted = true;
      return barsOf(session);
    }, TICKERS);

    const summary = await new SyncMarketBoard(stopping, boards, cache, clock).execute({
      sessions: [MON, TUE, WED],
      signal,
    });

    expect(summary).toMatchObject({ stored: [MON], skipped: [TUE, WED] });
  });

  it('applies configured filters', async () => {
    const etfs = new SyncMarketBoard(provider, boards, cache, clock, {
      ...DEFAULT_MARKET_FILTERS,
      securityTypes: ['ETF'],
    });

    await etfs.execute({ sessions: [MON] });

    expect((await boards.get(MON))?.gainers.map((mover) => mover.symbol)).toEqual(['FUND']);
    expect(
      () => new SyncMarketBoard(provider, boards, cache, clock, { ...DEFAULT_MARKET_FILTERS, minClose: -5 }),
    ).toThrow(InvalidMarketFiltersError);
  });
});
