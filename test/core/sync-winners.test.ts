import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../adapters/clock/fixed-clock.ts';
import { InMemoryWinnerRepository } from '../../adapters/memory/in-memory-winner-repository.ts';
import type { SessionResult, SyncProgress, SyncSettings } from '../../core/index.ts';
import {
  BARS_PER_CHUNK,
  InvalidRangeError,
  InvalidSessionDateError,
  ReversedRangeError,
  SESSIONS_PER_WRITE,
  SyncWinners,
  tradingSessions,
} from '../../core/index.ts';
import { aSessionResult } from '../support/session-result-builder.ts';
import type { Move } from './support/fake-stock-quote-provider.ts';
import { FakeStockQuoteProvider } from './support/fake-stock-quote-provider.ts';

const WATCHLIST = ['AAPL', 'TSLA', 'NVDA'];
/** The old system's example: TSLA wins at -15%. */
const OLD_EXAMPLE: Move[] = [
  { symbol: 'AAPL', open: 100, close: 105 },
  { symbol: 'TSLA', open: 100, close: 85 },
  { symbol: 'NVDA', open: 100, close: 112 },
];
/** Tuesday 2025-07-08, 18:00 EDT: two hours after the close. */
const AFTER_CLOSE = '2025-07-08T22:00:00.000Z';
/** The last five sessions as of AFTER_CLOSE (Friday 2025-07-04 is Independence Day). */
const LAST_FIVE = ['2025-07-01', '2025-07-02', '2025-07-03', '2025-07-07', '2025-07-08'];

interface Setup {
  readonly provider?: FakeStockQuoteProvider;
  readonly repository?: InMemoryWinnerRepository;
  readonly clock?: FixedClock;
  readonly settings?: Partial<SyncSettings>;
}

function newSync(setup: Setup = {}) {
  const provider = setup.provider ?? new FakeStockQuoteProvider().withSessions(LAST_FIVE, OLD_EXAMPLE);
  const repository = setup.repository ?? new InMemoryWinnerRepository();
  const clock = setup.clock ?? new FixedClock(AFTER_CLOSE);
  const settings: SyncSettings = {
    symbols: WATCHLIST,
    basis: 'open-to-close',
    publishDelayMinutes: 0,
    ...setup.settings,
  };
  return { sync: new SyncWinners(provider, repository, clock, settings), provider, repository, clock };
}

async function repositoryHolding(dates: readonly string[]): Promise<InMemoryWinnerRepository> {
  const repository = new InMemoryWinnerRepository();
  for (const date of dates) {
    await repository.save(
      aSessionResult()
        .on(date)
        .withMoves([{ symbol: 'MSFT', open: 10, close: 11 }])
        .build(),
    );
  }
  return repository;
}

/** Resolves every caller's promise once `parties` callers have arrived. */
function barrier(parties: number): () => Promise<void> {
  let arrived = 0;
  let release: () => void = () => {};
  const everyone = new Promise<void>((resolve) => (release = resolve));
  return () => {
    arrived += 1;
    if (arrived === parties) release();
    return everyone;
  };
}

