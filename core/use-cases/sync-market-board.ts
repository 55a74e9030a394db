import { archivableSessions } from '../bar-archive.ts';
import { isTradingDay } from '../calendar.ts';
import { InvalidRangeError } from '../errors.ts';
import type { MarketBoard, MarketFilters, TickerReference } from '../market-board.ts';
import { DEFAULT_MARKET_FILTERS, MARKET_BOARD_BASIS, marketFilters, rankMarket } from '../market-board.ts';
import type { DailyBar } from '../movers.ts';
import type { BarArchive } from '../ports/bar-archive.ts';
import type { Clock } from '../ports/clock.ts';
import type {
  MarketBoardRepository,
  StoredTickerReference,
  TickerReferenceCache,
} from '../ports/market-board-repository.ts';
import type { MarketDataProvider } from '../ports/market-data-provider.ts';
import { parseSessionDate } from '../session-date.ts';
import { windowSessions } from './session-window.ts';
import type { SessionFailure, SessionOutcomes, SyncWindow } from './sync-winners.ts';

/** Types change slowly and a full refresh costs about 12 calls (3 minutes on the free plan): weekly is enough. */
export const TICKER_REFERENCE_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

/** Ten years of sessions: the most one run is asked to cover (one grouped-daily call each). */
export const MAX_MARKET_SYNC_SESSIONS = 2_520;

export interface SyncMarketBoardRequest {
  /**
   * Trading sessions wanted, `YYYY-MM-DD` (days without a session are ignored), or a sync window
   * resolved against the clock as SyncWinners resolves it.
   */
  readonly sessions: readonly string[] | SyncWindow;
  /** Only find the missing sessions (one call each); fetch and store nothing. */
  readonly dryRun?: boolean;
  /** Recompute and overwrite boards that are already stored. */
  readonly force?: boolean;
  /** Checked before each fetch: once aborted, the run stops after the current session. */
  readonly signal?: { readonly aborted: boolean };
}

/** Where the types and names came from: the cache, a refresh, or an old cache because the refresh failed. */
export type ReferenceOrigin = 'cached' | 'refreshed' | 'stale-cache';

/** `missing` costs one grouped-daily call per session. */
export interface SyncMarketBoardSummary extends SessionOutcomes {
  /** Undefined when nothing was missing (no reference was needed) and in a dry run. */
  readonly reference: ReferenceOrigin | undefined;
  /** Grouped-daily calls made, or in a dry run that the run would make: one per missing session. */
  readonly calls: number;
  readonly dryRun: boolean;
}

/**
 * The watchlists' tickers, and the archive their syncs read: each grouped-daily answer covers the whole
 * market, so the board's sync records these tickers' bars from it and a watchlists' sync of the same
 * sessions that follows costs no call (docs/bar-archive.md).
 */
export interface TrackedTickersArchive {
  readonly archive: BarArchive;
  readonly tickers: readonly string[];
}

export interface SyncMarketBoardOptions {
  /** For a window given as a number of sessions or an open-ended range; 0 by default. */
  readonly publishDelayMinutes?: number;
  readonly tracked?: TrackedTickersArchive;
}

/**
 * Stores the market board of each given session that has none: one grouped-daily fetch per missing
 * session, ranked with the cached ticker reference (refreshed when older than a week). A run with
 * nothing missing makes no call at all, not even to the reference.
 *
 * A failed refresh falls back on the old cache (types change slowly); with no cache at all the run
 * throws, because without types no session can be filtered.
 */
export class SyncMarketBoard {
  private readonly filters: MarketFilters;

  constructor(
    private readonly provider: MarketDataProvider,
    private readonly boards: MarketBoardRepository,
    private readonly referenceCache: TickerReferenceCache,
    private readonly clock: Clock,
    filters: MarketFilters = DEFAULT_MARKET_FILTERS,
    private readonly options: SyncMarketBoardOptions = {},
  ) {
    this.filters = marketFilters(filters);
  }

