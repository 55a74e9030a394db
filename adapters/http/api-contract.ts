import type { Basis, DataSource, ExcludedSymbol, UnreadableSession } from '../../core/index.ts';

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

/** `GET /health`. */
export interface HealthResponse {
  readonly status: 'ok';
  readonly time: string;
}

/** Every 4xx and 5xx the API (or API Gateway itself) answers. */
export interface ErrorResponse {
  readonly error: { readonly code: string; readonly message: string };
}
