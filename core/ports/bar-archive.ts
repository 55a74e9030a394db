import type { DailyBar, DataSource } from '../movers.ts';
import type { UnreadableSession } from './winner-repository.ts';

/**
 * What one fetch delivered for one session: every ticker it asked about (`tickers`) and the bars of
 * those that traded. A ticker in `tickers` without a bar did not trade that session: "absent" is known,
 * unlike a ticker never asked about.
 */
export interface FetchedSession {
  readonly session: string;
  readonly tickers: readonly string[];
  readonly bars: readonly DailyBar[];
}

/** An archived bar and the fetch it came from: bars of one fetch were adjusted (for splits) together. */
export interface ArchivedBar extends DailyBar {
  readonly fetchId: string;
}

export interface ArchivedBars {
  /** Per session, the tickers some readable fetch covered; sessions never fetched are absent. */
  readonly covered: ReadonlyMap<string, ReadonlySet<string>>;
  /**
   * One bar per (session, ticker), of the tickers asked for only. When fetches disagree (the upstream
   * adjusted its history between them, for a split), the newest fetch's bar is the one kept.
   */
  readonly bars: readonly ArchivedBar[];
  /** Stored fetches that could not be read back: their tickers count as never fetched, so they are fetched again. */
  readonly unreadable: readonly UnreadableSession[];
}

/**
 * Every (ticker, session) already fetched from a data source, so a bar is fetched at most once however
 * many watchlists hold the ticker. Append-only: recording never rewrites what is there, so concurrent
 * recorders cannot lose each other's fetches. Only delivered sessions are recorded, never a session
 * the source has not published yet or failed to deliver.
 */
export interface BarArchive {
  /** The archive of `source` for the sessions `from <= session <= to`, bars limited to `tickers`. */
  read(source: DataSource, from: string, to: string, tickers: readonly string[]): Promise<ArchivedBars>;
  /**
   * Appends the sessions of one fetch. `fetchId` names the fetch and orders fetches: a later fetch has a
   * greater id (string order), so its bars win where fetches disagree.
   */
  record(source: DataSource, fetchId: string, sessions: readonly FetchedSession[]): Promise<void>;
}
