import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../adapters/clock/fixed-clock.ts';
import { InMemoryBarArchive } from '../../adapters/memory/in-memory-bar-archive.ts';
import {
  InMemoryMarketBoardRepository,
  InMemoryTickerReferenceCache,
} from '../../adapters/memory/in-memory-market-board-repository.ts';
import { simulatedDailyBar } from '../../adapters/simulated/simulated-market.ts';
import type {
  DailyBar,
  MarketDataProvider,
  MarketSessionBars,
  TickerReference,
  Watchlist,
} from '../../core/index.ts';
import { isTradingDay, SyncMarketAndLists, SyncMarketBoard, SyncWatchlists } from '../../core/index.ts';
import { watchlistRepositories } from '../support/watchlist-repositories.ts';
import { CountingMarket } from './support/counting-market.ts';

const LISTS: Watchlist[] = [
  { name: 'default', symbols: ['AAPL', 'MSFT', 'GOOGL', 'AMZN', 'TSLA', 'NVDA', 'META'] },
  { name: 'ev', symbols: ['TSLA', 'RIVN', 'LCID'] },
];
const TRACKED = [...new Set(LISTS.flatMap((list) => list.symbols))];
/** RIVN did not trade that day: a grouped answer holds only the tickers that traded. */
const SILENT = 'RIVN';
const OTHERS = ['ZZA', 'ZZB', 'ZZC'];
/** 2026-01-06 18:00 EST, after the close of 2026-01-06. */
const AFTER_CLOSE = '2026-01-06T23:00:00.000Z';

/** Massive's grouped-daily, priced and counted: one call per session, the same bars as CountingMarket's. */
class CountingGroupedMarket implements MarketDataProvider {
  readonly source = 'massive' as const;
  readonly sessionCalls: string[] = [];
  referenceCalls = 0;

  async fetchSessionBars(session: string): Promise<MarketSessionBars> {
    this.sessionCalls.push(session);
    const bars: DailyBar[] = isTradingDay(session)
      ? [...TRACKED, ...OTHERS]
          .filter((symbol) => symbol !== SILENT)
          .map((symbol) => ({ ...simulatedDailyBar(symbol, session), volume: 9_000_000 }))
      : [];
    return { kind: 'delivered', bars };
  }

  async fetchTickerReference(): Promise<readonly TickerReference[]> {
    this.referenceCalls += 1;
    return [...TRACKED, ...OTHERS].map((symbol) => ({ symbol, name: `${symbol} Inc.`, type: 'CS' }));
  }
}

function world() {
  const clock = new FixedClock(AFTER_CLOSE);
  const archive = new InMemoryBarArchive();
  const grouped = new CountingGroupedMarket();
  const perTicker = new CountingMarket();
  const boards = new InMemoryMarketBoardRepository();
  const repositoryOf = watchlistRepositories();
  const market = new SyncMarketBoard(grouped, boards, new InMemoryTickerReferenceCache(), clock, undefined, {
    publishDelayMinutes: 60,
    tracked: { archive, tickers: TRACKED },
  });
  const lists = new SyncWatchlists(perTicker, archive, repositoryOf, clock, {
    watchlists: LISTS,
    basis: 'open-to-close',
    publishDelayMinutes: 60,
  });
  return { grouped, perTicker, boards, repositoryOf, archive, sync: new SyncMarketAndLists(market, lists) };
}

describe('SyncMarketAndLists', () => {
  it('syncs the market and every list for one grouped-daily call per missing session', async () => {
    const { grouped, perTicker, boards, repositoryOf, sync } = world();

    const daily = await sync.execute({ window: { sessions: 1 } }, { includeMarket: true });

    expect(grouped.sessionCalls).toEqual(['2026-01-06']);
    expect(perTicker.calls).toBe(0);
    expect(daily.lists.callsMade).toBe(0);
    expect(daily.market).toMatchObject({ kind: 'synced', summary: { stored: ['2026-01-06'], calls: 1 } });
    expect(await boards.storedSessions('2026-01-06', '2026-01-06')).toEqual(['2026-01-06']);
    for (const list of LISTS) {
      expect(await repositoryOf(list.name).storedSessions('2026-01-06', '2026-01-06')).toEqual([
        '2026-01-06',
      ]);
    }
    // The ticker that did not trade is covered: the list ranks without it instead of fetching it.
    const ev = await repositoryOf('ev').get('2026-01-06');
    expect(ev?.ranking.map((mover) => mover.symbol).sort()).toEqual(['LCID', 'TSLA']);
  });

  it('a week of daily syncs costs one call a session, and a run with nothing missing none', async () => {
    const { grouped, perTicker, sync } = world();

    await sync.execute({ window: { sessions: 5 } }, { includeMarket: true });
    await sync.execute({ window: { sessions: 5 } }, { includeMarket: true });

    expect(grouped.sessionCalls).toHaveLength(5);
    expect(grouped.referenceCalls).toBe(1);
    expect(perTicker.calls).toBe(0);
  });

  it('leaves the market out unless asked, and prices it in a dry run without a call', async () => {
    const { grouped, perTicker, boards, sync } = world();

    const dry = await sync.execute(
      { window: { from: '2025-12-01', to: '2025-12-05' }, dryRun: true },
      { includeMarket: true },
    );
    const listsOnly = await sync.execute(
      { window: { from: '2025-12-01', to: '2025-12-05' } },
      { includeMarket: false },
    );

    expect(dry.market).toMatchObject({ kind: 'synced', summary: { dryRun: true, calls: 5 } });
    expect(grouped.sessionCalls).toEqual([]);
    expect(listsOnly.market).toEqual({ kind: 'not-included' });
    expect(perTicker.calls).toBeGreaterThan(0);
    expect(await boards.storedSessions('2025-12-01', '2025-12-05')).toEqual([]);
  });

  it('still syncs the lists when the market cannot run, and says why', async () => {
    const { grouped, perTicker, repositoryOf, sync } = world();
    grouped.fetchTickerReference = () => Promise.reject(new Error('reference endpoint down'));

    const daily = await sync.execute({ window: { sessions: 1 } }, { includeMarket: true });

    expect(daily.market).toMatchObject({ kind: 'failed', error: { message: 'reference endpoint down' } });
    expect(perTicker.calls).toBe(1);
    expect(await repositoryOf('default').storedSessions('2026-01-06', '2026-01-06')).toEqual(['2026-01-06']);
  });
});
