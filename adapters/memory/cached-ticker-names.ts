import type { Clock, TickerReferenceCache } from '../../core/index.ts';
import { TICKER_REFERENCE_MAX_AGE_MS } from '../../core/index.ts';

/** How long an empty cache (no market sync has run yet) is trusted before the store is asked again. */
export const EMPTY_NAMES_RETRY_MS = 60 * 60 * 1000;

/**
 * Company names by ticker, from the stored ticker reference, for the views that show a name beside a
 * ticker. Read from the store once per process and kept until the copy it read is a week old (the age at
 * which the market sync replaces it), so answering a request never reads the reference: at most one
 * store read a week, or an hour while nothing is stored. Bounded by the reference itself (one name per
 * listed ticker, about 12 000), whatever clients ask for. Concurrent callers share one read.
 */
export class CachedTickerNames {
  private held: { readonly names: ReadonlyMap<string, string>; readonly until: number } | undefined;
  private loading: Promise<ReadonlyMap<string, string>> | undefined;

  constructor(
    private readonly cache: TickerReferenceCache,
    private readonly clock: Clock,
    /** Told when the store cannot be read: names are an extra, so the answer goes out without them. */
    private readonly onUnreadable: (error: unknown) => void = () => {},
  ) {}

  async names(): Promise<ReadonlyMap<string, string>> {
    const now = this.clock.now().getTime();
    if (this.held && now < this.held.until) return this.held.names;
    this.loading ??= this.load(now).finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async load(now: number): Promise<ReadonlyMap<string, string>> {
    let stored: Awaited<ReturnType<TickerReferenceCache['load']>>;
    try {
      stored = await this.cache.load();
    } catch (error) {
      this.onUnreadable(error);
      stored = undefined;
    }
    const names = new Map(stored?.tickers.map((ticker) => [ticker.symbol, ticker.name]) ?? []);
    const until = stored
      ? Math.max(Date.parse(stored.fetchedAt) + TICKER_REFERENCE_MAX_AGE_MS, now + EMPTY_NAMES_RETRY_MS)
      : now + EMPTY_NAMES_RETRY_MS;
    this.held = { names, until };
    return names;
  }
}
