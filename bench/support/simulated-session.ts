import type { RankedMover, SessionResult } from '../../core/index.ts';
import { rankMovers } from '../../core/index.ts';
import { simulatedDailyBar } from '../../adapters/simulated/simulated-market.ts';

/** One session ranked from the simulated market: realistic prices, and the app's own result shape. */
export function simulatedSessionResult(date: string, symbols: readonly string[]): SessionResult {
  const { winner, ranking, excluded } = rankMovers(symbols.map((symbol) => simulatedDailyBar(symbol, date)));
  return {
    date,
    winner: winner as RankedMover,
    ranking,
    excluded,
    basis: 'open-to-close',
    source: 'simulated',
    computedAt: `${date}T21:30:00.000Z`,
  };
}
