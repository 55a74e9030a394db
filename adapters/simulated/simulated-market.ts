import type { DailyBar } from '../../core/index.ts';
import { toDayNumber } from '../../core/index.ts';

/**
 * A deterministic, plausible market: each (seed, symbol, session) maps to one daily bar, computed
 * directly, without walking from any start date, so ten years of seven tickers take milliseconds.
 *
 * Each symbol has a base price, a daily volatility of 1.2-3 %, a slow trend (a few percent a year) and
 * two slow waves (weeks and years). The session's fair level comes from those; the open is a small
 * overnight gap from it and the close moves from the open by the symbol's volatility, so open-to-close
 * and close-to-close changes look like a real random walk's days (a few percent), and prices stay
 * positive and in a believable band for decades.
 */

export const DEFAULT_SIMULATION_SEED = 1;

/** Day number of 2020-01-01: the trend is anchored there so prices around now are near the base price. */
const ANCHOR_DAY = 18_262;
const TWO_PI = 2 * Math.PI;

interface SymbolProfile {
  readonly key: number;
  readonly basePrice: number;
  readonly volatility: number;
  readonly yearlyTrend: number;
  readonly slowAmplitude: number;
  readonly slowPeriodDays: number;
  readonly slowPhase: number;
  readonly fastAmplitude: number;
  readonly fastPeriodDays: number;
  readonly fastPhase: number;
  readonly baseVolume: number;
}

/** FNV-1a over the text, then a murmur3 finalizer: a well-spread 32-bit value. */
export function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return finalize(hash);
}

function finalize(value: number): number {
  let hash = value;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** Uniform in (0, 1) for a key, a day and a salt (which number of the bar is being drawn). */
export function uniform(key: number, day: number, salt: number): number {
  const mixed = finalize(key ^ Math.imul(day + 0x632be5ab, 0x9e3779b1) ^ Math.imul(salt + 1, 0x27d4eb2f));
  return (mixed + 0.5) / 4_294_967_296;
}

/** Standard normal from two uniforms (Box-Muller). */
function normal(key: number, day: number, salt: number): number {
  return Math.sqrt(-2 * Math.log(uniform(key, day, salt))) * Math.cos(TWO_PI * uniform(key, day, salt + 1));
}

function between(low: number, high: number, fraction: number): number {
  return low + (high - low) * fraction;
}

/**
 * Rough price levels of the default watchlist, so the simulated board reads believably. They are
 * orders of magnitude, not quotes; any other ticker gets a level drawn from its hash.
 */
const REFERENCE_LEVELS: Readonly<Record<string, number>> = {
  AAPL: 230,
  MSFT: 420,
  GOOGL: 175,
  AMZN: 200,
  TSLA: 250,
  NVDA: 140,
  META: 600,
};

const profiles = new Map<string, SymbolProfile>();

function profileOf(symbol: string, seed: number): SymbolProfile {
  const cacheKey = `${seed}|${symbol}`;
  const cached = profiles.get(cacheKey);
  if (cached) return cached;
  const key = hashText(cacheKey);
  const draw = (salt: number): number => uniform(key, -1, salt);
  const profile: SymbolProfile = {
    key,
    // The reference level when there is one, otherwise log-uniform from $20 to $800.
    basePrice: REFERENCE_LEVELS[symbol] ?? Math.exp(between(Math.log(20), Math.log(800), draw(1))),
    volatility: between(0.012, 0.03, draw(2)),
    yearlyTrend: between(-0.03, 0.08, draw(3)),
    slowAmplitude: between(0.1, 0.3, draw(4)),
    slowPeriodDays: between(200, 700, draw(5)),
    slowPhase: TWO_PI * draw(6),
    fastAmplitude: between(0.02, 0.08, draw(7)),
    fastPeriodDays: between(20, 60, draw(8)),
    fastPhase: TWO_PI * draw(9),
    baseVolume: Math.exp(between(Math.log(2e6), Math.log(2e8), draw(10))),
  };
  profiles.set(cacheKey, profile);
  return profile;
}

function cents(price: number): number {
  return Math.max(0.01, Math.round(price * 100) / 100);
}

/** The bar of `symbol` on `session` (assumed to be a trading session) for `seed`. */
export function simulatedDailyBar(symbol: string, session: string, seed = DEFAULT_SIMULATION_SEED): DailyBar {
  const profile = profileOf(symbol, seed);
  const day = toDayNumber(session);
  const logLevel =
    (profile.yearlyTrend * (day - ANCHOR_DAY)) / 365 +
    profile.slowAmplitude * Math.sin((TWO_PI * day) / profile.slowPeriodDays + profile.slowPhase) +
    profile.fastAmplitude * Math.sin((TWO_PI * day) / profile.fastPeriodDays + profile.fastPhase);
  const sigma = profile.volatility;
  const open = profile.basePrice * Math.exp(logLevel + 0.5 * sigma * normal(profile.key, day, 10));
  const close = open * Math.exp(sigma * normal(profile.key, day, 20));
  const high = Math.max(open, close) * Math.exp(0.4 * sigma * Math.abs(normal(profile.key, day, 30)));
  const low = Math.min(open, close) * Math.exp(-0.4 * sigma * Math.abs(normal(profile.key, day, 40)));
  const volume = Math.round(profile.baseVolume * Math.exp(0.3 * normal(profile.key, day, 50)));
  return {
    symbol,
    session,
    open: cents(open),
    high: cents(high),
    low: cents(low),
    close: cents(close),
    volume,
  };
}
