import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../adapters/clock/fixed-clock.ts';
import { InMemoryBarArchive } from '../../adapters/memory/in-memory-bar-archive.ts';
import type {
  ArchivedBars,
  Basis,
  BarArchive,
  DataSource,
  FetchedSession,
  Watchlist,
} from '../../core/index.ts';
import { SyncWatchlists, tradingSessions, UnknownWatchlistError } from '../../core/index.ts';
import { watchlistRepositories } from '../support/watchlist-repositories.ts';
import { CountingMarket } from './support/counting-market.ts';

/** Three overlapping lists, 25 unique tickers. */
const LISTS: Watchlist[] = [
  { name: 'default', symbols: ['AAPL', 'MSFT', 'GOOGL', 'AMZN', 'TSLA', 'NVDA', 'META'] },
  { name: 'ev', symbols: ['TSLA', 'RIVN', 'LCID', 'NIO', 'XPEV', 'LI', 'F', 'GM'] },
  {
    name: 'chips',
    symbols: ['NVDA', 'AMD', 'INTC', 'AVGO', 'QCOM', 'TXN', 'MU', 'TSM', 'ASML', 'ARM', 'MRVL', 'ON', 'AAPL'],
  },
];
const UNIQUE = new Set(LISTS.flatMap((list) => list.symbols));
const YEAR = { from: '2025-01-02', to: '2025-12-31' };
const YEAR_SESSIONS = tradingSessions(YEAR.from, YEAR.to);
/** 2026-01-06 18:00 EST, after the close of 2026-01-06. */
const AFTER_CLOSE = '2026-01-06T23:00:00.000Z';

function world(lists: readonly Watchlist[] = LISTS, basis: Basis = 'open-to-close') {
  const market = new CountingMarket();
  const archive = new InMemoryBarArchive();
  const repositoryOf = watchlistRepositories();
  const clock = new FixedClock(AFTER_CLOSE);
  const syncOf = (watchlists: readonly Watchlist[] = lists, store: BarArchive = archive) =>
    new SyncWatchlists(market, store, repositoryOf, clock, { watchlists, basis, publishDelayMinutes: 60 });
  return { market, archive, repositoryOf, clock, syncOf };
}

