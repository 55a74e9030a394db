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
export function printSummary(summary: SyncSummary, json: boolean): number {
  const exitCode = exitCodeOfSummary(summary);
  const { source } = summary;
  if (json) {
    process.stdout.write(`${JSON.stringify({ ...toSyncReport(summary), source }, null, 2)}\n`);
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

/**
 * Prints a run of the market and the lists: the market's line, then each list's summary. As JSON, the
 * (first) list's report as before, with the market's report beside it under `market`.
 */
export function printDailySync(daily: MarketAndListsSummary<SyncWatchlistsSummary>, json: boolean): number {
  const market = toMarketSyncReport(daily.market);
  const marketExit = marketFailed(market) ? EXIT_FAILURE : EXIT_OK;
  const [first, ...others] = daily.lists.watchlists;
  if (json) {
    const lists = daily.lists.watchlists.map(({ watchlist, summary }) => ({
      watchlist,
      ...toSyncReport(summary),
      source: summary.source,
    }));
    process.stdout.write(`${JSON.stringify({ ...lists[0], watchlists: lists, market }, null, 2)}\n`);
    return Math.max(marketExit, ...daily.lists.watchlists.map(({ summary }) => exitCodeOfSummary(summary)));
  }
  if (market.included) process.stdout.write(`${marketLine(market)}\n`);
  let exitCode = marketExit;
  for (const list of first ? [first, ...others] : []) {
    exitCode = Math.max(exitCode, printSummary(list.summary, false));
  }
  return exitCode;
}

function exitCodeOfSummary(summary: SyncSummary): number {
  return summary.failed.length > 0 ? EXIT_FAILURE : EXIT_OK;
}

/** One line for the market's part of a run. */
export function marketLine(market: MarketSyncReport): string {
  const palette = paletteFor(process.stdout);
  if (market.error) return palette.red(`Market board: not synced: ${market.error.message}`);
  const verb = market.dryRun ? 'would make' : 'made';
  const parts = [
    `${verb} ${market.calls} grouped-daily call(s)`,
    `stored ${market.stored.length}`,
    `already present ${market.alreadyPresent}`,
  ];
  if (market.notYetAvailable.length > 0) parts.push(`not yet available ${market.notYetAvailable.length}`);
  if (market.noData.length > 0) parts.push(`no data ${market.noData.length}`);
  if (market.failed.length > 0) parts.push(palette.red(`failed ${market.failed.length}`));
  return `Market board: ${parts.join(', ')}`;
}
