import type { DailyBar, MarketDataProvider, MarketSessionBars, TickerReference } from '../../core/index.ts';
import type { AppLogger } from '../observability/app-logger.ts';
import { silentLogger } from '../observability/app-logger.ts';
import type { ScreenedBars } from './massive-bar-checks.ts';
import { screenBars, toDailyBar } from './massive-bar-checks.ts';
import { InvalidResponseError, isFatalMassiveError, NotYetAvailableError } from './massive-errors.ts';
import type { MassiveHttpClient } from './massive-http-client.ts';
import type { ReferenceTickersResponse } from './massive-reference-schemas.ts';
import { referenceTickersResponseSchema } from './massive-reference-schemas.ts';
import type { GroupedDailyResponse } from './massive-schemas.ts';
import { groupedDailyResponseSchema } from './massive-schemas.ts';
import type { MassiveProviderOptions } from './massive-stock-quote-provider.ts';
import { MASSIVE_DEFAULT_BASE_URL, massiveHttpClient } from './massive-stock-quote-provider.ts';

const REFERENCE_PATH = '/v3/reference/tickers';
/** About 12 pages today; 50 000 listings would mean the pagination loops. */
const MAX_REFERENCE_PAGES = 50;
const LOGGED_EXAMPLES = 5;

export type MassiveMarketDataOptions = Omit<MassiveProviderOptions, 'maxInFlight'>;

/**
 * The whole US market from Massive: one grouped-daily call per session (about 12 000 rows, 1.6 MB; the
 * HTTP client's 16 MiB cap leaves room for ten times that), and the reference tickers, 1 000 a page,
 * following `next_url` against our own base URL with our auth.
 *
 * The grouped answer gets the checks the watchlist's grouped calls get (massive-bar-checks.ts): a row
 * of another day refuses the whole answer (it is not that session), stray rows are dropped and logged,
 * and copies that disagree are passed on for the ranking to leave out. A key problem throws; any other
 * failure of a session is reported undelivered, "not published yet" as such.
 */
export class MassiveMarketDataProvider implements MarketDataProvider {
  readonly source = 'massive' as const;
  private readonly http: MassiveHttpClient;
  private readonly logger: AppLogger;

  constructor(options: MassiveMarketDataOptions) {
    this.logger = options.logger ?? silentLogger;
    this.http = massiveHttpClient(options, this.logger);
  }

  async fetchSessionBars(session: string): Promise<MarketSessionBars> {
    this.http.assertKeyConfigured();
    try {
      return { kind: 'delivered', bars: await this.groupedDaily(session) };
    } catch (error) {
      if (isFatalMassiveError(error)) throw error;
      const kind = error instanceof NotYetAvailableError ? 'not-yet-available' : 'failed';
      if (kind === 'failed') {
        this.logger.warn('massive grouped-daily call failed: the market session is undelivered', {
          session,
          error: (error as Error).message,
        });
      }
      return { kind: 'undelivered', undelivered: { session, kind, error: error as Error } };
    }
  }

  async fetchTickerReference(): Promise<readonly TickerReference[]> {
    this.http.assertKeyConfigured();
    const tickers = new Map<string, TickerReference>();
    const repeated: string[] = [];
    let path: string | undefined =
      `${REFERENCE_PATH}?market=stocks&active=true&limit=1000&order=asc&sort=ticker`;
    for (let page = 1; path !== undefined; page++) {
      if (page > MAX_REFERENCE_PAGES) {
        throw new InvalidResponseError(
          'reference-tickers',
          `pagination did not end after ${MAX_REFERENCE_PAGES} pages`,
        );
      }
      const body: ReferenceTickersResponse = await this.http.get(
        'reference-tickers',
        path,
        referenceTickersResponseSchema,
      );
      for (const row of body.results) {
        if (tickers.has(row.ticker)) {
          repeated.push(row.ticker);
          continue;
        }
        tickers.set(row.ticker, { symbol: row.ticker, name: row.name ?? '', type: row.type ?? '' });
      }
      path = body.next_url === undefined ? undefined : referenceNextPath(body.next_url);
    }
    if (repeated.length > 0) {
      this.logger.warn('massive listed a ticker twice in the reference: the first listing is kept', {
        count: repeated.length,
        examples: repeated.slice(0, LOGGED_EXAMPLES).map((ticker) => this.http.quote(ticker)),
      });
    }
    this.logger.info('massive ticker reference fetched', { tickers: tickers.size });
    return [...tickers.values()];
  }

  /** Every row of one session (marketSessionRows), what was dropped logged. */
  private async groupedDaily(date: string): Promise<DailyBar[]> {
    const body = await this.http.get(
      'grouped-daily',
      `/v2/aggs/grouped/locale/us/market/stocks/${date}?adjusted=true`,
      groupedDailyResponseSchema,
    );
    const { kept, dropped, conflicting } = marketSessionRows(body, date, (text) => this.http.quote(text));
    if (dropped.length > 0 || conflicting.length > 0) {
      this.logger.warn('massive grouped-daily rows dropped or disagreeing: the ranking leaves them out', {
        session: date,
        dropped: dropped.length,
        conflicting: conflicting.length,
        examples: [...dropped.map((entry) => entry.symbol), ...conflicting].slice(0, LOGGED_EXAMPLES),
      });
    }
    return kept;
  }
}

/**
 * The bars of a validated grouped-daily answer about `date`: a row of another day refuses the whole
 * answer (it is not that session); stray rows and identical copies are screened out (screenBars).
 * `quote` makes upstream text safe for a message. Exported for bench:market, which times it.
 */
export function marketSessionRows(
  body: GroupedDailyResponse,
  date: string,
  quote: (text: string) => string,
): ScreenedBars {
  const bars: DailyBar[] = [];
  for (const row of body.results) {
    const bar = toDailyBar('grouped-daily', row.T, row);
    if (bar.session !== date) {
      throw new InvalidResponseError(
        'grouped-daily',
        `asked for ${date}, got a ${quote(row.T)} bar of ${bar.session}`,
      );
    }
    bars.push(bar);
  }
  return screenBars(bars, date, date);
}

/** `next_url` names Massive's host and carries no key: keep its path and query only, for our base URL and auth. */
function referenceNextPath(nextUrl: string): string {
  let url: URL;
  try {
    url = new URL(nextUrl, MASSIVE_DEFAULT_BASE_URL);
  } catch {
    throw new InvalidResponseError('reference-tickers', 'next_url is not a URL');
  }
  if (url.pathname !== REFERENCE_PATH) {
    throw new InvalidResponseError('reference-tickers', 'next_url does not point at the reference tickers');
  }
  // Documented to carry no key; should one ever appear there, it must not travel on (or be logged).
  url.searchParams.delete('apiKey');
  return `${url.pathname}${url.search}`;
}
