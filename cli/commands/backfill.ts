import type { Command } from 'commander';
import { ReversedRangeError } from '../../core/index.ts';
import { TOKENS } from '../../adapters/composition/tokens.ts';
import { EXIT_INTERRUPTED, UsageError } from '../output.ts';
import type { MarketSyncReport } from '../../adapters/reporting/sync-report.ts';
import type { GlobalOptions } from '../runtime.ts';

interface BackfillOptions extends GlobalOptions {
  from: string;
  to?: string;
  force?: boolean;
  dryRun?: boolean;
  json?: boolean;
  market?: boolean;
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
    .option(
      '--market',
      "also fill the market board (one grouped-daily call a session, which also covers the lists' tickers)",
    )
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ stocks-cli backfill --from 2025-01-01\n  $ stocks-cli backfill --from 2025-01-01 --to 2025-06-30 --dry-run\n  $ stocks-cli backfill --from 2025-01-01 --market --dry-run\n\nCtrl-C stops after the current write; nothing stored is lost, and the next run resumes.',
    )
    .action(async (_options, command: Command) => {
      const options = command.optsWithGlobals<BackfillOptions>();
      // Loaded here, not at start: the store, the SDK and the Massive client are what `--help` must not pay for.
      const [{ configFrom, openRuntime }, { printDailySync, progressReporter }, { toMarketSyncReport }] =
        await Promise.all([
          import('../runtime.ts'),
          import('../sync-output.ts'),
          import('../../adapters/reporting/sync-report.ts'),
        ]);
      const runtime = await openRuntime(configFrom(options));
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
      let missing = 0;
      const progress = progressReporter(() => missing);
      try {
        // The market first (with --market), then every list; --to defaults to the latest completed session.
        const daily = await runtime.container
          .get(TOKENS.dailySync)
          .execute(
            {
              window: { from: options.from, to: options.to },
              force: options.force ?? false,
              dryRun: options.dryRun ?? false,
              signal: stop,
              onProgress(event) {
                writing = true;
                missing = event.total;
                progress.onProgress(event);
              },
            },
            { includeMarket },
          )
          .catch((error: unknown) => {
            throw inFlagTerms(error);
          });
        progress.stop();
        const market = toMarketSyncReport(daily.market);
        if (daily.lists.dryRun) {
          const lists = daily.lists.watchlists;
          const sessions = [...new Set(lists.flatMap((list) => list.summary.missing))].sort();
          const cost = includeMarket ? marketCost(market, runtime.config.rateLimitPerMinute) : undefined;
          printPlan(sessions, daily.lists.plan, options.json ?? false, cost);
          return;
        }
        const exitCode = printDailySync(daily, options.json ?? false);
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

/** What the market's part of a backfill costs: its calls, and how long they take at the rate limit. */
interface MarketCost {
  readonly calls: number;
  readonly sessions: readonly string[];
  /** At MASSIVE_RATE_LIMIT_PER_MINUTE; null when the limit is 0 (unlimited). */
  readonly minutes: number | null;
  readonly rateLimitPerMinute: number;
}

function marketCost(market: MarketSyncReport, rateLimitPerMinute: number): MarketCost {
  return {
    calls: market.calls,
    sessions: market.missing,
    minutes: rateLimitPerMinute === 0 ? null : Math.ceil(market.calls / rateLimitPerMinute),
    rateLimitPerMinute,
  };
}

function printPlan(
  sessions: readonly string[],
  plan: { strategy: string; calls: number; description: string } | undefined,
  json: boolean,
  market?: MarketCost,
): void {
  if (json) {
    const body = { dryRun: true, plan: plan ?? null, sessions, ...(market && { market }) };
    process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    return;
  }
  if (market) {
    const time =
      market.minutes === null
        ? 'no rate limit (MASSIVE_RATE_LIMIT_PER_MINUTE=0)'
        : `about ${market.minutes} minute(s) at ${market.rateLimitPerMinute} calls/minute`;
    process.stdout.write(
      `Market: ${market.sessions.length} session(s) without a board: ${market.calls} grouped-daily call(s), ${time}.\n` +
        "  Those answers also hold the lists' tickers: the lists' plan below counts calls they would save.\n",
    );
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
