import { describe, expect, it } from 'vitest';
import type {
  MarketBoard,
  MarketBoardRepository,
  MarketMover,
  TickerReference,
  TickerReferenceCache,
} from '../../core/index.ts';
import { DEFAULT_MARKET_FILTERS } from '../../core/index.ts';

export interface MarketStoreUnderTest {
  readonly boards: MarketBoardRepository;
  readonly cache: TickerReferenceCache;
}

/** Returns fresh, empty stores; each call isolated from the others. */
export type MarketStoreFactory = () => Promise<MarketStoreUnderTest>;

function mover(symbol: string, changePercent: number, name?: string): MarketMover {
  const open = 40;
  const close = open * (1 + changePercent / 100);
  return {
    symbol,
    ...(name ? { name } : {}),
    open,
    close,
    volume: 2_500_000,
    dollarVolume: close * 2_500_000,
    changePercent,
  };
}

/** A board of ten gainers and ten losers, the widest a board gets. */
export function aMarketBoard(date: string, computedAt = `${date}T21:30:00.000Z`): MarketBoard {
  return {
    date,
    gainers: Array.from({ length: 10 }, (_, index) => mover(`G${index}`, 30 - index, `Gainer ${index} Inc.`)),
    losers: Array.from({ length: 10 }, (_, index) => mover(`L${index}`, -(20 - index) - 0.123456789)),
    universeSize: 1_432,
    filters: DEFAULT_MARKET_FILTERS,
    basis: 'open-to-close',
    source: 'simulated',
    computedAt,
  };
}

export function someTickers(count: number, type = 'CS'): TickerReference[] {
  return Array.from({ length: count }, (_, index) => ({
    symbol: `T${String(index).padStart(5, '0')}`,
    name: `Ticker ${index} Holdings Inc. – “Class A”`,
    type: index % 5 === 0 ? 'ETF' : type,
  }));
}

/** The behaviour every MarketBoardRepository and TickerReferenceCache shares. Run it from each store's test file. */
export function testMarketStoreContract(name: string, newStores: MarketStoreFactory): void {
  describe(`MarketBoardRepository contract: ${name}`, () => {
    it('stores a board and reads it back whole, names present or absent', async () => {
      const { boards } = await newStores();
      const board = aMarketBoard('2025-03-07');

      expect(await boards.save(board)).toBe('stored');

      expect(await boards.get('2025-03-07')).toEqual(board);
      expect(await boards.get('2025-03-06')).toBeUndefined();
    });

    it('keeps the first board of a session unless told to overwrite', async () => {
      const { boards } = await newStores();
      const first = aMarketBoard('2025-03-07');
      const second = { ...aMarketBoard('2025-03-07', '2025-03-08T01:00:00.000Z'), universeSize: 7 };

      expect(await boards.save(second)).toBe('stored');
      expect(await boards.save(first)).toBe('already-present');
      expect(await boards.get('2025-03-07')).toEqual(second);

      expect(await boards.save(first, { overwrite: true })).toBe('stored');
      expect(await boards.get('2025-03-07')).toEqual(first);
    });

    it('leaves exactly one board when savers of one session race', async () => {
      const { boards } = await newStores();
      const boardsOfOneSession = Array.from({ length: 5 }, (_, index) => ({
        ...aMarketBoard('2025-03-07'),
        universeSize: index,
      }));

      const outcomes = await Promise.all(boardsOfOneSession.map((board) => boards.save(board)));

      expect(outcomes.filter((outcome) => outcome === 'stored')).toHaveLength(1);
      const winner = outcomes.indexOf('stored');
      expect((await boards.get('2025-03-07'))?.universeSize).toBe(winner);
    });

    it('lists the latest boards newest first, bounded by a limit and a date', async () => {
      const { boards } = await newStores();
      const dates = ['2025-03-03', '2025-03-04', '2025-03-05', '2025-03-06', '2025-03-07'];
      for (const date of dates) await boards.save(aMarketBoard(date));

      const latest = await boards.latest(3);
      const before = await boards.latest(10, '2025-03-04');

      expect(latest.boards.map((board) => board.date)).toEqual(['2025-03-07', '2025-03-06', '2025-03-05']);
      expect(latest.boards[0]).toEqual(aMarketBoard('2025-03-07'));
      expect(before.boards.map((board) => board.date)).toEqual(['2025-03-04', '2025-03-03']);
      expect(latest.unreadable).toEqual([]);
      expect((await boards.latest(0)).boards).toEqual([]);
    });

    it('lists stored sessions in a range, ascending, bounds included', async () => {
      const { boards } = await newStores();
      for (const date of ['2025-03-07', '2025-03-03', '2025-03-05']) await boards.save(aMarketBoard(date));

      expect(await boards.storedSessions('2025-03-03', '2025-03-05')).toEqual(['2025-03-03', '2025-03-05']);
      expect(await boards.storedSessions('2025-03-08', '2025-03-31')).toEqual([]);
      expect(await boards.storedSessions('2025-03-07', '2025-03-03')).toEqual([]);
    });
  });

  describe(`TickerReferenceCache contract: ${name}`, () => {
    it('holds nothing at first', async () => {
      const { cache } = await newStores();

      expect(await cache.load()).toBeUndefined();
    });

    it('reads back the whole market reference, in order, with when it was fetched', async () => {
      const { cache } = await newStores();
      const reference = { fetchedAt: '2025-03-07T22:00:00.000Z', tickers: someTickers(12_345) };

      await cache.replace(reference);

      expect(await cache.load()).toEqual(reference);
    });

    it('replaces the reference whole: nothing of the older one remains', async () => {
      const { cache } = await newStores();
      await cache.replace({ fetchedAt: '2025-03-01T22:00:00.000Z', tickers: someTickers(3_000) });
      const newer = { fetchedAt: '2025-03-08T22:00:00.000Z', tickers: someTickers(1_001, 'ADRC') };

      await cache.replace(newer);

      expect(await cache.load()).toEqual(newer);
    });

    it('keeps the boards and the reference apart', async () => {
      const { boards, cache } = await newStores();
      await cache.replace({ fetchedAt: '2025-03-07T22:00:00.000Z', tickers: someTickers(10) });
      await boards.save(aMarketBoard('2025-03-07'));

      expect((await boards.latest(10)).boards.map((board) => board.date)).toEqual(['2025-03-07']);
      expect(await boards.storedSessions('0000-00-00', '9999-99-99')).toEqual(['2025-03-07']);
    });
  });
}
