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

/**
 * Sane bounds for what a bar may carry. Prices: Berkshire Hathaway class A, the highest-priced US
 * stock, trades near $750,000, so ten million leaves room for decades; sub-penny OTC quotes go down to
 * $0.0001, so a millionth of a dollar is the floor. Within these bounds every change percent is finite and
 * below 1e15, and every stored number fits DynamoDB (the SDK refuses numbers beyond
 * Number.MAX_SAFE_INTEGER). Volume: the whole US market trades about 2e10 shares on its busiest days;
 * more than 1e12 shares for one ticker is a broken bar. High and low are neither ranked nor stored, so
 * they are not checked.
 */
export const BAR_BOUNDS = {
  minPrice: 0.000_001,
  maxPrice: 10_000_000,
  maxVolume: 1_000_000_000_000,
} as const;

function isValidPrice(price: number): boolean {
  return Number.isFinite(price) && price >= BAR_BOUNDS.minPrice && price <= BAR_BOUNDS.maxPrice;
}

function isValidVolume(volume: number): boolean {
  return Number.isFinite(volume) && volume >= 0 && volume <= BAR_BOUNDS.maxVolume;
}

/** Why a bar cannot be ranked, or undefined when its numbers are sane. */
function impossibleNumbers(bar: DailyBar): string | undefined {
  if (!isValidPrice(bar.open) || !isValidPrice(bar.close)) {
    return `invalid price (open ${bar.open}, close ${bar.close}; prices must lie in ${BAR_BOUNDS.minPrice} .. ${BAR_BOUNDS.maxPrice})`;
  }
  if (!isValidVolume(bar.volume)) {
    return `invalid volume ${bar.volume} (must lie in 0 .. ${BAR_BOUNDS.maxVolume})`;
  }
  return undefined;
}

/** Two copies of one bar, field for field. */
export function isSameBar(a: DailyBar, b: DailyBar): boolean {
  return (
    a.symbol === b.symbol &&
    a.session === b.session &&
    Object.is(a.open, b.open) &&
    Object.is(a.high, b.high) &&
    Object.is(a.low, b.low) &&
    Object.is(a.close, b.close) &&
    Object.is(a.volume, b.volume)
  );
}

/** Bars grouped by a key (their symbol, their session), in first-seen order. */
export function groupBars(
  bars: readonly DailyBar[],
  keyOf: (bar: DailyBar) => string,
): Map<string, DailyBar[]> {
  const grouped = new Map<string, DailyBar[]>();
  for (const bar of bars) {
    const key = keyOf(bar);
    const group = grouped.get(key);
    if (group) group.push(bar);
    else grouped.set(key, [bar]);
  }
  return grouped;
}

function groupBySymbol(bars: readonly DailyBar[]): Map<string, DailyBar[]> {
  return groupBars(bars, (bar) => bar.symbol);
}

/** One ticker's bar for the session: identical copies are one bar; copies that disagree are no bar. */
function soleBar(copies: readonly DailyBar[]): DailyBar | { readonly conflict: string } {
  const first = copies[0] as DailyBar;
  const other = copies.find((copy) => !isSameBar(copy, first));
  if (!other) return first;
  return {
    conflict:
      `conflicting bars for this session (open ${first.open}, close ${first.close} ` +
      `vs open ${other.open}, close ${other.close})`,
  };
}

/** A ticker's previous close for the close-to-close basis, or why it cannot be used. */
export type PreviousClose = { readonly close: number } | { readonly problem: string };

/** The previous session's close per ticker: known, or why not (copies that disagree, a bad price). */
export function previousClosesOf(previousBars: readonly DailyBar[]): Map<string, PreviousClose> {
  const closes = new Map<string, PreviousClose>();
  for (const [symbol, copies] of groupBySymbol(previousBars)) closes.set(symbol, previousCloseOf(copies));
  return closes;
}

function previousCloseOf(copies: readonly DailyBar[]): PreviousClose {
  const distinct = [...new Set(copies.map((copy) => copy.close))];
  if (distinct.length > 1) return { problem: `conflicting previous closes (${distinct.join(' vs ')})` };
  const close = distinct[0] as number;
  return isValidPrice(close) ? { close } : { problem: `invalid previous close ${close}` };
}

/** Largest absolute change first; ties alphabetical by symbol, so the order never depends on input order. */
function compareMovers(a: RankedMover, b: RankedMover): number {
  return (
    Math.abs(b.changePercent) - Math.abs(a.changePercent) ||
    (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0)
  );
}

/**
 * Ranks one session's bars. `previousCloses` (from `previousClosesOf` the previous session's bars of the
 * same fetch) are required for the close-to-close basis. A ticker appears once at most, in the ranking or in `excluded` with a
 * reason: copies of one bar count once, copies that disagree exclude the ticker, and a bar whose
 * numbers are not sane (BAR_BOUNDS) is excluded, so a bad bar can never produce a NaN winner or a number
 * the store refuses.
 */
export function rankMovers(
  bars: readonly DailyBar[],
  basis: Basis = DEFAULT_BASIS,
  previousCloses: ReadonlyMap<string, PreviousClose> = new Map(),
): Ranking {
  const ranking: RankedMover[] = [];
  const excluded: ExcludedSymbol[] = [];
  for (const [symbol, copies] of groupBySymbol(bars)) {
    const bar = soleBar(copies);
    if ('conflict' in bar) {
      excluded.push({ symbol, reason: bar.conflict });
      continue;
    }
    const impossible = impossibleNumbers(bar);
    if (impossible) {
      excluded.push({ symbol, reason: impossible });
      continue;
    }
    if (basis === 'open-to-close') {
      ranking.push({
        symbol,
        open: bar.open,
        close: bar.close,
        changePercent: percentChange(bar.open, bar.close),
      });
      continue;
    }
    const previous = previousCloses.get(symbol) ?? { problem: 'no previous close' };
    if ('problem' in previous) {
      excluded.push({ symbol, reason: previous.problem });
      continue;
    }
    ranking.push({
      symbol,
      open: bar.open,
      close: bar.close,
      previousClose: previous.close,
      changePercent: percentChange(previous.close, bar.close),
    });
  }
  ranking.sort(compareMovers);
  return { winner: ranking[0], ranking, excluded };
}

/** The session's top mover, or undefined when no bar is valid. */
export function pickWinner(
  bars: readonly DailyBar[],
  basis: Basis = DEFAULT_BASIS,
  previousCloses?: ReadonlyMap<string, PreviousClose>,
): RankedMover | undefined {
  return rankMovers(bars, basis, previousCloses).winner;
}
