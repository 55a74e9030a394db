import type { ConsumedCapacity, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock, SaveOutcome, SessionResult, WinnerRepository, WinnerRows } from '../../core/index.ts';
import type { AppLogger } from '../observability/app-logger.ts';
import { silentLogger } from '../observability/app-logger.ts';
import { toDynamoDbError } from './dynamodb-errors.ts';
import { fromWinnerItem, sessionDateOf, toWinnerItem } from './winner-item.ts';
import { watchlistPartitionKey } from './winners-table.ts';

export type RepositoryOperation = 'save' | 'get' | 'latest' | 'range' | 'storedSessions';

/** What one repository call cost, summed over its pages, as DynamoDB reported it. */
export interface ConsumedCapacityReport {
  readonly operation: RepositoryOperation;
  readonly capacityUnits: number;
  readonly requests: number;
}

export interface DynamoDbWinnerRepositoryOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** Watchlist name (`default`): each watchlist is its own partition. */
  readonly watchlist: string;
  readonly logger?: AppLogger;
  /** Source of `writtenAt`; the system clock by default. */
  readonly clock?: Clock;
  /** When given, every request asks for `ReturnConsumedCapacity: TOTAL` and reports it here (benchmarks). */
  readonly onConsumedCapacity?: (report: ConsumedCapacityReport) => void;
}

const systemClock: Clock = { now: () => new Date() };

/**
 * The WinnerRepository on one DynamoDB table (`pk = WATCHLIST#<name>`, `sk = <session date>`). Every
 * read is a GetItem or a Query on the watchlist's partition, never a Scan, so a read's cost depends
 * on what it returns, not on how much history is stored. Reads are eventually consistent (half the
 * cost); the conditional write is what keeps one item per session, not the reads.
 */
export class DynamoDbWinnerRepository implements WinnerRepository {
  private readonly documents: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly watchlist: string;
  private readonly partitionKey: string;
  private readonly logger: AppLogger;
  private readonly clock: Clock;
  private readonly onConsumedCapacity: DynamoDbWinnerRepositoryOptions['onConsumedCapacity'];

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
    this.clock = options.clock ?? systemClock;
    this.onConsumedCapacity = options.onConsumedCapacity;
  }

  async save(result: SessionResult, options: { overwrite?: boolean } = {}): Promise<SaveOutcome> {
    const item = toWinnerItem(result, this.watchlist, this.clock.now());
    try {
      // A plain Put replaces the whole item, so a forced rewrite leaves no attribute of the old one.
      const response = await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ...(!options.overwrite && { ConditionExpression: 'attribute_not_exists(sk)' }),
          ...this.capacityRequest(),
        }),
      );
      this.report('save', [response.ConsumedCapacity]);
      this.logger.debug('Stored session result', {
        session: result.date,
        overwrite: Boolean(options.overwrite),
      });
      return 'stored';
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') {
        this.logger.debug('Session result already stored', { session: result.date });
        return 'already-present';
      }
      throw toDynamoDbError(error, this.tableName);
    }
  }

  // Interim: one conditional write each, so the per-session guarantee holds; batching comes with the store work.
  async saveMany(
    results: readonly SessionResult[],
    options: { overwrite?: boolean } = {},
  ): Promise<SaveOutcome[]> {
    const outcomes: SaveOutcome[] = [];
    for (const result of results) outcomes.push(await this.save(result, options));
    return outcomes;
  }

  async get(date: string): Promise<SessionResult | undefined> {
    try {
      const response = await this.documents.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { pk: this.partitionKey, sk: date },
          ...this.capacityRequest(),
        }),
      );
      this.report('get', [response.ConsumedCapacity]);
      return response.Item && fromWinnerItem(response.Item, this.tableName);
    } catch (error) {
      throw toDynamoDbError(error, this.tableName);
    }
  }

  async latest(limit: number, onOrBefore?: string): Promise<SessionResult[]> {
    if (limit <= 0) return [];
    const items = await this.query('latest', {
      KeyConditionExpression: onOrBefore === undefined ? 'pk = :pk' : 'pk = :pk AND sk <= :onOrBefore',
      ExpressionAttributeValues: {
        ':pk': this.partitionKey,
        ...(onOrBefore !== undefined && { ':onOrBefore': onOrBefore }),
      },
      ScanIndexForward: false,
      Limit: limit,
    });
    return items.map((item) => fromWinnerItem(item, this.tableName));
  }

  // Interim: reads the full items; a compact winner-only read comes with the store work.
  async latestWinners(limit: number, onOrBefore?: string): Promise<WinnerRows> {
    const rows = (await this.latest(limit, onOrBefore)).map(({ date, winner, basis, source }) => ({
      date,
      winner,
      basis,
      source,
    }));
    return { rows, unreadable: [] };
  }

  async range(from: string, to: string): Promise<SessionResult[]> {
    if (from > to) return [];
    const items = await this.query('range', this.betweenDates(from, to));
    return items.map((item) => fromWinnerItem(item, this.tableName));
  }

  async storedSessions(from: string, to: string): Promise<string[]> {
    if (from > to) return [];
    const items = await this.query('storedSessions', {
      ...this.betweenDates(from, to),
      ProjectionExpression: 'sk',
    });
    return items.map((item) => sessionDateOf(item, this.tableName));
  }

  private betweenDates(from: string, to: string): Partial<QueryCommandInput> {
    return {
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': this.partitionKey, ':from': from, ':to': to },
    };
  }

  /**
   * Follows LastEvaluatedKey until `Limit` items are in hand or the key range is exhausted: a page
   * stops at 1 MB, so even "latest N" may need a second page for a wide watchlist and a large N.
   */
  private async query(
    operation: RepositoryOperation,
    input: Partial<QueryCommandInput>,
  ): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    const consumed: (ConsumedCapacity | undefined)[] = [];
    let startKey: Record<string, unknown> | undefined;
    try {
      do {
        const wanted = input.Limit === undefined ? undefined : input.Limit - items.length;
        const page = await this.documents.send(
          new QueryCommand({
            ...input,
            TableName: this.tableName,
            ...(wanted !== undefined && { Limit: wanted }),
            ...(startKey && { ExclusiveStartKey: startKey }),
            ...this.capacityRequest(),
          }),
        );
        items.push(...(page.Items ?? []));
        consumed.push(page.ConsumedCapacity);
        startKey = page.LastEvaluatedKey;
      } while (startKey && (input.Limit === undefined || items.length < input.Limit));
    } catch (error) {
      throw toDynamoDbError(error, this.tableName);
    }
    this.report(operation, consumed);
    return items;
  }

  private capacityRequest(): { ReturnConsumedCapacity?: 'TOTAL' } {
    return this.onConsumedCapacity ? { ReturnConsumedCapacity: 'TOTAL' } : {};
  }

  private report(operation: RepositoryOperation, consumed: (ConsumedCapacity | undefined)[]): void {
    if (!this.onConsumedCapacity) return;
    const capacityUnits = consumed.reduce((sum, entry) => sum + (entry?.CapacityUnits ?? 0), 0);
    this.onConsumedCapacity({ operation, capacityUnits, requests: consumed.length });
  }
}
