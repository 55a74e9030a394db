import type { Command } from 'commander';
import { ReversedRangeError } from '../../core/index.ts';
import { TOKENS } from '../../adapters/composition/tokens.ts';
import { EXIT_INTERRUPTED, UsageError } from '../output.ts';
import type { GlobalOptions } from '../runtime.ts';

interface BackfillOptions extends GlobalOptions {
  from: string;
  to?: string;
  force?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

export function registerBackfill(program: Command): void {
  program
    .command('backfill')
    .description(
      'Fill every session of a date range that has no stored winner. Resumable: run it again to continue.',
    )
    .requiredOption('--from <date>', 'first date, YYYY-MM-DD')
    .option('--to <date>', 'last date, YYYY-MM-DD (default the latest completed session)')
    .option('--force', 'recompute and overwrite sessions that are already stored')
    .option('--dry-run', 'print the call plan and the sessions it would fill, change nothing')
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ stocks-cli backfill --from 2025-01-01\n  $ stocks-cli backfill --from 2025-01-01 --to 2025-06-30 --dry-run\n\nCtrl-C stops after the current write; nothing stored is lost, and the next run resumes.',
    )
    .action(async (_options, command: Command) => {
      const options = command.optsWithGlobals<BackfillOptions>();
      // Loaded here, not at start: the store, the SDK and the Massive client are what `--help` must not pay for.
      const [{ configFrom, openRuntime }, { printSummary, progressReporter }] = await Promise.all([
        import('../runtime.ts'),
        import('../sync-output.ts'),
      ]);
      const runtime = await openRuntime(configFrom(options));
      const stop = { aborted: false };
      let writing = false;
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
      let missing = 0;
      const progress = progressReporter(() => missing);
      try {
        const syncWinners = runtime.container.get(TOKENS.syncWinners);
        // SyncWinners checks the range against the container's clock; --to defaults to the latest completed session.
        const summary = await syncWinners
          .execute({
            window: { from: options.from, to: options.to },
            force: options.force ?? false,
            dryRun: options.dryRun ?? false,
            signal: stop,
            onProgress(event) {
              writing = true;
              missing = event.total;
              progress.onProgress(event);
            },
          })
          .catch((error: unknown) => {
            throw inFlagTerms(error);
          });
        progress.stop();
        if (summary.dryRun) {
          printPlan(summary.missing, summary.plan, options.json ?? false);
          return;
        }
        const exitCode = printSummary(summary, options.json ?? false);
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

function printPlan(
  sessions: readonly string[],
  plan: { strategy: string; calls: number; description: string } | undefined,
  json: boolean,
): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ dryRun: true, plan: plan ?? null, sessions }, null, 2)}\n`);
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
