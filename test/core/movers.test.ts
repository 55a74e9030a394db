import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DailyBar } from '../../core/index.ts';
import { DEFAULT_BASIS, percentChange, pickWinner, rankMovers } from '../../core/index.ts';

function bar(symbol: string, open: number, close: number): DailyBar {
  return {
    symbol,
    session: '2025-07-02',
    open,
    high: Math.max(open, close),
    low: Math.min(open, close),
    close,
    volume: 1_000,
  };
}

const symbolsOf = (movers: readonly { symbol: string }[]): string[] => movers.map((mover) => mover.symbol);

describe('percentChange', () => {
  it('is the change from the first price to the second, in percent', () => {
    expect(percentChange(100, 85)).toBeCloseTo(-15, 12);
    expect(percentChange(50, 100)).toBeCloseTo(100, 12);
    expect(percentChange(200, 201)).toBeCloseTo(0.5, 12);
    expect(percentChange(80, 80)).toBe(0);
  });
});

describe('rankMovers, open-to-close (the default)', () => {
  it('makes TSLA the winner at -15% in the old system’s example', () => {
    const bars = [bar('AAPL', 100, 105), bar('TSLA', 100, 85), bar('NVDA', 100, 112)];

    const { winner, ranking, excluded } = rankMovers(bars);

    expect(winner).toMatchObject({ symbol: 'TSLA', open: 100, close: 85 });
    expect(winner?.changePercent).toBeCloseTo(-15, 12);
    expect(symbolsOf(ranking)).toEqual(['TSLA', 'NVDA', 'AAPL']);
    expect(ranking.map((mover) => mover.changePercent)).toEqual([
      expect.closeTo(-15, 12),
      expect.closeTo(12, 12),
      expect.closeTo(5, 12),
    ]);
    expect(excluded).toEqual([]);
  });

  it('uses open-to-close by default and records no previous close', () => {
    const bars = [bar('AAPL', 100, 105)];

    expect(DEFAULT_BASIS).toBe('open-to-close');
    expect(rankMovers(bars, 'open-to-close', new Map([['AAPL', 50]]))).toEqual(rankMovers(bars));
    expect(rankMovers(bars).winner).not.toHaveProperty('previousClose');
  });

  it('ranks a -6% loser above a +5% gainer', () => {
    const { winner, ranking } = rankMovers([bar('GAIN', 100, 105), bar('LOSE', 100, 94)]);

    expect(winner?.symbol).toBe('LOSE');
    expect(winner?.changePercent).toBeCloseTo(-6, 12);
    expect(symbolsOf(ranking)).toEqual(['LOSE', 'GAIN']);
  });

  it('breaks ties alphabetically, whatever the input order', () => {
    // +10% and -10% exactly, so only the symbol can decide.
    const bars = [bar('MSFT', 200, 180), bar('AAPL', 100, 110), bar('TSLA', 50, 55), bar('AMZN', 100, 101)];
    expect(Math.abs(percentChange(200, 180))).toBe(percentChange(100, 110));

    for (const order of permutations(bars)) {
      const { winner, ranking } = rankMovers(order);
      expect(winner?.symbol).toBe('AAPL');
      expect(symbolsOf(ranking)).toEqual(['AAPL', 'MSFT', 'TSLA', 'AMZN']);
    }
  });

  it('ranks a single bar as the winner', () => {
    const { winner, ranking } = rankMovers([bar('META', 300, 297)]);

    expect(winner).toMatchObject({ symbol: 'META', changePercent: expect.closeTo(-1, 12) });
    expect(ranking).toHaveLength(1);
  });

  it('ranks a flat bar as a winner with a 0% change', () => {
    expect(rankMovers([bar('META', 300, 300)]).winner).toMatchObject({ symbol: 'META', changePercent: 0 });
  });

  it('has no winner without bars', () => {
    expect(rankMovers([])).toEqual({ winner: undefined, ranking: [], excluded: [] });
    expect(pickWinner([])).toBeUndefined();
  });

  it.each([
    ['a zero open', 0, 105],
    ['a zero close', 100, 0],
    ['a negative open', -100, 105],
    ['a negative close', 100, -5],
    ['a NaN open', Number.NaN, 105],
    ['a NaN close', 100, Number.NaN],
    ['an infinite open', Number.POSITIVE_INFINITY, 105],
    ['an infinite close', 100, Number.POSITIVE_INFINITY],
    ['a negative infinite close', 100, Number.NEGATIVE_INFINITY],
  ])('excludes a bar with %s, says why, and still finds a winner', (_, open, close) => {
    const { winner, ranking, excluded } = rankMovers([bar('AAPL', 100, 101), bar('BAD', open, close)]);

    expect(winner?.symbol).toBe('AAPL');
    expect(symbolsOf(ranking)).toEqual(['AAPL']);
    expect(excluded).toEqual([{ symbol: 'BAD', reason: expect.stringMatching(/price/) }]);
  });

  it('has no winner, and no NaN, when every bar is invalid', () => {
    const bars = [
      bar('A', 0, 0),
      bar('B', Number.NaN, 10),
      bar('C', 10, Number.POSITIVE_INFINITY),
      bar('D', -1, 1),
    ];

    const { winner, ranking, excluded } = rankMovers(bars);

    expect(winner).toBeUndefined();
    expect(ranking).toEqual([]);
    expect(symbolsOf(excluded)).toEqual(['A', 'B', 'C', 'D']);
    expect(pickWinner(bars)).toBeUndefined();
  });
});

