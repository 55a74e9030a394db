import type {
  Clock,
  DailyBar,
  QuoteBatch,
  QuoteRequest,
  StockQuoteProvider,
  UndeliveredSession,
} from '../../core/index.ts';
import { previousSession } from '../../core/index.ts';
import type { AppLogger } from '../observability/app-logger.ts';
import { silentLogger } from '../observability/app-logger.ts';
import type { MassiveFetchPlan, MassiveGroupedPlan, MassiveRangePlan } from './massive-fetch-plan.ts';
import { planMassiveFetch } from './massive-fetch-plan.ts';
import { mapWithConcurrency } from './bounded-concurrency.ts';
import type { MassiveEndpoint } from './massive-errors.ts';
import {
  InvalidResponseError,
  isFatalMassiveError,
  NotYetAvailableError,
  WrongTickerError,
} from './massive-errors.ts';
import { screenBars, toDailyBar } from './massive-bar-checks.ts';
import { MassiveHttpClient } from './massive-http-client.ts';
import { RangeRefusals } from './massive-range-refusals.ts';
import { SETTINGS } from '../config/settings.ts';
import type { AggregatesRangeResponse } from './massive-schemas.ts';
import { aggregatesRangeResponseSchema, groupedDailyResponseSchema } from './massive-schemas.ts';
import type { Sleep } from './rolling-window-rate-limiter.ts';
import { realSleep } from './rolling-window-rate-limiter.ts';

export interface MassiveProviderOptions {
  readonly apiKey: string | undefined;
  /** MASSIVE_BASE_URL. */
  readonly baseUrl: string;
  /** Calls per rolling minute, 0 = unlimited (MASSIVE_RATE_LIMIT_PER_MINUTE). */
  readonly rateLimitPerMinute: number;
  /** Per attempt, headers and body included; default 10 000. */
  readonly timeoutMs?: number;
  /** Attempts per request, the first included; default 4. */
  readonly maxAttempts?: number;
  /** Bytes a response body may have (after decompression); default 16 MiB. */
  readonly maxBodyBytes?: number;
  /** Calls in flight at once (MASSIVE_MAX_IN_FLIGHT's range). The rate limiter still paces every call start. */
  readonly maxInFlight: number;
  readonly clock: Clock;
  readonly sleep?: Sleep;
  readonly random?: () => number;
  readonly logger?: AppLogger;
  /**
   * The HTTP client to call through, shared by every Massive adapter of a process so that one rate
   * limiter paces all their calls (the market's grouped calls and the lists' range calls share a plan's
   * 5 calls a minute). Absent: the adapter makes its own from the options above.
   */
  readonly http?: MassiveHttpClient;
}

export const MASSIVE_DEFAULT_TIMEOUT_MS = 10_000;
export const MASSIVE_DEFAULT_MAX_ATTEMPTS = 4;
const IN_FLIGHT = SETTINGS.massiveMaxInFlight.range;
/** Only a `next_url`'s path and query are kept, so a relative one may resolve against any base. */
export const NEXT_URL_BASE = 'https://next-url.invalid';

/** The HTTP client of the provider options, defaults filled in: every Massive adapter talks through one. */
export function massiveHttpClient(
  options: Omit<MassiveProviderOptions, 'maxInFlight'>,
  logger: AppLogger,
): MassiveHttpClient {
  if (options.http !== undefined) return options.http;
  return new MassiveHttpClient({
    apiKey: options.apiKey,
    baseUrl: options.baseUrl,
    rateLimitPerMinute: options.rateLimitPerMinute,
    timeoutMs: options.timeoutMs ?? MASSIVE_DEFAULT_TIMEOUT_MS,
    maxAttempts: options.maxAttempts ?? MASSIVE_DEFAULT_MAX_ATTEMPTS,
    maxBodyBytes: options.maxBodyBytes,
    clock: options.clock,
    sleep: options.sleep ?? realSleep,
    random: options.random ?? Math.random,
    logger,
  });
}

/** Daily bars span at most ~13 000 sessions in the calendar: one page always fits, so many pages mean a loop. */
const MAX_RANGE_PAGES = 100;
const RANGE_PATH_PREFIX = '/v2/aggs/ticker/';
/** Dropped or conflicting bars named in one log line; the count says how many there were. */
const LOGGED_EXAMPLES = 5;

/**
 * Daily bars from Massive (formerly Polygon.io) with the fewest calls: one aggregates-range call per
 * ticker, or one grouped-daily call per session, whichever is cheaper for the request.
 *
 * Up to `maxInFlight` calls run at once (the first one alone), every start paced by the rate limiter.
 *
 * Failure semantics: a missing, malformed or rejected key throws (nothing can be delivered). Otherwise
 * sessions are reported undelivered: with the range plan a failed ticker call fails every session (a
 * ranking without that ticker would be wrong) and no further call starts; with the grouped plan only the
 * session of the failed call (and the one that needed it as its previous session) is lost. A "before end
 * of day" refusal marks the newest sessions not-yet-available and the rest is still fetched.
 *
 * Nothing from an answer is trusted blindly (massive-bar-checks.ts): an answer about another ticker or
 * with stamps that cannot be placed fails its call; stray bars are dropped and logged; identical copies
 * count once, and copies that disagree are passed on for the ranking to exclude with a reason.
 */
