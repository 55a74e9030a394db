import type { SessionResult } from '../movers.ts';

export type SaveOutcome = 'stored' | 'already-present';

/** The stored session results of one watchlist. Dates are `YYYY-MM-DD` session dates. */
export interface WinnerRepository {
  /**
   * Stores a result if its session is absent; with `overwrite`, replaces whatever is there.
   * Concurrent savers of one session leave exactly one result: the losers get `already-present`.
   */
  save(result: SessionResult, options?: { overwrite?: boolean }): Promise<SaveOutcome>;
  get(date: string): Promise<SessionResult | undefined>;
  /** The `limit` newest results, newest first, on or before `onOrBefore` when given. */
  latest(limit: number, onOrBefore?: string): Promise<SessionResult[]>;
  /** Results with `from <= date <= to`, ascending. */
  range(from: string, to: string): Promise<SessionResult[]>;
  /** Dates stored with `from <= date <= to`, ascending (reads keys only). */
  storedSessions(from: string, to: string): Promise<string[]>;
}