describe('SyncWinners: what it asks the provider for', () => {
  it('makes no provider call when nothing is missing', async () => {
    const { sync, provider, repository } = newSync({ repository: await repositoryHolding(LAST_FIVE) });

    const summary = await sync.execute({ window: { sessions: 5 } });

    expect(provider.fetches).toEqual([]);
    expect(provider.plans).toEqual([]);
    expect(summary).toMatchObject({ missing: [], stored: [], alreadyPresent: LAST_FIVE, plan: undefined });
    expect((await repository.get('2025-07-03'))?.winner.symbol).toBe('MSFT');
  });

  it('asks for exactly the missing session in the middle of the window', async () => {
    const stored = LAST_FIVE.filter((date) => date !== '2025-07-03');
    const { sync, provider } = newSync({ repository: await repositoryHolding(stored) });

    const summary = await sync.execute({ window: { sessions: 5 } });

    expect(provider.fetches).toEqual([
      { symbols: WATCHLIST, sessions: ['2025-07-03'], includePreviousSession: false },
    ]);
    expect(summary).toMatchObject({
      from: '2025-07-01',
      to: '2025-07-08',
      missing: ['2025-07-03'],
      stored: ['2025-07-03'],
      alreadyPresent: stored,
      failed: [],
    });
  });

  it('fetches every missing session of the window in one request, ascending', async () => {
    const { sync, provider } = newSync();

    const summary = await sync.execute({ window: { sessions: 5 } });

    expect(provider.fetches).toHaveLength(1);
    expect(provider.fetches[0]?.sessions).toEqual(LAST_FIVE);
    expect(summary.stored).toEqual(LAST_FIVE);
  });

  it('covers an explicit backfill range, skipping weekends and holidays', async () => {
    const provider = new FakeStockQuoteProvider().withSessions(['2025-06-30', ...LAST_FIVE], OLD_EXAMPLE);
    const { sync } = newSync({ provider });

    const summary = await sync.execute({ window: { from: '2025-06-28', to: '2025-07-08' } });

    expect(provider.fetches[0]?.sessions).toEqual(['2025-06-30', ...LAST_FIVE]);
    expect(summary).toMatchObject({
      from: '2025-06-30',
      to: '2025-07-08',
      stored: ['2025-06-30', ...LAST_FIVE],
    });
  });

  it("stores the calendar's first session, which has no previous session", async () => {
    const provider = new FakeStockQuoteProvider().withSessions(['2000-01-03', '2000-01-04'], OLD_EXAMPLE);
    const { sync } = newSync({ provider });

    const summary = await sync.execute({ window: { from: '2000-01-01', to: '2000-01-04' } });

    expect(summary).toMatchObject({ stored: ['2000-01-03', '2000-01-04'], failed: [] });
  });

  it('ends the window at the latest completed session, not at today before its close', async () => {
    const { sync, provider } = newSync({ clock: new FixedClock('2025-07-08T15:00:00Z') });

    const summary = await sync.execute({ window: { sessions: 2 } });

    expect(provider.fetches[0]?.sessions).toEqual(['2025-07-03', '2025-07-07']);
    expect(summary.to).toBe('2025-07-07');
  });
});

describe('SyncWinners: what it stores', () => {
  it('stores the winner and the whole ranking, with basis, source and time', async () => {
    const { sync, repository } = newSync();

    await sync.execute({ window: { sessions: 1 } });

    const result = await repository.get('2025-07-08');
    expect(result).toEqual({
      date: '2025-07-08',
      winner: { symbol: 'TSLA', open: 100, close: 85, changePercent: expect.closeTo(-15, 12) },
      ranking: [
        { symbol: 'TSLA', open: 100, close: 85, changePercent: expect.closeTo(-15, 12) },
        { symbol: 'NVDA', open: 100, close: 112, changePercent: expect.closeTo(12, 12) },
        { symbol: 'AAPL', open: 100, close: 105, changePercent: expect.closeTo(5, 12) },
      ],
      excluded: [],
      basis: 'open-to-close',
      source: 'simulated',
      computedAt: AFTER_CLOSE,
    });
  });

  it('ignores symbols outside the watchlist', async () => {
    const provider = new FakeStockQuoteProvider().withSession('2025-07-08', [
      ...OLD_EXAMPLE,
      { symbol: 'GME', open: 10, close: 20 },
    ]);
    const { sync, repository } = newSync({ provider });

    await sync.execute({ window: { sessions: 1 } });

    const result = await repository.get('2025-07-08');
    expect(result?.winner.symbol).toBe('TSLA');
    expect(result?.ranking.map((mover) => mover.symbol)).toEqual(['TSLA', 'NVDA', 'AAPL']);
    expect(result?.excluded).toEqual([]);
  });

  it('lists watchlist symbols without a bar, and invalid bars, in excluded', async () => {
    const provider = new FakeStockQuoteProvider().withSession('2025-07-08', [
      ...OLD_EXAMPLE,
      { symbol: 'AMZN', open: 0, close: 190 },
    ]);
    const { sync, repository } = newSync({
      provider,
      settings: { symbols: [...WATCHLIST, 'AMZN', 'MSFT'] },
    });

    await sync.execute({ window: { sessions: 1 } });

    const result = await repository.get('2025-07-08');
    expect(result?.winner.symbol).toBe('TSLA');
    expect(result?.excluded).toEqual(
      expect.arrayContaining([
        { symbol: 'AMZN', reason: expect.stringMatching(/price/) },
        { symbol: 'MSFT', reason: expect.stringMatching(/no bar/) },
      ]),
    );
    expect(result?.excluded).toHaveLength(2);
  });

  it('reports no data, and stores nothing, for a session whose every bar is invalid', async () => {
    const provider = new FakeStockQuoteProvider().withSession('2025-07-08', [
      { symbol: 'AAPL', open: Number.NaN, close: 105 },
      { symbol: 'TSLA', open: 100, close: -1 },
    ]);
    const { sync, repository } = newSync({ provider });

    const summary = await sync.execute({ window: { sessions: 1 } });

    expect(summary).toMatchObject({ noData: ['2025-07-08'], stored: [], failed: [] });
    expect(await repository.get('2025-07-08')).toBeUndefined();
  });
});

