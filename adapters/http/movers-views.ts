import type {
  Basis,
  DataSource,
  RankedMover,
  SessionResult,
  Watchlist,
  WatchlistOverview,
  WinnersList,
} from '../../core/index.ts';
import { sessionCloseTime } from '../../core/index.ts';
import type { MoverRecord, MoversResponse, SessionResponse, WatchlistsResponse } from './api-contract.ts';

/** Company names by ticker (CachedTickerNames): shown beside each ticker that has one. */
export type TickerNames = ReadonlyMap<string, string>;

/** The body of `GET /movers` (the default list) and `/watchlists/{name}/movers`, which `stocks-cli winners` prints too. */
export function moversView(
  days: number,
  list: WinnersList,
  basis: Basis,
  watchlist: Watchlist,
  names: TickerNames = new Map(),
): MoversResponse {
  const data = list.results.map((result) => ({
    date: result.date,
    ...moverView(result.winner, names),
    basis: result.basis,
    source: result.source,
  }));
  return {
    range: `last_${days}_days`,
    days,
    count: data.length,
    data,
    missing: list.missing,
    unreadable: list.unreadable,
    sessions: list.sessions,
    asOf: list.asOf,
    // The close of the as-of session: stable for a given answer, so the ETag only changes with the data.
    asOfTime: sessionCloseTime(list.asOf).toISOString(),
    basis,
    source: sourceOf(list.results),
    watchlist: watchlist.symbols,
    watchlistName: watchlist.name,
  };
}

/** The body of `GET /movers/{date}`. */
export function sessionView(result: SessionResult, names: TickerNames = new Map()): SessionResponse {
  return {
    date: result.date,
    basis: result.basis,
    source: result.source,
    computedAt: result.computedAt,
    winner: moverView(result.winner, names),
    ranking: result.ranking.map((mover, index) => ({ rank: index + 1, ...moverView(mover, names) })),
    excluded: result.excluded,
  };
}

/** The body of `GET /watchlists`, which `stocks-cli watchlists --json` prints too. */
export function watchlistsView(overviews: readonly WatchlistOverview[]): WatchlistsResponse {
  return {
    watchlists: overviews.map((overview) => ({
      name: overview.name,
      symbols: overview.symbols,
      sessionsStored: overview.sessionsStored,
      latestSession: overview.latestSession ?? null,
      isDefault: overview.isDefault,
    })),
  };
}

function moverView(mover: RankedMover, names: TickerNames): MoverRecord {
  const name = names.get(mover.symbol);
  return {
    symbol: mover.symbol,
    ...(name !== undefined && { name }),
    changePercent: round2(mover.changePercent),
    open: mover.open,
    close: mover.close,
    ...(mover.previousClose !== undefined && { previousClose: mover.previousClose }),
  };
}

export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Where a window's data came from: null when nothing is stored, 'mixed' when both sources are. */
export function sourceOf(stored: readonly { readonly source: DataSource }[]): DataSource | 'mixed' | null {
  const sources = new Set(stored.map((entry) => entry.source));
  return sources.size === 0 ? null : sources.size === 1 ? ([...sources][0] ?? null) : 'mixed';
}
