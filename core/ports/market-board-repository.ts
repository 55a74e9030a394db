import type { MarketBoard, TickerReference } from '../market-board.ts';
import type { SaveOutcome, UnreadableSession } from './winner-repository.ts';

export interface MarketBoards {
  /** Newest first. */
  readonly boards: readonly MarketBoard[];
  readonly unreadable: readonly UnreadableSession[];
}

/** The stored market boards, one per session (`YYYY-MM-DD`), in a partition of their own. */
export interface MarketBoardRepository {
  /** Stores a board if its session is absent; with `overwrite`, replaces whatever is there. */
  save(board: MarketBoard, options?: { overwrite?: boolean }): Promise<SaveOutcome>;
  get(date: string): Promise<MarketBoard | undefined>;
  /**
   * The boards of the `limit` newest sessions on or before `onOrBefore`, newest first; a damaged one
   * counts towards `limit` and is reported in `unreadable`, never failing the list.
   */
  latest(limit: number, onOrBefore?: string): Promise<MarketBoards>;
  /** Dates stored with `from <= date <= to`, ascending. */
  storedSessions(from: string, to: string): Promise<string[]>;
}

/** The reference data as last fetched, and when: it is refreshed when it is older than a week. */
export interface StoredTickerReference {
  /** ISO 8601 instant of the fetch. */
  readonly fetchedAt: string;
  readonly tickers: readonly TickerReference[];
}

/** The cached ticker reference: one copy, replaced whole, so a reader never sees half a refresh. */
export interface TickerReferenceCache {
  load(): Promise<StoredTickerReference | undefined>;
  replace(reference: StoredTickerReference): Promise<void>;
}
