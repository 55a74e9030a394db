import { describe, expect, it } from 'vitest';
import type { BarArchive, DailyBar } from '../../core/index.ts';

/** Returns an empty archive; each call must be isolated from the others. */
export type BarArchiveFactory = () => Promise<BarArchive>;

export function aBar(symbol: string, session: string, close = 100, open = 99): DailyBar {
  return {
    symbol,
    session,
    open,
    high: Math.max(open, close) + 1,
    low: Math.min(open, close) - 1,
    close,
    volume: 1_234_567,
  };
}

/** The behaviour every BarArchive adapter shares. Run it from each adapter's test file. */
export function testBarArchiveContract(name: string, newArchive: BarArchiveFactory): void {
  describe(`BarArchive contract: ${name}`, () => {
    it('reads back a recorded fetch: the tickers it covered, the bars of the tickers asked for', async () => {
      const archive = await newArchive();
      await archive.record('massive', 'f1', [
        {
          session: '2025-03-07',
          tickers: ['AAPL', 'MSFT', 'HALT'],
          bars: [aBar('AAPL', '2025-03-07'), aBar('MSFT', '2025-03-07', 50.25)],
        },
      ]);

      const read = await archive.read('massive', '2025-03-07', '2025-03-07', ['AAPL', 'HALT']);

      expect([...(read.covered.get('2025-03-07') ?? [])].sort()).toEqual(['AAPL', 'HALT', 'MSFT']);
      expect(read.bars).toEqual([{ ...aBar('AAPL', '2025-03-07'), fetchId: 'f1' }]);
      expect(read.unreadable).toEqual([]);
    });

    it('knows nothing of sessions never fetched, nor of sessions outside the range read', async () => {
      const archive = await newArchive();
      await archive.record('massive', 'f1', [
        { session: '2025-03-06', tickers: ['AAPL'], bars: [aBar('AAPL', '2025-03-06')] },
        { session: '2025-03-10', tickers: ['AAPL'], bars: [aBar('AAPL', '2025-03-10')] },
      ]);

      const read = await archive.read('massive', '2025-03-07', '2025-03-10', ['AAPL']);

      expect([...read.covered.keys()]).toEqual(['2025-03-10']);
      expect(read.bars.map((bar) => bar.session)).toEqual(['2025-03-10']);
    });

    it('keeps each data source apart: simulated bars never pass for the market', async () => {
      const archive = await newArchive();
      await archive.record('simulated', 'f1', [
        { session: '2025-03-07', tickers: ['AAPL'], bars: [aBar('AAPL', '2025-03-07')] },
      ]);

      const read = await archive.read('massive', '2025-03-07', '2025-03-07', ['AAPL']);

      expect(read.covered.size).toBe(0);
      expect(read.bars).toEqual([]);
    });

    it('merges fetches: covered by any, the bar of the latest fetch where they disagree', async () => {
      const archive = await newArchive();
      await archive.record('massive', '2025-03-08T00:00:00.000Z#000000', [
        {
          session: '2025-03-07',
          tickers: ['AAPL', 'MSFT'],
          bars: [aBar('AAPL', '2025-03-07', 200), aBar('MSFT', '2025-03-07')],
        },
      ]);
      await archive.record('massive', '2025-06-01T00:00:00.000Z#000000', [
        {
          session: '2025-03-07',
          tickers: ['AAPL', 'TSLA'],
          bars: [aBar('AAPL', '2025-03-07', 100), aBar('TSLA', '2025-03-07')],
        },
      ]);

      const read = await archive.read('massive', '2025-03-07', '2025-03-07', ['AAPL', 'MSFT', 'TSLA']);

      expect([...(read.covered.get('2025-03-07') ?? [])].sort()).toEqual(['AAPL', 'MSFT', 'TSLA']);
      const closes = Object.fromEntries(read.bars.map((bar) => [bar.symbol, bar.close]));
      expect(closes).toEqual({ AAPL: 100, MSFT: 100, TSLA: 100 });
      expect(read.bars).toHaveLength(3);
    });

    it('keeps both of two concurrent fetches of one session', async () => {
      const archive = await newArchive();
      await Promise.all([
        archive.record('massive', 'f1', [
          { session: '2025-03-07', tickers: ['AAPL'], bars: [aBar('AAPL', '2025-03-07')] },
        ]),
        archive.record('massive', 'f1', [
          { session: '2025-03-07', tickers: ['MSFT'], bars: [aBar('MSFT', '2025-03-07')] },
        ]),
      ]);

      const read = await archive.read('massive', '2025-03-07', '2025-03-07', ['AAPL', 'MSFT']);

      expect(read.bars.map((bar) => bar.symbol).sort()).toEqual(['AAPL', 'MSFT']);
    });

    it('holds a session wider than one store item (4,500 tickers) and reads it back exactly', async () => {
      const archive = await newArchive();
      const tickers = Array.from({ length: 4_500 }, (_, index) => `T${index.toString(36).toUpperCase()}`);
      const bars = tickers.map((ticker, index) => ({
        ...aBar(ticker, '2025-03-07', 1 + index / 7, 1 + index / 11),
        volume: index * 1_000_003,
      }));
      await archive.record('massive', 'f1', [{ session: '2025-03-07', tickers, bars }]);

      const read = await archive.read('massive', '2025-03-07', '2025-03-07', tickers);

      expect(read.covered.get('2025-03-07')?.size).toBe(4_500);
      expect(
        read.bars.map(({ fetchId: _id, ...bar }) => bar).sort((a, b) => (a.symbol < b.symbol ? -1 : 1)),
      ).toEqual([...bars].sort((a, b) => (a.symbol < b.symbol ? -1 : 1)));
    });
  });
}
