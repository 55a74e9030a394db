/**
 * Backfill benchmark: all sessions of 2025 for the 7-ticker watchlist against the fake Massive server,
 * with the provider's plan (aggregates-range, one call per ticker) and with the old system's strategy
 * (open-close, one call per ticker per session) in the same run; then the daily sync of one missing
 * session. Prints one JSON document.
 *
 * Both strategies run through the real rate limiter set to the free plan (5 calls per rolling minute) on
 * a fake clock that only moves when the limiter sleeps, so `freePlanLimiterSeconds` is the wait the
 * free plan really forces, measured, next to the closed formula `freePlanMinimumSeconds`.
 *
 *   npm run bench:backfill
 */
import type { DailyBar } from '../core/index.ts';
import { rankMovers, SyncWinners, tradingSessions } from '../core/index.ts';
import { FixedClock } from '../adapters/clock/fixed-clock.ts';
import { MassiveHttpClient } from '../adapters/massive/massive-http-client.ts';
import { openCloseResponseSchema } from '../adapters/massive/massive-schemas.ts';
import { MassiveStockQuoteProvider } from '../adapters/massive/massive-stock-quote-provider.ts';
import { InMemoryWinnerRepository } from '../adapters/memory/in-memory-winner-repository.ts';
import { silentLogger } from '../adapters/observability/app-logger.ts';
import type { FakeMassiveServer } from '../test/support/fake-massive-server.ts';
import { startFakeMassiveServer } from '../test/support/fake-massive-server.ts';

const WATCHLIST = ['AAPL', 'MSFT', 'GOOGL', 'AMZN', 'TSLA', 'NVDA', 'META'];
const FROM = '2025-01-01';
const TO = '2025-12-31';
const FREE_PLAN_CALLS_PER_MINUTE = 5;
const OLD_SYSTEM_SLEEP_SECONDS = 12;
/** Friday 2026-01-02, 17:00 New York: 2025 is complete and 2026-01-02 has closed. */
const BACKFILL_CLOCK = '2026-01-02T22:00:00.000Z';

const FREE_PLAN_FORMULA =
  'freePlanMinimumSeconds = (ceil(calls / 5) - 1) * 60: with at most 5 call starts per rolling 60 s, ' +
  'call k (1-based) starts no earlier than floor((k - 1) / 5) minutes after the first; response times excluded';

function freePlanMinimumSeconds(calls: number): number {
  return calls === 0 ? 0 : (Math.ceil(calls / FREE_PLAN_CALLS_PER_MINUTE) - 1) * 60;
}

/** A clock that moves only when the code sleeps: limiter waits are measured, never spent. */
function fakeTime(): {
  clock: FixedClock;
  sleep: (milliseconds: number) => Promise<void>;
  slept: () => number;
} {
  const clock = new FixedClock(BACKFILL_CLOCK);
  let sleptMs = 0;
  return {
    clock,
    sleep: async (milliseconds) => {
      sleptMs += milliseconds;
      clock.advance(milliseconds);
    },
    slept: () => sleptMs / 1000,
  };
}

interface Measured<T> {
  readonly result: T;
  readonly calls: number;
  readonly bytesReceived: number;
  readonly localWallMs: number;
}

async function measure<T>(server: FakeMassiveServer, run: () => Promise<T>): Promise<Measured<T>> {
  server.resetStats();
  const started = performance.now();
  const result = await run();
  const localWallMs = Math.round(performance.now() - started);
  const failed = server.requests.filter((request) => request.status !== 200);
  if (failed.length > 0) throw new Error(`unexpected non-200 answers: ${JSON.stringify(failed.slice(0, 3))}`);
  return { result, calls: server.calls.total, bytesReceived: server.bytesSent, localWallMs };
}

function providerOn(server: FakeMassiveServer, time: ReturnType<typeof fakeTime>): MassiveStockQuoteProvider {
  return new MassiveStockQuoteProvider({
    apiKey: server.apiKey,
    baseUrl: server.baseUrl,
    rateLimitPerMinute: FREE_PLAN_CALLS_PER_MINUTE,
    clock: time.clock,
    sleep: time.sleep,
    logger: silentLogger,
  });
}

