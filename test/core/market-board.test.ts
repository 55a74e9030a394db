import { describe, expect, it } from 'vitest';
import type { DailyBar, MarketFilters, TickerReference } from '../../core/index.ts';
import {
  DEFAULT_MARKET_FILTERS,
  InvalidMarketFiltersError,
  MARKET_BOARD_SIZE,
  marketFilters,
  rankMarket,
} from '../../core/index.ts';

const DATE = '2025-03-07';

/** A bar that passes the default filters unless told otherwise: $50, 1M shares ($50M traded). */
function bar(symbol: string, changePercent: number, overrides: Partial<DailyBar> = {}): DailyBar {
  const open = overrides.open ?? 50;
  return {
    symbol,
    session: DATE,
    open,
    high: 1_000,
    low: 0.01,
    close: open * (1 + changePercent / 100),
    volume: 1_000_000,
    ...overrides,
  };
}

function referenceOf(bars: readonly DailyBar[], type = 'CS'): Map<string, TickerReference> {
  return new Map(
    bars.map((entry) => [entry.symbol, { symbol: entry.symbol, name: `${entry.symbol} Inc.`, type }]),
  );
}

function symbols(movers: readonly { symbol: string }[]): string[] {
  return movers.map((mover) => mover.symbol);
}

describe('rankMarket', () => {
  it('ranks gainers by largest rise and losers by largest fall, with names and dollar volume', () => {
    const bars = [
      bar('UP1', 3),
      bar('UP2', 12, { close: 56 }),
      bar('DN1', -4),
      bar('DN2', -9),
      bar('FLAT', 0),
    ];

    const board = rankMarket(bars, referenceOf(bars));

    expect(symbols(board.gainers)).toEqual(['UP2', 'UP1']);
    expect(symbols(board.losers)).toEqual(['DN2', 'DN1']);
    expect(board.universeSize).toBe(5);
    expect(board.gainers[0]).toMatchObject({
      symbol: 'UP2',
      name: 'UP2 Inc.',
      open: 50,
      volume: 1_000_000,
      dollarVolume: 56_000_000,
    });
    expect(board.gainers[0]?.changePercent).toBeCloseTo(12, 10);
    expect(board.filters).toEqual(DEFAULT_MARKET_FILTERS);
  });

  it('keeps only the filtered security types; a ticker the reference does not know is left out', () => {
    const bars = [bar('STOCK', 5), bar('ADR', 6), bar('FUNDX', 50), bar('WARNW', 90), bar('UNKNOWN', 70)];
    const reference = new Map<string, TickerReference>([
      ['STOCK', { symbol: 'STOCK', name: 'Stock Inc.', type: 'CS' }],
      ['ADR', { symbol: 'ADR', name: 'Adr Ltd.', type: 'ADRC' }],
      ['FUNDX', { symbol: 'FUNDX', name: 'Fund ETF', type: 'ETF' }],
      ['WARNW', { symbol: 'WARNW', name: 'Warn Warrants', type: 'WARRANT' }],
    ]);

    const board = rankMarket(bars, reference);

    expect(symbols(board.gainers)).toEqual(['ADR', 'STOCK']);
    expect(board.universeSize).toBe(2);
  });

  it('honours configured types', () => {
    const bars = [bar('STOCK', 5), bar('FUNDX', 9)];
    const reference = new Map<string, TickerReference>([
      ['STOCK', { symbol: 'STOCK', name: 'Stock Inc.', type: 'CS' }],
      ['FUNDX', { symbol: 'FUNDX', name: 'Fund ETF', type: 'ETF' }],
    ]);

    const board = rankMarket(bars, reference, { ...DEFAULT_MARKET_FILTERS, securityTypes: ['ETF'] });

    expect(symbols(board.gainers)).toEqual(['FUNDX']);
    expect(board.filters.securityTypes).toEqual(['ETF']);
  });

  it('keeps a close of exactly $5 and leaves out one a cent below', () => {
    const bars = [
      bar('FIVE', -10, { open: 5 / 0.9, close: 5, volume: 10_000_000 }),
      bar('BELOW', -20, { open: 6, close: 4.99, volume: 10_000_000 }),
    ];

    const board = rankMarket(bars, referenceOf(bars));

    expect(symbols(board.losers)).toEqual(['FIVE']);
    expect(board.universeSize).toBe(1);
  });

  it('keeps a dollar volume of exactly $20M and leaves out one a share below', () => {
    const bars = [
      bar('EXACT', 4, { open: 8, close: 10, volume: 2_000_000 }),
      bar('SHORT', 8, { open: 8, close: 10, volume: 1_999_999 }),
    ];

    const board = rankMarket(bars, referenceOf(bars));

    expect(symbols(board.gainers)).toEqual(['EXACT']);
    expect(board.gainers[0]?.dollarVolume).toBe(20_000_000);
  });

  it('applies configured price and dollar-volume floors, and reports them', () => {
    const bars = [
      bar('CHEAP', 30, { open: 1, close: 1.3, volume: 100_000_000 }),
      bar('THIN', 40, { volume: 10 }),
    ];
    const filters: MarketFilters = { securityTypes: ['CS'], minClose: 1, minDollarVolume: 100 };

    const board = rankMarket(bars, referenceOf(bars), filters);

    expect(symbols(board.gainers)).toEqual(['THIN', 'CHEAP']);
    expect(board.filters).toEqual(filters);
  });

  it('breaks ties alphabetically, whatever the order of the rows', () => {
    const bars = [bar('CCC', 7), bar('AAA', 7), bar('BBB', 7), bar('ZZZ', -7), bar('YYY', -7)];

    const forward = rankMarket(bars, referenceOf(bars));
    const backward = rankMarket([...bars].reverse(), referenceOf(bars));

    expect(symbols(forward.gainers)).toEqual(['AAA', 'BBB', 'CCC']);
    expect(symbols(forward.losers)).toEqual(['YYY', 'ZZZ']);
    expect(backward).toEqual(forward);
  });

  it('keeps the top 10 of each side out of a wider universe', () => {
    const bars = Array.from({ length: 30 }, (_, index) =>
      bar(`T${String(index).padStart(2, '0')}`, index - 14.5),
    );

    const board = rankMarket(bars, referenceOf(bars));

    expect(board.gainers).toHaveLength(MARKET_BOARD_SIZE);
    expect(board.losers).toHaveLength(MARKET_BOARD_SIZE);
    expect(symbols(board.gainers)[0]).toBe('T29');
    expect(symbols(board.gainers).at(-1)).toBe('T20');
    expect(symbols(board.losers)[0]).toBe('T00');
    expect(symbols(board.losers).at(-1)).toBe('T09');
    expect(board.universeSize).toBe(30);
  });

  it('shows fewer than 10 when fewer moved that way', () => {
    const bars = [bar('UP', 2), bar('DOWN1', -1), bar('DOWN2', -2)];

    const board = rankMarket(bars, referenceOf(bars));

    expect(symbols(board.gainers)).toEqual(['UP']);
    expect(symbols(board.losers)).toEqual(['DOWN2', 'DOWN1']);
  });

  it('answers an empty board for an empty universe, filters included', () => {
    const bars = [bar('PENNY', 50, { open: 0.5, close: 0.75 })];

    expect(rankMarket([], new Map())).toEqual({
      gainers: [],
      losers: [],
      universeSize: 0,
      filters: DEFAULT_MARKET_FILTERS,
    });
    expect(rankMarket(bars, referenceOf(bars)).universeSize).toBe(0);
  });

  it('leaves out impossible bars and copies that disagree, counts identical copies once', () => {
    const bars = [
      bar('GOOD', 3),
      bar('NAN', 9, { close: Number.NaN }),
      bar('SPLIT', 9),
      bar('SPLIT', 11),
      bar('TWICE', 4),
      bar('TWICE', 4),
    ];

    const board = rankMarket(bars, referenceOf(bars));

    expect(symbols(board.gainers)).toEqual(['TWICE', 'GOOD']);
    expect(board.universeSize).toBe(2);
  });

  it('omits the name when the reference has none', () => {
    const bars = [bar('NONAME', 3)];

    const board = rankMarket(bars, new Map([['NONAME', { symbol: 'NONAME', name: '', type: 'CS' }]]));

    expect(board.gainers[0]).not.toHaveProperty('name');
  });
});

describe('marketFilters', () => {
  it.each([
    [{ ...DEFAULT_MARKET_FILTERS, securityTypes: [] }, /security types/],
    [{ ...DEFAULT_MARKET_FILTERS, securityTypes: ['cs'] }, /"cs"/],
    [{ ...DEFAULT_MARKET_FILTERS, securityTypes: ['CS', 'CS'] }, /CS is given twice/],
    [{ ...DEFAULT_MARKET_FILTERS, minClose: -1 }, /minClose/],
    [{ ...DEFAULT_MARKET_FILTERS, minDollarVolume: Number.POSITIVE_INFINITY }, /minDollarVolume/],
  ])('refuses %j', (filters, message) => {
    expect(() => marketFilters(filters)).toThrow(InvalidMarketFiltersError);
    expect(() => marketFilters(filters)).toThrow(message);
  });

  it('refuses bad filters in rankMarket too', () => {
    expect(() => rankMarket([], new Map(), { ...DEFAULT_MARKET_FILTERS, minClose: Number.NaN })).toThrow(
      InvalidMarketFiltersError,
    );
  });
});
