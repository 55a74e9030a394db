import { describe, expect, it } from 'vitest';
import { DEFAULT_MARKET_FILTERS, SyncMarketBoard } from '../../core/index.ts';
import { FixedClock } from '../../adapters/clock/fixed-clock.ts';
import {
  InMemoryMarketBoardRepository,
  InMemoryTickerReferenceCache,
} from '../../adapters/memory/in-memory-market-board-repository.ts';
import { simulatedDailyBar } from '../../adapters/simulated/simulated-market.ts';
import { SimulatedMarketDataProvider } from '../../adapters/simulated/simulated-market-data-provider.ts';
import { SIMULATED_UNIVERSE_SIZE, simulatedListings } from '../../adapters/simulated/simulated-universe.ts';
import { testMarketDataProviderContract } from '../contracts/market-data-provider.contract.ts';

const DEFAULT_WATCHLIST = ['AAPL', 'MSFT', 'GOOGL', 'AMZN', 'TSLA', 'NVDA', 'META'];
const SESSION = '2025-03-07';

testMarketDataProviderContract('simulated', async () => ({ provider: new SimulatedMarketDataProvider() }));

describe('the simulated universe', () => {
  it('holds a few thousand listings, the default watchlist as named common stock', () => {
    const listings = simulatedListings();

    expect(listings).toHaveLength(SIMULATED_UNIVERSE_SIZE);
    expect(listings.find((listing) => listing.symbol === 'AAPL')).toEqual({
      symbol: 'AAPL',
      name: 'Apple Inc.',
      type: 'CS',
    });
  });

  it('keeps the default tickers on their watchlist bars', async () => {
    const answer = await new SimulatedMarketDataProvider().fetchSessionBars(SESSION);
    const bars = answer.kind === 'delivered' ? answer.bars : [];

    for (const symbol of DEFAULT_WATCHLIST) {
      expect(bars.find((bar) => bar.symbol === symbol)).toEqual(simulatedDailyBar(symbol, SESSION));
    }
  });

  it('spreads prices from cents to about $1,000 with long-tailed dollar volumes', async () => {
    const answer = await new SimulatedMarketDataProvider().fetchSessionBars(SESSION);
    const bars = answer.kind === 'delivered' ? answer.bars : [];
    const closes = bars.map((bar) => bar.close);
    const dollars = bars.map((bar) => bar.close * bar.volume).sort((a, b) => a - b);
    const median = dollars[Math.floor(dollars.length / 2)] as number;

    expect(Math.min(...closes)).toBeLessThan(1);
    expect(Math.max(...closes)).toBeGreaterThan(500);
    expect(median).toBeLessThan(DEFAULT_MARKET_FILTERS.minDollarVolume);
    expect(dollars.at(-1)).toBeGreaterThan(1_000 * median);
  });

  it('differs by seed and agrees for one seed', async () => {
    const one = await new SimulatedMarketDataProvider({ seed: 1 }).fetchTickerReference();
    const again = await new SimulatedMarketDataProvider({ seed: 1 }).fetchTickerReference();
    const other = await new SimulatedMarketDataProvider({ seed: 2 }).fetchTickerReference();

    expect(again).toEqual(one);
    expect(other).not.toEqual(one);
  });
});

describe('SyncMarketBoard over the simulated market', () => {
  it('stores a full board per session from the universe, with the default filters', async () => {
    const boards = new InMemoryMarketBoardRepository();
    const sync = new SyncMarketBoard(
      new SimulatedMarketDataProvider(),
      boards,
      new InMemoryTickerReferenceCache(),
      new FixedClock('2025-03-08T12:00:00.000Z'),
    );

    const summary = await sync.execute({ sessions: ['2025-03-06', SESSION] });

    expect(summary).toMatchObject({ stored: ['2025-03-06', SESSION], reference: 'refreshed' });
    const board = await boards.get(SESSION);
    expect(board).toMatchObject({ source: 'simulated', filters: DEFAULT_MARKET_FILTERS });
    expect(board?.gainers).toHaveLength(10);
    expect(board?.losers).toHaveLength(10);
    expect(board?.gainers.every((mover) => mover.name && mover.close >= 5)).toBe(true);
  });
});
