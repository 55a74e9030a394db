import type { DailyBar, TickerReference } from '../../core/index.ts';
import { toDayNumber } from '../../core/index.ts';
import { DEFAULT_SIMULATION_SEED, hashText, simulatedDailyBar, uniform } from './simulated-market.ts';

/**
 * The simulated whole market: a few thousand listed tickers with security types and company names,
 * and every one's bar per session, deterministic per (seed, ticker, session) like the simulated
 * watchlist. Named large caps (the default watchlist among them) keep exactly the bars of
 * `simulatedDailyBar`, so a watchlist and the market agree. The generated listings spread like the real
 * market's: levels from $0.50 to $1,000 (log-uniform), long-tailed volumes (a Pareto tail, so a few
 * tickers trade most of the dollars), and now and then a large jump (earnings, news), so the filters
 * and the top 10 have something to do.
 */

/** Listings in the simulated market, named ones included: about a quarter of the real US market. */
export const SIMULATED_UNIVERSE_SIZE = 3_000;

// prettier-ignore
const NAMED_LISTINGS: readonly (readonly [string, string])[] = [
  ['AAPL', 'Apple Inc.'], ['MSFT', 'Microsoft Corp.'], ['GOOGL', 'Alphabet Inc. Class A'],
  ['AMZN', 'Amazon.com Inc.'], ['TSLA', 'Tesla Inc.'], ['NVDA', 'NVIDIA Corp.'],
  ['META', 'Meta Platforms Inc. Class A'], ['GOOG', 'Alphabet Inc. Class C'], ['NFLX', 'Netflix Inc.'],
  ['AMD', 'Advanced Micro Devices Inc.'], ['INTC', 'Intel Corp.'], ['IBM', 'International Business Machines Corp.'],
  ['ORCL', 'Oracle Corp.'], ['JPM', 'JPMorgan Chase & Co.'], ['BAC', 'Bank of America Corp.'],
  ['WFC', 'Wells Fargo & Co.'], ['GS', 'Goldman Sachs Group Inc.'], ['KO', 'Coca-Cola Co.'],
  ['PEP', 'PepsiCo Inc.'], ['XOM', 'Exxon Mobil Corp.'], ['CVX', 'Chevron Corp.'], ['WMT', 'Walmart Inc.'],
  ['DIS', 'Walt Disney Co.'], ['BRK.B', 'Berkshire Hathaway Inc. Class B'], ['V', 'Visa Inc. Class A'],
  ['MA', 'Mastercard Inc. Class A'], ['JNJ', 'Johnson & Johnson'], ['PFE', 'Pfizer Inc.'],
  ['UNH', 'UnitedHealth Group Inc.'], ['HD', 'Home Depot Inc.'],
];

/** Rough shares of each type among active US tickers (the reference endpoint's codes). */
const TYPE_WEIGHTS: readonly (readonly [string, number])[] = [
  ['CS', 0.55],
  ['ETF', 0.15],
  ['WARRANT', 0.07],
  ['ADRC', 0.06],
  ['PFD', 0.05],
  ['UNIT', 0.03],
  ['RIGHT', 0.03],
  ['FUND', 0.03],
  ['ETN', 0.02],
  ['SP', 0.01],
];

/** Derivative listings carry their issuer's root plus a letter, as on the exchanges. */
const TYPE_SUFFIX: Readonly<Record<string, string>> = { WARRANT: 'W', UNIT: 'U', RIGHT: 'R' };

// prettier-ignore
const SYLLABLES = ['Al', 'Bri', 'Cor', 'Dex', 'En', 'Fal', 'Gen', 'Hal', 'Ion', 'Jet', 'Kor', 'Lum', 'Mer', 'Nov', 'Or', 'Pra', 'Quan', 'Ral', 'Sol', 'Tri', 'Ver', 'Wex', 'Xan', 'Yor', 'Zen'];
const ENDINGS = ['a', 'o', 'ix', 'on', 'ar', 'ex', 'is', 'um', 'era', 'tel'];
// prettier-ignore
const COMPANY_FORMS = ['Inc.', 'Corp.', 'Holdings Inc.', 'Technologies Inc.', 'Therapeutics Inc.', 'Bancorp', 'Energy Corp.', 'Group Inc.'];
const FUND_THEMES = ['Growth', 'Value', 'Dividend', 'Small Cap', 'Bond', 'Momentum', 'Global', 'Income'];
const LETTERS = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];

/** 2020-01-02, a session: each generated ticker's level is set on it, so prices now are near that level. */
const LEVEL_SESSION = '2020-01-02';
/** Chance per ticker and session of a jump, and its size range (log return), either way. */
const JUMP_CHANCE = 0.02;
const JUMP_SIZE = [0.1, 0.7] as const;

interface GeneratedListing extends TickerReference {
  /** Multiplies the underlying simulated bar's prices and volume to this listing's level. */
  readonly priceFactor: number;
  readonly volumeFactor: number;
  readonly key: number;
}

interface Universe {
  readonly listings: readonly TickerReference[];
  readonly generated: ReadonlyMap<string, GeneratedListing>;
}

const universes = new Map<number, Universe>();

function pick<T>(items: readonly T[], fraction: number): T {
  return items[Math.min(items.length - 1, Math.floor(fraction * items.length))] as T;
}