export class MassiveStockQuoteProvider implements StockQuoteProvider {
  readonly source = 'massive' as const;
  private readonly http: MassiveHttpClient;
  private readonly clock: Clock;
  private readonly logger: AppLogger;
  private readonly maxInFlight: number;

  constructor(options: MassiveProviderOptions) {
    this.clock = options.clock;
    this.logger = options.logger ?? silentLogger;
    this.maxInFlight = options.maxInFlight;
    if (
      !Number.isInteger(this.maxInFlight) ||
      this.maxInFlight < IN_FLIGHT.min ||
      this.maxInFlight > IN_FLIGHT.max
    ) {
      throw new RangeError(
        `maxInFlight must be a whole number from ${IN_FLIGHT.min} to ${IN_FLIGHT.max}, got ${this.maxInFlight}.`,
      );
    }
    this.http = massiveHttpClient(options, this.logger);
  }

  async plan(request: QuoteRequest): Promise<MassiveFetchPlan> {
    return planMassiveFetch(request);
  }

  async fetchDailyBars(request: QuoteRequest): Promise<QuoteBatch> {
    const plan = planMassiveFetch(request);
    this.logger.info('massive fetch plan', {
      strategy: plan.strategy,
      calls: plan.calls,
      description: plan.description,
    });
    if (plan.strategy === 'none') return { bars: [], undelivered: [] };
    this.http.assertKeyConfigured();
    const batch =
      plan.strategy === 'aggregates-range'
        ? await this.fetchByRange(plan)
        : await this.fetchByGroupedDaily(plan);
    this.logger.info('massive fetch done', {
      strategy: plan.strategy,
      bars: batch.bars.length,
      notYetAvailable: batch.undelivered.filter((entry) => entry.kind === 'not-yet-available').length,
      failed: batch.undelivered.filter((entry) => entry.kind === 'failed').length,
    });
    return batch;
  }

  /** One call per ticker, up to `maxInFlight` at once; any failed ticker fails every session. */
  private async fetchByRange(plan: MassiveRangePlan): Promise<QuoteBatch> {
    const refusals = new RangeRefusals(plan.sessions, plan.span.to);
    let perSymbol: DailyBar[][];
    try {
      perSymbol = await mapWithConcurrency(plan.symbols, this.maxInFlight, (symbol) =>
        this.fetchSymbolRange(symbol, plan.span.from, refusals),
      );
    } catch (error) {
      if (isFatalMassiveError(error)) throw error;
      return { bars: [], undelivered: refusals.undeliveredAll(error as Error) };
    }
    const wanted = new Set(plan.neededSessions.filter((session) => !refusals.isUnpublished(session)));
    return {
      bars: perSymbol.flat().filter((bar) => wanted.has(bar.session)),
      undelivered: refusals.undelivered(),
    };
  }

  /**
   * One ticker's range from `from`, ending earlier each time Massive refuses the newest sessions as not
   * yet published. The refusals are shared by the tickers in flight, so each later call asks for less.
   */
  private async fetchSymbolRange(symbol: string, from: string, refusals: RangeRefusals): Promise<DailyBar[]> {
    for (;;) {
      const to = refusals.to;
      try {
        return await this.fetchRangePages(symbol, from, to);
      } catch (error) {
        if (!(error instanceof NotYetAvailableError)) throw this.rangeFailure(symbol, error);
        this.learnRefusal(refusals, to, error);
      }
    }
  }

  /** The error of a failed ticker call, logged unless it is fatal (fatal ones are reported by the caller). */
  private rangeFailure(symbol: string, error: unknown): unknown {
    if (!isFatalMassiveError(error)) {
      this.logger.warn('massive range call failed: every requested session is undelivered', {
        symbol,
        error: (error as Error).message,
      });
    }
    return error;
  }

  /** Narrows the range after a refusal of `.. to`; throws the refusal on when no session is left to ask for. */
  private learnRefusal(refusals: RangeRefusals, to: string, refusal: NotYetAvailableError): void {
    const somethingLeft = refusals.learn(to, refusal, this.clock.now().getTime());
    this.logger.info('massive has not published the newest sessions yet', {
      notYetAvailable: refusals.notYetAvailable,
    });
    if (!somethingLeft) throw refusal;
  }

