import * as z from 'zod';
import type { MarketBoard, StoredTickerReference, TickerReference } from '../../core/index.ts';
import { MARKET_BOARD_BASIS } from '../../core/index.ts';
import { CorruptWinnerItemError, UnstorableSessionResultError } from './dynamodb-errors.ts';
import { problemsOf, unstorableNumbers } from './winner-item.ts';

/**
 * The market's items in the winners table. Boards: `pk = MARKET`, `sk = <session date>`, one item per
 * session (about 4 KB: twenty movers and the filters), so "latest N boards" is one Query whatever the
 * history. The ticker reference: `pk = TICKER_REFERENCE`, a header item `sk = current` (when it was
 * fetched, how many chunks and tickers) and the tickers in chunks `sk = chunk#<fetchedAt>#<n>`. 12 000
 * listings do not fit one 400 KB item, and the embedded store has no transactions, so a refresh writes
 * its chunks first and the header last: a reader follows the header, and never sees half a refresh.
 */
export const MARKET_PARTITION_KEY = 'MARKET';
export const TICKER_REFERENCE_PARTITION_KEY = 'TICKER_REFERENCE';
export const TICKER_REFERENCE_HEADER_KEY = 'current';

/**
 * 500 tickers of at most 32 + 500 + 32 characters stay under 300 KB, below the 400 KB item limit; at
 * real name lengths a chunk is about 25 KB.
 */
export const TICKERS_PER_CHUNK = 500;
/** Four times the real market: a larger reference is a broken answer, not a bigger market. */
export const MAX_REFERENCE_TICKERS = 50_000;

export interface MarketBoardItem extends Omit<MarketBoard, 'date'> {
  readonly pk: string;
  readonly sk: string;
  /** ISO 8601 instant this item was written: tells a forced rewrite from the original. */
  readonly writtenAt: string;
}

/** The item for `board`; throws UnstorableSessionResultError, before anything is sent, if a number cannot be stored. */
export function toMarketBoardItem(board: MarketBoard, writtenAt: Date): MarketBoardItem {
  const unstorable = unstorableNumbers(board, '');
  if (unstorable.length > 0) throw new UnstorableSessionResultError(board.date, unstorable);
  const { date, ...rest } = board;
  return { pk: MARKET_PARTITION_KEY, sk: date, ...rest, writtenAt: writtenAt.toISOString() };
}

const SESSION_DATE = /^\d{4}-\d{2}-\d{2}$/;

const marketMoverSchema = z.object({
  symbol: z.string().min(1),
  name: z.string().optional(),
  open: z.number(),
  close: z.number(),
  volume: z.number(),
  dollarVolume: z.number(),
  changePercent: z.number(),
});

const marketBoardItemSchema = z.object({
  sk: z.string().regex(SESSION_DATE, 'sk must be a YYYY-MM-DD session date'),
  gainers: z.array(marketMoverSchema),
  losers: z.array(marketMoverSchema),
  universeSize: z.number().int().min(0),
  filters: z.object({
    securityTypes: z.array(z.string()).min(1),
    minClose: z.number(),
    minDollarVolume: z.number(),
  }),
  basis: z.literal(MARKET_BOARD_BASIS),
  source: z.enum(['massive', 'simulated']),
  computedAt: z.string().min(1),
});

/** Reads an item back into a MarketBoard, or throws CorruptWinnerItemError saying what is wrong. */
export function fromMarketBoardItem(item: Record<string, unknown>, tableName: string): MarketBoard {
  const parsed = marketBoardItemSchema.safeParse(item);
  if (!parsed.success) {
    throw new CorruptWinnerItemError(tableName, { pk: item.pk, sk: item.sk }, problemsOf(parsed.error));
  }
  const { sk, ...rest } = parsed.data;
  return { date: sk, ...rest };
}

/** A stored ticker: `[symbol, name, type]`, a third of the bytes of a map per ticker. */
type TickerTuple = readonly [string, string, string];

export interface TickerReferenceHeaderItem {
  readonly pk: string;
  readonly sk: string;
  readonly fetchedAt: string;
  readonly chunks: number;
  readonly count: number;
}

export interface TickerChunkItem {
  readonly pk: string;
  readonly sk: string;
  readonly tickers: readonly TickerTuple[];
}

