import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Clock, WinnerRepository } from '../../core/index.ts';
import { DynamoDbWinnerRepository } from '../../adapters/dynamodb/dynamodb-winner-repository.ts';
import { createLocalDynamoDbClient } from '../../adapters/dynamodb/embedded-dynamodb.ts';
import { ensureWinnersTable } from '../../adapters/dynamodb/winners-table.ts';
import type { ConsumedCapacityReport } from '../../bench/support/dynamodb-capacity-meter.ts';
import { meterConsumedCapacity } from '../../bench/support/dynamodb-capacity-meter.ts';
import { uniqueTableName } from './dynamo-servers.ts';

interface RepositoryOptions {
  readonly watchlist?: string;
  readonly clock?: Clock;
  readonly writeLeaseMs?: number;
}

/** One test's view of a shared server: its own table, its clients, and what they sent. */
export interface DynamoRepositoryFixture {
  readonly tableName: string;
  readonly client: DynamoDBClient;
  /** DynamoDB operations sent through `client` (GetItem, Query, ...), in order. */
  readonly operations: string[];
  readonly capacity: ConsumedCapacityReport[];
  repository(options?: RepositoryOptions): DynamoDbWinnerRepository;
  /** Wrapped in bench/support's meter: the consumed capacity of every call is collected in `capacity`. */
  repository(options: RepositoryOptions & { measureCapacity: true }): WinnerRepository;
  destroy(): void;
}

/** Creates a fresh table on `endpoint` and clients that record every operation they send. */
export async function openDynamoRepositoryFixture(endpoint: string): Promise<DynamoRepositoryFixture> {
  const tableName = uniqueTableName();
  const client = createLocalDynamoDbClient(endpoint);
  const operations: string[] = [];
  const capacity: ConsumedCapacityReport[] = [];
  client.middlewareStack.add(
    (next, context) => (args) => {
      operations.push(String(context.commandName).replace(/Command$/, ''));
      return next(args);
    },
    { step: 'initialize', name: 'recordOperations' },
  );
  function repository(options?: RepositoryOptions): DynamoDbWinnerRepository;
  function repository(options: RepositoryOptions & { measureCapacity: true }): WinnerRepository;
  function repository({
    watchlist = 'default',
    clock,
    writeLeaseMs,
    measureCapacity = false,
  }: RepositoryOptions & { measureCapacity?: boolean } = {}): WinnerRepository {
    const store = new DynamoDbWinnerRepository({ client, tableName, watchlist, clock, writeLeaseMs });
    return measureCapacity ? meterConsumedCapacity(store, client, (report) => capacity.push(report)) : store;
  }
  await ensureWinnersTable(client, tableName);
  operations.length = 0;
  return {
    tableName,
    client,
    operations,
    capacity,
    repository,
    destroy: () => client.destroy(),
  };
}
