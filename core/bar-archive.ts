import type { DailyBar } from './movers.ts';
import type { ArchivedBar, ArchivedBars, FetchedSession } from './ports/bar-archive.ts';
import type { UnreadableSession } from './ports/winner-repository.ts';

/** One recorded fetch of one session, as a BarArchive adapter keeps it. */
export interface ArchivedFetch extends FetchedSession {
  readonly fetchId: string;
}

/**
 * Whether a store keeps every number of `bar` exactly. DynamoDB stores magnitudes from 1e-130 to
 * 9.9e125 and its document client refuses anything beyond 2^53; a bar outside that is a defect
 * upstream. It is not archived and its ticker is left uncovered, so the session is fetched again
 * rather than kept wrong; the fetch that brought it still serves the bar to its caller.
 */
export function isArchivableBar(bar: DailyBar): boolean {
  return [bar.open, bar.high, bar.low, bar.close, bar.volume].every((value) => {
    const magnitude = Math.abs(value);
    return (
      Number.isFinite(value) &&
      magnitude <= Number.MAX_SAFE_INTEGER &&
      (magnitude === 0 || magnitude >= 1e-130)
    );
  });
}

/** The sessions as they may be archived: an unarchivable bar is dropped together with its ticker. */
export function archivableSessions(sessions: readonly FetchedSession[]): FetchedSession[] {
  return sessions.map((fetched) => {
    const refused = new Set(fetched.bars.filter((bar) => !isArchivableBar(bar)).map((bar) => bar.symbol));
    if (refused.size === 0) return fetched;
    return {
      session: fetched.session,
      tickers: fetched.tickers.filter((ticker) => !refused.has(ticker)),
      bars: fetched.bars.filter((bar) => !refused.has(bar.symbol)),
    };
  });
}

/**
 * What a BarArchive read answers, from the fetches it found (any order). Every adapter merges the same
 * way: a (session, ticker) is covered if any fetch covered it, and its bar is the one of the latest
 * fetch (greatest `fetchId`) that covered it, so a refetch after the upstream re-adjusted its history
 * supersedes the old copy. A latest fetch that covered the ticker without a bar means it did not trade.
 */
export function mergeArchivedFetches(
  fetches: readonly ArchivedFetch[],
  tickers: readonly string[],
  unreadable: readonly UnreadableSession[],
): ArchivedBars {
  const wanted = new Set(tickers);
  const latestFirst = [...fetches].sort((a, b) =>
    a.fetchId < b.fetchId ? 1 : a.fetchId > b.fetchId ? -1 : 0,
  );
  const covered = new Map<string, Set<string>>();
  const bars: ArchivedBar[] = [];
  for (const fetch of latestFirst) {
    let seen = covered.get(fetch.session);
    if (!seen) covered.set(fetch.session, (seen = new Set<string>()));
    const barsBySymbol = new Map(fetch.bars.map((bar) => [bar.symbol, bar] as const));
    for (const ticker of fetch.tickers) {
      if (seen.has(ticker)) continue;
      seen.add(ticker);
      const bar = barsBySymbol.get(ticker);
      if (bar && wanted.has(ticker)) bars.push({ ...bar, fetchId: fetch.fetchId });
    }
  }
  return { covered, bars, unreadable };
}
