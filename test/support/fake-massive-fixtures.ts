/**
 * Builders for Massive paths and response bodies in the exact shapes of massive-api.md (for nock), the
 * error bodies of its error table, a capturing logger and fake time for the provider's tests.
 */
import type { Basis, QuoteRequest, Ranking } from '../../core/index.ts';
import { easternTime, previousClosesOf, previousSession, rankMovers } from '../../core/index.ts';
import { simulatedDailyBar } from '../../adapters/simulated/simulated-market.ts';
import { FixedClock } from '../../adapters/clock/fixed-clock.ts';
import type { AppLogger } from '../../adapters/observability/app-logger.ts';
import type { MassiveProviderOptions } from '../../adapters/massive/massive-stock-quote-provider.ts';
import { MassiveStockQuoteProvider } from '../../adapters/massive/massive-stock-quote-provider.ts';

export const TEST_BASE_URL = 'https://massive.test';

/** The default watchlist, seven tickers. */
export const WATCHLIST = ['AAPL', 'MSFT', 'GOOGL', 'AMZN', 'TSLA', 'NVDA', 'META'];

export function rangePath(ticker: string, from: string, to: string): string {
  return `/v2/aggs/ticker/${ticker}/range/1/day/${from}/${to}`;
}

export function groupedPath(date: string): string {
  return `/v2/aggs/grouped/locale/us/market/stocks/${date}`;
}

export function quoteRequest(
  symbols: string[],
  sessions: string[],
  includePreviousSession = false,
): QuoteRequest {
  return { symbols, sessions, includePreviousSession };
}

export interface BarValues {
  readonly o: number;
  readonly c: number;
  readonly h?: number;
  readonly l?: number;
  readonly v?: number;
}

/** A range bar: `t` is 00:00 America/New_York of the session. */
export function rangeBar(session: string, values: BarValues = { o: 100, c: 101 }): Record<string, unknown> {
  return {
    v: values.v ?? 1_000_000.0,
    vw: (values.o + values.c) / 2,
    o: values.o,
    c: values.c,
    h: values.h ?? Math.max(values.o, values.c) + 1,
    l: values.l ?? Math.min(values.o, values.c) - 1,
    t: easternTime(session, 0).getTime(),
    n: 1234,
  };
}

/** A grouped-daily row: `t` is 16:00 America/New_York of the session, and the row carries `T`. */
export function groupedRow(
  ticker: string,
  session: string,
  values: BarValues = { o: 100, c: 101 },
): Record<string, unknown> {
  return { T: ticker, ...rangeBar(session, values), t: easternTime(session, 16).getTime() };
}

export function rangeBody(
  ticker: string,
  results: Record<string, unknown>[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    ticker,
    queryCount: results.length,
    resultsCount: results.length,
    adjusted: true,
    results,
    status: 'OK',
    request_id: '12afda77aab3b1936c5fb6ef4241ae42',
    count: results.length,
    ...extra,
  };
}

export function groupedBody(results: Record<string, unknown>[]): Record<string, unknown> {
  return {
    queryCount: results.length,
    resultsCount: results.length,
    adjusted: true,
    results,
    status: 'OK',
    request_id: '6a7e466379af0a71039d60cc78e72282',
    count: results.length,
  };
}

const PRICING = 'Please upgrade your plan at https://massive.com/pricing';

/** The error table of massive-api.md, body for body. */
export const MASSIVE_ERROR_BODIES = {
  noKey: { status: 'ERROR', request_id: 'a1', error: 'API Key was not provided' },
  badKey: { status: 'ERROR', request_id: 'a2', error: 'Unknown API Key' },
  notEntitled: {
    status: 'NOT_AUTHORIZED',
    request_id: 'a3',
    message: `You are not entitled to this data. ${PRICING}`,
  },
  beforeEndOfDay: {
    status: 'NOT_AUTHORIZED',
    request_id: 'a4',
    message: `Attempted to request today's data before end of day. ${PRICING}`,
  },
  outsideTimeframe: {
    status: 'NOT_AUTHORIZED',
    request_id: 'a5',
    message: `Your plan doesn't include this data timeframe. ${PRICING}`,
  },
  badParameter: {
    status: 'ERROR',
    request_id: 'a6',
    error: "The parameter 'to' cannot be a time that occurs before 'from'",
  },
  rateLimited: {
    status: 'ERROR',
    request_id: 'a7',
    error:
      "You've exceeded the maximum requests per minute, please wait or upgrade your subscription to continue.",
  },
} as const;

export const GATEWAY_HTML = '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>';

export interface CapturedLog {
  readonly level: string;
  readonly message: string;
  readonly attributes: Record<string, unknown> | undefined;
}

/** A logger that keeps every line, so tests can assert on what was (and was not) logged. */
export function capturingLogger(): AppLogger & { readonly lines: CapturedLog[]; text(): string } {
  const lines: CapturedLog[] = [];
  const at =
    (level: string) =>
    (message: string, attributes?: Record<string, unknown>): void => {
      lines.push({ level, message, attributes });
    };
  return {
    lines,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    text: () =>
      lines.map((line) => `${line.level} ${line.message} ${JSON.stringify(line.attributes)}`).join('\n'),
  };
}

/** A clock that only moves when the code under test sleeps: waits are recorded, never spent. */
export function fakeTime(start = '2026-01-05T17:00:00.000Z'): {
  clock: FixedClock;
  sleep: (milliseconds: number) => Promise<void>;
  sleeps: number[];
} {
  const clock = new FixedClock(start);
  const sleeps: number[] = [];
  return {
    clock,
    sleeps,
    sleep: async (milliseconds) => {
      sleeps.push(milliseconds);
      clock.advance(milliseconds);
    },
  };
}

/** A provider against TEST_BASE_URL on fake time, with a mid-range jitter so backoff delays are exact. */
export function testProvider(overrides: Partial<MassiveProviderOptions> = {}): {
  provider: MassiveStockQuoteProvider;
  logger: ReturnType<typeof capturingLogger>;
  time: ReturnType<typeof fakeTime>;
} {
  const time = fakeTime();
  const logger = capturingLogger();
  const provider = new MassiveStockQuoteProvider({
    apiKey: 'test-key-1234567890',
    baseUrl: TEST_BASE_URL,
    rateLimitPerMinute: 0,
    maxInFlight: 4,
    timeoutMs: 1_000,
    maxAttempts: 4,
    clock: time.clock,
    sleep: time.sleep,
    random: () => 0.5,
    logger,
    ...overrides,
  });
  return { provider, logger, time };
}

/** The ranking a session must get from the fake server's dataset (the simulated market's bars). */
export function simulatedRanking(
  symbols: readonly string[],
  session: string,
  seed: number,
  basis: Basis = 'open-to-close',
): Ranking {
  const bars = symbols.map((symbol) => simulatedDailyBar(symbol, session, seed));
  const previousBars = symbols.map((symbol) => simulatedDailyBar(symbol, previousSession(session), seed));
  return rankMovers(bars, basis, previousClosesOf(previousBars));
}
