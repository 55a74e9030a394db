import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type {
  Clock,
  MarketBoard,
  MarketBoardRepository,
  MarketBoards,
  SaveOutcome,
  StoredTickerReference,
  TickerReferenceCache,
  UnreadableSession,
} from '../../core/index.ts';
import { SystemClock } from '../clock/system-clock.ts';
import type { AppLogger } from '../observability/app-logger.ts';
import { silentLogger } from '../observability/app-logger.ts';
import { documentClientOf } from './dynamodb-client.ts';
import { isNamed, toDynamoDbError } from './dynamodb-errors.ts';
import { newestFirst, queryAllPages } from './dynamodb-query.ts';
import {
  chunkKeyPrefix,
  fromMarketBoardItem,
  MARKET_PARTITION_KEY,
  readTickerChunks,
  readTickerReferenceHeader,
  TICKER_REFERENCE_HEADER_KEY,
  TICKER_REFERENCE_PARTITION_KEY,
  toMarketBoardItem,
  toTickerReferenceItems,
} from './market-board-item.ts';
import { sessionDateOf } from './winner-item.ts';

export interface DynamoDbMarketStoreOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly logger?: AppLogger;
  /** Source of `writtenAt`; the system clock by default. */
  readonly clock?: Clock;
}

/** Chunk writes and deletes in flight at once. */
const WRITES_IN_FLIGHT = 8;

async function inSlices<T>(items: readonly T[], action: (item: T) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < items.length; start += WRITES_IN_FLIGHT) {
    await Promise.all(items.slice(start, start + WRITES_IN_FLIGHT).map(action));
  }
}

/**
 * Market boards in the winners table (market-board-item.ts): `pk = MARKET`, one item per session, so
 * every read is a GetItem or one Query on that partition, never a Scan. Writes are conditional
 * (`attribute_not_exists(sk)`) unless overwriting, so concurrent syncs leave one board per session.
 */
export class DynamoDbMarketBoardRepository implements MarketBoardRepository {
  private readonly documents: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly logger: AppLogger;
  private readonly clock: Clock;

  constructor(options: DynamoDbMarketStoreOptions) {
    if (!options.tableName) throw new TypeError('DynamoDbMarketBoardRepository needs a table name.');
    this.documents = documentClientOf(options.client);
    this.tableName = options.tableName;
    this.logger = options.logger ?? silentLogger;
    this.clock = options.clock ?? new SystemClock();
  }

  async save(board: MarketBoard, options: { overwrite?: boolean } = {}): Promise<SaveOutcome> {
    const item = toMarketBoardItem(board, this.clock.now());
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ...(!options.overwrite && { ConditionExpression: 'attribute_not_exists(sk)' }),
        }),
      );
      return 'stored';
    } catch (error) {
      if (isNamed(error, 'ConditionalCheckFailedException')) return 'already-present';
      throw toDynamoDbError(error, this.tableName);
    }
  }

  async get(date: string): Promise<MarketBoard | undefined> {
    let item: Record<string, unknown> | undefined;
    try {
      const response = await this.documents.send(
        new GetCommand({ TableName: this.tableName, Key: { pk: MARKET_PARTITION_KEY, sk: date } }),
      );
      item = response.Item;
    } catch (error) {
      throw toDynamoDbError(error, this.tableName);
    }
    return item && fromMarketBoardItem(item, this.tableName);
  }

  async latest(limit: number, onOrBefore?: string): Promise<MarketBoards> {
    if (limit <= 0) return { boards: [], unreadable: [] };
    const items = await queryAllPages(
      this.documents,
      this.tableName,
      newestFirst(MARKET_PARTITION_KEY, limit, onOrBefore),
    );
    const boards: MarketBoard[] = [];
    const unreadable: UnreadableSession[] = [];
    for (const item of items) {
      try {
        boards.push(fromMarketBoardItem(item, this.tableName));
      } catch (error) {
        const reason = (error as Error).message;
        unreadable.push({ date: String(item.sk), reason });
        this.logger.warn('Skipped an unreadable market board', {
          table: this.tableName,
          session: item.sk,
          reason,
        });
      }
    }
    return { boards, unreadable };
  }

  async storedSessions(from: string, to: string): Promise<string[]> {
    if (from > to) return [];
    const items = await queryAllPages(this.documents, this.tableName, {
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': MARKET_PARTITION_KEY, ':from': from, ':to': to },
      ProjectionExpression: 'sk',
    });
    return items.map((item) => sessionDateOf(item, this.tableName));
  }
}

