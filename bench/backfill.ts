/**
 * Backfill benchmark. Prints one JSON document; every figure is measured in this run against its baseline,
 * and every run is checked to have stored the real answer.
 *
 * 1. Calls: all sessions of 2025 for the 7-ticker watchlist against the fake Massive server, through
 *    SyncWinners (its plan: aggregates-range), against the grouped-daily strategy (one call per session
 *    for every ticker, the strongest alternative) and the old system's open-close strategy (one call per
 *    ticker per session). All three go through the real rate limiter set to the free plan (5 calls per
 *    rolling minute) on a fake clock that only moves when the limiter sleeps, so `freePlanLimiterSeconds`
 *    is the wait the free plan really forces, next to the closed formula `freePlanMinimumSeconds`.
 * 2. Store writes on the embedded dynalite store, 7 tickers: the 2025 results written as SyncWinners
 *    writes them (saveMany, SESSIONS_PER_WRITE at a time) against one `save` per session.
 * 3. Peak RSS of a 25-year x 500-ticker backfill, each in a child process (the fake server stays in this
 *    one): chunked as SyncWinners does by default, against the whole range as one chunk (today's
 *    behaviour before chunks). The store is a stand-in for DynamoDB that keeps only each session's winner,
 *    as a remote table holds its items outside the process.
 * 4. Concurrency: a 500-ticker backfill of 2025 with no rate limit, the fake server adding 20 ms per call,
 *    with the provider's default calls in flight against one at a time.
 * Plus the daily syncs of one missing session, open-to-close and close-to-close.
 * 5. Watchlists: three overlapping lists (25 unique tickers) over 2025 through SyncWatchlists (one fetch
 *    over the union, each bar archived once) against syncing each list alone (per-list) and the old
 *    system's one open-close call per ticker per session (per-ticker); then a fourth list of tracked
 *    tickers, whose goal is 0 calls. Each list's winners are checked against its per-list baseline.
 *
 *   npm run bench:backfill
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type {
  DailyBar,
  SaveOutcome,
  SessionResult,
  Watchlist,
  WinnerRepository,
  WinnerRows,
} from '../core/index.ts';
import {
  BARS_PER_CHUNK,
  rankMovers,
  SESSIONS_PER_WRITE,
  SyncMarketAndLists,
  SyncMarketBoard,
  SyncWatchlists,
  SyncWinners,
  tradingSessions,
} from '../core/index.ts';
import { FixedClock } from '../adapters/clock/fixed-clock.ts';
import { documentClientOf } from '../adapters/dynamodb/dynamodb-client.ts';
import { SETTINGS } from '../adapters/config/settings.ts';
import { MassiveHttpClient } from '../adapters/massive/massive-http-client.ts';
import { putSessionIfAbsent } from './support/conditional-session-put.ts';
import { openCloseResponseSchema } from './support/massive-open-close.ts';
import { MassiveMarketDataProvider } from '../adapters/massive/massive-market-data-provider.ts';
import { MassiveStockQuoteProvider } from '../adapters/massive/massive-stock-quote-provider.ts';
import { InMemoryBarArchive } from '../adapters/memory/in-memory-bar-archive.ts';
import {
  InMemoryMarketBoardRepository,
  InMemoryTickerReferenceCache,
} from '../adapters/memory/in-memory-market-board-repository.ts';
import { InMemoryWinnerRepository } from '../adapters/memory/in-memory-winner-repository.ts';
import { silentLogger } from '../adapters/observability/app-logger.ts';
import type { DynamoRepositoryFixture } from '../test/support/dynamo-repository-fixture.ts';
import { openDynamoRepositoryFixture } from '../test/support/dynamo-repository-fixture.ts';
import { startDynaliteServer } from '../test/support/dynamo-servers.ts';
import { watchlistRepositories } from '../test/support/watchlist-repositories.ts';
import type { FakeMassiveServer } from '../test/support/fake-massive-server.ts';
import { startFakeMassiveServer } from '../test/support/fake-massive-server.ts';

const WATCHLIST = ['AAPL', 'MSFT', 'GOOGL', 'AMZN', 'TSLA', 'NVDA', 'META'];
const FROM = '2025-01-01';
const TO = '2025-12-31';
const FREE_PLAN_CALLS_PER_MINUTE = 5;
const OLD_SYSTEM_SLEEP_SECONDS = 12;
/** Friday 2026-01-02, 17:00 New York: 2025 is complete and 2026-01-02 has closed. */
const BACKFILL_CLOCK = '2026-01-02T22:00:00.000Z';
const WIDE_TICKERS = 500;
const LONG_FROM = '2000-01-03';
const LONG_TO = '2024-12-31';
/** Thursday 2025-01-02, 17:00 New York: the long range is complete. */
const LONG_CLOCK = '2025-01-02T22:00:00.000Z';
const LATENCY_MS = 20;
const GOALS = {
  storeWritesRatio: 4,
  peakRssMb: 400,
  inFlightRatio: 3,
  fourthListCalls: 0,
  dailySyncWithMarketCalls: 1,
};
/** Three overlapping lists of tickers the fake server knows: 25 unique tickers. */
const THREE_LISTS: Watchlist[] = [
  { name: 'default', symbols: WATCHLIST },
  { name: 'tech', symbols: ['AAPL', 'MSFT', 'NVDA', 'AMD', 'INTC', 'IBM', 'ORCL', 'NFLX', 'GOOG'] },
  {
    name: 'value',
    symbols: ['JPM', 'BAC', 'WFC', 'GS', 'KO', 'PEP', 'XOM', 'CVX', 'WMT', 'DIS', 'V', 'JNJ', 'AAPL', 'MSFT'],
  },
];
const FOURTH_LIST: Watchlist = { name: 'mega', symbols: ['AAPL', 'MSFT', 'NVDA', 'JPM', 'XOM'] };
/** What a sync runs with unless MASSIVE_MAX_IN_FLIGHT says otherwise. */
const DEFAULT_IN_FLIGHT = Number(SETTINGS.massiveMaxInFlight.default);

