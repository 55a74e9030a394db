// The AWS SDK warns on every start that future releases need Node 22; this project pins SDK versions that support Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { Command, Option } from 'commander';
import { registerBackfill } from './commands/backfill.ts';
import { registerDb } from './commands/db.ts';
import { registerServe } from './commands/serve.ts';
import { registerSync } from './commands/sync.ts';
import { registerWinners } from './commands/winners.ts';
import { EXIT_OK, exitCodeOf, reportError } from './output.ts';

export function buildProgram(): Command {
  const program = new Command('stocks-cli')
    .description(
      'Stock Winners: the daily top mover of a watchlist.\n' +
        'With no MASSIVE_API_KEY it uses simulated market data; with no TABLE_NAME an embedded store in .stocks-data/.',
    )
    .option('--watchlist <symbols>', 'comma-separated tickers (default WATCHLIST or the seven large caps)')
    .option(
      '--watchlist-name <name>',
      'name the results are stored under (default WATCHLIST_NAME or "default")',
    )
    .addOption(
      new Option('--basis <basis>', 'percent change basis').choices(['open-to-close', 'close-to-close']),
    )
    .option('--data-dir <dir>', 'embedded store directory (default STOCKS_DATA_DIR or .stocks-data)')
    .option('--table <name>', 'DynamoDB table (default TABLE_NAME; unset = embedded store)')
    .option('--endpoint <url>', 'DynamoDB endpoint (default DYNAMODB_ENDPOINT)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerServe(program);
  registerSync(program);
  registerBackfill(program);
  registerWinners(program);
  registerDb(program);
  for (const command of program.commands) command.exitOverride();
  program.addHelpText(
    'after',
    '\nExamples:\n  $ stocks-cli serve                      # API + dashboard on http://localhost:3000\n  $ stocks-cli backfill --from 2025-01-01\n  $ stocks-cli winners --days 30\n\nExit codes: 0 success, 1 failure, 2 usage error, 130 interrupted.',
  );
  return program;
}

export async function main(argv: string[] = process.argv): Promise<void> {
  // `stocks-cli winners --csv | head` closes the pipe early: that is the reader's choice, not a failure.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? EXIT_OK);
    throw error;
  });
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    reportError(error);
    process.exitCode = await exitCodeOf(error);
  }
}

await main();
