import type { MarketDataProvider, MarketSessionBars, TickerReference } from '../../core/index.ts';
import { isTradingDay } from '../../core/index.ts';
import { DEFAULT_SIMULATION_SEED } from './simulated-market.ts';
import type { SimulatedProviderOptions } from './simulated-stock-quote-provider.ts';
import { simulatedListings, simulatedMarketSession } from './simulated-universe.ts';

/**
 * The offline whole market (simulated-universe.ts): every listing's bar per session and the listings'
 * types and names, computed locally with no call. A day without a session has no bars, as upstream.
 */
export class SimulatedMarketDataProvider implements MarketDataProvider {
  readonly source = 'simulated' as const;
  private readonly seed: number;

  constructor(options: SimulatedProviderOptions = {}) {
    this.seed = options.seed ?? DEFAULT_SIMULATION_SEED;
  }

  async fetchSessionBars(session: string): Promise<MarketSessionBars> {
    return {
      kind: 'delivered',
      bars: isTradingDay(session) ? simulatedMarketSession(session, this.seed) : [],
    };
  }

  async fetchTickerReference(): Promise<readonly TickerReference[]> {
    return simulatedListings(this.seed);
  }
}