const FREE_PLAN_FORMULA =
  'freePlanMinimumSeconds = (ceil(calls / 5) - 1) * 60: with at most 5 call starts per rolling 60 s, ' +
  'call k (1-based) starts no earlier than floor((k - 1) / 5) minutes after the first; response times excluded';

type Winners = ReadonlyMap<string, string | undefined>;

function freePlanMinimumSeconds(calls: number): number {
  return calls === 0 ? 0 : (Math.ceil(calls / FREE_PLAN_CALLS_PER_MINUTE) - 1) * 60;
}

function ratio(baseline: number, improved: number): number {
  return Math.round((baseline / Math.max(improved, 1)) * 10) / 10;
}

function check(condition: boolean, failure: string): void {
  if (!condition) throw new Error(`bench:backfill: ${failure}`);
}

/** Tickers the fake server has data for, beyond the default watchlist: W + three letters. */
function wideWatchlist(): string[] {
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  return Array.from(
    { length: WIDE_TICKERS },
    (_, index) =>
      `W${letters[Math.floor(index / 676) % 26]}${letters[Math.floor(index / 26) % 26]}${letters[index % 26]}`,
  );
}

/**
 * A clock that moves only when the code sleeps, so limiter waits are measured, never spent. A sleeper
 * wakes at its start plus its wait; concurrent sleepers overlap instead of adding up.
 */
function fakeTime(at = BACKFILL_CLOCK): {
  clock: FixedClock;
  sleep: (milliseconds: number) => Promise<void>;
  elapsedSeconds: () => number;
} {
  const clock = new FixedClock(at);
  const start = clock.now().getTime();
  return {
    clock,
    sleep: async (milliseconds) => {
      const wake = clock.now().getTime() + milliseconds;
      // Yield first, so callers that computed their waits at the same instant all read that instant.
      await Promise.resolve();
      const now = clock.now().getTime();
      if (wake > now) clock.advance(wake - now);
    },
    elapsedSeconds: () => (clock.now().getTime() - start) / 1000,
  };
}

interface Measured<T> {
  readonly result: T;
  readonly calls: number;
  readonly bytesReceived: number;
  readonly peakInFlight: number;
  readonly localWallMs: number;
}

async function measure<T>(server: FakeMassiveServer, run: () => Promise<T>): Promise<Measured<T>> {
  server.resetStats();
  const started = performance.now();
  const result = await run();
  const localWallMs = Math.round(performance.now() - started);
  const failed = server.requests.filter((request) => request.status !== 200);
  check(failed.length === 0, `unexpected non-200 answers: ${JSON.stringify(failed.slice(0, 3))}`);
  return {
    result,
    calls: server.calls.total,
    bytesReceived: server.bytesSent,
    peakInFlight: server.peakInFlight,
    localWallMs,
  };
}

function freePlanProvider(
  server: FakeMassiveServer,
  time: ReturnType<typeof fakeTime>,
): MassiveStockQuoteProvider {
  return new MassiveStockQuoteProvider({
    apiKey: server.apiKey,
    baseUrl: server.baseUrl,
    rateLimitPerMinute: FREE_PLAN_CALLS_PER_MINUTE,
    maxInFlight: DEFAULT_IN_FLIGHT,
    clock: time.clock,
    sleep: time.sleep,
    logger: silentLogger,
  });
}

function syncOf(
  provider: MassiveStockQuoteProvider,
  repository: WinnerRepository,
  clock: FixedClock,
  symbols: readonly string[],
  options: { basis?: 'open-to-close' | 'close-to-close'; barsPerChunk?: number } = {},
): SyncWinners {
  return new SyncWinners(provider, repository, clock, {
    symbols,
    basis: options.basis ?? 'open-to-close',
    publishDelayMinutes: 0,
    ...(options.barsPerChunk !== undefined && { barsPerChunk: options.barsPerChunk }),
  });
}

async function storedWinners(repository: WinnerRepository, sessions: readonly string[]): Promise<Winners> {
  const winners = new Map<string, string | undefined>();
  for (const session of sessions) winners.set(session, (await repository.get(session))?.winner.symbol);
  return winners;
}

