import { describe, expect, it } from 'vitest';
import type { DailyBar, MarketDataProvider, TickerReference } from '../../core/index.ts';
import { DEFAULT_MARKET_FILTERS, rankMarket } from '../../core/index.ts';
import type { ObservedUpstream } from './stock-quote-provider.contract.ts';
import { insaneBars } from './stock-quote-provider.contract.ts';

export interface MarketProviderUnderTest {
  readonly provider: MarketDataProvider;
  /** Upstream calls since the provider was created: grouped-daily and reference pages. Absent when it calls none. */
  readonly upstream?: Pick<ObservedUpstream, 'calls'>;
}

/** Returns a fresh provider (and its upstream, observed from zero). */
export type MarketDataProviderFactory = () => Promise<MarketProviderUnderTest>;

const SESSION = '2025-03-07';
const SATURDAY = '2025-03-08';
const HOLIDAY = '2025-07-04';
/** The simulated universe is a few thousand listings; the real market about 12 000. */
const MIN_LISTINGS = 1_000;
/** The reference endpoint pages 1 000 listings at a time. */
const REFERENCE_PAGE = 1_000;

async function sessionBars(provider: MarketDataProvider, session: string): Promise<readonly DailyBar[]> {
  const answer = await provider.fetchSessionBars(session);
  if (answer.kind !== 'delivered') throw answer.undelivered.error;
  return answer.bars;
}

function repeated(values: readonly string[]): string[] {
  return values.filter((value, index) => values.indexOf(value) !== index);
}

/** The behaviour every MarketDataProvider adapter shares. Run it from each adapter's test file. */
export function testMarketDataProviderContract(name: string, newProvider: MarketDataProviderFactory): void {
  describe(`MarketDataProvider contract: ${name}`, () => {
    it('names its source', async () => {
      const { provider } = await newProvider();

      expect(['massive', 'simulated']).toContain(provider.source);
    });

    it('delivers the whole market for a session in one call: many tickers, each once, all of that session', async () => {
      const { provider, upstream } = await newProvider();

      const bars = await sessionBars(provider, SESSION);

      expect(bars.length).toBeGreaterThanOrEqual(MIN_LISTINGS);
      expect(bars.filter((bar) => bar.session !== SESSION)).toEqual([]);
      expect(repeated(bars.map((bar) => bar.symbol))).toEqual([]);
      expect(upstream?.calls() ?? 1).toBe(1);
    });

    it('sends sane bars: finite, positive, low <= open and close <= high', async () => {
      const { provider } = await newProvider();

      expect(insaneBars(await sessionBars(provider, SESSION))).toEqual([]);
    });

    it.each([
      ['a weekend', SATURDAY],
      ['a holiday', HOLIDAY],
    ])('delivers no bars on %s', async (_, day) => {
      const { provider } = await newProvider();

      expect(await provider.fetchSessionBars(day)).toEqual({ kind: 'delivered', bars: [] });
    });

    it('answers the same session the same way twice', async () => {
      const { provider } = await newProvider();

      expect(await sessionBars(provider, SESSION)).toEqual(await sessionBars(provider, SESSION));
    });

    it('lists every ticker once with a name and a type, in the pages it needs', async () => {
      const { provider, upstream } = await newProvider();

      const tickers = await provider.fetchTickerReference();

      expect(tickers.length).toBeGreaterThanOrEqual(MIN_LISTINGS);
      expect(repeated(tickers.map((ticker) => ticker.symbol))).toEqual([]);
      expect(tickers.filter((ticker) => !ticker.name || !/^[A-Z]+$/.test(ticker.type))).toEqual([]);
      expect(upstream?.calls() ?? 0).toBe(upstream ? Math.ceil(tickers.length / REFERENCE_PAGE) : 0);
    });

    it('knows the type of every ticker it sends bars for, and the common types among them', async () => {
      const { provider } = await newProvider();

      const bars = await sessionBars(provider, SESSION);
      const tickers = await provider.fetchTickerReference();
      const known = new Set(tickers.map((ticker) => ticker.symbol));
      const types = new Set(tickers.map((ticker) => ticker.type));

      expect(bars.filter((bar) => !known.has(bar.symbol)).map((bar) => bar.symbol)).toEqual([]);
      expect([...types]).toEqual(expect.arrayContaining(['CS', 'ADRC', 'ETF', 'WARRANT']));
    });

    it('feeds a market board with a full top 10 each way under the default filters', async () => {
      const { provider } = await newProvider();
      const tickers: readonly TickerReference[] = await provider.fetchTickerReference();

      const board = rankMarket(
        await sessionBars(provider, SESSION),
        new Map(tickers.map((ticker) => [ticker.symbol, ticker])),
        DEFAULT_MARKET_FILTERS,
      );

      expect(board.gainers).toHaveLength(10);
      expect(board.losers).toHaveLength(10);
      expect(board.universeSize).toBeGreaterThan(20);
    });
  });
}
