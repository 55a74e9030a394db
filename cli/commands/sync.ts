import { InvalidArgumentError, type Command } from 'commander';
import { TOKENS } from '../../adapters/composition/tokens.ts';
import { MAX_SYNC_SESSIONS } from '../../core/index.ts';
import type { GlobalOptions } from '../runtime.ts';

interface SyncOptions extends GlobalOptions {
  sessions?: number;
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
      'Fill the last K sessions that have no stored winner or market board (what the scheduler runs).',
    )
    .option(
      '--sessions <k>',
      `sessions to look back over, 1-${MAX_SYNC_SESSIONS} (default SYNC_SESSIONS or 10)`,
      parseSessions,
    )
    .option('--json', 'print the summary as JSON')
    .addHelpText('after', '\nExamples:\n  $ stocks-cli sync\n  $ stocks-cli sync --sessions 30 --json')
    .action(async (_options, command: Command) => {
      const options = command.optsWithGlobals<SyncOptions>();
      // Loaded here, not at start: the store, the SDK and the Massive client are what `--help` must not pay for.
      const [{ configFrom, openRuntime }, { printDailySync }] = await Promise.all([
        import('../runtime.ts'),
        import('../sync-output.ts'),
      ]);
      const runtime = await openRuntime(configFrom(options, { syncSessions: options.sessions }));
      try {
        // The market first, then every list: one grouped-daily call a session covers them all.
        const daily = await runtime.container
          .get(TOKENS.dailySync)
          .execute({ window: { sessions: runtime.config.syncSessions } }, { includeMarket: true });
        process.exitCode = printDailySync(daily, options.json ?? false);
      } finally {
        await runtime.close();
      }
    });
}
