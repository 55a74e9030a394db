import type { Command } from 'commander';
import { ReversedRangeError } from '../../core/index.ts';
import { TOKENS } from '../../adapters/composition/tokens.ts';
import { EXIT_INTERRUPTED, UsageError } from '../output.ts';
import type { GlobalOptions } from '../runtime.ts';
import { selectedWatchlist, watchlistOption } from '../watchlist-option.ts';

interface BackfillOptions extends GlobalOptions {
  from: string;
  to?: string;
  force?: boolean;
  dryRun?: boolean;
  watchlist?: string;
  json?: boolean;
  market?: boolean;
}

export function registerBackfill(program: Command): void {
  program
    .command('backfill')
    .description(
      'Fill every session of a date range that has no stored winner, for every watchlist from one fetch. Resumable: run it again to continue.',
    )
    .requiredOption('--from <date>', 'first date, YYYY-MM-DD')
    .option('--to <date>', 'last date, YYYY-MM-DD (default the latest completed session)')
    .option('--force', 'recompute and overwrite sessions that are already stored')
    .option(
      '--dry-run',
      'print the call plan (for every list together) and the sessions it would fill, change nothing',
    )
    .addOption(watchlistOption('only this watchlist'))
    .option(
      '--market',
      "also fill the market board: one grouped-daily call a session, which covers the lists' tickers too",
    )
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ stocks-cli backfill --from 2025-01-01\n  $ stocks-cli backfill --from 2025-01-01 --to 2025-06-30 --dry-run\n  $ stocks-cli backfill --from 2025-01-01 --watchlist ev\n  $ stocks-cli backfill --from 2025-01-01 --market --dry-run\n\nCtrl-C stops after the current write; nothing stored is lost, and the next run resumes.',
    )
    .action(async (_options, command: Command) => {
      const options = command.optsWithGlobals<BackfillOptions>();
      // Loaded here, not at start: the store, the SDK and the Massive client are what `--help` must not pay for.
      const [{ configFrom, openRuntime }, { printDailySync, progressReporter }] = await Promise.all([
        import('../runtime.ts'),
        import('../sync-output.ts'),
      ]);
      const config = configFrom(options);
      const watchlist = selectedWatchlist(config, options.watchlist);
      const runtime = await openRuntime(config);
      const includeMarket = options.market ?? false;
      const stop = { aborted: false };
      // The market's part writes a board per session from its first fetch on.
      let writing = includeMarket && !options.dryRun;
      const interrupt = () => {
        // Each session is one atomic write: before the first one (while fetching) there is nothing to lose.
        if (stop.aborted || !writing) {
          process.stderr.write('\nStopped. Nothing was lost; run the same command again to resume.\n');
          process.exit(EXIT_INTERRUPTED);
        }
        stop.aborted = true;
        process.stderr.write('\nStopping after the current write (Ctrl-C again to quit now)…\n');
      };
      process.on('SIGINT', interrupt);
      process.on('SIGTERM', interrupt);
      // One progress bar per list: each list fills its own sessions, one after the other.
      let missing = 0;
      let progress: ReturnType<typeof progressReporter> | undefined;
      let progressOf: string | undefined;
      const several = watchlist === undefined && runtime.config.watchlists.length > 1;
      try {
        // SyncWinners checks the range against the container's clock; --to defaults to the latest completed session.
        // With --market, the market first: its grouped answers also cover the lists' tickers.
        const daily = await runtime.container
          .get(TOKENS.dailySync)
          .execute(
            {
              window: { from: options.from, to: options.to },
              force: options.force ?? false,
              dryRun: options.dryRun ?? false,
              signal: stop,
              watchlist,
              onProgress(event) {
                writing = true;
                missing = event.total;
                if (progressOf !== event.watchlist) {
                  progress?.stop();
                  progress = progressReporter(() => missing);
                  progressOf = event.watchlist;
                }
                progress?.onProgress(
                  several ? { ...event, session: `${event.watchlist} ${event.session}` } : event,
                );
              },
            },
            { includeMarket },
          )
          .catch((error: unknown) => {
            throw inFlagTerms(error);
          });
        progress?.stop();
        const exitCode = printDailySync(daily, options.json ?? false, runtime.config.rateLimitPerMinute);
        process.exitCode = stop.aborted ? EXIT_INTERRUPTED : exitCode;
      } finally {
        process.off('SIGINT', interrupt);
        process.off('SIGTERM', interrupt);
        await runtime.close();
      }
    });
}

/** The use case names the ends of its range; the user typed flags. */
function inFlagTerms(error: unknown): unknown {
  if (!(error instanceof ReversedRangeError)) return error;
  return new UsageError(`--from ${error.from} is after --to ${error.to}.`);
}