describe('SyncWinners: close-to-close', () => {
  // 2025-07-07 follows 2025-07-03 (the 4th is a holiday). 2025-07-02 is a decoy: using it gives AAPL.
  const provider = () =>
    new FakeStockQuoteProvider()
      .withSession('2025-07-02', [
        { symbol: 'AAPL', open: 90, close: 90 },
        { symbol: 'TSLA', open: 190, close: 190 },
        { symbol: 'NVDA', open: 52, close: 52 },
      ])
      .withSession('2025-07-03', [
        { symbol: 'AAPL', open: 100, close: 100 },
        { symbol: 'TSLA', open: 200, close: 200 },
      ])
      .withSession('2025-07-07', [
        { symbol: 'AAPL', open: 100, close: 103 }, // +3% either way
        { symbol: 'TSLA', open: 185, close: 190 }, // +2.7% open-to-close, -5% against 200
        { symbol: 'NVDA', open: 50, close: 52 }, // +4% open-to-close, no close on 2025-07-03
      ]);

  it('asks for the previous sessions and ranks against their closes from the same batch', async () => {
    const fake = provider().pricedPerTicker();
    const { sync, repository } = newSync({
      provider: fake,
      repository: await repositoryHolding(['2025-07-03']),
      settings: { basis: 'close-to-close' },
    });

    const summary = await sync.execute({ window: { from: '2025-07-03', to: '2025-07-07' } });

    expect(fake.fetches).toEqual([
      { symbols: WATCHLIST, sessions: ['2025-07-07'], includePreviousSession: true },
    ]);
    expect(summary.stored).toEqual(['2025-07-07']);
    const result = await repository.get('2025-07-07');
    expect(result?.basis).toBe('close-to-close');
    expect(result?.winner).toEqual({
      symbol: 'TSLA',
      open: 185,
      close: 190,
      previousClose: 200,
      changePercent: expect.closeTo((190 / 200 - 1) * 100, 12),
    });
    expect(result?.ranking.map((mover) => mover.symbol)).toEqual(['TSLA', 'AAPL']);
    expect(result?.excluded).toEqual([{ symbol: 'NVDA', reason: expect.stringMatching(/previous close/) }]);
  });

  it('ranks the same bars open-to-close when so configured', async () => {
    const { sync, repository } = newSync({ provider: provider() });

    await sync.execute({ window: { from: '2025-07-07', to: '2025-07-07' } });

    expect((await repository.get('2025-07-07'))?.winner).toMatchObject({
      symbol: 'NVDA',
      changePercent: expect.closeTo(4, 12),
    });
  });
});

