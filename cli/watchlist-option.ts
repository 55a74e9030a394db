import { Option } from 'commander';
import { UnknownWatchlistError } from '../core/index.ts';
import type { AppConfig } from '../adapters/config/app-config.ts';
import { UsageError } from './output.ts';

/** `--watchlist NAME` of `sync`, `backfill` and `winners`: one configured list, by name. */
export function watchlistOption(what: string): Option {
  return new Option('--watchlist <name>', `${what} (names: \`stocks-cli watchlists\`)`);
}

/**
 * The list `--watchlist` names, checked against the configuration. Before WATCHLISTS, `--watchlist` took
 * tickers: a value that looks like tickers gets pointed at `--symbols`, the one-list shorthand's flag now.
 */
export function selectedWatchlist(config: AppConfig, name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const known = config.watchlists.map((list) => list.name);
  if (known.includes(name)) return name;
  if (/[A-Z,]/.test(name)) {
    throw new UsageError(
      `--watchlist selects a list by name (${known.join(', ')}), and "${name}" looks like tickers: ` +
        `give tickers with --symbols ${name} (or WATCHLISTS for several lists).`,
    );
  }
  throw new UnknownWatchlistError(name, known);
}
