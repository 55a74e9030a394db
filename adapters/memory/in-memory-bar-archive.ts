import type {
  ArchivedBars,
  ArchivedFetch,
  BarArchive,
  DataSource,
  FetchedSession,
} from '../../core/index.ts';
import { mergeArchivedFetches } from '../../core/index.ts';

/** The BarArchive in process memory: tests, benchmarks, and runs that keep nothing. */
export class InMemoryBarArchive implements BarArchive {
  private readonly fetches = new Map<DataSource, ArchivedFetch[]>();

  async read(
    source: DataSource,
    from: string,
    to: string,
    tickers: readonly string[],
  ): Promise<ArchivedBars> {
    const inRange = (this.fetches.get(source) ?? []).filter(
      (fetch) => fetch.session >= from && fetch.session <= to,
    );
    return mergeArchivedFetches(inRange, tickers, []);
  }

  async record(source: DataSource, fetchId: string, sessions: readonly FetchedSession[]): Promise<void> {
    const fetches = this.fetches.get(source) ?? [];
    // Copies, so a caller changing its arrays afterwards cannot change the archive.
    for (const { session, tickers, bars } of sessions) {
      fetches.push({ session, fetchId, tickers: [...tickers], bars: bars.map((bar) => ({ ...bar })) });
    }
    this.fetches.set(source, fetches);
  }
}