describe('SyncWinners: close-to-close daily sync from stored closes', () => {
  // 2025-07-07 is stored; 2025-07-08 is missing. TSLA: -5% against the close of 200.
  const storedMonday = () =>
    aSessionResult()
      .on('2025-07-07')
      .withMoves([
        { symbol: 'AAPL', open: 100, close: 100 },
        { symbol: 'TSLA', open: 200, close: 200 },
        { symbol: 'NVDA', open: 50, close: 50 },
      ])
      .build();
  const tuesday: Move[] = [
    { symbol: 'AAPL', open: 101, close: 103 },
    { symbol: 'TSLA', open: 199, close: 190 },
    { symbol: 'NVDA', open: 50, close: 51 },
  ];
  const closeToClose = { basis: 'close-to-close' } as const;

  async function repositoryWith(...results: SessionResult[]): Promise<InMemoryWinnerRepository> {
    const repository = new InMemoryWinnerRepository();
    for (const result of results) await repository.save(result);
    return repository;
  }

  it('makes one request, for the missing session only, and ranks against the stored closes', async () => {
    const provider = new FakeStockQuoteProvider().withSession('2025-07-08', tuesday);
    const { sync, repository } = newSync({
      provider,
      repository: await repositoryWith(storedMonday()),
      settings: closeToClose,
    });

    const summary = await sync.execute({ window: { sessions: 2 } });

    expect(provider.fetches).toEqual([
      { symbols: WATCHLIST, sessions: ['2025-07-08'], includePreviousSession: false },
    ]);
    expect(summary).toMatchObject({ stored: ['2025-07-08'], plan: { calls: 1 } });
    const result = await repository.get('2025-07-08');
    expect(result?.winner).toEqual({
      symbol: 'TSLA',
      open: 199,
      close: 190,
      previousClose: 200,
      changePercent: expect.closeTo(-5, 12),
    });
    expect(result?.ranking.map((mover) => mover.previousClose)).toEqual([200, 100, 50]);
  });

  it('fetches the previous session fresh when an open gaps from its stored close (a split)', async () => {
    // NVDA split 2:1 after 2025-07-07 was stored: fresh data says it closed at 25, not 50.
    const provider = new FakeStockQuoteProvider()
      .withSession('2025-07-07', [
        { symbol: 'AAPL', open: 100, close: 100 },
        { symbol: 'TSLA', open: 200, close: 200 },
        { symbol: 'NVDA', open: 25, close: 25 },
      ])
      .withSession('2025-07-08', [...tuesday.slice(0, 2), { symbol: 'NVDA', open: 25.5, close: 27 }]);
    const { sync, repository } = newSync({
      provider,
      repository: await repositoryWith(storedMonday()),
      settings: closeToClose,
    });

    const summary = await sync.execute({ window: { sessions: 2 } });

    expect(provider.fetches).toEqual([
      { symbols: WATCHLIST, sessions: ['2025-07-08'], includePreviousSession: false },
      { symbols: WATCHLIST, sessions: ['2025-07-07'], includePreviousSession: false },
    ]);
    expect(summary.stored).toEqual(['2025-07-08']);
    // Against the stored 50, NVDA would "lose" 46%; against the fresh 25 it gains 8%.
    expect((await repository.get('2025-07-08'))?.winner).toMatchObject({
      symbol: 'NVDA',
      previousClose: 25,
      changePercent: expect.closeTo(8, 12),
    });
  });

  it.each([
    [
      'a ticker absent from the stored ranking',
      () => ({ ...storedMonday(), ranking: storedMonday().ranking.slice(0, 2) }),
    ],
    ['a stored result from another source', () => ({ ...storedMonday(), source: 'massive' as const })],
  ])('fetches the previous session fresh for %s', async (_, stored) => {
    const provider = new FakeStockQuoteProvider()
      .withSession('2025-07-07', [
        { symbol: 'AAPL', open: 100, close: 100 },
        { symbol: 'TSLA', open: 200, close: 200 },
        { symbol: 'NVDA', open: 50, close: 50 },
      ])
      .withSession('2025-07-08', tuesday);
    const repository = await repositoryWith(stored());
    const { sync } = newSync({ provider, repository, settings: closeToClose });

    const summary = await sync.execute({ window: { sessions: 2 } });

    expect(provider.fetches.map((request) => request.sessions)).toEqual([['2025-07-08'], ['2025-07-07']]);
    expect(summary.stored).toEqual(['2025-07-08']);
    expect((await repository.get('2025-07-08'))?.ranking).toHaveLength(3);
  });

  it('reports the session failed when the fresh previous session cannot be fetched', async () => {
    const outage = new Error('upstream 503 for 2025-07-07');
    const provider = new FakeStockQuoteProvider()
      .withSession('2025-07-08', tuesday)
      .failing('2025-07-07', outage);
    const { sync, repository } = newSync({
      provider,
      repository: await repositoryWith({ ...storedMonday(), source: 'massive' }),
      settings: closeToClose,
    });

    const summary = await sync.execute({ window: { sessions: 2 } });

    expect(summary).toMatchObject({ stored: [], failed: [{ session: '2025-07-08', error: outage }] });
    expect(await repository.get('2025-07-08')).toBeUndefined();
  });

  it('keeps the same fetch when the previous session costs no extra call, or when forced', async () => {
    const perTicker = new FakeStockQuoteProvider().withSession('2025-07-08', tuesday).pricedPerTicker();
    const cheap = newSync({
      provider: perTicker,
      repository: await repositoryWith(storedMonday()),
      settings: closeToClose,
    });
    const forcedProvider = new FakeStockQuoteProvider().withSessions(['2025-07-07', '2025-07-08'], tuesday);
    const forced = newSync({
      provider: forcedProvider,
      repository: await repositoryWith(storedMonday()),
      settings: closeToClose,
    });

    await cheap.sync.execute({ window: { sessions: 2 } });
    await forced.sync.execute({ window: { sessions: 1 }, force: true });

    expect(perTicker.fetches).toEqual([
      { symbols: WATCHLIST, sessions: ['2025-07-08'], includePreviousSession: true },
    ]);
    expect(forcedProvider.fetches).toEqual([
      { symbols: WATCHLIST, sessions: ['2025-07-08'], includePreviousSession: true },
    ]);
  });

  it('keeps the same fetch when the previous session is not stored', async () => {
    const provider = new FakeStockQuoteProvider().withSessions(['2025-07-07', '2025-07-08'], tuesday);
    const { sync } = newSync({ provider, settings: closeToClose });

    await sync.execute({ window: { sessions: 1 } });

    expect(provider.fetches).toEqual([
      { symbols: WATCHLIST, sessions: ['2025-07-08'], includePreviousSession: true },
    ]);
  });
});

