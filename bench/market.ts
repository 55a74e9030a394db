/**
 * Market board benchmark: parse, filter and rank one 12 000-row grouped-daily answer (the size of the
 * real US market), as the daily sync does for every session. Prints one JSON document.
 *
 * The answer is built in Massive's exact format (massive-api.md) from the simulated universe: its
 * 3 000 listings, and 9 000 more that copy their bars and types under other tickers, so prices,
 * volumes and types spread as in the universe. What is timed is the adapter's and the core's own code:
 * JSON.parse and the zod schema (what the HTTP client does with a body), marketSessionRows (the
 * grouped-daily checks) and rankMarket (filters and top 10). The baseline is JSON.parse of the same
 * text alone, measured in this run: no pipeline can be faster than reading its input.
 *
 * Goals (issue 14): under 100 ms (median of the runs) and under 64 MB more heap (heap used after the
 * pipeline, everything it made still reachable, minus heap used before it, after a full GC); `met`
 * says whether each was, next to the machine's load (a loaded shared machine inflates every timing, the
 * baseline's too: the ratio is the steadier figure). The answer is checked, and a wrong one fails the
 * run: the universe against an independent count of the rows that pass the filters, the top gainer
 * against the largest rise among them.
 *
 *   npm run bench:market
 */
import { availableParallelism, loadavg } from 'node:os';
import type { TickerReference } from '../core/index.ts';
import { DEFAULT_MARKET_FILTERS, easternTime, rankMarket } from '../core/index.ts';
import { marketSessionRows } from '../adapters/massive/massive-market-data-provider.ts';
import { groupedDailyResponseSchema } from '../adapters/massive/massive-schemas.ts';
import { simulatedListings, simulatedMarketBar } from '../adapters/simulated/simulated-universe.ts';
import { median } from './support/median.ts';

const DATE = '2025-03-07';
const ROWS = 12_000;
const RUNS = 15;
const GOALS = { medianMs: 100, extraHeapMb: 64 };

function check(condition: boolean, failure: string): void {
  if (!condition) throw new Error(`bench:market: ${failure}`);
}

function extraTicker(index: number): string {
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  let ticker = 'Q';
  for (let rest = index, place = 0; place < 4; place++, rest = Math.floor(rest / 26))
    ticker += letters[rest % 26];
  return ticker;
}

/** 12 000 rows and their reference: the universe, then copies of it under Q tickers. */
function market(): {
  text: string;
  reference: Map<string, TickerReference>;
  rows: Record<string, number | string>[];
} {
  const listings = simulatedListings();
  const t = easternTime(DATE, 16).getTime();
  const reference = new Map<string, TickerReference>();
  const rows: Record<string, number | string>[] = [];
  for (let index = 0; index < ROWS; index++) {
    const listing = listings[index % listings.length] as TickerReference;
    const symbol = index < listings.length ? listing.symbol : extraTicker(index);
    const bar = simulatedMarketBar(listing.symbol, DATE);
    reference.set(symbol, { symbol, name: listing.name, type: listing.type });
    rows.push({
      T: symbol,
      v: bar.volume,
      vw: Math.round(((bar.open + bar.close) / 2) * 10_000) / 10_000,
      o: bar.open,
      c: bar.close,
      h: bar.high,
      l: bar.low,
      t,
      n: Math.max(1, Math.round(bar.volume / 900)),
    });
  }
  const body = {
    queryCount: ROWS,
    resultsCount: ROWS,
    adjusted: true,
    results: rows,
    status: 'OK',
    request_id: 'bench',
    count: ROWS,
  };
  return { text: JSON.stringify(body), reference, rows };
}

function pipeline(text: string, reference: ReadonlyMap<string, TickerReference>) {
  const body = groupedDailyResponseSchema.parse(JSON.parse(text));
  const { kept } = marketSessionRows(body, DATE, (value) => value);
  return { body, kept, board: rankMarket(kept, reference, DEFAULT_MARKET_FILTERS) };
}

function timed(action: () => unknown): number[] {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    action();
    times.push(performance.now() - start);
  }
  return times;
}

const gc = (globalThis as { gc?: () => void }).gc;
check(gc !== undefined, 'run with node --expose-gc (npm run bench:market does)');

const { text, reference, rows } = market();

// The answer, worked out apart from the code under test: the rows the default filters keep, and the biggest rise.
const types = new Set(DEFAULT_MARKET_FILTERS.securityTypes);
const passing = rows.filter((row) => {
  const close = row.c as number;
  return (
    types.has(reference.get(row.T as string)?.type ?? '') &&
    close >= DEFAULT_MARKET_FILTERS.minClose &&
    close * (row.v as number) >= DEFAULT_MARKET_FILTERS.minDollarVolume
  );
});
const change = (row: Record<string, number | string>) =>
  ((row.c as number) - (row.o as number)) / (row.o as number);
const biggestRise = Math.max(...passing.map(change));

const parseOnly = median(timed(() => JSON.parse(text)));
const full = median(timed(() => pipeline(text, reference)));

gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const result = pipeline(text, reference);
const heapAfter = process.memoryUsage().heapUsed;
const extraHeapMb = Math.round(((heapAfter - heapBefore) / 1024 / 1024) * 10) / 10;

const { board, kept } = result;
check(kept.length === ROWS, `expected ${ROWS} bars, got ${kept.length}`);
check(
  board.universeSize === passing.length,
  `universe ${board.universeSize}, independent count ${passing.length}`,
);
check(board.gainers.length === 10 && board.losers.length === 10, 'a full top 10 each way');
check(
  Math.abs((board.gainers[0]?.changePercent ?? 0) - biggestRise * 100) < 1e-9,
  'the top gainer is the biggest rise',
);

const medianMs = Math.round(full * 10) / 10;
console.log(
  JSON.stringify(
    {
      benchmark: 'market',
      answer: {
        rows: ROWS,
        bytes: Buffer.byteLength(text),
        universeSize: board.universeSize,
        topGainer: board.gainers[0]?.symbol,
        topLoser: board.losers[0]?.symbol,
      },
      runs: RUNS,
      parseFilterRank: { medianMs, goalMs: GOALS.medianMs, met: medianMs < GOALS.medianMs },
      baselineJsonParseOnly: { medianMs: Math.round(parseOnly * 10) / 10 },
      ratioToJsonParse: Math.round((full / parseOnly) * 10) / 10,
      extraHeap: { mb: extraHeapMb, goalMb: GOALS.extraHeapMb, met: extraHeapMb < GOALS.extraHeapMb },
      // Timings on a shared machine mean little under load: the 1-minute load average and the cores say how much.
      loadAverage1m: Math.round(loadavg()[0]! * 10) / 10,
      cpus: availableParallelism(),
    },
    null,
    2,
  ),
);
