import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { QueryCommandInput, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
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
import { putInBatches } from './dynamodb-batch-write.ts';
import { documentClientOf } from './dynamodb-client.ts';
import { DynamoDbRequestError, isNamed, toDynamoDbError } from './dynamodb-errors.ts';
import { newestFirst, queryAllPages } from './dynamodb-query.ts';
import type { HeldWriteLease } from './dynamodb-write-lease.ts';
import { DEFAULT_WRITE_LEASE_MS, DynamoDbWriteLease } from './dynamodb-write-lease.ts';
import type { WinnerItem } from './winner-item.ts';
import { fromWinnerItem, sessionDateOf, toWinnerItem, toWinnerRow } from './winner-item.ts';
import { WINNERS_TABLE, watchlistPartitionKey } from './winners-table.ts';

export interface DynamoDbWinnerRepositoryOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** Watchlist name (`default`): each watchlist is its own partition. */
  readonly watchlist: string;
  readonly logger?: AppLogger;
  /** Source of `writtenAt` and of the write lease's times; the system clock by default. */
  readonly clock?: Clock;
  /** How long the watchlist's write lease is taken for (see DynamoDbWriteLease); 30 s by default. */
  readonly writeLeaseMs?: number;
}

/** Sessions confirmed by one read under the lease; a chunk never holds a session twice. */
const SESSIONS_PER_CHUNK = 100;
/**
 * BatchWriteItem requests of one chunk in flight at once. bench:store-writes (2026-12-02): on DynamoDB
 * Local, a server with threads of its own as AWS has, 500 sessions took 286-290 ms with 4 in flight
 * against 338-371 ms one after another; on dynalite, which shares one thread with its client, the two
 * were within the run-to-run noise (192-390 ms).
 */
const BATCHES_IN_FLIGHT = 4;
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
  private readonly writeLease: DynamoDbWriteLease;
  private warnedNoIndex = false;

  constructor(options: DynamoDbWinnerRepositoryOptions) {
    if (!options.tableName) throw new TypeError('DynamoDbWinnerRepository needs a table name.');
    if (!options.watchlist) throw new TypeError('DynamoDbWinnerRepository needs a watchlist name.');
    this.documents = documentClientOf(options.client);
    this.tableName = options.tableName;
    this.watchlist = options.watchlist;
    this.partitionKey = watchlistPartitionKey(options.watchlist);
    this.logger = options.logger ?? silentLogger;
    this.clock = options.clock ?? new SystemClock();
    this.writeLease = new DynamoDbWriteLease({
      documents: this.documents,
      tableName: this.tableName,
      watchlist: this.watchlist,
      clock: this.clock,
      logger: this.logger,
      leaseMs: options.writeLeaseMs ?? DEFAULT_WRITE_LEASE_MS,
    });
  }

  /**
   * One session through `saveMany`, under the write lease too: a plain conditional Put could land between
   * a lease holder's confirming read and its batch write, and both writers would report `stored`.
   */
  async save(result: SessionResult, options: { overwrite?: boolean } = {}): Promise<SaveOutcome> {
    const [outcome] = await this.saveMany([result], options);
    return outcome!;
  }

  /**
   * Stores sessions the caller found missing, many per request, keeping `save`'s guarantee for each:
   * of concurrent writers of one session exactly one stores it and the others learn `already-present`.
   * - Every item is built (and its numbers checked) before anything is sent.
   * - The whole call holds the watchlist's write lease (DynamoDbWriteLease): one writer of the list at a
   *   time, across processes and machines. Every writer of session items (this method, `save`, a forced
   *   backfill) takes it, so between the holder's read and its write nobody else writes the list.
   * - Per chunk of up to 100 sessions (no session twice in one), one strongly consistent keys-only Query
   *   (`sk BETWEEN` the chunk's first and last) confirms which are stored: those are `already-present`
   *   and are not written. The missing ones (with `overwrite`, all of them) go out in BatchWriteItem, 25
   *   a request, 4 in flight, unprocessed items sent again. BatchWriteItem takes no condition; the lease
   *   is what makes the confirming read still true when the write lands.
   * - Each item is put whole, replacing the whole item on a forced rewrite: a session is never
   *   half-written. A failure part-way leaves some sessions stored, each whole, and the rest missing;
   *   the next sync finds them missing and stores them.
   * - Most of a write's time is the request itself, so sessions many to a request are what makes a
   *   backfill fast; the lease adds two small requests per call (take it, release it).
   */
  async saveMany(
    results: readonly SessionResult[],
    options: { overwrite?: boolean } = {},
  ): Promise<SaveOutcome[]> {
    const items = results.map((result) => this.toItem(result));
    if (items.length === 0) return [];
    const outcomes = await this.writeLease.hold(async (lease) => {
      const written: SaveOutcome[] = [];
      for (const chunk of sessionChunks(items))
        written.push(...(await this.writeChunk(chunk, options, lease)));
      return written;
    });
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
    return this.sessionsBetween(from, to, { consistent: false });
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

  /** The outcome of each item of `chunk`; the lease is held. */
  private async writeChunk(
    chunk: readonly WinnerItem[],
    options: { overwrite?: boolean },
    lease: HeldWriteLease,
  ): Promise<SaveOutcome[]> {
    let stored = new Set<string>();
    if (!options.overwrite) {
      await lease.keep();
      const dates = chunk.map((item) => item.sk).sort();
      stored = new Set(await this.sessionsBetween(dates[0]!, dates.at(-1)!, { consistent: true }));
    }
    await putInBatches(
      this.documents,
      this.tableName,
      chunk.filter((item) => !stored.has(item.sk)),
      { inFlight: BATCHES_IN_FLIGHT, beforeEachRequest: () => lease.keep() },
    );
    return chunk.map((item) => (stored.has(item.sk) ? 'already-present' : 'stored'));
  }

  /** Stored session dates `from <= date <= to`, keys only; strongly consistent where a write depends on it. */
  private async sessionsBetween(from: string, to: string, read: { consistent: boolean }): Promise<string[]> {
    if (from > to) return [];
    const items = await this.query({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': this.partitionKey, ':from': from, ':to': to },
      ProjectionExpression: 'sk',
      ConsistentRead: read.consistent,
    });
    return items.map((item) => sessionDateOf(item, this.tableName));
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

/** Consecutive runs of up to SESSIONS_PER_CHUNK items, none holding a session twice (BatchWriteItem refuses that). */
function sessionChunks(items: readonly WinnerItem[]): WinnerItem[][] {
  const chunks: WinnerItem[][] = [];
  let chunk: WinnerItem[] = [];
  let sessions = new Set<string>();
  for (const item of items) {
    if (chunk.length === SESSIONS_PER_CHUNK || sessions.has(item.sk)) {
      chunks.push(chunk);
      chunk = [];
      sessions = new Set();
    }
    chunk.push(item);
    sessions.add(item.sk);
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/** DynamoDB's answer to a Query on an index that does not exist (yet) or is still being backfilled. */
function indexUnavailable(error: unknown): boolean {
  const cause = error instanceof DynamoDbRequestError ? error.cause : undefined;
  return isNamed(cause, 'ValidationException') && (cause as Error).message.includes(WINNER_ROWS_INDEX);
}
