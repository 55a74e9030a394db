import type {
  Basis,
  DataSource,
  ExcludedSymbol,
  MarketBoardBasis,
  MarketFilters,
  UnreadableSession,
} from '../../core/index.ts';

/**
 * The JSON the API serves, declared once: MoversApi builds it (movers-views.ts), and `stocks-cli winners`
 * and the dashboard import these types (type-only, so neither pays for this module at run time).
 */

/** The window `GET /movers` and `stocks-cli winners` show when no `days` is given. */
export const DEFAULT_DAYS = 7;

/** A mover as the API shows it: `changePercent` rounded to 2 decimals; `previousClose` only for close-to-close. */
export interface MoverRecord {
  readonly symbol: string;
  readonly changePercent: number;
  readonly open: number;
  readonly close: number;
  readonly previousClose?: number;
  /** The company's name from the reference data, when it is known. */
  readonly name?: string;
}

/** One session's winner in `GET /movers`. */
export interface WinnerRecord extends MoverRecord {
  readonly date: string;
  readonly basis: Basis;
  readonly source: DataSource;
}

/** `GET /movers?days=N&asOf=DATE`: the last N sessions up to `asOf`, newest first. */
export interface MoversResponse {
  readonly range: `last_${number}_days`;
  readonly days: number;
  readonly count: number;
  /** Stored winners, newest first. */
  readonly data: readonly WinnerRecord[];
  /** Sessions of the window with no readable stored result, newest first. */
  readonly missing: readonly string[];
  /** Stored sessions of the window that could not be read (also listed in `missing`), and why. */
  readonly unreadable: readonly UnreadableSession[];
  /** Every session of the window, newest first. */
  readonly sessions: readonly string[];
  readonly asOf: string;
  /** The instant the `asOf` session closed. */
  readonly asOfTime: string;
  /** The basis this deployment computes new sessions with. */
  readonly basis: Basis;
  /** Where the window's data came from: null when nothing is stored, 'mixed' when both sources are. */
  readonly source: DataSource | 'mixed' | null;
  readonly watchlist: readonly string[];
  /** The watchlist's name (`default` for `GET /movers`). */
  readonly watchlistName: string;
}

export interface RankedRecord extends MoverRecord {
  readonly rank: number;
}

/** `GET /movers/{date}`: that session's whole ranking. */
export interface SessionResponse {
  readonly date: string;
  readonly basis: Basis;
  readonly source: DataSource;
  readonly computedAt: string;
  readonly winner: MoverRecord;
  readonly ranking: readonly RankedRecord[];
  readonly excluded: readonly ExcludedSymbol[];
}

/** One watchlist in `GET /watchlists`. */
export interface WatchlistRecord {
  /** Lowercase letters, digits and `-`: the `{name}` of `/watchlists/{name}/movers`. */
  readonly name: string;
  readonly symbols: readonly string[];
  readonly sessionsStored: number;
  /** The newest stored session, null when none is. */
  readonly latestSession: string | null;
  /** The list `GET /movers` shows. */
  readonly isDefault: boolean;
}

/** `GET /watchlists`: every configured list, the default first. */
export interface WatchlistsResponse {
  readonly watchlists: readonly WatchlistRecord[];
}

/** One ticker on a market board, as the API shows it (`changePercent` rounded to 2 decimals). */
export interface MarketMoverRecord {
  readonly symbol: string;
  readonly name?: string;
  readonly changePercent: number;
  readonly open: number;
  readonly close: number;
  readonly volume: number;
  readonly dollarVolume: number;
}

/** One session of the market board. */
export interface MarketSessionRecord {
  readonly date: string;
  /** Largest rise first. */
  readonly gainers: readonly MarketMoverRecord[];
  /** Largest fall first. */
  readonly losers: readonly MarketMoverRecord[];
  /** Tickers that passed the filters that session. */
  readonly universeSize: number;
  readonly filters: MarketFilters;
  readonly basis: MarketBoardBasis;
  readonly source: DataSource;
}

/** `GET /market/movers?days=N&asOf=DATE`: the market board of the last N sessions, newest first. */
export interface MarketMoversResponse {
  readonly range: `last_${number}_days`;
  readonly days: number;
  readonly count: number;
  /** Stored boards, newest first. */
  readonly data: readonly MarketSessionRecord[];
  /** Sessions of the window with no readable stored board, newest first. */
  readonly missing: readonly string[];
  readonly unreadable: readonly UnreadableSession[];
  readonly sessions: readonly string[];
  readonly asOf: string;
  readonly asOfTime: string;
  /** The filters this deployment applies to new sessions. */
  readonly filters: MarketFilters;
  readonly source: DataSource | 'mixed' | null;
}

/** `GET /market/movers/{date}`: one session's board. */
export type MarketSessionResponse = MarketSessionRecord;

/** `GET /health`. */
export interface HealthResponse {
  readonly status: 'ok';
  readonly time: string;
}

/** Every 4xx and 5xx the API (or API Gateway itself) answers. */
export interface ErrorResponse {
  readonly error: { readonly code: string; readonly message: string };
}
