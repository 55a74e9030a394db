import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DailyBar } from '../../core/index.ts';
import {
  BAR_BOUNDS,
  DEFAULT_BASIS,
  percentChange,
  pickWinner,
  previousClosesOf,
  rankMovers,
} from '../../core/index.ts';

function bar(symbol: string, open: number, close: number, session = '2025-07-02'): DailyBar {
  return {
    symbol,
    session,
    open,
    high: Math.max(open, close),
    low: Math.min(open, close),
    close,
    volume: 1_000,
  };
}

/** The previous session's bar of a ticker, for close-to-close: only its close matters. */
function previous(symbol: string, close: number): DailyBar {
  return bar(symbol, close, close, '2025-07-01');
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
    expect(rankMovers(bars, 'open-to-close', previousClosesOf([previous('AAPL', 50)]))).toEqual(
      rankMovers(bars),
    );
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
    const previousBars = [previous('AAPL', 90), previous('TSLA', 104)];

    const closeToClose = rankMovers(bars, 'close-to-close', previousClosesOf(previousBars));
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
    const previousBars = [previous('AAPL', 100), previous('ZERO', 0), previous('NAN', Number.NaN)];

    const { winner, ranking, excluded } = rankMovers(bars, 'close-to-close', previousClosesOf(previousBars));

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
    const { excluded } = rankMovers(
      [bar('BAD', 100, Number.NaN)],
      'close-to-close',
      previousClosesOf([previous('BAD', 100)]),
    );

    expect(excluded).toEqual([{ symbol: 'BAD', reason: expect.stringMatching(/price/) }]);
  });
});

describe('rankMovers: duplicate bars', () => {
  it('counts identical copies of a bar once', () => {
    const { ranking, excluded } = rankMovers([
      bar('AAPL', 100, 101),
      bar('AAPL', 100, 101),
      bar('MSFT', 100, 99),
    ]);

    expect(symbolsOf(ranking)).toEqual(['AAPL', 'MSFT']);
    expect(excluded).toEqual([]);
  });

  it('excludes a ticker whose copies disagree, says why, and never lets a fake copy win', () => {
    const fakeCopy = bar('AAPL', 100, 150);

    const { winner, ranking, excluded } = rankMovers([bar('AAPL', 100, 101), fakeCopy, bar('MSFT', 100, 98)]);

    expect(winner?.symbol).toBe('MSFT');
    expect(symbolsOf(ranking)).toEqual(['MSFT']);
    expect(excluded).toEqual([
      {
        symbol: 'AAPL',
        reason: 'conflicting bars for this session (open 100, close 101 vs open 100, close 150)',
      },
    ]);
  });

  it('copies that differ only in volume still conflict: the bar is not known', () => {
    const quiet = bar('AAPL', 100, 101);

    const { excluded } = rankMovers([quiet, { ...quiet, volume: 7 }, { ...quiet }]);

    expect(symbolsOf(excluded)).toEqual(['AAPL']);
  });

  it('close-to-close: previous copies with one close are fine, previous closes that disagree exclude the ticker', () => {
    const bars = [bar('AAPL', 100, 110), bar('MSFT', 100, 101)];
    const previousBars = [
      previous('AAPL', 100),
      previous('AAPL', 100),
      previous('MSFT', 100),
      previous('MSFT', 50),
    ];

    const { ranking, excluded } = rankMovers(bars, 'close-to-close', previousClosesOf(previousBars));

    expect(symbolsOf(ranking)).toEqual(['AAPL']);
    expect(excluded).toEqual([{ symbol: 'MSFT', reason: 'conflicting previous closes (100 vs 50)' }]);
  });
});

describe('rankMovers: sane bounds', () => {
  it.each([
    ['a close of 1e20', 100, 1e20],
    ['an open above ten million', 10_000_001, 100],
    ['a close below a millionth', 100, 1e-7],
    ['a subnormal open', Number.MIN_VALUE, 100],
  ])('excludes %s with a reason', (_, open, close) => {
    const { winner, excluded } = rankMovers([bar('AAPL', 100, 101), bar('HUGE', open, close)]);

    expect(winner?.symbol).toBe('AAPL');
    expect(excluded).toEqual([
      { symbol: 'HUGE', reason: expect.stringMatching(/^invalid price \(open .*must lie in/) },
    ]);
  });

  it.each([
    ['negative', -1],
    ['above a trillion shares', 1e13],
    ['not finite', Number.POSITIVE_INFINITY],
  ])('excludes a volume that is %s', (_, volume) => {
    const { excluded } = rankMovers([{ ...bar('AAPL', 100, 101), volume }]);

    expect(excluded).toEqual([{ symbol: 'AAPL', reason: expect.stringMatching(/^invalid volume/) }]);
  });

  it('keeps the bounds themselves: Berkshire-class prices and sub-penny quotes rank', () => {
    const { ranking } = rankMovers([bar('BRK.A', 740_000, 745_000), bar('PENNY', 0.0001, 0.0002)]);

    expect(symbolsOf(ranking)).toEqual(['PENNY', 'BRK.A']);
  });

  it('within the bounds, every number a ranking holds is finite and a safe magnitude for DynamoDB', () => {
    const price = fc.double({ min: BAR_BOUNDS.minPrice, max: BAR_BOUNDS.maxPrice, noNaN: true });
    fc.assert(
      fc.property(price, price, price, (open, close, previousClose) => {
        const [openToClose] = rankMovers([bar('X', open, close)]).ranking;
        const [closeToClose] = rankMovers(
          [bar('X', open, close)],
          'close-to-close',
          previousClosesOf([previous('X', previousClose)]),
        ).ranking;

        for (const mover of [openToClose, closeToClose]) {
          expect(Number.isFinite(mover?.changePercent)).toBe(true);
          expect(Math.abs(mover!.changePercent)).toBeLessThan(Number.MAX_SAFE_INTEGER);
        }
      }),
      { numRuns: 2_000 },
    );
    const extreme = percentChange(BAR_BOUNDS.minPrice, BAR_BOUNDS.maxPrice);
    expect(extreme).toBeLessThan(Number.MAX_SAFE_INTEGER);
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
  /** The same bars with some of them repeated, as identical copies or as copies with another close. */
  const withCopiesArbitrary = barsArbitrary.chain((bars) =>
    fc.array(fc.tuple(fc.nat(), fc.boolean()), { maxLength: bars.length === 0 ? 0 : 4 }).map((picks) => [
      ...bars,
      ...picks.map(([index, conflicting]) => {
        const original = bars[index % bars.length] as DailyBar;
        return conflicting ? { ...original, close: original.close + 1 } : { ...original };
      }),
    ]),
  );

  it('accounts for every ticker once, never ranks a NaN and puts the largest absolute change first', () => {
    fc.assert(
      fc.property(withCopiesArbitrary, (bars) => {
        const { winner, ranking, excluded } = rankMovers(bars);

        expect([...symbolsOf(ranking), ...symbolsOf(excluded)].sort()).toEqual(
          [...new Set(symbolsOf(bars))].sort(),
        );
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
        withCopiesArbitrary.chain((bars) =>
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