  /**
   * One ticker over [from, to], following `next_url` against our own base URL. An answer about another
   * ticker, or with stamps that cannot be placed, is refused whole; stray bars are dropped (screenBars).
   */
  private async fetchRangePages(symbol: string, from: string, to: string): Promise<DailyBar[]> {
    const bars: DailyBar[] = [];
    let path: string | undefined =
      `${RANGE_PATH_PREFIX}${encodeURIComponent(symbol)}/range/1/day/${from}/${to}` +
      '?adjusted=true&sort=asc&limit=50000';
    for (let page = 1; path !== undefined; page++) {
      if (page > MAX_RANGE_PAGES) {
        throw new InvalidResponseError(
          'aggregates-range',
          `pagination did not end after ${MAX_RANGE_PAGES} pages`,
        );
      }
      const body: AggregatesRangeResponse = await this.http.get(
        'aggregates-range',
        path,
        aggregatesRangeResponseSchema,
      );
      if (body.ticker !== undefined && body.ticker !== symbol) {
        throw new WrongTickerError('aggregates-range', symbol, this.http.quote(body.ticker), 'answer');
      }
      bars.push(...body.results.map((row) => toDailyBar('aggregates-range', symbol, row)));
      path = body.next_url === undefined ? undefined : this.nextPagePath(symbol, body.next_url);
    }
    return this.screened('aggregates-range', bars, from, to);
  }

  /** `next_url` names Massive's host and no key: keep its path and query only, for our base URL and auth. */
  private nextPagePath(symbol: string, nextUrl: string): string {
    let url: URL;
    try {
      url = new URL(nextUrl, NEXT_URL_BASE);
    } catch {
      throw new InvalidResponseError('aggregates-range', 'next_url is not a URL');
    }
    const [ticker, ...rest] = url.pathname.slice(RANGE_PATH_PREFIX.length).split('/');
    if (!url.pathname.startsWith(RANGE_PATH_PREFIX) || rest.slice(0, 3).join('/') !== 'range/1/day') {
      throw new InvalidResponseError('aggregates-range', 'next_url does not point at an aggregates range');
    }
    const pageTicker = safeDecode(ticker ?? '');
    if (pageTicker !== symbol) {
      throw new WrongTickerError('aggregates-range', symbol, this.http.quote(pageTicker), 'next_url');
    }
    // Documented to carry no key; should one ever appear there, it must not travel on (or be logged).
    url.searchParams.delete('apiKey');
    return `${url.pathname}${url.search}`;
  }

  /** The bars that belong to an answer about `from .. to`; what is dropped, and why, is logged. */
  private screened(
    endpoint: MassiveEndpoint,
    bars: readonly DailyBar[],
    from: string,
    to: string,
  ): DailyBar[] {
    const { kept, dropped, conflicting } = screenBars(bars, from, to);
    if (dropped.length > 0) {
      this.logger.warn('massive bars dropped', {
        endpoint,
        count: dropped.length,
        examples: dropped.slice(0, LOGGED_EXAMPLES),
      });
    }
    if (conflicting.length > 0) {
      this.logger.warn('massive sent copies of a bar that disagree: the ranking excludes the ticker', {
        endpoint,
        count: conflicting.length,
        examples: conflicting.slice(0, LOGGED_EXAMPLES),
      });
    }
    return kept;
  }

  private async fetchByGroupedDaily(plan: MassiveGroupedPlan): Promise<QuoteBatch> {
    const watched = new Set(plan.symbols);
    const problems = new Map<string, Error>();
    const perDate = await mapWithConcurrency(plan.neededSessions, this.maxInFlight, async (date) => {
      try {
        return await this.fetchGroupedDaily(date, watched);
      } catch (error) {
        if (isFatalMassiveError(error)) throw error;
        this.logger.warn('massive grouped-daily call failed: its session is undelivered', {
          session: date,
          error: (error as Error).message,
        });
        problems.set(date, error as Error);
        return [];
      }
    });
    const bars = perDate.flat();
    const undelivered: UndeliveredSession[] = [];
    for (const session of plan.sessions) {
      // Close-to-close needs the previous session too: without it the ranking would be empty, not right.
      const problem =
        problems.get(session) ??
        (plan.neededSessions.length > plan.sessions.length
          ? problems.get(previousSession(session))
          : undefined);
      if (problem) {
        undelivered.push({
          session,
          kind: problem instanceof NotYetAvailableError ? 'not-yet-available' : 'failed',
          error: problem,
        });
      }
    }
    return { bars, undelivered };
  }

  /** One session for the watched tickers; a watched row of another day means the answer is not that session. */
  private async fetchGroupedDaily(date: string, watched: ReadonlySet<string>): Promise<DailyBar[]> {
    const body = await this.http.get(
      'grouped-daily',
      `/v2/aggs/grouped/locale/us/market/stocks/${date}?adjusted=true`,
      groupedDailyResponseSchema,
    );
    const bars: DailyBar[] = [];
    for (const row of body.results) {
      if (!watched.has(row.T)) continue;
      const bar = toDailyBar('grouped-daily', row.T, row);
      if (bar.session !== date) {
        throw new InvalidResponseError(
          'grouped-daily',
          `asked for ${date}, got a ${row.T} bar of ${bar.session}`,
        );
      }
      bars.push(bar);
    }
    return this.screened('grouped-daily', bars, date, date);
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