/**
 * The ticker reference in the winners table: chunks first, then the header that names them (the
 * commit point), then every older chunk is deleted. A reader sees the old reference whole or the new
 * one whole; a refresh cut short leaves chunks no header names, which the next completed refresh
 * deletes. The header only moves forward in time (a conditional write), so of two concurrent refreshes
 * the later one wins and the earlier can never point the header at chunks the later one deleted.
 */
export class DynamoDbTickerReferenceCache implements TickerReferenceCache {
  private readonly documents: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly logger: AppLogger;

  constructor(options: DynamoDbMarketStoreOptions) {
    if (!options.tableName) throw new TypeError('DynamoDbTickerReferenceCache needs a table name.');
    this.documents = documentClientOf(options.client);
    this.tableName = options.tableName;
    this.logger = options.logger ?? silentLogger;
  }

  async load(): Promise<StoredTickerReference | undefined> {
    let item: Record<string, unknown> | undefined;
    try {
      const response = await this.documents.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { pk: TICKER_REFERENCE_PARTITION_KEY, sk: TICKER_REFERENCE_HEADER_KEY },
          ConsistentRead: true,
        }),
      );
      item = response.Item;
    } catch (error) {
      throw toDynamoDbError(error, this.tableName);
    }
    if (!item) return undefined;
    const header = readTickerReferenceHeader(item, this.tableName);
    const chunks = await queryAllPages(this.documents, this.tableName, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: {
        ':pk': TICKER_REFERENCE_PARTITION_KEY,
        ':prefix': chunkKeyPrefix(header.fetchedAt),
      },
      // Written just before the header: a strongly consistent read cannot miss them.
      ConsistentRead: true,
    });
    return { fetchedAt: header.fetchedAt, tickers: readTickerChunks(header, chunks, this.tableName) };
  }

  async replace(reference: StoredTickerReference): Promise<void> {
    const { chunks, header } = toTickerReferenceItems(reference);
    const put = (item: object) =>
      this.documents.send(new PutCommand({ TableName: this.tableName, Item: item }));
    try {
      await inSlices(chunks, put);
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: header,
          ConditionExpression: 'attribute_not_exists(sk) OR fetchedAt < :fetchedAt',
          ExpressionAttributeValues: { ':fetchedAt': header.fetchedAt },
        }),
      );
    } catch (error) {
      if (!isNamed(error, 'ConditionalCheckFailedException')) throw toDynamoDbError(error, this.tableName);
      this.logger.info('A newer ticker reference is stored already: this refresh is dropped', {
        table: this.tableName,
        fetchedAt: header.fetchedAt,
      });
    }
    await this.removeChunksBefore(header.fetchedAt);
  }

  /** Older refreshes' chunks: no reader can reach them once the header moved on. Failing here loses nothing. */
  private async removeChunksBefore(fetchedAt: string): Promise<void> {
    const current = chunkKeyPrefix(fetchedAt);
    try {
      const keys = await queryAllPages(this.documents, this.tableName, {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :chunk)',
        ExpressionAttributeValues: { ':pk': TICKER_REFERENCE_PARTITION_KEY, ':chunk': 'chunk#' },
        ProjectionExpression: 'pk, sk',
      });
      const stale = keys.filter((key) => String(key.sk) < current);
      await inSlices(stale, (key) =>
        this.documents.send(new DeleteCommand({ TableName: this.tableName, Key: key })),
      );
    } catch (error) {
      this.logger.warn('Could not remove the chunks of an older ticker reference; the next refresh will', {
        table: this.tableName,
        error: (error as Error).message,
      });
    }
  }
}
