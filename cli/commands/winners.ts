import { Option, type Command } from 'commander';
import type { MoversResponse } from '../../adapters/http/api-contract.ts';
import { DEFAULT_DAYS } from '../../adapters/http/api-contract.ts';
import { TOKENS } from '../../adapters/composition/tokens.ts';
import { MAX_LIST_DAYS } from '../../core/index.ts';
import type { GlobalOptions } from '../runtime.ts';
import { pad, paletteFor, signedPercent, toCsv, UsageError } from '../output.ts';
import { selectedWatchlist, watchlistOption } from '../watchlist-option.ts';

interface WinnersOptions extends GlobalOptions {
  days: string;
  asOf?: string;
  watchlist?: string;
  json?: boolean;
  csv?: boolean;
}

export function registerWinners(program: Command): void {
  program
    .command('winners')
    .description('Show the top mover of each of the last N sessions.')
    .option('--days <n>', `number of sessions, 1-${MAX_LIST_DAYS}`, String(DEFAULT_DAYS))
    .option('--as-of <date>', 'newest session to show (YYYY-MM-DD); default the latest completed session')
    .addOption(watchlistOption('show this watchlist; default the default list'))
    .option('--json', 'print the JSON of GET /movers')
    .addOption(
      new Option('--csv', 'print CSV (RFC 4180) for spreadsheets: one record per session').conflicts('json'),
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ stocks-cli winners\n  $ stocks-cli winners --days 30 --as-of 2025-12-31\n  $ stocks-cli winners --json | jq .data[0]\n  $ stocks-cli winners --days 365 --csv > winners.csv\n  $ stocks-cli winners --watchlist ev',
    )
    .action(async (_options, command: Command) => {
      const options = command.optsWithGlobals<WinnersOptions>();
      // Loaded here, not at start: the store, the SDK, zod and the container are what `--help` must not pay for.
      const [{ configFrom, openRuntime }, { parseQuery }, { moversView }] = await Promise.all([
        import('../runtime.ts'),
        import('../../adapters/http/api-routes.ts'),
        import('../../adapters/http/movers-views.ts'),
      ]);
      const config = configFrom(options);
      const watchlist = selectedWatchlist(config, options.watchlist) ?? config.defaultWatchlist.name;
      // The rules of GET /movers's query, so --days is refused with the API's own words.
      const parsed = parseQuery('movers', { days: options.days, asOf: options.asOf });
      if ('problem' in parsed) throw new UsageError(parsed.problem);
      const { days, asOf } = parsed.query;
      const runtime = await openRuntime(config);
      try {
        const readers = runtime.container.get(TOKENS.watchlistReaders)(watchlist);
        const [list, names] = await Promise.all([
          readers.listWinners.execute({ days, asOf }),
          runtime.container.get(TOKENS.tickerNames).names(),
        ]);
        const body = moversView(days, list, runtime.config.basis, readers.watchlist, names);
        process.stdout.write(
          options.json
            ? `${JSON.stringify(body, null, 2)}\n`
            : options.csv
              ? renderCsv(body)
              : renderTable(body, runtime.config.watchlists.length > 1),
        );
      } finally {
        await runtime.close();
      }
    });
}

const CSV_HEADER = ['date', 'symbol', 'changePercent', 'open', 'close', 'basis', 'source'];

/** Every session of the window, newest first, as the table shows them: a session with no result has empty fields. */
function renderCsv(body: MoversResponse): string {
  const byDate = new Map(body.data.map((row) => [row.date, row]));
  const records = body.sessions.map((session) => {
    const row = byDate.get(session);
    if (!row) return [session, '', '', '', '', '', ''];
    return [
      row.date,
      row.symbol,
      String(row.changePercent),
      String(row.open),
      String(row.close),
      row.basis,
      row.source,
    ];
  });
  return toCsv([CSV_HEADER, ...records]);
}

/** `several`: more than one list is configured, so the footer names the one shown. */
function renderTable(body: MoversResponse, several: boolean): string {
  const palette = paletteFor(process.stdout);
  const byDate = new Map(body.data.map((row) => [row.date, row]));
  const lines = [
    palette.bold(
      `${pad('Date', 12)}${pad('Symbol', 8)}${pad('Change', 10, 'right')}${pad('Open', 12, 'right')}${pad('Close', 12, 'right')}  Name`,
    ),
  ];
  for (const session of body.sessions) {
    const row = byDate.get(session);
    if (!row) {
      lines.push(`${pad(session, 12)}${palette.dim('no result stored (run `stocks-cli sync`)')}`);
      continue;
    }
    const change = signedPercent(row.changePercent);
    const colored =
      row.changePercent > 0 ? palette.green(change) : row.changePercent < 0 ? palette.red(change) : change;
    lines.push(
      `${pad(row.date, 12)}${pad(row.symbol, 8)}${pad(colored, 10, 'right')}${pad(row.open.toFixed(2), 12, 'right')}${pad(row.close.toFixed(2), 12, 'right')}  ${row.name ?? ''}`.trimEnd(),
    );
  }
  const source =
    body.source === 'simulated'
      ? palette.yellow('SIMULATED data (not real market quotes)')
      : `source ${body.source ?? 'none'}`;
  const named = several ? ` · watchlist ${body.watchlistName}` : '';
  lines.push(
    '',
    `${body.data.length} of ${body.sessions.length} sessions stored, as of ${body.asOf} · basis ${body.basis} · ${source}${named}`,
  );
  return `${lines.join('\n')}\n`;
}
