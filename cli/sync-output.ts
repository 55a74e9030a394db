import { Presets, SingleBar } from 'cli-progress';
import type {
  MarketAndListsSummary,
  SyncProgress,
  SyncSummary,
  SyncWatchlistsSummary,
} from '../core/index.ts';
import {
  failureCauses,
  marketFailed,
  toMarketSyncReport,
  toSyncReport,
  toSyncWatchlistsReport,
  type MarketSyncReport,
} from '../adapters/reporting/sync-report.ts';
import { EXIT_FAILURE, EXIT_OK, paletteFor, reportProblem } from './output.ts';

/** A progress bar on a terminal, one plain line per session otherwise (logs, CI, pipes). */
export function progressReporter(total: () => number): {
  onProgress(progress: SyncProgress): void;
  stop(): void;
} {
  if (process.stderr.isTTY) {
    const bar = new SingleBar(
      {
        format: ' {bar} {value}/{total} sessions | {session} {outcome}',
        stream: process.stderr,
        hideCursor: true,
      },
      Presets.shades_classic,
    );
    let started = false;
    return {
      onProgress(progress) {
        if (!started) bar.start(total(), 0, { session: '', outcome: '' });
        started = true;
        bar.update(progress.done, { session: progress.session, outcome: progress.outcome });
      },
      stop: () => started && bar.stop(),
    };
  }
  return {
    onProgress: (progress) =>
      process.stderr.write(`[${progress.done}/${progress.total}] ${progress.session} ${progress.outcome}\n`),
    stop() {},
  };
}

/** Prints a run's summary and returns the exit code its failures call for: they are values here, not throws. */
/** `extra`: more fields of the JSON form (the market's report beside the lists'). */
export function printSummary(summary: SyncSummary, json: boolean, extra: object = {}): number {
  const exitCode = summary.failed.length > 0 ? EXIT_FAILURE : EXIT_OK;
  const { source } = summary;
  if (json) {
    process.stdout.write(`${JSON.stringify({ ...toSyncReport(summary), source, ...extra }, null, 2)}\n`);
    return exitCode;
  }
  const causes = failureCauses(summary);
  const [soleCause] = causes;
  if (soleCause !== undefined && causes.length === 1 && summary.failed.length === summary.missing.length) {
    // Everything failed for one reason (a rejected key, dates outside the plan): say it once, plainly.
    reportProblem(soleCause);
    return exitCode;
  }
  const palette = paletteFor(process.stdout);
  const lines = [
    `Sessions ${summary.from} to ${summary.to} (source ${source === 'simulated' ? palette.yellow('SIMULATED') : source}):`,
    `  stored             ${summary.stored.length}`,
    `  already present    ${summary.alreadyPresent.length}`,
    `  not yet available  ${summary.notYetAvailable.length}${list(summary.notYetAvailable)}`,
    `  no data            ${summary.noData.length}${list(summary.noData)}`,
    `  failed             ${summary.failed.length}`,
  ];
  if (summary.skipped.length > 0)
    lines.push(`  not processed      ${summary.skipped.length} (stopped; run again to resume)`);
  for (const cause of causes) lines.push(palette.red(`  error: ${cause}`));
  process.stdout.write(`${lines.join('\n')}\n`);
  return exitCode;
}

function list(sessions: readonly string[]): string {
  if (sessions.length === 0) return '';
  const shown = sessions.slice(0, 5).join(', ');
  return ` (${shown}${sessions.length > 5 ? ', …' : ''})`;
}

// --- Watchlists (issue 14) ---------------------------------------------------------------------------

/**
 * Prints a run over the watchlists. One list prints exactly what a single-list run always printed; several
 * print each list's summary under its name, then the run's calls (one fetch served them all).
 */
export function printWatchlistsSummary(
  summary: SyncWatchlistsSummary,
  json: boolean,
  extra: object = {},
): number {
  const [only] = summary.watchlists;
  if (only && summary.watchlists.length === 1) return printSummary(only.summary, json, extra);
  const exitCode = summary.watchlists.some((list) => list.summary.failed.length > 0) ? EXIT_FAILURE : EXIT_OK;
  if (json) {
    const report = toSyncWatchlistsReport(summary);
    process.stdout.write(`${JSON.stringify({ ...report, ...extra }, null, 2)}\n`);
    return exitCode;
  }
  const causes = [...new Set(summary.watchlists.flatMap((list) => failureCauses(list.summary)))];
  const [soleCause] = causes;
  const allFailed = summary.watchlists.every(
    (list) => list.summary.failed.length === list.summary.missing.length,
  );
  if (soleCause !== undefined && causes.length === 1 && allFailed) {
    reportProblem(soleCause);
    return exitCode;
  }
  for (const { watchlist, summary: listSummary } of summary.watchlists) {
    process.stdout.write(`Watchlist ${watchlist}:\n`);
    printSummary(listSummary, false);
  }
  process.stdout.write(`Calls made: ${summary.callsMade} for ${summary.watchlists.length} watchlists.\n`);
  return exitCode;
}

