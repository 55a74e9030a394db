import type { TickerReference } from '../market-board.ts';
import type { DailyBar, DataSource } from '../movers.ts';
import type { UndeliveredSession } from './stock-quote-provider.ts';

/** One session of the whole market: every ticker's bar, or why the session could not be delivered. */
export type MarketSessionBars =
  | { readonly kind: 'delivered'; readonly bars: readonly DailyBar[] }
  | { readonly kind: 'undelivered'; readonly undelivered: UndeliveredSession };

/**
 * The whole US stock market, apart from any watchlist: every ticker's bar for one session (one
 * grouped-daily call) and the reference data that says what each ticker is (paged, slow to fetch and
 * slow to change: callers cache it). A port of its own rather than more StockQuoteProvider methods: a
 * watchlist's quotes and the market's are asked for by different use cases with different costs, and
 * each adapter of either port then keeps one contract to honour.
 *
 * Like StockQuoteProvider it throws only when nothing can be delivered at all (a missing or rejected
 * key); a session Massive has not published yet, or that failed, is a value.
 */
export interface MarketDataProvider {
  readonly source: DataSource;
  /** Every US stock's bar for `session` (a trading session, `YYYY-MM-DD`), each ticker once. */
  fetchSessionBars(session: string): Promise<MarketSessionBars>;
  /** Every active US stock ticker with its name and security type, each ticker once. */
  fetchTickerReference(): Promise<readonly TickerReference[]>;
}
