import type { Command } from 'commander';
import type { WatchlistsResponse } from '../../adapters/http/api-contract.ts';
import { TOKENS } from '../../adapters/composition/tokens.ts';
import { pad, paletteFor } from '../output.ts';
import type { GlobalOptions } from '../runtime.ts';

interface WatchlistsOptions extends GlobalOptions {
  json?: boolean;
}

export function registerWatchlists(program: Command): void {
  program
    .command('watchlists')
    .description('List the configured watchlists (WATCHLISTS): tickers, sessions stored, latest session.')
    .option('--json', 'print the JSON of GET /watchlists')
    .addHelpText(
      'after',
      '\nExamples:\n  $ stocks-cli watchlists\n  $ WATCHLISTS="default=AAPL,MSFT;ev=TSLA,RIVN" stocks-cli watchlists --json',
    )
    .action(async (_options, command: Command) => {
      const options = command.optsWithGlobals<WatchlistsOptions>();
      // Loaded here, not at start: the store, the SDK and the container are what `--help` must not pay for.
      const [{ configFrom, openRuntime }, { watchlistsView }] = await Promise.all([
        import('../runtime.ts'),
        import('../../adapters/http/movers-views.ts'),
      ]);
      const runtime = await openRuntime(configFrom(options));
      try {
        const body = watchlistsView(await runtime.container.get(TOKENS.listWatchlists).execute());
        process.stdout.write(options.json ? `${JSON.stringify(body, null, 2)}\n` : renderTable(body));
      } finally {
        await runtime.close();
      }
    });
}

function renderTable(body: WatchlistsResponse): string {
  const palette = paletteFor(process.stdout);
  const width = Math.max(8, ...body.watchlists.map((list) => list.name.length + 12));
  const lines = [
    palette.bold(`${pad('Name', width)}${pad('Sessions', 10, 'right')}  ${pad('Latest', 12)}Tickers`),
  ];
  for (const list of body.watchlists) {
    const name = list.isDefault ? `${list.name} (default)` : list.name;
    lines.push(
      `${pad(name, width)}${pad(String(list.sessionsStored), 10, 'right')}  ${pad(list.latestSession ?? palette.dim('none'), 12)}${list.symbols.join(', ')}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
