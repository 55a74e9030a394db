// The AWS SDK warns on every start that future releases need Node 22; this project pins SDK versions that support Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { Command } from 'commander';
import {
  describeSetting,
  flagName,
  GLOBAL_FLAG_SETTINGS,
  SETTINGS,
  type Setting,
} from '../adapters/config/settings.ts';
import { registerBackfill } from './commands/backfill.ts';
import { registerDb } from './commands/db.ts';
import { registerMarket } from './commands/market.ts';
import { registerServe } from './commands/serve.ts';
import { registerSync } from './commands/sync.ts';
import { registerWatchlists } from './commands/watchlists.ts';
import { registerWinners } from './commands/winners.ts';
import { EXIT_OK, exitCodeOf, reportError } from './output.ts';

export function buildProgram(): Command {
  const program = new Command('stocks-cli')
    .description(
      'Stock Winners: the daily top mover of a watchlist.\n' +
        `With no MASSIVE_API_KEY it uses simulated market data; with no TABLE_NAME an embedded store in ${SETTINGS.dataDir.default}/.`,
    )
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const key of GLOBAL_FLAG_SETTINGS) {
    const setting: Setting = SETTINGS[key];
    program.option(`${flagName(key)} <${setting.flag?.value}>`, `${setting.env}: ${describeSetting(key)}`);
  }
  registerServe(program);
  registerSync(program);
  registerBackfill(program);
  registerWinners(program);
  registerMarket(program);
  registerWatchlists(program);
  registerDb(program);
  for (const command of program.commands) command.exitOverride();
  program.addHelpText(
    'after',
    '\nExamples:\n  $ stocks-cli serve                      # API + dashboard on http://localhost:3000\n  $ stocks-cli backfill --from 2025-01-01\n  $ stocks-cli winners --days 30\n  $ stocks-cli market --days 5\n\nExit codes: 0 success, 1 failure, 2 usage error, 130 interrupted.',
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
