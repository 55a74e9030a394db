import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type {
  Clock,
  SaveOutcome,
  SessionResult,
  UnreadableSession,
  WinnerRepository,
  WinnerRow,
  WinnerRows,
} from '../../core/index.ts';
import { SystemClock } from '../clock/system-clock.ts';
import type { AppLogger } from '../observability/app-logger.ts';
import { silentLogger } from '../observability/app-logger.ts';
import { DynamoDbRequestError, isNamed, toDynamoDbError } from './dynamodb-errors.ts';
import { newestFirst, queryAllPages } from './dynamodb-query.ts';
import type { WinnerItem } from './winner-item.ts';
import { fromWinnerItem, sessionDateOf, toWinnerItem, toWinnerRow } from './winner-item.ts';
import { WINNERS_TABLE, watchlistPartitionKey } from './winners-table.ts';

export interface DynamoDbWinnerRepositoryOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** Watchlist name (`default`): each watchlist is its own partition. */
  readonly watchlist: string;
  readonly logger?: AppLogger;
  /** Source of `writtenAt`; the system clock by default. */
  readonly clock?: Clock;
}

/** DynamoDB's limits on one TransactWriteItems: 100 actions; 4 MB in all, kept well under here. */
const MAX_TRANSACTION_ITEMS = 100;
const MAX_TRANSACTION_BYTES = 3 * 1024 * 1024;
/** Rounds of a transaction lost to concurrent ones (TransactionConflict only) before giving up. */
const MAX_CONFLICT_ROUNDS = 6;
/** Per-item reasons of a cancelled transaction that another round settles; any other is a failure. */
const RETRIED_CANCELLATIONS = new Set(['None', 'ConditionalCheckFailed', 'TransactionConflict']);
const WINNER_ROWS_INDEX = WINNERS_TABLE.winnerRowsIndex.name;

/**
 * The WinnerRepository on one DynamoDB table (`pk = WATCHLIST#<name>`, `sk = <session date>`). Every
 * read is a GetItem or a Query on the watchlist's partition, never a Scan, so a read's cost depends
 * on what it returns, not on how much history is stored. Lists read the `winner-rows` index, which
 * holds only the winner attributes (see WINNERS_TABLE for why), so their cost does not depend on the
 * watchlist's width either. Reads are eventually consistent (half the cost; an index can only be read
 * so): a session written a moment ago may be missing from a list for that moment. The conditional
 * write is what keeps one item per session, not the reads.
 */
export class DynamoDbWinnerRepository implements WinnerRepository {
  private readonly documents: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly watchlist: string;
  private readonly partitionKey: string;
  private readonly logger: AppLogger;
  private readonly clock: Clock;
  private warnedNoIndex = false;

  constructor(options: DynamoDbWinnerRepositoryOptions) {
    if (!options.tableName) throw new TypeError('DynamoDbWinnerRepository needs a table name.');
    if (!options.watchlist) throw new TypeError('DynamoDbWinnerRepository needs a watchlist name.');
    this.documents = DynamoDBDocumentClient.from(options.client, {
      // `previousClose` is absent on the open-to-close basis: leave it out rather than fail.
      marshallOptions: { removeUndefinedValues: true },
    });
    this.tableName = options.tableName;
    this.watchlist = options.watchlist;
    this.partitionKey = watchlistPartitionKey(options.watchlist);
    this.logger = options.logger ?? silentLogger;
    this.clock = options.clock ?? new SystemClock();
  }

  async save(result: SessionResult, options: { overwrite?: boolean } = {}): Promise<SaveOutcome> {
    return this.put(this.toItem(result), options);
  }

