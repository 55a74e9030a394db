import type { DailyBar, FetchPlan, QuoteBatch, QuoteRequest, StockQuoteProvider } from '../../core/index.ts';
import { isTradingDay, previousSession } from '../../core/index.ts';
import { DEFAULT_SIMULATION_SEED, simulatedDailyBar } from './simulated-market.ts';

export interface SimulatedProviderOptions {
  /** Same seed, same market: every run and every process agree on every bar. */
  readonly seed?: number;
}

/**
 * The offline market: deterministic bars per (symbol, session, seed), on trading sessions only, computed
 * locally with no call at all. Its `source` is `simulated`, so no output can pass it off as real data.
 */
export class SimulatedStockQuoteProvider implements StockQuoteProvider {
  readonly source = 'simulated' as const;
  private readonly seed: number;

  constructor(options: SimulatedProviderOptions = {}) {
    this.seed = options.seed ?? DEFAULT_SIMULATION_SEED;
  }

  async plan(request: QuoteRequest): Promise<FetchPlan> {
    const sessions = this.neededSessions(request);
    return {
      strategy: 'simulated',
      calls: 0,
      description:
        `simulated market (seed ${this.seed}): ${sessions.length * new Set(request.symbols).size} bars ` +
        'computed locally, no API call',
    };
  }

  async fetchDailyBars(request: QuoteRequest): Promise<QuoteBatch> {
    const symbols = [...new Set(request.symbols)];
    const bars: DailyBar[] = [];
    for (const session of this.neededSessions(request)) {
      for (const symbol of symbols) bars.push(simulatedDailyBar(symbol, session, this.seed));
    }
    return { bars, undelivered: [] };
  }

  private neededSessions(request: QuoteRequest): string[] {
    const sessions = new Set(request.sessions.filter((session) => isTradingDay(session)));
    if (request.includePreviousSession) {
      for (const session of [...sessions]) sessions.add(previousSession(session));
    }
    return [...sessions].sort();
  }
}
