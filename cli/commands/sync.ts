import type { Command } from 'commander';
import { TOKENS } from '../../adapters/composition/tokens.ts';
import { EXIT_FAILURE } from '../output.ts';
import { configFrom, openRuntime, type GlobalOptions } from '../runtime.ts';
import { printSummary } from '../sync-output.ts';

interface SyncOptions extends GlobalOptions {
  sessions?: string;
  json?: boolean;
}

export function registerSync(program: Command): void {
  program
    .command('sync')
    .description('Fill the last K sessions that have no stored winner (what the scheduler runs).')
    .option('--sessions <k>', 'sessions to look back over, 1-365 (default SYNC_SESSIONS or 10)')
    .option('--json', 'print the summary as JSON')
    .addHelpText('after', '\nExamples:\n  $ stocks-cli sync\n  $ stocks-cli sync --sessions 30 --json')
    .action(async (_options, command: Command) => {
      const options = command.optsWithGlobals<SyncOptions>();
      const runtime = await openRuntime(configFrom(options, { syncSessions: options.sessions }));
      try {
        const syncWinners = runtime.container.get(TOKENS.syncWinners);
        const provider = runtime.container.get(TOKENS.quoteProvider);
        const summary = await syncWinners.execute({ window: { sessions: runtime.config.syncSessions } });
        printSummary(summary, provider.source, options.json ?? false);
        if (summary.failed.length > 0) process.exitCode = EXIT_FAILURE;
      } finally {
        await runtime.close();
      }
    });
}