/** The union plan of a dry run: what the run would cost for every list together. */
export function printWatchlistsPlan(summary: SyncWatchlistsSummary, json: boolean, extra: object = {}): void {
  const { plan } = summary;
  const [only] = summary.watchlists;
  if (only && summary.watchlists.length === 1) {
    printPlan(only.summary.missing, plan, json, extra);
    return;
  }
  if (json) {
    const watchlists = summary.watchlists.map((list) => ({
      watchlist: list.watchlist,
      sessions: list.summary.missing,
    }));
    process.stdout.write(`${JSON.stringify({ dryRun: true, plan, watchlists, ...extra }, null, 2)}\n`);
    return;
  }
  const lines = summary.watchlists.map(({ watchlist, summary: listSummary }) => {
    const missing = listSummary.missing;
    const range = missing.length > 0 ? `, ${missing[0]} to ${missing[missing.length - 1]}` : '';
    return `  ${watchlist}: would fill ${missing.length} session(s)${range}`;
  });
  process.stdout.write(
    `${lines.join('\n')}\n` +
      `Plan for every list together: ${plan.description} (${plan.calls} call(s), strategy ${plan.strategy}).\n`,
  );
}

export function printPlan(
  sessions: readonly string[],
  plan: { strategy: string; calls: number; description: string } | undefined,
  json: boolean,
  extra: object = {},
): void {
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ dryRun: true, plan: plan ?? null, sessions, ...extra }, null, 2)}\n`,
    );
    return;
  }
  if (sessions.length === 0) {
    process.stdout.write('Nothing to fill: every session of the range is stored.\n');
    return;
  }
  process.stdout.write(
    `Would fill ${sessions.length} session(s), ${sessions[0]} to ${sessions[sessions.length - 1]}.\n` +
      `Plan: ${plan?.description ?? 'none'} (${plan?.calls ?? 0} call(s), strategy ${plan?.strategy ?? 'none'}).\n` +
      `Sessions: ${sessions.join(' ')}\n`,
  );
}

// --- The market board (issue 14) ---------------------------------------------------------------------

/**
 * A run of the market and the lists (`sync`, `backfill`): the market's line, then the lists' summary; as
 * JSON, the lists' report with the market's beside it under `market`. A dry run prints the plans, the
 * market's in calls and in minutes at MASSIVE_RATE_LIMIT_PER_MINUTE.
 */
export function printDailySync(
  daily: MarketAndListsSummary<SyncWatchlistsSummary>,
  json: boolean,
  rateLimitPerMinute: number,
): number {
  const market = toMarketSyncReport(daily.market);
  const extra = market.included
    ? { market: { ...market, minutesAtRateLimit: minutesAt(market.calls, rateLimitPerMinute) } }
    : {};
  if (!json && market.included) process.stdout.write(`${marketLine(market, rateLimitPerMinute)}\n`);
  if (daily.lists.dryRun) {
    printWatchlistsPlan(daily.lists, json, extra);
    return EXIT_OK;
  }
  const listsExit = printWatchlistsSummary(daily.lists, json, extra);
  return marketFailed(market) ? EXIT_FAILURE : listsExit;
}

/** Minutes `calls` take at the rate limit (a call starts each 60/limit s); null when unlimited (0). */
function minutesAt(calls: number, rateLimitPerMinute: number): number | null {
  return rateLimitPerMinute === 0 ? null : Math.ceil(calls / rateLimitPerMinute);
}

function marketLine(market: MarketSyncReport, rateLimitPerMinute: number): string {
  const palette = paletteFor(process.stdout);
  if (market.error) return palette.red(`Market board: not synced: ${market.error.message}`);
  if (market.dryRun) {
    const minutes = minutesAt(market.calls, rateLimitPerMinute);
    const time =
      minutes === null
        ? 'no rate limit (MASSIVE_RATE_LIMIT_PER_MINUTE=0)'
        : `about ${minutes} minute(s) at ${rateLimitPerMinute} calls/minute`;
    return (
      `Market board: ${market.missing.length} session(s) without a board: ${market.calls} grouped-daily call(s), ${time}.\n` +
      "  Those answers also hold the lists' tickers: the lists' plan below counts calls they would save."
    );
  }
  const parts = [
    `made ${market.calls} grouped-daily call(s)`,
    `stored ${market.stored.length}`,
    `already present ${market.alreadyPresent}`,
  ];
  if (market.notYetAvailable.length > 0) parts.push(`not yet available ${market.notYetAvailable.length}`);
  if (market.noData.length > 0) parts.push(`no data ${market.noData.length}`);
  if (market.failed.length > 0) parts.push(palette.red(`failed ${market.failed.length}`));
  return `Market board: ${parts.join(', ')}`;
}
