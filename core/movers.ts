/** How a session's percent change is measured. */
export type Basis = 'open-to-close' | 'close-to-close';
export const BASES: readonly Basis[] = ['open-to-close', 'close-to-close'];
export const DEFAULT_BASIS: Basis = 'open-to-close';

/** Where bars came from: every output says so, so simulated data is never mistaken for the market. */
export type DataSource = 'massive' | 'simulated';

/** One ticker's daily bar for one US equity session (`session` is `YYYY-MM-DD` in America/New_York). */
export interface DailyBar {
  readonly symbol: string;
  readonly session: string;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** A ticker's place in a session's ranking. `previousClose` is set only for the close-to-close basis. */
export interface RankedMover {
  readonly symbol: string;
  readonly open: number;
  readonly close: number;
  readonly previousClose?: number;
  /** Full precision; edges round for display. */
  readonly changePercent: number;
}

/** A watchlist ticker left out of a ranking, and why (a bad price, no bar, no previous close). */
export interface ExcludedSymbol {
  readonly symbol: string;
  readonly reason: string;
}

/** What is stored for one session: the winner and the whole ranking of the watchlist. */
export interface SessionResult {
  readonly date: string;
  readonly winner: RankedMover;
  /** Every valid mover, largest absolute change first (ties alphabetical). `ranking[0]` is the winner. */
  readonly ranking: readonly RankedMover[];
  readonly excluded: readonly ExcludedSymbol[];
  readonly basis: Basis;
  readonly source: DataSource;
  /** ISO 8601 instant the result was computed. */
  readonly computedAt: string;
}

/** `(to - from) / from * 100`: open-to-close uses (open, close), close-to-close (previous close, close). */
export function percentChange(from: number, to: number): number {
  return ((to - from) / from) * 100;
}

export interface Ranking {
  readonly winner: RankedMover | undefined;
  readonly ranking: readonly RankedMover[];
  readonly excluded: readonly ExcludedSymbol[];
}

function isValidPrice(price: number | undefined): price is number {
  return typeof price === 'number' && Number.isFinite(price) && price > 0;
}

/** Largest absolute change first; ties alphabetical by symbol, so the order never depends on input order. */
function compareMovers(a: RankedMover, b: RankedMover): number {
  return (
    Math.abs(b.changePercent) - Math.abs(a.changePercent) ||
    (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0)
  );
}

/**
 * Ranks one session's bars. `previousCloses` (symbol to the previous session's close, from the same fetch)
 * is required for the close-to-close basis. Bars with a non-positive or non-finite price are excluded
 * with a reason, so a bad bar can never produce a NaN winner.
 */
export function rankMovers(
  bars: readonly DailyBar[],
  basis: Basis = DEFAULT_BASIS,
  previousCloses: ReadonlyMap<string, number> = new Map(),
): Ranking {
  const ranking: RankedMover[] = [];
  const excluded: ExcludedSymbol[] = [];
  for (const bar of bars) {
    if (!isValidPrice(bar.open) || !isValidPrice(bar.close)) {
      excluded.push({ symbol: bar.symbol, reason: `invalid price (open ${bar.open}, close ${bar.close})` });
      continue;
    }
    if (basis === 'open-to-close') {
      ranking.push({
        symbol: bar.symbol,
        open: bar.open,
        close: bar.close,
        changePercent: percentChange(bar.open, bar.close),
      });
      continue;
    }
    const previousClose = previousCloses.get(bar.symbol);
    if (!isValidPrice(previousClose)) {
      excluded.push({
        symbol: bar.symbol,
        reason: previousClose === undefined ? 'no previous close' : `invalid previous close ${previousClose}`,
      });
      continue;
    }
    ranking.push({
      symbol: bar.symbol,
      open: bar.open,
      close: bar.close,
      previousClose,
      changePercent: percentChange(previousClose, bar.close),
    });
  }
  ranking.sort(compareMovers);
  return { winner: ranking[0], ranking, excluded };
}

/** The session's top mover, or undefined when no bar is valid. */
export function pickWinner(
  bars: readonly DailyBar[],
  basis: Basis = DEFAULT_BASIS,
  previousCloses?: ReadonlyMap<string, number>,
): RankedMover | undefined {
  return rankMovers(bars, basis, previousCloses).winner;
}
