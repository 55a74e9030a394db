import { DomainError } from './errors.ts';
import type { DailyBar, DataSource } from './movers.ts';
import { rankMovers } from './movers.ts';

/**
 * The market board: each session's biggest gainers and losers across every US stock, from one
 * grouped-daily answer. Its basis is always open-to-close: the grouped bars carry the open and the
 * close of the session, so one call per session is enough. Close-to-close would need the previous
 * session's grouped answer too (twice the calls, and the two answers are not split-adjusted together),
 * which is what the design rules out for the watchlist's previous close as well.
 */
export const MARKET_BOARD_BASIS = 'open-to-close';
export type MarketBoardBasis = typeof MARKET_BOARD_BASIS;

/** Gainers and losers each board keeps. */
export const MARKET_BOARD_SIZE = 10;

/** A listed ticker as the reference data describes it. `type` is Massive's code (`CS`, `ETF`, `ADRC`...). */
export interface TickerReference {
  readonly symbol: string;
  readonly name: string;
  readonly type: string;
}

/** What keeps noise off the board; shown with every answer, so a reader knows what was left out. */
export interface MarketFilters {
  /** Security types kept (common stock and ADRs by default: no ETFs, warrants, rights, units). */
  readonly securityTypes: readonly string[];
  /** Lowest close kept, in dollars (inclusive). */
  readonly minClose: number;
  /** Lowest close x volume kept, in dollars (inclusive). */
  readonly minDollarVolume: number;
}

export const DEFAULT_MARKET_FILTERS: MarketFilters = {
  securityTypes: ['CS', 'ADRC'],
  minClose: 5,
  minDollarVolume: 20_000_000,
};

/** One ticker on a board. `name` is absent when the reference data has none. */
export interface MarketMover {
  readonly symbol: string;
  readonly name?: string;
  readonly open: number;
  readonly close: number;
  readonly volume: number;
  /** close x volume. */
  readonly dollarVolume: number;
  /** Open-to-close, full precision; edges round for display. */
  readonly changePercent: number;
}

/** What is stored for one session of the whole market. */
export interface MarketBoard {
  readonly date: string;
  /** Largest rise first; only tickers that rose. */
  readonly gainers: readonly MarketMover[];
  /** Largest fall first; only tickers that fell. */
  readonly losers: readonly MarketMover[];
  /** Tickers left after the filters (and with a sane bar): what the board was chosen from. */
  readonly universeSize: number;
  readonly filters: MarketFilters;
  readonly basis: MarketBoardBasis;
  readonly source: DataSource;
  /** ISO 8601 instant the board was computed. */
  readonly computedAt: string;
}

/** The ranking part of a board: what `rankMarket` derives from bars alone. */
export type MarketRanking = Pick<MarketBoard, 'gainers' | 'losers' | 'universeSize' | 'filters'>;

export class InvalidMarketFiltersError extends DomainError {
  readonly code = 'INVALID_MARKET_FILTERS';
  constructor(problem: string) {
    super(`Invalid market filters: ${problem}.`);
  }
}

/** Massive's type codes are short upper-case words (`CS`, `ADRC`, `WARRANT`). */
export const SECURITY_TYPE = /^[A-Z]{1,12}$/;
export const MAX_SECURITY_TYPES = 20;

/** The filters, checked; throws InvalidMarketFiltersError naming the problem. */
export function marketFilters(filters: MarketFilters): MarketFilters {
  const types = filters.securityTypes;
  if (types.length === 0 || types.length > MAX_SECURITY_TYPES) {
    throw new InvalidMarketFiltersError(`give 1 to ${MAX_SECURITY_TYPES} security types`);
  }
  const badType = types.find((type) => !SECURITY_TYPE.test(type));
  if (badType !== undefined) {
    throw new InvalidMarketFiltersError(
      `security type ${JSON.stringify(badType)} is not an upper-case code such as CS or ADRC`,
    );
  }
  const duplicate = types.find((type, index) => types.indexOf(type) !== index);
  if (duplicate !== undefined)
    throw new InvalidMarketFiltersError(`security type ${duplicate} is given twice`);
  for (const [name, value] of [
    ['minClose', filters.minClose],
    ['minDollarVolume', filters.minDollarVolume],
  ] as const) {
    if (!Number.isFinite(value) || value < 0 || value > Number.MAX_SAFE_INTEGER) {
      throw new InvalidMarketFiltersError(`${name} must be a dollar amount of 0 or more, got ${value}`);
    }
  }
  return { securityTypes: [...types], minClose: filters.minClose, minDollarVolume: filters.minDollarVolume };
}

function bySymbol(a: MarketMover, b: MarketMover): number {
  return a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0;
}

/**
 * Ranks one session of the whole market. A ticker is in the universe when its reference type is one of
 * `filters.securityTypes` (a ticker the reference does not know is left out: its type cannot be told),
 * its bar is sane (rankMovers: copies that disagree and impossible numbers are left out), its close is
 * at least `minClose` and its close x volume at least `minDollarVolume` (both bounds inclusive).
 *
 * Gainers are the tickers that rose, largest rise first; losers those that fell, largest fall first; a
 * ticker that did not move is on neither. Ties are broken by symbol, alphabetically, so the board never
 * depends on the order of the rows in the answer.
 */
export function rankMarket(
  bars: readonly DailyBar[],
  reference: ReadonlyMap<string, TickerReference>,
  filters: MarketFilters = DEFAULT_MARKET_FILTERS,
): MarketRanking {
  const kept = marketFilters(filters);
  const passes = (close: number, volume: number): boolean =>
    close >= kept.minClose && close * volume >= kept.minDollarVolume;
  const types = new Set(kept.securityTypes);
  // Cheap checks first, so only the few hundred candidates of 12 000 rows are grouped and ranked. Every
  // copy of a candidate stays, so rankMovers still leaves out a ticker whose copies disagree.
  const candidates = new Set<string>();
  for (const bar of bars) {
    if (passes(bar.close, bar.volume) && types.has(reference.get(bar.symbol)?.type ?? '')) {
      candidates.add(bar.symbol);
    }
  }
  const typed = bars.filter((bar) => candidates.has(bar.symbol));
  const volumes = new Map(typed.map((bar) => [bar.symbol, bar.volume]));
  const universe: MarketMover[] = [];
  for (const mover of rankMovers(typed, MARKET_BOARD_BASIS).ranking) {
    const volume = volumes.get(mover.symbol) as number;
    if (!passes(mover.close, volume)) continue;
    const dollarVolume = mover.close * volume;
    const name = reference.get(mover.symbol)?.name;
    universe.push({
      symbol: mover.symbol,
      ...(name ? { name } : {}),
      open: mover.open,
      close: mover.close,
      volume,
      dollarVolume,
      changePercent: mover.changePercent,
    });
  }
  const gainers = universe
    .filter((mover) => mover.changePercent > 0)
    .sort((a, b) => b.changePercent - a.changePercent || bySymbol(a, b));
  const losers = universe
    .filter((mover) => mover.changePercent < 0)
    .sort((a, b) => a.changePercent - b.changePercent || bySymbol(a, b));
  return {
    gainers: gainers.slice(0, MARKET_BOARD_SIZE),
    losers: losers.slice(0, MARKET_BOARD_SIZE),
    universeSize: universe.length,
    filters: kept,
  };
}