  /**
   * Stores sessions the caller found missing, many per request, keeping `save`'s guarantee for each:
   * of concurrent writers of one session exactly one stores it and the others learn `already-present`.
   * - Up to 100 items (and 3 MB, no session twice) go in one TransactWriteItems of conditional Puts,
   *   `attribute_not_exists(sk)` unless overwriting. DynamoDB applies all of them or none, so a
   *   session another writer has stored is never overwritten. Transactions go one after another:
   *   at 7 tickers, transactions of 25, or 4 in flight, were no faster on either local store.
   * - A cancelled transaction says why, item by item: `ConditionalCheckFailed` means that session is
   *   stored already (the other writer won: `already-present`); the rest failed nothing and go again in
   *   the next round. `TransactionConflict` (another transaction on that session at that instant) is
   *   retried the same way, and its condition then settles it.
   * - The embedded store (dynalite) has no transactions of its own; it is given this one kind, with the
   *   same all-or-nothing answers (see embedded-transact-write.ts), so every store runs this code.
   * BatchWriteItem is not used: it takes no condition, so it would overwrite a concurrent sync's session.
   * A transactional write costs twice the write units of a plain one; a few sessions a day make that
   * negligible. Most of a write's time is the request itself (measured by bench:store-writes: a
   * conditional PutItem of a 7-ticker session costs about as much as 6 items in a batch), so many
   * sessions a request is what makes a backfill fast.
   * Every item is built (and its numbers checked) before anything is sent.
   */
  async saveMany(
    results: readonly SessionResult[],
    options: { overwrite?: boolean } = {},
  ): Promise<SaveOutcome[]> {
    const items = results.map((result) => this.toItem(result));
    const outcomes: SaveOutcome[] = [];
    for (const chunk of transactionChunks(items)) {
      outcomes.push(...(await this.transact(chunk, options)));
    }
    this.logger.debug('Stored session results', {
      sessions: results.length,
      stored: outcomes.filter((outcome) => outcome === 'stored').length,
      overwrite: Boolean(options.overwrite),
    });
    return outcomes;
  }

  async get(date: string): Promise<SessionResult | undefined> {
    try {
      const response = await this.documents.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { pk: this.partitionKey, sk: date },
        }),
      );
      return response.Item && fromWinnerItem(response.Item, this.tableName);
    } catch (error) {
      throw toDynamoDbError(error, this.tableName);
    }
  }

  /** One Query on the winner-rows index. A damaged session is reported in `unreadable`, never fatal. */
  async latestWinners(limit: number, onOrBefore?: string): Promise<WinnerRows> {
    if (limit <= 0) return { rows: [], unreadable: [] };
    const items = await this.queryWinnerRows(newestFirst(this.partitionKey, limit, onOrBefore));
    const rows: WinnerRow[] = [];
    const unreadable: UnreadableSession[] = [];
    for (const item of items) {
      const read = toWinnerRow(item);
      if ('row' in read) {
        rows.push(read.row);
      } else {
        unreadable.push(read.unreadable);
        this.logger.warn('Skipped an unreadable stored session', {
          table: this.tableName,
          session: read.unreadable.date,
          reason: read.unreadable.reason,
        });
      }
    }
    return { rows, unreadable };
  }

  /**
   * Reads the table, not the index: what decides whether a sync fetches a session again is whether
   * its item is there, and an index entry can outlive its item when an embedded store is repaired.
   */
  async storedSessions(from: string, to: string): Promise<string[]> {
    if (from > to) return [];
    const items = await this.query({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': this.partitionKey, ':from': from, ':to': to },
      ProjectionExpression: 'sk',
    });
    return items.map((item) => sessionDateOf(item, this.tableName));
  }

  /**
   * A COUNT Query on the winner-rows index: DynamoDB bills it by the index entries it counts (about 150
   * bytes a session, so about 5 read units a stored year, 1 MB a page), and it sends no item back.
   * Without the index (see queryWinnerRows) it counts the table, at the cost of full items.
   */
  async countSessions(): Promise<number> {
    const input = {
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': this.partitionKey },
      Select: 'COUNT',
    } as const;
    try {
      return await this.count({ ...input, IndexName: WINNER_ROWS_INDEX });
    } catch (error) {
      if (!indexUnavailable(error)) throw error;
      return this.count(input);
    }
  }

  private async count(input: Partial<QueryCommandInput>): Promise<number> {
    let count = 0;
    let startKey: Record<string, unknown> | undefined;
    try {
      do {
        const page = await this.documents.send(
          new QueryCommand({
            ...input,
            TableName: this.tableName,
            ...(startKey && { ExclusiveStartKey: startKey }),
          }),
        );
        count += page.Count ?? 0;
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    } catch (error) {
      throw toDynamoDbError(error, this.tableName);
    }
    return count;
  }

  private toItem(result: SessionResult): WinnerItem {
    return toWinnerItem(result, this.watchlist, this.clock.now());
  }

  private async put(item: WinnerItem, options: { overwrite?: boolean }): Promise<SaveOutcome> {
    try {
      // A plain Put replaces the whole item, so a forced rewrite leaves no attribute of the old one.
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ...(!options.overwrite && { ConditionExpression: 'attribute_not_exists(sk)' }),
        }),
      );
      this.logger.debug('Stored session result', { session: item.sk, overwrite: Boolean(options.overwrite) });
      return 'stored';
    } catch (error) {
      if (isNamed(error, 'ConditionalCheckFailedException')) {
        this.logger.debug('Session result already stored', { session: item.sk });
        return 'already-present';
      }
      throw toDynamoDbError(error, this.tableName);
    }
  }

  /**
   * The outcome of each item. The SDK gives each request an idempotency token, so its own retry of a
   * transaction that did commit is answered as a success, not as a conflict with itself.
   */
  private async transact(items: WinnerItem[], options: { overwrite?: boolean }): Promise<SaveOutcome[]> {
    const outcomes = new Array<SaveOutcome | undefined>(items.length);
    let pending = items.map((_, index) => index);
    let conflicts = 0;
    while (pending.length > 0) {
      try {
        await this.documents.send(
          new TransactWriteCommand({
            TransactItems: pending.map((index) => ({
              Put: {
                TableName: this.tableName,
                Item: items[index],
                ...(!options.overwrite && { ConditionExpression: 'attribute_not_exists(sk)' }),
              },
            })),
          }),
        );
        for (const index of pending) outcomes[index] = 'stored';
        pending = [];
      } catch (error) {
        const reasons = cancellationReasons(error);
        const retryable = reasons?.every((code) => RETRIED_CANCELLATIONS.has(code));
        if (!reasons || !retryable) throw toDynamoDbError(error, this.tableName);
        // Sessions found stored are settled; a round that settles none was lost to a concurrent
        // transaction only, and is retried a bounded number of times after a short random pause.
        const settled = pending.filter((_, position) => reasons[position] === 'ConditionalCheckFailed');
        for (const index of settled) outcomes[index] = 'already-present';
        pending = pending.filter((index) => !settled.includes(index));
        if (settled.length === 0) {
          conflicts++;
          if (conflicts >= MAX_CONFLICT_ROUNDS) throw toDynamoDbError(error, this.tableName);
          await pause(20 * 2 ** conflicts * Math.random());
        }
      }
    }
    return outcomes as SaveOutcome[];
  }

  /**
   * Queries the winner-rows index. A table created before the index existed, or one whose index is
   * still being built (DynamoDB backfills a new index online), answers a ValidationException naming the
   * index: the same Query then reads the table itself, projecting the same attributes. The answer is the
   * same; only the cost is that of full items. The embedded store (dynalite) cannot add an index to an
   * existing table, so a store created by an older version keeps that cost until it is re-imported.
   */
  private async queryWinnerRows(input: Partial<QueryCommandInput>): Promise<Record<string, unknown>[]> {
    try {
      return await this.query({ ...input, IndexName: WINNER_ROWS_INDEX });
    } catch (error) {
      if (!indexUnavailable(error)) throw error;
      if (!this.warnedNoIndex) {
        this.warnedNoIndex = true;
        this.logger.warn('Winner-rows index unavailable: lists read full items until it is', {
          table: this.tableName,
          index: WINNER_ROWS_INDEX,
        });
      }
      return this.query({
        ...input,
        ProjectionExpression: '#sk, #winner, #basis, #source',
        ExpressionAttributeNames: {
          '#sk': 'sk',
          '#winner': 'winner',
          '#basis': 'basis',
          '#source': 'source',
        },
      });
    }
  }

  private query(input: Partial<QueryCommandInput>): Promise<Record<string, unknown>[]> {
    return queryAllPages(this.documents, this.tableName, input);
  }
}