describe('SyncWinners: chunks', () => {
  /** Records fetches and batch writes in one log, to show their order. */
  function recording(provider: FakeStockQuoteProvider, log: string[]) {
    const fetch = provider.fetchDailyBars.bind(provider);
    provider.fetchDailyBars = async (request) => {
      const batch = await fetch(request);
      log.push(`fetch ${request.sessions.length} sessions, ${batch.bars.length} bars`);
      return batch;
    };
    const repository = new InMemoryWinnerRepository();
    const saveMany = repository.saveMany.bind(repository);
    repository.saveMany = async (results, options) => {
      log.push(`saveMany ${results.length}`);
      return saveMany(results, options);
    };
    return repository;
  }

  it('fetches, ranks and writes a long range chunk by chunk, never holding more than the budget', async () => {
    const sessions = tradingSessions('2025-01-02', '2025-03-31');
    const provider = new FakeStockQuoteProvider().withSessions(sessions, OLD_EXAMPLE);
    const log: string[] = [];
    const repository = recording(provider, log);
    const progress: SyncProgress[] = [];
    // A budget of 30 bars: 10 sessions of the 3 tickers per chunk.
    const { sync } = newSync({ provider, repository, settings: { barsPerChunk: 30 } });

    const summary = await sync.execute({
      window: { from: '2025-01-02', to: '2025-03-31' },
      onProgress: (event) => progress.push(event),
    });

    expect(sessions).toHaveLength(60);
    expect(log).toEqual(
      Array.from({ length: 6 }, () => ['fetch 10 sessions, 30 bars', 'saveMany 10']).flat(),
    );
    expect(summary.stored).toEqual(sessions);
    expect(summary.plan).toMatchObject({ strategy: 'fake', calls: 60 });
    expect(progress.map((event) => event.done)).toEqual(sessions.map((_, index) => index + 1));
    expect(progress.every((event) => event.total === 60 && event.outcome === 'stored')).toBe(true);
    expect(await repository.storedSessions('2025-01-02', '2025-03-31')).toEqual(sessions);
  });

  it('writes a large chunk in slices, and a stop request lands between them', async () => {
    const sessions = tradingSessions('2024-01-02', '2025-06-30');
    const provider = new FakeStockQuoteProvider().withSessions(sessions, OLD_EXAMPLE);
    const log: string[] = [];
    const repository = recording(provider, log);
    const signal = { aborted: false };
    const { sync } = newSync({ provider, repository });

    const summary = await sync.execute({
      window: { from: '2024-01-02', to: '2025-06-30' },
      signal,
      onProgress: () => {
        signal.aborted = true;
      },
    });

    expect(sessions.length).toBeGreaterThan(SESSIONS_PER_WRITE);
    expect(log).toEqual([
      `fetch ${sessions.length} sessions, ${sessions.length * 3} bars`,
      `saveMany ${SESSIONS_PER_WRITE}`,
    ]);
    expect(summary.stored).toEqual(sessions.slice(0, SESSIONS_PER_WRITE));
    expect(summary.skipped).toEqual(sessions.slice(SESSIONS_PER_WRITE));
    expect(await repository.storedSessions('2024-01-02', '2025-06-30')).toEqual(
      sessions.slice(0, SESSIONS_PER_WRITE),
    );
  });

  it('chunks only the missing sessions, and the last chunk holds the remainder', async () => {
    const sessions = tradingSessions('2025-01-02', '2025-01-31');
    const provider = new FakeStockQuoteProvider().withSessions(sessions, OLD_EXAMPLE);
    const log: string[] = [];
    const repository = recording(provider, log);
    for (const date of sessions.slice(0, 5)) await repository.save(aSessionResult().on(date).build());
    const { sync } = newSync({ provider, repository, settings: { barsPerChunk: 24 } });

    const summary = await sync.execute({ window: { from: '2025-01-02', to: '2025-01-31' } });

    expect(provider.fetches.map((request) => request.sessions)).toEqual([
      sessions.slice(5, 13),
      sessions.slice(13, 20),
    ]);
    expect(log).toEqual([
      'fetch 8 sessions, 24 bars',
      'saveMany 8',
      'fetch 7 sessions, 21 bars',
      'saveMany 7',
    ]);
    expect(summary.stored).toEqual(sessions.slice(5));
  });

  it.each([
    [7, 1, 6_289],
    [500, 32, 200],
  ])(
    'sizes chunks by the default budget: %i tickers take 25 years in %i request(s) of at most %i sessions',
    async (tickers, requests, largest) => {
      const symbols = Array.from({ length: tickers }, (_, index) => `T${index}`);
      const { sync, provider } = newSync({
        settings: { symbols },
        clock: new FixedClock('2025-01-02T22:00:00Z'),
      });

      const summary = await sync.execute({
        window: { from: '2000-01-03', to: '2024-12-31' },
        dryRun: true,
      });

      const sizes = provider.plans.map((request) => request.sessions.length);
      expect(sizes).toHaveLength(requests);
      expect(Math.max(...sizes)).toBe(largest);
      expect(Math.max(...sizes) * tickers).toBeLessThanOrEqual(BARS_PER_CHUNK);
      expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(summary.missing.length);
      expect(summary.plan?.calls).toBe(6_289);
    },
  );
});