  async execute(request: SyncMarketBoardRequest): Promise<SyncMarketBoardSummary> {
    const sessions = wantedSessions(this.sessionsOf(request.sessions));
    const missing = await this.missingSessions(sessions, request.force ?? false);
    const dryRun = request.dryRun ?? false;
    const summary = {
      missing,
      stored: [] as string[],
      alreadyPresent: [] as string[],
      noData: [] as string[],
      notYetAvailable: [] as string[],
      failed: [] as SessionFailure[],
      skipped: [] as string[],
      reference: undefined as ReferenceOrigin | undefined,
      calls: dryRun ? missing.length : 0,
      dryRun,
    };
    if (missing.length === 0 || dryRun) return summary;
    const { reference, origin } = await this.reference();
    summary.reference = origin;
    for (const [index, session] of missing.entries()) {
      if (request.signal?.aborted) {
        summary.skipped.push(...missing.slice(index));
        break;
      }
      const answer = await this.provider.fetchSessionBars(session);
      summary.calls += 1;
      if (answer.kind === 'undelivered') {
        if (answer.undelivered.kind === 'not-yet-available') summary.notYetAvailable.push(session);
        else summary.failed.push({ session, error: answer.undelivered.error });
        continue;
      }
      if (answer.bars.length === 0) {
        summary.noData.push(session);
        continue;
      }
      await this.archiveTracked(session, answer.bars, `${this.clock.now().toISOString()}#market`);
      const outcome = await this.boards.save(this.board(session, answer.bars, reference), {
        overwrite: request.force ?? false,
      });
      (outcome === 'stored' ? summary.stored : summary.alreadyPresent).push(session);
    }
    return summary;
  }

  private sessionsOf(sessions: SyncMarketBoardRequest['sessions']): readonly string[] {
    if (isSessionList(sessions)) return sessions;
    return windowSessions(sessions, this.clock.now(), this.options.publishDelayMinutes ?? 0);
  }

  /**
   * Records the tracked tickers' bars of one grouped answer. Every tracked ticker counts as covered,
   * traded or not: the answer holds every US stock that traded, so one absent from it did not trade.
   */
  private async archiveTracked(session: string, bars: readonly DailyBar[], fetchId: string): Promise<void> {
    const tracked = this.options.tracked;
    if (!tracked || tracked.tickers.length === 0) return;
    const wanted = new Set(tracked.tickers);
    const fetched = {
      session,
      tickers: [...wanted],
      bars: bars.filter((bar) => bar.session === session && wanted.has(bar.symbol)),
    };
    await tracked.archive.record(this.provider.source, fetchId, archivableSessions([fetched]));
  }

  private board(
    date: string,
    bars: Parameters<typeof rankMarket>[0],
    reference: ReadonlyMap<string, TickerReference>,
  ): MarketBoard {
    const sessionBars = bars.filter((bar) => bar.session === date);
    return {
      date,
      ...rankMarket(sessionBars, reference, this.filters),
      basis: MARKET_BOARD_BASIS,
      source: this.provider.source,
      computedAt: this.clock.now().toISOString(),
    };
  }

  private async missingSessions(sessions: readonly string[], force: boolean): Promise<string[]> {
    if (force || sessions.length === 0) return [...sessions];
    const stored = new Set(
      await this.boards.storedSessions(sessions[0] as string, sessions.at(-1) as string),
    );
    return sessions.filter((session) => !stored.has(session));
  }

  private async reference(): Promise<{
    reference: ReadonlyMap<string, TickerReference>;
    origin: ReferenceOrigin;
  }> {
    const cached = await this.referenceCache.load();
    const now = this.clock.now();
    if (cached && now.getTime() - Date.parse(cached.fetchedAt) < TICKER_REFERENCE_MAX_AGE_MS) {
      return { reference: bySymbol(cached), origin: 'cached' };
    }
    let fresh: StoredTickerReference;
    try {
      fresh = { fetchedAt: now.toISOString(), tickers: await this.provider.fetchTickerReference() };
    } catch (error) {
      if (!cached) throw error;
      return { reference: bySymbol(cached), origin: 'stale-cache' };
    }
    await this.referenceCache.replace(fresh);
    return { reference: bySymbol(fresh), origin: 'refreshed' };
  }
}

function bySymbol(reference: StoredTickerReference): Map<string, TickerReference> {
  return new Map(reference.tickers.map((ticker) => [ticker.symbol, ticker]));
}

function isSessionList(sessions: SyncMarketBoardRequest['sessions']): sessions is readonly string[] {
  return Array.isArray(sessions);
}

/** The trading sessions among `sessions`, checked, ascending, each once. */
function wantedSessions(sessions: readonly string[]): string[] {
  const unique = [...new Set(sessions.map((session) => parseSessionDate(session)))];
  if (unique.length > MAX_MARKET_SYNC_SESSIONS) {
    throw new InvalidRangeError(
      `${unique.length} sessions asked for: one market sync covers at most ${MAX_MARKET_SYNC_SESSIONS}.`,
    );
  }
  return unique.filter((session) => isTradingDay(session)).sort();
}