function typeOf(fraction: number): string {
  let cumulative = 0;
  for (const [type, weight] of TYPE_WEIGHTS) {
    cumulative += weight;
    if (fraction < cumulative) return type;
  }
  return 'CS';
}

function nameOf(type: string, draw: (salt: number) => number): string {
  const root = `${pick(SYLLABLES, draw(4))}${pick(ENDINGS, draw(5)).toLowerCase()}`;
  switch (type) {
    case 'ETF':
      return `${root} ${pick(FUND_THEMES, draw(6))} ETF`;
    case 'ETN':
      return `${root} ${pick(FUND_THEMES, draw(6))} ETN`;
    case 'FUND':
      return `${root} ${pick(FUND_THEMES, draw(6))} Fund`;
    case 'ADRC':
      return `${root} ${draw(6) < 0.5 ? 'Ltd.' : 'plc'} ADR`;
    case 'PFD':
      return `${root} Corp. ${pick(LETTERS, draw(6))} Preferred`;
    case 'WARRANT':
      return `${root} Acquisition Corp. Warrants`;
    case 'UNIT':
      return `${root} Acquisition Corp. Units`;
    case 'RIGHT':
      return `${root} Acquisition Corp. Rights`;
    case 'SP':
      return `${root} Structured Product`;
    default:
      return `${root} ${pick(COMPANY_FORMS, draw(6))}`;
  }
}

function generatedListing(index: number, seed: number): GeneratedListing {
  const key = hashText(`${seed}|universe|${index}`);
  const draw = (salt: number): number => uniform(key, -2, salt);
  const type = typeOf(draw(1));
  const rootLength = draw(2) < 0.4 ? 3 : 4;
  const root = Array.from({ length: rootLength }, (_, position) => pick(LETTERS, draw(10 + position))).join(
    '',
  );
  const symbol = `${root}${TYPE_SUFFIX[type] ?? ''}`;
  const level = Math.exp(Math.log(0.5) + (Math.log(1_000) - Math.log(0.5)) * draw(3));
  // Pareto tail (index 0.8): half the listings trade under ~40 000 shares, a few hundred millions; no
  // listing trades more than about $30 billion a day, the busiest real names' level.
  const volume = Math.min(5e8, 3e10 / level, 2e4 * draw(7) ** -1.25);
  const reference = simulatedDailyBar(symbol, LEVEL_SESSION, seed);
  return {
    symbol,
    name: nameOf(type, draw),
    type,
    priceFactor: level / reference.open,
    volumeFactor: volume / reference.volume,
    key,
  };
}

function universeOf(seed: number): Universe {
  const cached = universes.get(seed);
  if (cached) return cached;
  const named = new Map(NAMED_LISTINGS.map(([symbol, name]) => [symbol, { symbol, name, type: 'CS' }]));
  const generated = new Map<string, GeneratedListing>();
  for (let index = 0; named.size + generated.size < SIMULATED_UNIVERSE_SIZE; index++) {
    const listing = generatedListing(index, seed);
    if (!named.has(listing.symbol) && !generated.has(listing.symbol)) generated.set(listing.symbol, listing);
  }
  const listings = [
    ...named.values(),
    ...[...generated.values()].map(({ symbol, name, type }) => ({ symbol, name, type })),
  ].sort((a, b) => (a.symbol < b.symbol ? -1 : 1));
  const universe = { listings, generated };
  universes.set(seed, universe);
  return universe;
}

/** Every listing of the simulated market, ordered by symbol. */
export function simulatedListings(seed = DEFAULT_SIMULATION_SEED): readonly TickerReference[] {
  return universeOf(seed).listings;
}

/** Real quotes step in cents from $1, in hundredths of a cent below. */
function quoted(price: number): number {
  const step = price < 1 ? 10_000 : 100;
  return Math.max(0.0001, Math.round(price * step) / step);
}

/**
 * The bar of `symbol` on `session` (a trading session). A generated listing's bar is the underlying
 * simulated walk scaled to its level and volume, sometimes with a jump; any other symbol (named large
 * caps, tickers outside the universe) gets `simulatedDailyBar` unchanged.
 */
export function simulatedMarketBar(
  symbol: string,
  session: string,
  seed = DEFAULT_SIMULATION_SEED,
): DailyBar {
  const bar = simulatedDailyBar(symbol, session, seed);
  const listing = universeOf(seed).generated.get(symbol);
  if (!listing) return bar;
  const day = toDayNumber(session);
  const open = quoted(bar.open * listing.priceFactor);
  let close = quoted(bar.close * listing.priceFactor);
  if (uniform(listing.key, day, 60) < JUMP_CHANCE) {
    const size = JUMP_SIZE[0] + (JUMP_SIZE[1] - JUMP_SIZE[0]) * uniform(listing.key, day, 61);
    close = quoted(open * Math.exp(uniform(listing.key, day, 62) < 0.5 ? -size : size));
  }
  return {
    symbol,
    session,
    open,
    high: Math.max(open, close, quoted(bar.high * listing.priceFactor)),
    low: Math.min(open, close, quoted(bar.low * listing.priceFactor)),
    close,
    volume: Math.max(1, Math.round(bar.volume * listing.volumeFactor)),
  };
}

/** Every listing's bar for one trading session, ordered by symbol. */
export function simulatedMarketSession(session: string, seed = DEFAULT_SIMULATION_SEED): DailyBar[] {
  return simulatedListings(seed).map((listing) => simulatedMarketBar(listing.symbol, session, seed));
}
