import type {
  FetchPlan,
  MarketOutcome,
  SessionFailure,
  SyncSummary,
  SyncWatchlistsSummary,
} from '../../core/index.ts';

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
    ...outcomeReport(summary),
  };
}

type OutcomeFields =
  'stored' | 'alreadyPresent' | 'noData' | 'notYetAvailable' | 'failed' | 'skipped' | 'dryRun';

/** What a run did with each session, as both the lists' and the market's reports say it. */
function outcomeReport(
  summary: Pick<SyncSummary, OutcomeFields> & { readonly failed: readonly SessionFailure[] },
): Pick<SyncReport, OutcomeFields> {
  return {
    stored: summary.stored,
    alreadyPresent: summary.alreadyPresent.length,
    noData: summary.noData,
    notYetAvailable: summary.notYetAvailable,
    failed: failureReports(summary.failed),
    skipped: summary.skipped,
    dryRun: summary.dryRun,
  };
}

/** The distinct failure messages of a summary: one line per cause, not one per session. */
export function failureCauses(summary: SyncSummary): string[] {
  return [...new Set(summary.failed.map(({ error }) => error.message))];
}

function failureReports(
  failed: readonly SessionFailure[],
): { session: string; code: string; message: string }[] {
  return failed.map(({ session, error }) => ({ session, code: errorCode(error), message: error.message }));
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

/** The market board's part of a run (issue 14), in the JSON of `sync --json` and the sync handler's log. */
export interface MarketSyncReport extends Pick<
  SyncReport,
  'stored' | 'alreadyPresent' | 'noData' | 'notYetAvailable' | 'failed' | 'skipped' | 'dryRun'
> {
  readonly included: boolean;
  /** Sessions that lacked a board: one grouped-daily call each. */
  readonly missing: readonly string[];
  /** Grouped-daily calls made (in a dry run: that the run would make). */
  readonly calls: number;
  /** Where the types and names came from; null when nothing was missing. */
  readonly reference: string | null;
  /** Why the market could not be synced at all (the lists were still synced). */
  readonly error: { readonly code: string; readonly message: string } | null;
}

export function toMarketSyncReport(outcome: MarketOutcome): MarketSyncReport {
  const empty = {
    missing: [],
    calls: 0,
    stored: [],
    alreadyPresent: 0,
    noData: [],
    notYetAvailable: [],
    failed: [],
    skipped: [],
    reference: null,
    error: null,
    dryRun: false,
  };
  if (outcome.kind === 'not-included') return { included: false, ...empty };
  if (outcome.kind === 'failed') {
    return {
      included: true,
      ...empty,
      error: { code: errorCode(outcome.error), message: outcome.error.message },
    };
  }
  const { summary } = outcome;
  return {
    included: true,
    missing: summary.missing,
    calls: summary.calls,
    ...outcomeReport(summary),
    reference: summary.reference ?? null,
    error: null,
  };
}

/** True when the market's part of a run failed, whole or for a session: the run's exit code says so. */
export function marketFailed(report: MarketSyncReport): boolean {
  return report.error !== null || report.failed.length > 0;
}
