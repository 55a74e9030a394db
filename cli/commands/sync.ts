import { InvalidArgumentError, type Command } from 'commander';
import { TOKENS } from '../../adapters/composition/tokens.ts';
import { MAX_SYNC_SESSIONS } from '../../core/index.ts';
import type { GlobalOptions } from '../runtime.ts';
import { selectedWatchlist, watchlistOption } from '../watchlist-option.ts';

interface SyncOptions extends GlobalOptions {
  sessions?: number;
  watchlist?: string;
  json?: boolean;
}

/** Checked here so the message names `--sessions`, the flag the user typed. */
function parseSessions(value: string): number {
  const sessions = Number(value);
  if (!/^\d+$/.test(value) || sessions < 1 || sessions > MAX_SYNC_SESSIONS) {
    throw new InvalidArgumentError(`--sessions must be a whole number from 1 to ${MAX_SYNC_SESSIONS}.`);
  }
  return sessions;
}

export function registerSync(program: Command): void {
  program
    .command('sync')
    .description(
      'Fill the last K sessions that have no stored winner, for every watchlist from one fetch (what the scheduler runs).',
    )
    .option(
      '--sessions <k>',
      `sessions to look back over, 1-${MAX_SYNC_SESSIONS} (default SYNC_SESSIONS or 10)`,
      parseSessions,
    )
    .addOption(watchlistOption('only this watchlist'))
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ stocks-cli sync\n  $ stocks-cli sync --sessions 30 --json\n  $ stocks-cli sync --watchlist ev',
    )
    .action(async (_options, command: Command) => {
      const options = command.optsWithGlobals<SyncOptions>();
      // Loaded here, not at start: the store, the SDK and the Massive client are what `--help` must not pay for.
      const [{ configFrom, openRuntime }, { printDailySync }] = await Promise.all([
        import('../runtime.ts'),
        import('../sync-output.ts'),
      ]);
      const config = configFrom(options, { syncSessions: options.sessions });
      const watchlist = selectedWatchlist(config, options.watchlist);
      const runtime = await openRuntime(config);
      try {
        // The market first (one grouped-daily call a session covers every list too), then the lists.
        const daily = await runtime.container
          .get(TOKENS.dailySync)
          .execute(
            { window: { sessions: runtime.config.syncSessions }, watchlist },
            { includeMarket: watchlist === undefined },
          );
        process.exitCode = printDailySync(daily, options.json ?? false, runtime.config.rateLimitPerMinute);
      } finally {
        await runtime.close();
      }
    });
}