/** Consecutive runs of items that fit one transaction, none holding a session twice (DynamoDB refuses that). */
function transactionChunks(items: WinnerItem[]): WinnerItem[][] {
  const chunks: WinnerItem[][] = [];
  let chunk: WinnerItem[] = [];
  let bytes = 0;
  let sessions = new Set<string>();
  for (const item of items) {
    // The JSON text is longer than DynamoDB's own size of an item: a safe estimate.
    const size = Buffer.byteLength(JSON.stringify(item));
    const full =
      chunk.length === MAX_TRANSACTION_ITEMS || bytes + size > MAX_TRANSACTION_BYTES || sessions.has(item.sk);
    if (full && chunk.length > 0) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
      sessions = new Set();
    }
    chunk.push(item);
    bytes += size;
    sessions.add(item.sk);
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/** The per-item codes of a cancelled transaction, in request order, or undefined for any other failure. */
function cancellationReasons(error: unknown): string[] | undefined {
  if (!isNamed(error, 'TransactionCanceledException')) return undefined;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
  return reasons?.map((reason) => reason.Code ?? 'None');
}

/** DynamoDB's answer to a Query on an index that does not exist (yet) or is still being backfilled. */
function indexUnavailable(error: unknown): boolean {
  const cause = error instanceof DynamoDbRequestError ? error.cause : undefined;
  return isNamed(cause, 'ValidationException') && (cause as Error).message.includes(WINNER_ROWS_INDEX);
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