describe('SyncWinners: sessions that cannot be stored yet', () => {
  it('reports a session the provider says is not yet available, and stores the others', async () => {
    const provider = new FakeStockQuoteProvider()
      .withSessions(LAST_FIVE, OLD_EXAMPLE)
      .notYetAvailable('2025-07-08');
    const { sync, repository } = newSync({ provider });

    const summary = await sync.execute({ window: { sessions: 5 } });

    expect(summary).toMatchObject({
      notYetAvailable: ['2025-07-08'],
      stored: LAST_FIVE.slice(0, 4),
      failed: [],
    });
    expect(await repository.get('2025-07-08')).toBeUndefined();
  });

  it('heals on the next run, asking only for what is still missing', async () => {
    const repository = new InMemoryWinnerRepository();
    const early = newSync({
      repository,
      provider: new FakeStockQuoteProvider()
        .withSessions(LAST_FIVE, OLD_EXAMPLE)
        .notYetAvailable('2025-07-08'),
    });
    await early.sync.execute({ window: { sessions: 5 } });
    const later = newSync({ repository });

    const summary = await later.sync.execute({ window: { sessions: 5 } });

    expect(later.provider.fetches.map((request) => request.sessions)).toEqual([['2025-07-08']]);
    expect(summary.stored).toEqual(['2025-07-08']);
    expect(await repository.storedSessions('2025-07-01', '2025-07-08')).toEqual(LAST_FIVE);
  });

  it('treats a session with no bars right after its close as not yet available', async () => {
    const provider = new FakeStockQuoteProvider().withSessions(LAST_FIVE.slice(0, 4), OLD_EXAMPLE);
    const { sync } = newSync({ provider, clock: new FixedClock('2025-07-08T20:05:00Z') });

    const summary = await sync.execute({ window: { sessions: 5 } });

    expect(summary).toMatchObject({ notYetAvailable: ['2025-07-08'], noData: [], failed: [] });
  });

  it('treats a session still without bars once the next session has closed as having no data', async () => {
    const provider = new FakeStockQuoteProvider().withSessions(LAST_FIVE.slice(0, 4), OLD_EXAMPLE);
    const { sync } = newSync({ provider, clock: new FixedClock('2025-07-10T22:00:00Z') });

    const summary = await sync.execute({ window: { from: '2025-07-07', to: '2025-07-08' } });

    expect(summary).toMatchObject({ stored: ['2025-07-07'], noData: ['2025-07-08'], notYetAvailable: [] });
  });
});

