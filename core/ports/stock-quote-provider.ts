import type { DailyBar, DataSource } from '../movers.ts';

export interface QuoteRequest {
  readonly symbols: readonly string[];
  /** Trading sessions wanted, ascending, `YYYY-MM-DD`. */
  readonly sessions: readonly string[];
  /** Also return bars of the session before each requested one (the close-to-close basis needs them). */
  readonly includePreviousSession: boolean;
}

/** How the provider intends to serve a request, so it can be logged and shown by `--dry-run`. */
export interface FetchPlan {
  readonly strategy: string;
  readonly calls: number;
  readonly description: string;
}

/**
 * A session the provider could not deliver. `not-yet-available` is the normal state of a session
 * whose bars are not published yet; `failed` is anything else (outage, entitlement, bad response).
 */
export interface UndeliveredSession {
  readonly session: string;
  readonly kind: 'not-yet-available' | 'failed';
  readonly error: Error;
}

export interface QuoteBatch {
  /** Bars for any of the requested (and, if asked, previous) sessions; tickers that did not trade are absent. */
  readonly bars: readonly DailyBar[];
  readonly undelivered: readonly UndeliveredSession[];
}

/**
 * Daily bars of a watchlist for a set of sessions. The adapter chooses how to fetch them (fewest calls).
 * It throws only when nothing can be delivered at all (missing or rejected key, for instance).
 */
export interface StockQuoteProvider {
  readonly source: DataSource;
  /** Async: a provider may need to read (an archive of fetched bars) to know what a request costs. */
  plan(request: QuoteRequest): Promise<FetchPlan>;
  fetchDailyBars(request: QuoteRequest): Promise<QuoteBatch>;
}
