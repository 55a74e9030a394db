import { Option, type Command } from 'commander';
import type { MarketMoverRecord, MarketMoversResponse } from '../../adapters/http/api-contract.ts';
import { TOKENS } from '../../adapters/composition/tokens.ts';
import { MAX_LIST_DAYS } from '../../core/index.ts';
import type { GlobalOptions } from '../runtime.ts';
import { pad, paletteFor, signedPercent, toCsv, UsageError, type Palette } from '../output.ts';

/** Sessions `market` shows by default: a trading week. */
export const DEFAULT_MARKET_DAYS = 5;

interface MarketOptions extends GlobalOptions {
  days: string;
  asOf?: string;
  json?: boolean;
  csv?: boolean;
}

export function registerMarket(program: Command): void {
  program
    .command('market')
    .description("Show the whole market's top 10 gainers and losers of each of the last N sessions.")
    .option('--days <n>', `number of sessions, 1-${MAX_LIST_DAYS}`, String(DEFAULT_MARKET_DAYS))
    .option('--as-of <date>', 'newest session to show (YYYY-MM-DD); default the latest completed session')
    .option('--json', 'print the JSON of GET /market/movers')
    .addOption(
      new Option('--csv', 'print CSV (RFC 4180): one record per session, side and rank').conflicts('json'),
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ stocks-cli market\n  $ stocks-cli market --days 20 --as-of 2025-12-31\n  $ stocks-cli market --json | jq .data[0].gainers\n  $ stocks-cli sync   # stores the market board of the missing sessions',
    )
    .action(async (_options, command: Command) => {
      const options = command.optsWithGlobals<MarketOptions>();
      // Loaded here, not at start: the store, the SDK, zod and the container are what `--help` must not pay for.
      const [{ configFrom, openRuntime }, { parseQuery }, { marketMoversView }, { marketFiltersOf }] =
        await Promise.all([
          import('../runtime.ts'),
          import('../../adapters/http/api-routes.ts'),
          import('../../adapters/http/market-views.ts'),
          import('../../adapters/config/app-config.ts'),
        ]);
      const config = configFrom(options);
      // The rules of GET /market/movers's query, so --days is refused with the API's own words.
      const parsed = parseQuery('marketMovers', { days: options.days, asOf: options.asOf });
      if ('problem' in parsed) throw new UsageError(parsed.problem);
      const { days, asOf } = parsed.query;
      const runtime = await openRuntime(config);
      try {
        const list = await runtime.container.get(TOKENS.listMarketBoards).execute({ days, asOf });
        const body = marketMoversView(days, list, marketFiltersOf(runtime.config));
        process.stdout.write(
          options.json
            ? `${JSON.stringify(body, null, 2)}\n`
            : options.csv
              ? renderCsv(body)
              : renderTables(body),
        );
      } finally {
        await runtime.close();
      }
    });
}

const CSV_HEADER = [
  'date',
  'side',
  'rank',
  'symbol',
  'name',
  'changePercent',
  'close',
  'dollarVolume',
  'source',
];

/** Every stored board's gainers then losers, newest session first; a session with no board has none. */
function renderCsv(body: MarketMoversResponse): string {
  const records = body.data.flatMap((session) =>
    (['gainers', 'losers'] as const).flatMap((side) =>
      session[side].map((mover, index) => [
        session.date,
        side === 'gainers' ? 'gainer' : 'loser',
        String(index + 1),
        mover.symbol,
        mover.name ?? '',
        String(mover.changePercent),
        String(mover.close),
        String(mover.dollarVolume),
        session.source,
      ]),
    ),
  );
  return toCsv([CSV_HEADER, ...records]);
}

const NAME_WIDTH = 24;

function renderTables(body: MarketMoversResponse): string {
  const palette = paletteFor(process.stdout);
  const byDate = new Map(body.data.map((session) => [session.date, session]));
  const lines: string[] = [];
  for (const date of body.sessions) {
    const session = byDate.get(date);
    if (!session) {
      lines.push(
        `${palette.bold(date)}  ${palette.dim('no market board stored (run `stocks-cli sync`)')}`,
        '',
      );
      continue;
    }
    lines.push(
      `${palette.bold(date)}  universe ${session.universeSize.toLocaleString('en-US')} tickers`,
      palette.bold(`  ${pad('Gainers', 46)}   Losers`),
    );
    const rows = Math.max(session.gainers.length, session.losers.length);
    for (let index = 0; index < rows; index++) {
      lines.push(
        `  ${pad(moverCell(session.gainers[index], palette), 46)}   ${moverCell(session.losers[index], palette)}`,
      );
    }
    lines.push('');
  }
  const { filters } = body;
  const source =
    body.source === 'simulated'
      ? palette.yellow('SIMULATED data (not real market quotes)')
      : `source ${body.source ?? 'none'}`;
  lines.push(
    `${body.count} of ${body.sessions.length} sessions stored, as of ${body.asOf} · open-to-close · ${source}`,
    `Filters: types ${filters.securityTypes.join(', ')} · close >= $${filters.minClose} · close x volume >= $${filters.minDollarVolume.toLocaleString('en-US')}`,
  );
  return `${lines.join('\n')}\n`;
}

/** `NVDA  +12.34%  NVIDIA Corp.`: the symbol, the colored change and the name, cut to fit. */
function moverCell(mover: MarketMoverRecord | undefined, palette: Palette): string {
  if (!mover) return '';
  const change = signedPercent(mover.changePercent);
  const colored = mover.changePercent > 0 ? palette.green(change) : palette.red(change);
  const name = mover.name ?? '';
  const shown = name.length > NAME_WIDTH ? `${name.slice(0, NAME_WIDTH - 1)}…` : name;
  return `${pad(mover.symbol, 7)}${pad(colored, 9, 'right')}  ${shown}`;
}