describe('SyncWinners: failures', () => {
  it('keeps the other sessions when the provider fails one', async () => {
    const outage = new Error('upstream 503 for 2025-07-03');
    const provider = new FakeStockQuoteProvider()
      .withSessions(LAST_FIVE, OLD_EXAMPLE)
      .failing('2025-07-03', outage);
    const { sync, repository } = newSync({ provider });

    const summary = await sync.execute({ window: { sessions: 5 } });

    const others = LAST_FIVE.filter((date) => date !== '2025-07-03');
    expect(summary.failed).toEqual([{ session: '2025-07-03', error: outage }]);
    expect(summary.stored).toEqual(others);
    expect(await repository.storedSessions('2025-07-01', '2025-07-08')).toEqual(others);
  });

  it('reports every missing session as failed, and stores nothing, when the provider throws', async () => {
    const rejected = new Error('API key rejected');
    const provider = new FakeStockQuoteProvider().withSessions(LAST_FIVE, OLD_EXAMPLE).throwing(rejected);
    const { sync, repository } = newSync({ provider, repository: await repositoryHolding(['2025-07-01']) });

    const summary = await sync.execute({ window: { sessions: 5 } });

    expect(summary.failed).toEqual(LAST_FIVE.slice(1).map((session) => ({ session, error: rejected })));
    expect(summary).toMatchObject({ stored: [], alreadyPresent: ['2025-07-01'] });
    expect(await repository.storedSessions('2025-07-01', '2025-07-08')).toEqual(['2025-07-01']);
  });
});

describe('SyncWinners: concurrency, force, dry run, abort, progress', () => {
  it('leaves one result per session when two runs race, and their summaries add up', async () => {
    const repository = new InMemoryWinnerRepository();
    const bothFetched = barrier(2);
    const first = newSync({
      repository,
      provider: new FakeStockQuoteProvider().withSessions(LAST_FIVE, OLD_EXAMPLE).holdUntil(bothFetched),
    });
    const second = newSync({
      repository,
      provider: new FakeStockQuoteProvider().withSessions(LAST_FIVE, OLD_EXAMPLE).holdUntil(bothFetched),
    });

    const [a, b] = await Promise.all([
      first.sync.execute({ window: { sessions: 5 } }),
      second.sync.execute({ window: { sessions: 5 } }),
    ]);

    expect(a.missing).toEqual(LAST_FIVE);
    expect(b.missing).toEqual(LAST_FIVE);
    expect([...a.stored, ...b.stored].sort()).toEqual(LAST_FIVE);
    expect(a.alreadyPresent).toEqual([...b.stored].sort());
    expect(b.alreadyPresent).toEqual([...a.stored].sort());
    expect(await repository.storedSessions('2025-07-01', '2025-07-08')).toEqual(LAST_FIVE);
  });

  it('recomputes and overwrites stored sessions when forced', async () => {
    const { sync, provider, repository } = newSync({ repository: await repositoryHolding(LAST_FIVE) });

    const summary = await sync.execute({ window: { sessions: 5 }, force: true });

    expect(provider.fetches[0]?.sessions).toEqual(LAST_FIVE);
    expect(summary).toMatchObject({ missing: LAST_FIVE, stored: LAST_FIVE, alreadyPresent: [] });
    for (const date of LAST_FIVE) expect((await repository.get(date))?.winner.symbol).toBe('TSLA');
  });

  it('plans without fetching or writing on a dry run', async () => {
    const { sync, provider, repository } = newSync({ repository: await repositoryHolding(['2025-07-02']) });
    const missing = LAST_FIVE.filter((date) => date !== '2025-07-02');

    const summary = await sync.execute({ window: { sessions: 5 }, dryRun: true });

    expect(provider.fetches).toEqual([]);
    expect(provider.plans).toEqual([
      { symbols: WATCHLIST, sessions: missing, includePreviousSession: false },
    ]);
    expect(summary).toMatchObject({
      dryRun: true,
      missing,
      plan: { strategy: 'fake', calls: 4 },
      stored: [],
      alreadyPresent: ['2025-07-02'],
    });
    expect(await repository.storedSessions('2025-07-01', '2025-07-08')).toEqual(['2025-07-02']);
  });

  it("stops after the current chunk's write once aborted, and lists what it skipped", async () => {
    const signal = { aborted: false };
    // Two sessions of three tickers per chunk.
    const { sync, repository, provider } = newSync({ settings: { barsPerChunk: 6 } });

    const summary = await sync.execute({
      window: { sessions: 5 },
      signal,
      onProgress: () => {
        signal.aborted = true;
      },
    });

    expect(provider.fetches.map((request) => request.sessions)).toEqual([LAST_FIVE.slice(0, 2)]);
    expect(summary.stored).toEqual(LAST_FIVE.slice(0, 2));
    expect(summary.skipped).toEqual(LAST_FIVE.slice(2));
    expect(await repository.storedSessions('2025-07-01', '2025-07-08')).toEqual(LAST_FIVE.slice(0, 2));
  });

  it('makes no provider call when stopped before it starts', async () => {
    const { sync, provider } = newSync();

    const summary = await sync.execute({ window: { sessions: 5 }, signal: { aborted: true } });

    expect(provider.fetches).toEqual([]);
    expect(summary).toMatchObject({ stored: [], skipped: LAST_FIVE });
  });

  it('reports progress after every session, with its outcome', async () => {
    const provider = new FakeStockQuoteProvider()
      .withSessions(LAST_FIVE, OLD_EXAMPLE)
      .failing('2025-07-02', new Error('boom'))
      .notYetAvailable('2025-07-08');
    const { sync } = newSync({ provider, repository: await repositoryHolding(['2025-07-03']) });
    const progress: SyncProgress[] = [];

    await sync.execute({ window: { sessions: 5 }, onProgress: (event) => progress.push(event) });

    expect(progress).toEqual([
      { session: '2025-07-01', outcome: 'stored', done: 1, total: 4 },
      { session: '2025-07-02', outcome: 'failed', done: 2, total: 4 },
      { session: '2025-07-07', outcome: 'stored', done: 3, total: 4 },
      { session: '2025-07-08', outcome: 'not-yet-available', done: 4, total: 4 },
    ]);
  });
});

