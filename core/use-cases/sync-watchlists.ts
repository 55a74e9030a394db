import { ArchivingQuoteProvider } from '../archiving-quote-provider.ts';
import { DomainError } from '../errors.ts';
import type { Basis } from '../movers.ts';
import type { BarArchive } from '../ports/bar-archive.ts';
import type { Clock } from '../ports/clock.ts';
import type { FetchPlan, StockQuoteProvider } from '../ports/stock-quote-provider.ts';
import type { UnreadableSession, WinnerRepository } from '../ports/winner-repository.ts';
import type { SyncProgress, SyncRequest, SyncSummary } from './sync-winners.ts';
import { SyncWinners } from './sync-winners.ts';

export interface Watchlist {
  readonly name: string;
  readonly symbols: readonly string[];
}

export interface SyncWatchlistsSettings {
  readonly watchlists: readonly Watchlist[];
  readonly basis: Basis;
  readonly publishDelayMinutes: number;
  readonly barsPerChunk?: number;
  /** Told of archived fetches that could not be read back (they are fetched again). */
  readonly onUnreadable?: (unreadable: readonly UnreadableSession[]) => void;
}

export interface SyncWatchlistsRequest extends Omit<SyncRequest, 'onProgress'> {
  /** Only this list; every list when absent. */
  readonly watchlist?: string;
  readonly onProgress?: (progress: SyncProgress & { readonly watchlist: string }) => void;
}

export interface WatchlistSyncSummary {
  readonly watchlist: string;
  /** Its `plan` is what the list would cost alone; the run's cost is the union plan below. */
  readonly summary: SyncSummary;
}

export interface SyncWatchlistsSummary {
  readonly watchlists: readonly WatchlistSyncSummary[];
  /** One plan over the lists' missing sessions and the tracked tickers: what the run costs, in calls. */
  readonly plan: FetchPlan;
  /** Calls made (0 in a dry run), as the inner provider planned each request it was sent. */
  readonly callsMade: number;
  readonly dryRun: boolean;
}

export class UnknownWatchlistError extends DomainError {
  readonly code = 'UNKNOWN_WATCHLIST';
  constructor(
    readonly watchlist: string,
    readonly known: readonly string[],
  ) {
    super(`Unknown watchlist "${watchlist}": the watchlists are ${known.join(', ')}.`);
  }
}

/**
 * Syncs every watchlist (or one) from one fetch. Each list keeps its own WinnerRepository and its own
 * ranking; the bars come through one ArchivingQuoteProvider over the union of all lists' tickers, so a
 * (ticker, session) is fetched at most once however many lists hold it, and a list whose bars are
 * archived costs no call.
 *
 * The run first finds each list's missing sessions (a dry run of SyncWinners: no fetch), then fetches
 * what the archive lacks for all of them in one go, then lets each list's SyncWinners rank from the
 * archive. A dry run stops after pricing that one fetch, so the calls it reports are the calls the run
 * makes: pricing list after list instead would count a session once per list that lacks it, since in a
 * dry run nothing is fetched for the next list to find archived. (A close-to-close run also re-fetches
 * a session whose open gaps from an archived previous close; that cannot be priced in advance.)
 */
export class SyncWatchlists {
  constructor(
    private readonly provider: StockQuoteProvider,
    private readonly archive: BarArchive,
    private readonly repositoryOf: (watchlist: string) => WinnerRepository,
    private readonly clock: Clock,
    private readonly settings: SyncWatchlistsSettings,
  ) {}

  async execute(request: SyncWatchlistsRequest): Promise<SyncWatchlistsSummary> {
    const lists = this.listsOf(request.watchlist);
    const archiving = new ArchivingQuoteProvider(this.provider, this.archive, this.clock, {
      universe: this.settings.watchlists.flatMap((list) => list.symbols),
      barsPerFetch: this.settings.barsPerChunk,
      onUnreadable: this.settings.onUnreadable,
    });
    const { onProgress: _onProgress, watchlist: _watchlist, ...plain } = request;
    const planned = await Promise.all(
      lists.map((list) => this.syncOf(list, archiving).execute({ ...plain, dryRun: true })),
    );
    const union = {
      symbols: [...new Set(lists.flatMap((list) => list.symbols))],
      sessions: [...new Set(planned.flatMap((summary) => summary.missing))].sort(),
      includePreviousSession: this.settings.basis === 'close-to-close',
    };
    const plan = await archiving.plan(union);
    if (request.dryRun) {
      return {
        watchlists: lists.map((list, index) => ({
          watchlist: list.name,
          summary: planned[index] as SyncSummary,
        })),
        plan,
        callsMade: 0,
        dryRun: true,
      };
    }
    let filled: ArchivingQuoteProvider = archiving;
    if (!request.signal?.aborted) {
      try {
        filled = archiving.knowing(await archiving.archiveMissing(union));
      } catch (error) {
        // Nothing could be delivered at all (a missing or rejected key): every list would fail alike.
        const cause = error instanceof Error ? error : new Error(String(error));
        return {
          watchlists: lists.map((list, index) => ({
            watchlist: list.name,
            summary: failedSummary(planned[index] as SyncSummary, cause),
          })),
          plan,
          callsMade: archiving.callsMade,
          dryRun: false,
        };
      }
    }
    const watchlists: WatchlistSyncSummary[] = [];
    for (const list of lists) {
      const summary = await this.syncOf(list, filled).execute({
        ...plain,
        onProgress:
          request.onProgress && ((progress) => request.onProgress?.({ ...progress, watchlist: list.name })),
      });
      watchlists.push({ watchlist: list.name, summary });
    }
    return { watchlists, plan, callsMade: filled.callsMade, dryRun: false };
  }

  private listsOf(name: string | undefined): readonly Watchlist[] {
    if (name === undefined) return this.settings.watchlists;
    const list = this.settings.watchlists.find((candidate) => candidate.name === name);
    if (!list)
      throw new UnknownWatchlistError(
        name,
        this.settings.watchlists.map((candidate) => candidate.name),
      );
    return [list];
  }

  private syncOf(list: Watchlist, provider: StockQuoteProvider): SyncWinners {
    return new SyncWinners(provider, this.repositoryOf(list.name), this.clock, {
      symbols: list.symbols,
      basis: this.settings.basis,
      publishDelayMinutes: this.settings.publishDelayMinutes,
      barsPerChunk: this.settings.barsPerChunk,
    });
  }
}

function failedSummary(planned: SyncSummary, error: Error): SyncSummary {
  return {
    ...planned,
    failed: planned.missing.map((session) => ({ session, error })),
    dryRun: false,
  };
}