export class UnstorableTickerReferenceError extends Error {
  readonly code = 'UNSTORABLE_TICKER_REFERENCE';
  constructor(problem: string) {
    super(`The ticker reference was not stored: ${problem}. The stored one, if any, is unchanged.`);
    this.name = new.target.name;
  }
}

const tickerSchema = z.object({
  symbol: z.string().min(1).max(32),
  name: z.string().max(500),
  type: z.string().max(32),
});

export function chunkKeyPrefix(fetchedAt: string): string {
  return `chunk#${fetchedAt}#`;
}

/** The items of a refresh, chunks first and the header last; throws before anything is sent if it cannot be stored. */
export function toTickerReferenceItems(reference: StoredTickerReference): {
  readonly chunks: TickerChunkItem[];
  readonly header: TickerReferenceHeaderItem;
} {
  if (Number.isNaN(Date.parse(reference.fetchedAt))) {
    throw new UnstorableTickerReferenceError(
      `fetchedAt ${JSON.stringify(reference.fetchedAt)} is not an instant`,
    );
  }
  if (reference.tickers.length > MAX_REFERENCE_TICKERS) {
    throw new UnstorableTickerReferenceError(
      `${reference.tickers.length} tickers, more than the ${MAX_REFERENCE_TICKERS} any real market lists`,
    );
  }
  const bad = reference.tickers.find((ticker) => !tickerSchema.safeParse(ticker).success);
  if (bad)
    throw new UnstorableTickerReferenceError(`ticker ${JSON.stringify(bad).slice(0, 80)} is out of bounds`);
  const chunks: TickerChunkItem[] = [];
  for (let start = 0; start < reference.tickers.length; start += TICKERS_PER_CHUNK) {
    chunks.push({
      pk: TICKER_REFERENCE_PARTITION_KEY,
      sk: `${chunkKeyPrefix(reference.fetchedAt)}${String(chunks.length).padStart(4, '0')}`,
      tickers: reference.tickers
        .slice(start, start + TICKERS_PER_CHUNK)
        .map((ticker): TickerTuple => [ticker.symbol, ticker.name, ticker.type]),
    });
  }
  return {
    chunks,
    header: {
      pk: TICKER_REFERENCE_PARTITION_KEY,
      sk: TICKER_REFERENCE_HEADER_KEY,
      fetchedAt: reference.fetchedAt,
      chunks: chunks.length,
      count: reference.tickers.length,
    },
  };
}

const headerSchema = z.object({
  fetchedAt: z.string().min(1),
  chunks: z.number().int().min(0),
  count: z.number().int().min(0).max(MAX_REFERENCE_TICKERS),
});
const chunkSchema = z.object({
  tickers: z.array(z.tuple([z.string().min(1), z.string(), z.string()])),
});

export function readTickerReferenceHeader(
  item: Record<string, unknown>,
  tableName: string,
): z.infer<typeof headerSchema> {
  const parsed = headerSchema.safeParse(item);
  if (!parsed.success) {
    throw new CorruptWinnerItemError(tableName, { pk: item.pk, sk: item.sk }, problemsOf(parsed.error));
  }
  return parsed.data;
}

/** The tickers of a header's chunks, checked against the header's counts. */
export function readTickerChunks(
  header: z.infer<typeof headerSchema>,
  items: readonly Record<string, unknown>[],
  tableName: string,
): TickerReference[] {
  const key = { pk: TICKER_REFERENCE_PARTITION_KEY, sk: TICKER_REFERENCE_HEADER_KEY };
  if (items.length !== header.chunks) {
    throw new CorruptWinnerItemError(tableName, key, [
      `the header names ${header.chunks} chunks, ${items.length} were found`,
    ]);
  }
  const tickers: TickerReference[] = [];
  for (const item of items) {
    const parsed = chunkSchema.safeParse(item);
    if (!parsed.success) {
      throw new CorruptWinnerItemError(tableName, { pk: item.pk, sk: item.sk }, problemsOf(parsed.error));
    }
    for (const [symbol, name, type] of parsed.data.tickers) tickers.push({ symbol, name, type });
  }
  if (tickers.length !== header.count) {
    throw new CorruptWinnerItemError(tableName, key, [
      `the header counts ${header.count} tickers, the chunks hold ${tickers.length}`,
    ]);
  }
  return tickers;
}