describe('rankMovers, close-to-close', () => {
  it('measures each close against the previous session’s close', () => {
    const bars = [bar('AAPL', 100, 100), bar('TSLA', 100, 105)];
    const previousCloses = new Map([
      ['AAPL', 90],
      ['TSLA', 104],
    ]);

    const closeToClose = rankMovers(bars, 'close-to-close', previousCloses);
    const openToClose = rankMovers(bars, 'open-to-close');

    expect(closeToClose.winner).toEqual({
      symbol: 'AAPL',
      open: 100,
      close: 100,
      previousClose: 90,
      changePercent: expect.closeTo((100 / 90 - 1) * 100, 12),
    });
    expect(closeToClose.ranking[1]).toMatchObject({
      symbol: 'TSLA',
      previousClose: 104,
      changePercent: expect.closeTo((105 / 104 - 1) * 100, 12),
    });
    expect(openToClose.winner?.symbol).toBe('TSLA');
  });

  it('excludes a symbol without a previous close, or with an invalid one, and says why', () => {
    const bars = [bar('AAPL', 100, 101), bar('NEW', 10, 20), bar('ZERO', 10, 20), bar('NAN', 10, 20)];
    const previousCloses = new Map([
      ['AAPL', 100],
      ['ZERO', 0],
      ['NAN', Number.NaN],
    ]);

    const { winner, ranking, excluded } = rankMovers(bars, 'close-to-close', previousCloses);

    expect(winner?.symbol).toBe('AAPL');
    expect(symbolsOf(ranking)).toEqual(['AAPL']);
    expect(excluded).toEqual([
      { symbol: 'NEW', reason: expect.stringMatching(/previous close/) },
      { symbol: 'ZERO', reason: expect.stringMatching(/previous close/) },
      { symbol: 'NAN', reason: expect.stringMatching(/previous close/) },
    ]);
  });

  it('has no winner when no previous close is known', () => {
    const result = rankMovers([bar('AAPL', 100, 101)], 'close-to-close');

    expect(result.winner).toBeUndefined();
    expect(symbolsOf(result.excluded)).toEqual(['AAPL']);
  });

  it('still excludes a bar with an invalid price even when its previous close is valid', () => {
    const { excluded } = rankMovers([bar('BAD', 100, Number.NaN)], 'close-to-close', new Map([['BAD', 100]]));

    expect(excluded).toEqual([{ symbol: 'BAD', reason: expect.stringMatching(/price/) }]);
  });
});

describe('rankMovers properties', () => {
  const price = fc.oneof(
    { weight: 8, arbitrary: fc.double({ min: 0.01, max: 10_000, noNaN: true }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(0, -1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
    },
  );
  const barsArbitrary = fc
    .uniqueArray(fc.stringMatching(/^[A-Z]{1,5}$/), { maxLength: 12 })
    .chain((symbols) =>
      fc.tuple(
        ...symbols.map((symbol) => fc.tuple(price, price).map(([open, close]) => bar(symbol, open, close))),
      ),
    );

  it('accounts for every bar once, never ranks a NaN and puts the largest absolute change first', () => {
    fc.assert(
      fc.property(barsArbitrary, (bars) => {
        const { winner, ranking, excluded } = rankMovers(bars);

        expect([...symbolsOf(ranking), ...symbolsOf(excluded)].sort()).toEqual(symbolsOf(bars).sort());
        expect(ranking.every((mover) => Number.isFinite(mover.changePercent))).toBe(true);
        expect(winner).toEqual(ranking[0]);
        for (let index = 1; index < ranking.length; index++) {
          const [previous, current] = [ranking[index - 1], ranking[index]];
          const order = Math.abs(previous!.changePercent) - Math.abs(current!.changePercent);
          expect(order > 0 || (order === 0 && previous!.symbol < current!.symbol)).toBe(true);
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it('does not depend on the order of the bars', () => {
    fc.assert(
      fc.property(
        barsArbitrary.chain((bars) =>
          fc.tuple(fc.constant(bars), fc.shuffledSubarray(bars, { minLength: bars.length })),
        ),
        ([bars, shuffled]) => {
          expect(rankMovers(shuffled).ranking).toEqual(rankMovers(bars).ranking);
        },
      ),
      { numRuns: 500 },
    );
  });
});

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, index) =>
    permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]),
  );
}