/** The system this project replaces: one open-close call per ticker per session, in a row. */
async function openCloseBackfill(
  server: FakeMassiveServer,
  time: ReturnType<typeof fakeTime>,
  sessions: string[],
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
    for (const symbol of WATCHLIST) {
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

async function main(): Promise<void> {
  const server = await startFakeMassiveServer({ rateLimitPerMinute: 0 });
  try {
    const sessions = tradingSessions(FROM, TO);

    const rangeTime = fakeTime();
    const repository = new InMemoryWinnerRepository();
    const provider = providerOn(server, rangeTime);
    const backfill = new SyncWinners(provider, repository, rangeTime.clock, {
      symbols: WATCHLIST,
      basis: 'open-to-close',
      publishDelayMinutes: 0,
    });
    const plan = provider.plan({ symbols: WATCHLIST, sessions, includePreviousSession: false });
    const range = await measure(server, () => backfill.execute({ window: { from: FROM, to: TO } }));
    if (range.result.stored.length !== sessions.length)
      throw new Error('the range backfill did not store every session');

    const openCloseTime = fakeTime();
    const openClose = await measure(server, () => openCloseBackfill(server, openCloseTime, sessions));
    const stored = await Promise.all(
      (await repository.storedSessions(FROM, TO)).map(async (date) => (await repository.get(date))!),
    );
    const winnersAgree =
      stored.length === sessions.length &&
      stored.every((result) => openClose.result.get(result.date) === result.winner.symbol);

    // The next trading day: one session missing, the scheduled job's everyday case.
    const dailyTime = fakeTime();
    const daily = await measure(server, () =>
      new SyncWinners(providerOn(server, dailyTime), repository, dailyTime.clock, {
        symbols: WATCHLIST,
        basis: 'open-to-close',
        publishDelayMinutes: 0,
      }).execute({ window: { sessions: 10 } }),
    );
    const closeToCloseTime = fakeTime();
    const closeToCloseRepository = new InMemoryWinnerRepository();
    // Only which sessions are stored matters to the sync: the 2025 results seed it as they are.
    for (const result of stored) await closeToCloseRepository.save(result);
    const dailyCloseToClose = await measure(server, () =>
      new SyncWinners(providerOn(server, closeToCloseTime), closeToCloseRepository, closeToCloseTime.clock, {
        symbols: WATCHLIST,
        basis: 'close-to-close',
        publishDelayMinutes: 0,
      }).execute({ window: { sessions: 10 } }),
    );

    const figures = (measured: Measured<unknown>, limiterSeconds: number) => ({
      calls: measured.calls,
      bytesReceived: measured.bytesReceived,
      freePlanMinimumSeconds: freePlanMinimumSeconds(measured.calls),
      freePlanLimiterSeconds: limiterSeconds,
      localWallMs: measured.localWallMs,
    });
    const rangeFigures = figures(range, rangeTime.slept());
    const openCloseFigures = figures(openClose, openCloseTime.slept());
    const ratio = (baseline: number, improved: number) =>
      Math.round((baseline / Math.max(improved, 1)) * 10) / 10;

    process.stdout.write(
      `${JSON.stringify(
        {
          benchmark: 'backfill',
          command: 'npm run bench:backfill',
          window: { from: FROM, to: TO, sessions: sessions.length, tickers: WATCHLIST.length },
          freePlanFormula: FREE_PLAN_FORMULA,
          aggregatesRange: { strategy: plan.strategy, ...rangeFigures },
          openCloseBaseline: {
            ...openCloseFigures,
            oldSystemSleepSeconds: (openClose.calls - 1) * OLD_SYSTEM_SLEEP_SECONDS,
          },
          groupedDailyAlternative: {
            calls: plan.groupedCalls,
            freePlanMinimumSeconds: freePlanMinimumSeconds(plan.groupedCalls),
          },
          ratios: {
            calls: ratio(openClose.calls, range.calls),
            bytesReceived: ratio(openClose.bytesReceived, range.bytesReceived),
            freePlanSeconds: ratio(
              openCloseFigures.freePlanMinimumSeconds,
              rangeFigures.freePlanMinimumSeconds,
            ),
          },
          winnersAgree,
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
          },
          notes: [
            'bytesReceived = response body bytes, uncompressed; the real API gzips on the wire.',
            "The fake grouped-daily page has ~330 rows; Massive's has 10-12.5k rows (~1.3 MB).",
            `2025 has ${sessions.length} NYSE sessions (one-off closure 2025-01-09), hence ${openClose.calls} ` +
              'open-close calls rather than the 1,764 of a 252-session year.',
          ],
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    await server.close();
  }
}

await main();