describe('SyncWatchlists', () => {
  it('plans one range call per unique ticker for three overlapping lists over a year, and makes exactly those', async () => {
    const { market, syncOf, repositoryOf } = world();
    expect(UNIQUE.size).toBe(25);

    const dryRun = await syncOf().execute({ window: YEAR, dryRun: true });
    expect(dryRun.plan).toMatchObject({ strategy: 'aggregates-range', calls: 25 });
    expect(market.calls).toBe(0);

    const run = await syncOf().execute({ window: YEAR });

    expect(market.calls).toBe(25);
    expect(run.callsMade).toBe(25);
    for (const list of LISTS) {
      expect(await repositoryOf(list.name).storedSessions(YEAR.from, YEAR.to)).toEqual(YEAR_SESSIONS);
    }
  });

  it('keeps each list in its own partition, ranked over its own tickers', async () => {
    const { syncOf, repositoryOf } = world();

    await syncOf().execute({ window: YEAR });

    for (const list of LISTS) {
      const result = await repositoryOf(list.name).get('2025-06-02');
      expect(result?.ranking.map((mover) => mover.symbol).sort()).toEqual([...list.symbols].sort());
    }
    const ev = await repositoryOf('ev').get('2025-06-02');
    const chips = await repositoryOf('chips').get('2025-06-02');
    expect(ev?.winner).not.toEqual(chips?.winner);
  });

  it('adding a fourth list of tracked tickers costs no call', async () => {
    const { market, syncOf, repositoryOf } = world();
    await syncOf().execute({ window: YEAR });
    const fourth = { name: 'mega', symbols: ['AAPL', 'MSFT', 'NVDA', 'TSM', 'GM'] };
    const before = market.calls;

    const dryRun = await syncOf([...LISTS, fourth]).execute({ window: YEAR, dryRun: true });
    const run = await syncOf([...LISTS, fourth]).execute({ window: YEAR });

    expect(dryRun.plan.calls).toBe(0);
    expect(run.callsMade).toBe(0);
    expect(market.calls).toBe(before);
    expect(await repositoryOf('mega').storedSessions(YEAR.from, YEAR.to)).toEqual(YEAR_SESSIONS);
  });

  it('adding a ticker another list tracks costs no call; a ticker no list tracks costs one range call', async () => {
    const { market, syncOf, repositoryOf } = world();
    await syncOf().execute({ window: YEAR });
    const before = market.calls;
    const widened = LISTS.map((list) =>
      list.name === 'ev' ? { ...list, symbols: [...list.symbols, 'AMD'] } : list,
    );

    const tracked = await syncOf(widened).execute({ window: YEAR, watchlist: 'ev', force: true });

    expect(tracked.callsMade).toBe(0);
    expect(market.calls).toBe(before);
    expect((await repositoryOf('ev').get('2025-06-02'))?.ranking.map((mover) => mover.symbol)).toContain(
      'AMD',
    );

    const untracked = LISTS.map((list) =>
      list.name === 'ev' ? { ...list, symbols: [...list.symbols, 'PLTR'] } : list,
    );
    const fresh = await syncOf(untracked).execute({ window: YEAR, watchlist: 'ev', force: true });

    expect(fresh.plan.calls).toBe(1);
    expect(fresh.callsMade).toBe(1);
    expect(market.fetches.at(-1)?.symbols).toEqual(['PLTR']);
  });

  it('a daily sync of every list is one grouped-daily call, asked once for all lists', async () => {
    const { market, syncOf } = world();
    await syncOf().execute({ window: { from: '2025-12-01', to: '2026-01-05' } });
    const before = market.calls;

    const run = await syncOf().execute({ window: { sessions: 5 } });

    expect(run.plan).toMatchObject({ strategy: 'grouped-daily', calls: 1 });
    expect(market.calls - before).toBe(1);
    expect(run.watchlists.map((list) => list.summary.stored)).toEqual([
      ['2026-01-06'],
      ['2026-01-06'],
      ['2026-01-06'],
    ]);
  });

  it('does not archive a session not published yet: asked once per run, fetched again on the next run', async () => {
    const { market, syncOf, repositoryOf } = world();
    market.notYetAvailable('2026-01-06');

    const first = await syncOf().execute({ window: { sessions: 3 } });

    expect(first.watchlists.map((list) => list.summary.notYetAvailable)).toEqual([
      ['2026-01-06'],
      ['2026-01-06'],
      ['2026-01-06'],
    ]);
    expect(market.fetches.filter((fetch) => fetch.sessions.includes('2026-01-06'))).toHaveLength(1);

    market.published('2026-01-06');
    const before = market.calls;
    const second = await syncOf().execute({ window: { sessions: 3 } });

    expect(second.plan.calls).toBe(1);
    expect(market.calls - before).toBe(1);
    expect(await repositoryOf('ev').storedSessions('2026-01-06', '2026-01-06')).toEqual(['2026-01-06']);
  });

  it('close-to-close takes previous sessions from the archive: the next day costs one call', async () => {
    const { market, clock, syncOf, repositoryOf } = world(LISTS, 'close-to-close');
    clock.set('2026-01-05T23:00:00.000Z');
    await syncOf().execute({ window: { sessions: 1 } });
    const before = market.calls;
    clock.set(AFTER_CLOSE);

    const run = await syncOf().execute({ window: { sessions: 2 } });

    expect(run.plan.calls).toBe(1);
    expect(market.calls - before).toBe(1);
    const previous = await repositoryOf('default').get('2026-01-05');
    const today = await repositoryOf('default').get('2026-01-06');
    const closeOn5th = previous?.ranking.find((mover) => mover.symbol === 'AAPL')?.close;
    expect(today?.ranking.find((mover) => mover.symbol === 'AAPL')?.previousClose).toBe(closeOn5th);
  });

  it('close-to-close fetches a previous session again when a split re-adjusted it since it was archived', async () => {
    const { market, clock, syncOf, repositoryOf } = world(LISTS, 'close-to-close');
    clock.set('2026-01-05T23:00:00.000Z');
    await syncOf().execute({ window: { sessions: 1 } });
    // NVDA splits 2:1 on 2026-01-06: the market now reports the 5th halved, and the 6th opens near half.
    market.override({
      symbol: 'NVDA',
      session: '2026-01-05',
      open: 50,
      high: 52,
      low: 49,
      close: 51,
      volume: 2e6,
    });
    market.override({
      symbol: 'NVDA',
      session: '2026-01-06',
      open: 51.5,
      high: 53,
      low: 51,
      close: 52,
      volume: 2e6,
    });
    clock.set(AFTER_CLOSE);

    await syncOf().execute({ window: { sessions: 1 } });

    const nvda = (await repositoryOf('chips').get('2026-01-06'))?.ranking.find(
      (mover) => mover.symbol === 'NVDA',
    );
    expect(nvda).toMatchObject({ previousClose: 51, close: 52 });
  });

  it('a damaged archive item costs a fetch of its session only', async () => {
    const { market, archive, syncOf, repositoryOf } = world();
    await syncOf().execute({ window: YEAR });
    const damaged = new DamagedSession(archive, '2025-06-02');
    const before = market.calls;
    const fourth = { name: 'mega', symbols: ['AAPL', 'MSFT'] };

    const run = await syncOf([...LISTS, fourth], damaged).execute({ window: YEAR, watchlist: 'mega' });

    expect(run.callsMade).toBe(1);
    expect(market.calls - before).toBe(1);
    expect(market.fetches.at(-1)?.sessions).toEqual(['2025-06-02']);
    expect(await repositoryOf('mega').storedSessions(YEAR.from, YEAR.to)).toEqual(YEAR_SESSIONS);
  });

  it('limits a run to one list, and names the lists when asked for an unknown one', async () => {
    const { market, syncOf, repositoryOf } = world();

    const run = await syncOf().execute({ window: { sessions: 2 }, watchlist: 'ev' });

    expect(run.watchlists.map((list) => list.watchlist)).toEqual(['ev']);
    expect(await repositoryOf('default').storedSessions(YEAR.from, '2026-12-31')).toEqual([]);
    expect(market.fetches[0]?.symbols).toHaveLength(25);
    await expect(syncOf().execute({ window: { sessions: 2 }, watchlist: 'nope' })).rejects.toThrow(
      new UnknownWatchlistError('nope', ['default', 'ev', 'chips']),
    );
  });
});

/** An archive whose items for one session read back damaged, until that session is recorded again. */
class DamagedSession implements BarArchive {
  constructor(
    private readonly archive: BarArchive,
    private session: string | undefined,
  ) {}

  async read(
    source: DataSource,
    from: string,
    to: string,
    tickers: readonly string[],
  ): Promise<ArchivedBars> {
    const read = await this.archive.read(source, from, to, tickers);
    const session = this.session;
    if (session === undefined || !read.covered.has(session)) return read;
    const covered = new Map(read.covered);
    covered.delete(session);
    return {
      covered,
      bars: read.bars.filter((bar) => bar.session !== session),
      unreadable: [...read.unreadable, { date: session, reason: 'bars: damaged' }],
    };
  }

  record(source: DataSource, fetchId: string, sessions: readonly FetchedSession[]): Promise<void> {
    if (sessions.some((fetched) => fetched.session === this.session)) this.session = undefined;
    return this.archive.record(source, fetchId, sessions);
  }
}
