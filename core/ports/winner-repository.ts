import type { Basis, DataSource, RankedMover, SessionResult } from '../movers.ts';

export type SaveOutcome = 'stored' | 'already-present';

/** The slice of a stored session that lists show: its winner, without the ranking. */
export interface WinnerRow {
  readonly date: string;
  readonly winner: RankedMover;
  readonly basis: Basis;
  readonly source: DataSource;
}

/** A stored session that could not be read back (a damaged item): reported, never fatal to a list. */
export interface UnreadableSession {
  readonly date: string;
  readonly reason: string;
}

export interface WinnerRows {
  /** Newest first. */
  readonly rows: readonly WinnerRow[];
  readonly unreadable: readonly UnreadableSession[];
}

/** The stored session results of one watchlist. Dates are `YYYY-MM-DD` session dates. */
export interface WinnerRepository {
  /**
   * Stores a result if its session is absent; with `overwrite`, replaces whatever is there.
   * Concurrent savers of one session leave exactly one result: the losers get `already-present`.
   */
  save(result: SessionResult, options?: { overwrite?: boolean }): Promise<SaveOutcome>;
  /**
   * Stores many results (sessions the caller found missing) with the same per-session guarantee as
   * `save`; the outcomes are in the order of `results`.
   */
  saveMany(results: readonly SessionResult[], options?: { overwrite?: boolean }): Promise<SaveOutcome[]>;
  get(date: string): Promise<SessionResult | undefined>;
  /**
   * The winners of the `limit` newest sessions on or before `onOrBefore`, newest first: what a list
   * of winners reads, so its cost does not depend on the watchlist's width. A stored session that
   * cannot be read counts towards `limit` and is reported in `unreadable`, never failing the list.
   */
  latestWinners(limit: number, onOrBefore?: string): Promise<WinnerRows>;
  /** Dates stored with `from <= date <= to`, ascending (reads keys only). */
  storedSessions(from: string, to: string): Promise<string[]>;
  /** How many sessions are stored (damaged ones too): one count, its cost that of the winner rows it counts. */
  countSessions(): Promise<number>;
}