function sameWinners(a: Winners, b: Winners, sessions: readonly string[]): boolean {
  return (
    a.size === sessions.length && b.size === sessions.length && sessions.every((s) => a.get(s) === b.get(s))
  );
}

/** The strongest alternative: one grouped-daily call per session, which carries every ticker. */
async function groupedDailyBackfill(provider: MassiveStockQuoteProvider, sessions: readonly string[]) {
  const winners = new Map<string, string | undefined>();
  for (const session of sessions) {
    const request = { symbols: WATCHLIST, sessions: [session], includePreviousSession: false };
    check(
      (await provider.plan(request)).strategy === 'grouped-daily',
      'one session should plan a grouped-daily call',
    );
    const batch = await provider.fetchDailyBars(request);
    check(batch.undelivered.length === 0, `grouped-daily did not deliver ${session}`);
    winners.set(session, rankMovers(batch.bars).winner?.symbol);
  }
  return winners;
}

/** The system this project replaces: one open-close call per ticker per session, in a row. */
async function openCloseBackfill(
  server: FakeMassiveServer,
  time: ReturnType<typeof fakeTime>,
  sessions: readonly string[],
  symbols: readonly string[] = WATCHLIST,
) {
  const http = new MassiveHttpClient({
    apiKey: server.apiKey,
    baseUrl: server.baseUrl,
    rateLimitPerMinute: FREE_PLAN_CALLS_PER_MINUTE,
    timeoutMs: 10_000,
    maxAttempts: 4,
    clock: time.clock,
    sleep: time.sleep,
    random: Math.random,
    logger: silentLogger,
  });
  const winners = new Map<string, string | undefined>();
  for (const session of sessions) {
    const bars: DailyBar[] = [];
    for (const symbol of symbols) {
      const day = await http.get(
        'open-close',
        `/v1/open-close/${symbol}/${session}?adjusted=true`,
        openCloseResponseSchema,
      );
      bars.push({
        symbol,
        session,
        open: day.open,
        high: day.high,
        low: day.low,
        close: day.close,
        volume: day.volume,
      });
    }
    winners.set(session, rankMovers(bars).winner?.symbol);
  }
  return winners;
}

/** Section 1 and the daily syncs. Returns the 2025 results for the store-write section. */
async function callsSection(server: FakeMassiveServer) {
  const sessions = tradingSessions(FROM, TO);

  const rangeTime = fakeTime();
  const repository = new InMemoryWinnerRepository();
  const provider = freePlanProvider(server, rangeTime);
  const plan = await provider.plan({ symbols: WATCHLIST, sessions, includePreviousSession: false });
  const range = await measure(server, () =>
    syncOf(provider, repository, rangeTime.clock, WATCHLIST).execute({ window: { from: FROM, to: TO } }),
  );
  check(range.result.stored.length === sessions.length, 'the range backfill did not store every session');
  const rangeWinners = await storedWinners(repository, sessions);

  const groupedTime = fakeTime();
  const grouped = await measure(server, () =>
    groupedDailyBackfill(freePlanProvider(server, groupedTime), sessions),
  );
  const openCloseTime = fakeTime();
  const openClose = await measure(server, () => openCloseBackfill(server, openCloseTime, sessions));
  check(sameWinners(rangeWinners, grouped.result, sessions), 'range and grouped-daily winners differ');
  check(sameWinners(rangeWinners, openClose.result, sessions), 'range and open-close winners differ');

  // The next trading day: one session missing, the scheduled job's everyday case.
  const dailyTime = fakeTime();
  const daily = await measure(server, () =>
    syncOf(freePlanProvider(server, dailyTime), repository, dailyTime.clock, WATCHLIST).execute({
      window: { sessions: 10 },
    }),
  );
  check(daily.result.stored.length === 1, 'the daily sync did not store its session');
  const results = (await Promise.all(sessions.map((session) => repository.get(session)))).filter(
    (result): result is SessionResult => result !== undefined,
  );
  const closeToCloseTime = fakeTime();
  const closeToCloseRepository = new InMemoryWinnerRepository();
  // The 2025 results as stored: the close-to-close sync reads the previous session's closes from them.
  await closeToCloseRepository.saveMany(results);
  const dailyCloseToClose = await measure(server, () =>
    syncOf(
      freePlanProvider(server, closeToCloseTime),
      closeToCloseRepository,
      closeToCloseTime.clock,
      WATCHLIST,
      {
        basis: 'close-to-close',
      },
    ).execute({ window: { sessions: 10 } }),
  );
  check(
    dailyCloseToClose.result.stored.length === 1,
    'the close-to-close daily sync did not store its session',
  );
  const closeToCloseResult = await closeToCloseRepository.get(dailyCloseToClose.result.stored[0] as string);
  check(
    closeToCloseResult?.ranking.length === WATCHLIST.length &&
      closeToCloseResult.ranking.every((mover) => mover.previousClose !== undefined),
    'the close-to-close daily sync did not rank every ticker against a previous close',
  );

  const figures = (measured: Measured<unknown>, limiterSeconds: number) => ({
    calls: measured.calls,
    bytesReceived: measured.bytesReceived,
    freePlanMinimumSeconds: freePlanMinimumSeconds(measured.calls),
    freePlanLimiterSeconds: limiterSeconds,
    localWallMs: measured.localWallMs,
  });
  const rangeFigures = figures(range, rangeTime.elapsedSeconds());
  const groupedFigures = figures(grouped, groupedTime.elapsedSeconds());
  const openCloseFigures = figures(openClose, openCloseTime.elapsedSeconds());
  return {
    winners: rangeWinners,
    report: {
      window: { from: FROM, to: TO, sessions: sessions.length, tickers: WATCHLIST.length },
      freePlanFormula: FREE_PLAN_FORMULA,
      aggregatesRange: { strategy: plan.strategy, stored: range.result.stored.length, ...rangeFigures },
      groupedDailyBaseline: groupedFigures,
      openCloseBaseline: {
        ...openCloseFigures,
        oldSystemSleepSeconds: (openClose.calls - 1) * OLD_SYSTEM_SLEEP_SECONDS,
      },
      ratiosVsGroupedDaily: {
        calls: ratio(grouped.calls, range.calls),
        bytesReceived: ratio(grouped.bytesReceived, range.bytesReceived),
        freePlanLimiterSeconds: ratio(
          groupedFigures.freePlanLimiterSeconds,
          rangeFigures.freePlanLimiterSeconds,
        ),
      },
      ratiosVsOpenClose: {
        calls: ratio(openClose.calls, range.calls),
        bytesReceived: ratio(openClose.bytesReceived, range.bytesReceived),
        freePlanLimiterSeconds: ratio(
          openCloseFigures.freePlanLimiterSeconds,
          rangeFigures.freePlanLimiterSeconds,
        ),
      },
      winnersAgree: true,
      dailySync: {
        missingSessions: daily.result.missing,
        strategy: daily.result.plan?.strategy,
        calls: daily.calls,
        bytesReceived: daily.bytesReceived,
        stored: daily.result.stored,
      },
      dailySyncCloseToClose: {
        missingSessions: dailyCloseToClose.result.missing,
        strategy: dailyCloseToClose.result.plan?.strategy,
        calls: dailyCloseToClose.calls,
        stored: dailyCloseToClose.result.stored,
      },
    },
  };
}

