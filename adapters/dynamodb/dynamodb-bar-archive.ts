import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type {
  ArchivedBars,
  ArchivedFetch,
  BarArchive,
  DailyBar,
  DataSource,
  FetchedSession,
  UnreadableSession,
} from '../../core/index.ts';
import { mergeArchivedFetches } from '../../core/index.ts';
import { putInBatches } from './dynamodb-batch-write.ts';
import { toDynamoDbError } from './dynamodb-errors.ts';

export interface DynamoDbBarArchiveOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
}

/** `BARS#massive`: the archive of one data source, apart from the watchlists' partitions. */
export function barArchivePartitionKey(source: DataSource): string {
  return `BARS#${source}`;
}

/**
 * Tickers per item. The worst case of a ticker is about 80 bytes (a 10-character symbol in `tickers`
 * and as a key of `bars`, five 17-digit numbers), so 2 000 of them stay under 160 KB, well inside
 * DynamoDB's 400 KB per item; a whole-market session (about 12 000 tickers) is 6 items.
 */
export const TICKERS_PER_ITEM = 2_000;

/** The five numbers of a bar in one list, `[open, high, low, close, volume]`: a third of the size of a map. */
const barNumbers = z.tuple([z.number(), z.number(), z.number(), z.number(), z.number()]);
const barItemSchema = z
  .object({
    sk: z.string().regex(/^\d{4}-\d{2}-\d{2}#/, 'sk must start with a YYYY-MM-DD session date'),
    fetchId: z.string().min(1),
    tickers: z.array(z.string().min(1)).min(1),
    bars: z.record(z.string(), barNumbers),
  })
  .refine((item) => Object.keys(item.bars).every((ticker) => item.tickers.includes(ticker)), {
    message: 'bars holds a ticker missing from tickers',
  });

/**
 * The BarArchive on the winners table: partition `BARS#<source>`, one item per (session, fetch, part of
 * TICKERS_PER_ITEM tickers), sort key `<session>#<fetchId>#<nonce>#<part>`. Append-only: items are
 * never rewritten, so two processes recording at once cannot lose each other's bars (the random nonce
 * keeps even equal fetch ids apart), and no write needs a condition, so plain BatchWriteItem serves. Reading a range of sessions is one paginated
 * Query between `<from>` and `<to>#\uffff`; strongly consistent, because the list synced next in the same
 * run reads what the first one recorded a moment before.
 *
 * The `winner-rows` index has the table's keys, so these items enter it too, but only with their keys:
 * they carry none of its projected attributes (winner, basis, source), and its readers query
 * `WATCHLIST#` partitions only. An item that cannot be read back is reported in `unreadable` and its
 * tickers count as never fetched: they are fetched again, never served wrong.
 */
export class DynamoDbBarArchive implements BarArchive {
  private readonly documents: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: DynamoDbBarArchiveOptions) {
    if (!options.tableName) throw new TypeError('DynamoDbBarArchive needs a table name.');
    this.documents = DynamoDBDocumentClient.from(options.client);
    this.tableName = options.tableName;
  }

  async read(
    source: DataSource,
    from: string,
    to: string,
    tickers: readonly string[],
  ): Promise<ArchivedBars> {
    if (from > to) return mergeArchivedFetches([], tickers, []);
    const wanted = new Set(tickers);
    const fetches: ArchivedFetch[] = [];
    const unreadable: UnreadableSession[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.guarded(() =>
        this.documents.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
            ExpressionAttributeValues: {
              ':pk': barArchivePartitionKey(source),
              ':from': from,
              ':to': `${to}#\uffff`,
            },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      for (const item of page.Items ?? []) {
        const parsed = fromBarItem(item, wanted);
        if ('unreadable' in parsed) unreadable.push(parsed.unreadable);
        else fetches.push(parsed.fetch);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return mergeArchivedFetches(fetches, tickers, unreadable);
  }

  async record(source: DataSource, fetchId: string, sessions: readonly FetchedSession[]): Promise<void> {
    const nonce = randomUUID().slice(0, 8);
    const items = sessions.flatMap((fetched) =>
      toBarItems(barArchivePartitionKey(source), fetchId, nonce, fetched),
    );
    await putInBatches(this.documents, this.tableName, items);
  }

  /** The request, its failure named as the repository names them (missing table, throttling, no store). */
  private async guarded<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw toDynamoDbError(error, this.tableName);
    }
  }
}

function toBarItems(
  pk: string,
  fetchId: string,
  nonce: string,
  fetched: FetchedSession,
): Record<string, unknown>[] {
  const barsBySymbol = new Map(fetched.bars.map((bar) => [bar.symbol, bar] as const));
  const items: Record<string, unknown>[] = [];
  for (let start = 0, part = 0; start < fetched.tickers.length; start += TICKERS_PER_ITEM, part += 1) {
    const tickers = fetched.tickers.slice(start, start + TICKERS_PER_ITEM);
    const bars: Record<string, number[]> = {};
    for (const ticker of tickers) {
      const bar = barsBySymbol.get(ticker);
      if (bar) bars[ticker] = [bar.open, bar.high, bar.low, bar.close, bar.volume];
    }
    items.push({
      pk,
      sk: `${fetched.session}#${fetchId}#${nonce}#${String(part).padStart(3, '0')}`,
      fetchId,
      tickers,
      bars,
    });
  }
  return items;
}

function fromBarItem(
  item: Record<string, unknown>,
  wanted: ReadonlySet<string>,
): { fetch: ArchivedFetch } | { unreadable: UnreadableSession } {
  const parsed = barItemSchema.safeParse(item);
  if (!parsed.success) {
    const sk = String(item.sk);
    return {
      unreadable: {
        date: sk.slice(0, 10),
        reason: `bar archive item ${sk}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'item'}: ${issue.message}`).join('; ')}`,
      },
    };
  }
  const { sk, fetchId, tickers, bars } = parsed.data;
  const session = sk.slice(0, 10);
  const kept: DailyBar[] = [];
  for (const [symbol, [open, high, low, close, volume]] of Object.entries(bars)) {
    if (wanted.has(symbol)) kept.push({ symbol, session, open, high, low, close, volume });
  }
  return { fetch: { session, fetchId, tickers, bars: kept } };
}
