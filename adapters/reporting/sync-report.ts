import type { FetchPlan, SyncSummary, SyncWatchlistsSummary } from '../../core/index.ts';

export interface SyncReport {
  readonly from: string;
  readonly to: string;
  readonly plan: SyncSummary['plan'] | null;
  readonly stored: readonly string[];
  readonly alreadyPresent: number;
  readonly noData: readonly string[];
  readonly notYetAvailable: readonly string[];
  readonly failed: readonly { session: string; code: string; message: string }[];
  readonly skipped: readonly string[];
  readonly dryRun: boolean;
}

/** The JSON form of a sync summary, shared by the sync handler's log and result and `stocks-cli --json`. */
export function toSyncReport(summary: SyncSummary): SyncReport {
  return {
    from: summary.from,
    to: summary.to,
    plan: summary.plan ?? null,
    stored: summary.stored,
    alreadyPresent: summary.alreadyPresent.length,
    noData: summary.noData,
    notYetAvailable: summary.notYetAvailable,
    failed: summary.failed.map(({ session, error }) => ({
      session,
      code: errorCode(error),
      message: error.message,
    })),
    skipped: summary.skipped,
    dryRun: summary.dryRun,
  };
}

/** The distinct failure messages of a summary: one line per cause, not one per session. */
export function failureCauses(summary: SyncSummary): string[] {
  return [...new Set(summary.failed.map(({ error }) => error.message))];
}

function errorCode(error: Error): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : error.name;
}

// --- Watchlists (issue 14) ---------------------------------------------------------------------------

export interface WatchlistSyncReport extends SyncReport {
  readonly watchlist: string;
}

/** A run over the watchlists: each list's report, and what the one fetch behind them all cost. */
export interface SyncWatchlistsReport {
  readonly watchlists: readonly WatchlistSyncReport[];
  /** The union plan: the calls the run costs for every list together. */
  readonly plan: FetchPlan;
  readonly callsMade: number;
  readonly dryRun: boolean;
}

export function toSyncWatchlistsReport(summary: SyncWatchlistsSummary): SyncWatchlistsReport {
  return {
    watchlists: summary.watchlists.map(({ watchlist, summary: list }) => ({
      watchlist,
      ...toSyncReport(list),
    })),
    plan: summary.plan,
    callsMade: summary.callsMade,
    dryRun: summary.dryRun,
  };
}