/** `repository` with another saveMany. */
function withSaveMany(
  repository: WinnerRepository,
  saveMany: WinnerRepository['saveMany'],
): WinnerRepository {
  return new Proxy(repository, {
    get: (target, key) => {
      if (key === 'saveMany') return saveMany;
      const value: unknown = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * The backfill before batch writes: the same store, with saveMany done as one conditional PutItem per
 * session, sent directly (`save` now takes the write lease too, which would slow this baseline down).
 */
function oneSaveAtATime(repository: WinnerRepository, fixture: DynamoRepositoryFixture): WinnerRepository {
  const documents = documentClientOf(fixture.client);
  return withSaveMany(repository, async (results, options) => {
    const outcomes: SaveOutcome[] = [];
    for (const result of results) {
      outcomes.push(await putSessionIfAbsent(documents, fixture.tableName, 'default', result, options));
    }
    return outcomes;
  });
}

/**
 * Section 2: the 2025 backfill at 7 tickers into the embedded store, with batch writes against one save
 * per session, no rate limit, so the writes are what differs. `bench:store-writes` measures the store alone.
 */
async function storeWritesSection(server: FakeMassiveServer, expected: Winners) {
  const store = await startDynaliteServer();
  try {
    const sessions = tradingSessions(FROM, TO);
    const backfill = async (batched: boolean) => {
      const fixture = await openDynamoRepositoryFixture(store.endpoint);
      const table = fixture.repository();
      let writeMs = 0;
      const writer = batched ? table : oneSaveAtATime(table, fixture);
      const timed = withSaveMany(writer, async (results, options) => {
        const started = performance.now();
        const outcomes = await writer.saveMany(results, options);
        writeMs += performance.now() - started;
        return outcomes;
      });
      const clock = new FixedClock(BACKFILL_CLOCK);
      const provider = new MassiveStockQuoteProvider({
        apiKey: server.apiKey,
        baseUrl: server.baseUrl,
        rateLimitPerMinute: 0,
        maxInFlight: DEFAULT_IN_FLIGHT,
        clock,
        logger: silentLogger,
      });
      const started = performance.now();
      const summary = await syncOf(provider, timed, clock, WATCHLIST).execute({
        window: { from: FROM, to: TO },
      });
      const wallMs = performance.now() - started;
      const rows: WinnerRows = await table.latestWinners(sessions.length, TO);
      check(summary.stored.length === sessions.length, `batched=${batched}: not every session was stored`);
      check(
        rows.rows.length === sessions.length &&
          rows.rows.every((row) => expected.get(row.date) === row.winner.symbol),
        `batched=${batched}: the stored winners are not the real ones`,
      );
      fixture.destroy();
      return { storeWriteMs: Math.round(writeMs), backfillWallMs: Math.round(wallMs) };
    };
    // Warm up the store and the HTTP path on a throwaway table first.
    await backfill(false);
    const oneAtATime = await backfill(false);
    const batched = await backfill(true);
    return {
      store: 'dynalite (the embedded store) over LevelDB, in this process',
      sessions: sessions.length,
      tickers: WATCHLIST.length,
      saveMany: { sessionsPerCall: SESSIONS_PER_WRITE, ...batched },
      oneSavePerSession: oneAtATime,
      ratios: {
        storeWrites: ratio(oneAtATime.storeWriteMs, batched.storeWriteMs),
        backfill: ratio(oneAtATime.backfillWallMs, batched.backfillWallMs),
      },
      goal: `store writes >= ${GOALS.storeWritesRatio}x`,
    };
  } finally {
    await store.stop();
  }
}

/** A stand-in for a remote table: keeps each session's winner only, as DynamoDB keeps items outside the process. */
class WinnerOnlyRepository implements WinnerRepository {
  readonly winners = new Map<string, string>();

  async save(result: SessionResult): Promise<SaveOutcome> {
    return (await this.saveMany([result]))[0] as SaveOutcome;
  }

  async saveMany(results: readonly SessionResult[]): Promise<SaveOutcome[]> {
    return results.map((result) => {
      if (this.winners.has(result.date)) return 'already-present';
      this.winners.set(result.date, result.winner.symbol);
      return 'stored';
    });
  }

  async get(): Promise<undefined> {
    return undefined;
  }

  async latestWinners(): Promise<WinnerRows> {
    return { rows: [], unreadable: [] };
  }

  async storedSessions(from: string, to: string): Promise<string[]> {
    return [...this.winners.keys()].filter((date) => date >= from && date <= to).sort();
  }

  async countSessions(): Promise<number> {
    return this.winners.size;
  }
}

interface ChildFigures {
  readonly peakRssMb: number;
  readonly rssAfterImportsMb: number;
  readonly stored: number;
  readonly winners: string;
}

/** Child mode: one long backfill against the parent's fake server, then its own figures on stdout. */
async function rssChild(baseUrl: string, apiKey: string, barsPerChunk: number | undefined): Promise<void> {
  const rssAfterImportsMb = process.memoryUsage.rss() / 2 ** 20;
  const clock = new FixedClock(LONG_CLOCK);
  const symbols = wideWatchlist();
  const repository = new WinnerOnlyRepository();
  const provider = new MassiveStockQuoteProvider({
    apiKey,
    baseUrl,
    rateLimitPerMinute: 0,
    maxInFlight: DEFAULT_IN_FLIGHT,
    clock,
    logger: silentLogger,
  });
  const summary = await syncOf(provider, repository, clock, symbols, { barsPerChunk }).execute({
    window: { from: LONG_FROM, to: LONG_TO },
  });
  const figures: ChildFigures = {
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    rssAfterImportsMb: Math.round(rssAfterImportsMb),
    stored: summary.stored.length,
    winners: [...repository.winners].map(([date, symbol]) => `${date}:${symbol}`).join(','),
  };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

/** `barsPerChunk` undefined: SyncWinners' default. */
async function runRssChild(
  server: FakeMassiveServer,
  barsPerChunk: number | undefined,
): Promise<ChildFigures> {
  const child = spawn(
    process.execPath,
    [
      ...process.execArgv,
      fileURLToPath(import.meta.url),
      '--rss-child',
      server.baseUrl,
      server.apiKey,
      String(barsPerChunk ?? 'default'),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  check(code === 0, `the RSS child (barsPerChunk ${barsPerChunk}) exited with ${code}`);
  return JSON.parse(stdout) as ChildFigures;
}

/** Section 3: peak RSS of 25 years x 500 tickers, chunked and as one chunk. */
async function memorySection() {
  const server = await startFakeMassiveServer({ rateLimitPerMinute: 0, tickers: wideWatchlist() });
  try {
    const sessions = tradingSessions(LONG_FROM, LONG_TO);
    const chunked = await runRssChild(server, undefined);
    const calls = server.calls.total;
    server.resetStats();
    const oneChunk = await runRssChild(server, Number.MAX_SAFE_INTEGER);
    check(
      chunked.stored === sessions.length && oneChunk.stored === sessions.length,
      'a long backfill missed sessions',
    );
    check(chunked.winners === oneChunk.winners, 'chunked and one-chunk backfills stored different winners');
    const figures = ({ winners: _winners, ...rest }: ChildFigures) => rest;
    return {
      window: { from: LONG_FROM, to: LONG_TO, sessions: sessions.length, tickers: WIDE_TICKERS },
      store: 'winner-only stand-in for a remote table (the bars and rankings are what is measured)',
      chunked: { ...figures(chunked), sessionsPerChunk: Math.floor(BARS_PER_CHUNK / WIDE_TICKERS), calls },
      oneChunk: { ...figures(oneChunk), calls: server.calls.total },
      ratio: ratio(oneChunk.peakRssMb, chunked.peakRssMb),
      goal: `<= ${GOALS.peakRssMb} MB`,
    };
  } finally {
    await server.close();
  }
}

/** Child mode: the fake server for the wide watchlist, in its own process, until this process is killed. */
async function serveFakeChild(latencyMs: number): Promise<void> {
  const server = await startFakeMassiveServer({
    rateLimitPerMinute: 0,
    tickers: wideWatchlist(),
    extraTickers: 0,
    latencyMs,
  });
  process.stdout.write(`${JSON.stringify({ baseUrl: server.baseUrl, apiKey: server.apiKey })}\n`);
}

interface ServerStats {
  readonly calls: { readonly total: number };
  readonly peakInFlight: number;
}

/**
 * Section 4: no rate limit, 20 ms per call, calls in flight against one at a time. The fake server runs in
 * its own process, as Massive's servers are not on this machine: its CPU does not queue behind the client's.
 */
async function concurrencySection() {
  const symbols = wideWatchlist();
  const child = spawn(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), '--serve-fake', String(LATENCY_MS)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    const server = await new Promise<{ baseUrl: string; apiKey: string }>((resolve, reject) => {
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('\n')) resolve(JSON.parse(stdout) as { baseUrl: string; apiKey: string });
      });
      child.once('exit', (code) => reject(new Error(`the fake server child exited with ${code}`)));
    });
    const control = async (method: 'GET' | 'POST', route: string) =>
      (await fetch(`${server.baseUrl}/__control/${route}`, { method })).json();
    const sessions = tradingSessions(FROM, TO);
    const run = async (maxInFlight: number) => {
      const clock = new FixedClock(BACKFILL_CLOCK);
      const repository = new WinnerOnlyRepository();
      const provider = new MassiveStockQuoteProvider({
        apiKey: server.apiKey,
        baseUrl: server.baseUrl,
        rateLimitPerMinute: 0,
        maxInFlight,
        clock,
        logger: silentLogger,
      });
      await control('POST', 'reset-stats');
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      const summary = await syncOf(provider, repository, clock, symbols).execute({
        window: { from: FROM, to: TO },
      });
      const wallMs = Math.round(performance.now() - started);
      const cpu = process.cpuUsage(cpuBefore);
      const stats = (await control('GET', 'stats')) as ServerStats;
      check(summary.stored.length === sessions.length, `maxInFlight ${maxInFlight} missed sessions`);
      return {
        figures: {
          maxInFlight,
          strategy: summary.plan?.strategy,
          calls: stats.calls.total,
          peakInFlight: stats.peakInFlight,
          wallMs,
          // The client's own CPU per call bounds what concurrency can gain: (latency + cpu) / max(latency / n, cpu).
          clientCpuMsPerCall: Math.round(((cpu.user + cpu.system) / 1000 / stats.calls.total) * 10) / 10,
        },
        winners: repository.winners,
      };
    };
    const serial = await run(1);
    const concurrent = await run(DEFAULT_IN_FLIGHT);
    check(sameWinners(serial.winners, concurrent.winners, sessions), 'serial and concurrent winners differ');
    return {
      window: { from: FROM, to: TO, sessions: sessions.length, tickers: WIDE_TICKERS },
      server: `fake Massive server in its own process, ${LATENCY_MS} ms added per call, no rate limit`,
      inFlight: concurrent.figures,
      serial: serial.figures,
      ratio: ratio(serial.figures.wallMs, concurrent.figures.wallMs),
      goal: `>= ${GOALS.inFlightRatio}x`,
    };
  } finally {
    child.kill();
  }
}

/** Section 5: many watchlists from one fetch, against per-list and per-ticker fetching. */
async function watchlistsSection(server: FakeMassiveServer) {
  const sessions = tradingSessions(FROM, TO);
  const unique = [...new Set(THREE_LISTS.flatMap((list) => list.symbols))];
  const archive = new InMemoryBarArchive();
  const repositoryOf = watchlistRepositories();
  const watchlistsOf = (watchlists: readonly Watchlist[], time: ReturnType<typeof fakeTime>) =>
    new SyncWatchlists(freePlanProvider(server, time), archive, repositoryOf, time.clock, {
      watchlists,
      basis: 'open-to-close',
      publishDelayMinutes: 0,
    });

  const planTime = fakeTime();
  const dryRun = await measure(server, () =>
    watchlistsOf(THREE_LISTS, planTime).execute({ window: { from: FROM, to: TO }, dryRun: true }),
  );
  check(dryRun.calls === 0, 'the dry run called the API');
  const unionTime = fakeTime();
  const union = await measure(server, () =>
    watchlistsOf(THREE_LISTS, unionTime).execute({ window: { from: FROM, to: TO } }),
  );
  check(union.calls === dryRun.result.plan.calls, 'the run made other calls than its dry run planned');

  const perListTime = fakeTime();
  const perListRepositories = new Map(THREE_LISTS.map((list) => [list.name, new InMemoryWinnerRepository()]));
  const perList = await measure(server, async () => {
    // One provider, so the lists share one rate limit as a real deployment's runs would.
    const provider = freePlanProvider(server, perListTime);
    for (const list of THREE_LISTS) {
      const repository = perListRepositories.get(list.name) as InMemoryWinnerRepository;
      await syncOf(provider, repository, perListTime.clock, list.symbols).execute({
        window: { from: FROM, to: TO },
      });
    }
  });
  for (const list of THREE_LISTS) {
    const expected = await storedWinners(perListRepositories.get(list.name) as WinnerRepository, sessions);
    const actual = await storedWinners(repositoryOf(list.name), sessions);
    check(
      sameWinners(expected, actual, sessions),
      `the ${list.name} list's winners differ from its own sync`,
    );
  }
  const perTickerTime = fakeTime();
  const perTicker = await measure(server, () => openCloseBackfill(server, perTickerTime, sessions, unique));

  const fourthTime = fakeTime();
  const fourth = await measure(server, () =>
    watchlistsOf([...THREE_LISTS, FOURTH_LIST], fourthTime).execute({ window: { from: FROM, to: TO } }),
  );
  const fourthStored = fourth.result.watchlists.find((list) => list.watchlist === FOURTH_LIST.name);
  check(fourthStored?.summary.stored.length === sessions.length, 'the fourth list was not stored whole');
  check(
    fourth.result.watchlists
      .filter((list) => list.watchlist !== FOURTH_LIST.name)
      .every((list) => list.summary.alreadyPresent.length === sessions.length),
    'the three lists should already be complete',
  );

  const figures = (measured: Measured<unknown>, seconds: number) => ({
    calls: measured.calls,
    freePlanLimiterSeconds: seconds,
    localWallMs: measured.localWallMs,
  });
  return {
    window: { from: FROM, to: TO, sessions: sessions.length },
    lists: THREE_LISTS.map((list) => ({ name: list.name, tickers: list.symbols.length })),
    uniqueTickers: unique.length,
    threeLists: {
      plannedCalls: dryRun.result.plan.calls,
      ...figures(union, unionTime.elapsedSeconds()),
      perListBaseline: figures(perList, perListTime.elapsedSeconds()),
      perTickerBaseline: figures(perTicker, perTickerTime.elapsedSeconds()),
      ratios: {
        callsVsPerList: ratio(perList.calls, union.calls),
        callsVsPerTicker: ratio(perTicker.calls, union.calls),
      },
      goal: 'one call per unique ticker',
      goalMet: union.calls === unique.length,
    },
    fourthList: {
      name: FOURTH_LIST.name,
      tickers: FOURTH_LIST.symbols.length,
      calls: fourth.calls,
      goal: GOALS.fourthListCalls,
      goalMet: fourth.calls === GOALS.fourthListCalls,
    },
  };
}

/**
 * Section 6: the daily sync of the three lists plus the whole market, after a December already synced:
 * the market's one grouped-daily answer covers every list's tickers, so the lists make no call. Baselines
 * in the same run: each list and the market fetching on their own (one grouped call each), and the old
 * per-ticker open-close calls for the lists' unique tickers (plus the market's call).
 */
async function dailySyncWithMarketSection() {
  const server = await startFakeMassiveServer({ rateLimitPerMinute: 0, marketUniverse: true });
  try {
    const tracked = [...new Set(THREE_LISTS.flatMap((list) => list.symbols))];
    const time = fakeTime();
    const archive = new InMemoryBarArchive();
    const repositoryOf = watchlistRepositories();
    const boards = new InMemoryMarketBoardRepository();
    const referenceCache = new InMemoryTickerReferenceCache();
    const market = new SyncMarketBoard(
      new MassiveMarketDataProvider({
        apiKey: server.apiKey,
        baseUrl: server.baseUrl,
        rateLimitPerMinute: FREE_PLAN_CALLS_PER_MINUTE,
        clock: time.clock,
        sleep: time.sleep,
        logger: silentLogger,
      }),
      boards,
      referenceCache,
      time.clock,
      undefined,
      { tracked: { archive, tickers: tracked } },
    );
    const lists = new SyncWatchlists(freePlanProvider(server, time), archive, repositoryOf, time.clock, {
      watchlists: THREE_LISTS,
      basis: 'open-to-close',
      publishDelayMinutes: 0,
    });
    const daily = new SyncMarketAndLists(market, lists);
    // December is synced (the weekly ticker reference with it): the day before the measured daily run.
    await daily.execute({ window: { from: '2025-12-01', to: '2025-12-31' } }, { includeMarket: true });
    const today = tradingSessions('2026-01-02', '2026-01-02');
    const run = await measure(server, () =>
      daily.execute({ window: { sessions: 3 } }, { includeMarket: true }),
    );
    const outcome = run.result.market;
    check(
      outcome.kind === 'synced' && outcome.summary.stored.join() === today.join(),
      'the market board of 2026-01-02 was not stored',
    );
    check(
      run.result.lists.watchlists.every((list) => list.summary.stored.join() === today.join()),
      'every list should have stored 2026-01-02',
    );
    const winners = new Map(
      await Promise.all(
        THREE_LISTS.map(
          async (list) =>
            [list.name, (await repositoryOf(list.name).get(today[0] as string))?.winner.symbol] as const,
        ),
      ),
    );

    // Baseline: the market and each list fetching on their own.
    const separateTime = fakeTime();
    const separate = await measure(server, async () => {
      const provider = freePlanProvider(server, separateTime);
      await new MassiveMarketDataProvider({
        apiKey: server.apiKey,
        baseUrl: server.baseUrl,
        rateLimitPerMinute: FREE_PLAN_CALLS_PER_MINUTE,
        clock: separateTime.clock,
        sleep: separateTime.sleep,
        logger: silentLogger,
      }).fetchSessionBars(today[0] as string);
      const stored = new Map<string, string | undefined>();
      for (const list of THREE_LISTS) {
        const repository = new InMemoryWinnerRepository();
        await syncOf(provider, repository, separateTime.clock, list.symbols).execute({
          window: { sessions: 1 },
        });
        stored.set(list.name, (await repository.get(today[0] as string))?.winner.symbol);
      }
      return stored;
    });
    check(
      THREE_LISTS.every((list) => separate.result.get(list.name) === winners.get(list.name)),
      'the lists fetched on their own chose other winners',
    );
    // Baseline: the old system's one open-close call per ticker, plus the market's grouped call.
    const perTickerTime = fakeTime();
    const perTicker = await measure(server, () => openCloseBackfill(server, perTickerTime, today, tracked));
    const perTickerCalls = perTicker.calls + 1;
    return {
      session: today[0],
      lists: THREE_LISTS.length,
      uniqueTickers: tracked.length,
      calls: run.calls,
      groupedDailyCalls: outcome.kind === 'synced' ? outcome.summary.calls : null,
      listCalls: run.result.lists.callsMade,
      referencePagesThisRun: server.referenceCalls,
      separateFetchesBaseline: { calls: separate.calls },
      perTickerBaseline: {
        calls: perTickerCalls,
        note: 'open-close per unique ticker, plus the market call',
      },
      ratios: {
        callsVsSeparate: ratio(separate.calls, run.calls),
        callsVsPerTicker: ratio(perTickerCalls, run.calls),
      },
      goal: `${GOALS.dailySyncWithMarketCalls} call`,
      goalMet: run.calls === GOALS.dailySyncWithMarketCalls,
    };
  } finally {
    await server.close();
  }
}

async function main(): Promise<void> {
  const dailyWithMarket = await dailySyncWithMarketSection();
  const server = await startFakeMassiveServer({ rateLimitPerMinute: 0 });
  let calls: Awaited<ReturnType<typeof callsSection>>;
  let storeWrites: Awaited<ReturnType<typeof storeWritesSection>>;
  let watchlists: Awaited<ReturnType<typeof watchlistsSection>>;
  try {
    calls = await callsSection(server);
    storeWrites = await storeWritesSection(server, calls.winners);
    watchlists = await watchlistsSection(server);
  } finally {
    await server.close();
  }
  const memory = await memorySection();
  const concurrency = await concurrencySection();
  process.stdout.write(
    `${JSON.stringify(
      {
        benchmark: 'backfill',
        command: 'npm run bench:backfill',
        ...calls.report,
        storeWrites,
        peakMemory: memory,
        concurrency,
        watchlists,
        dailySyncWithMarket: dailyWithMarket,
        goalsMet: {
          dailySyncOfAllListsPlusMarketOneCall: dailyWithMarket.goalMet,
          threeListsOneCallPerUniqueTicker: watchlists.threeLists.goalMet,
          fourthListNoCall: watchlists.fourthList.goalMet,
          storeWrites: storeWrites.ratios.storeWrites >= GOALS.storeWritesRatio,
          peakRss: memory.chunked.peakRssMb <= GOALS.peakRssMb,
          concurrency: concurrency.ratio >= GOALS.inFlightRatio,
        },
        notes: [
          'bytesReceived = response body bytes, uncompressed; the real API gzips on the wire.',
          "The fake grouped-daily page has ~330 rows; Massive's has 10-12.5k rows (~1.3 MB).",
          'freePlanLimiterSeconds is the fake clock the rate limiter slept, concurrent waits overlapping.',
          'Peak RSS is the child process maxRSS (process.resourceUsage), tsx and the provider included.',
        ],
      },
      null,
      2,
    )}\n`,
  );
}

const childFlag = process.argv.indexOf('--rss-child');
const serveFlag = process.argv.indexOf('--serve-fake');
if (serveFlag >= 0) {
  await serveFakeChild(Number(process.argv[serveFlag + 1]));
} else if (childFlag >= 0) {
  const [baseUrl, apiKey, barsPerChunk] = process.argv.slice(childFlag + 1);
  await rssChild(
    baseUrl as string,
    apiKey as string,
    barsPerChunk === 'default' ? undefined : Number(barsPerChunk),
  );
} else {
  await main();
}