describe('SyncWinners: window validation', () => {
  it.each([
    ['a range that ends before it starts', { from: '2025-07-08', to: '2025-07-01' }, InvalidRangeError],
    [
      'an end after the latest completed session',
      { from: '2025-07-01', to: '2025-07-09' },
      InvalidRangeError,
    ],
    ['a range with no session', { from: '2025-07-04', to: '2025-07-06' }, InvalidRangeError],
    ['an impossible start date', { from: '2025-02-30', to: '2025-07-08' }, InvalidSessionDateError],
    ['a badly written end date', { from: '2025-07-01', to: '2025-7-8' }, InvalidSessionDateError],
    ['zero sessions', { sessions: 0 }, InvalidRangeError],
    ['a fractional number of sessions', { sessions: 1.5 }, InvalidRangeError],
    ['a negative number of sessions', { sessions: -3 }, InvalidRangeError],
  ])('rejects %s without calling the provider', async (_, window, errorType) => {
    const { sync, provider } = newSync();

    await expect(sync.execute({ window })).rejects.toThrow(errorType);

    expect(provider.fetches).toEqual([]);
    expect(provider.plans).toEqual([]);
  });

  it('rejects today as the end of a range until its close', async () => {
    const { sync } = newSync({ clock: new FixedClock('2025-07-08T19:59:00Z') });

    await expect(sync.execute({ window: { from: '2025-07-07', to: '2025-07-08' } })).rejects.toThrow(
      InvalidRangeError,
    );
  });

  it('names the bad date in the error', async () => {
    const { sync } = newSync();

    await expect(sync.execute({ window: { from: '2025-02-30', to: '2025-07-08' } })).rejects.toThrow(
      '2025-02-30',
    );
  });

  it('rejects a start after the latest completed session as in the future, by its own clock', async () => {
    const { sync, provider } = newSync();

    await expect(sync.execute({ window: { from: '2025-07-09' } })).rejects.toThrow(
      'The start date 2025-07-09 is in the future: the latest completed session is 2025-07-08.',
    );
    expect(provider.fetches).toEqual([]);
  });

  it('says which ends of a reversed range they are, so an edge can name them', async () => {
    const { sync } = newSync();

    const error = await sync
      .execute({ window: { from: '2025-07-08', to: '2025-07-01' } })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ReversedRangeError);
    expect(error).toMatchObject({ code: 'INVALID_RANGE', from: '2025-07-08', to: '2025-07-01' });
  });

  it('ends a range without an end at the latest completed session of its clock', async () => {
    const { sync } = newSync();

    const summary = await sync.execute({ window: { from: '2025-07-07' } });

    expect([summary.from, summary.to]).toEqual(['2025-07-07', '2025-07-08']);
  });
});

describe('SyncWinners: the summary', () => {
  it("names the provider's source, so that no edge has to resolve the provider to print it", async () => {
    const { sync, provider } = newSync();

    const summary = await sync.execute({ window: { sessions: 2 } });

    expect(summary.source).toBe(provider.source);
  });
});
