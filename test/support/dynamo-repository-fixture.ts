import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Clock } from '../../core/index.ts';
import type { ConsumedCapacityReport } from '../../adapters/dynamodb/dynamodb-winner-repository.ts';
import { DynamoDbWinnerRepository } from '../../adapters/dynamodb/dynamodb-winner-repository.ts';
import { createLocalDynamoDbClient } from '../../adapters/dynamodb/embedded-dynamodb.ts';
import { ensureWinnersTable } from '../../adapters/dynamodb/winners-table.ts';
import { uniqueTableName } from './dynamo-servers.ts';

/** One test's view of a shared server: its own table, its clients, and what they sent. */
export interface DynamoRepositoryFixture {
  readonly tableName: string;
  readonly client: DynamoDBClient;
  /** DynamoDB operations sent through `client` (GetItem, Query, ...), in order. */
  readonly operations: string[];
  readonly capacity: ConsumedCapacityReport[];
  /** `measureCapacity` asks DynamoDB for the consumed capacity of every request and collects it in `capacity`. */
  repository(options?: {
    watchlist?: string;
    clock?: Clock;
    measureCapacity?: boolean;
  }): DynamoDbWinnerRepository;
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
  await ensureWinnersTable(client, tableName);
  operations.length = 0;
  return {
    tableName,
    client,
    operations,
    capacity,
    repository: ({ watchlist = 'default', clock, measureCapacity = false } = {}) =>
      new DynamoDbWinnerRepository({
        client,
        tableName,
        watchlist,
        clock,
        ...(measureCapacity && { onConsumedCapacity: (report) => capacity.push(report) }),
      }),
    destroy: () => client.destroy(),
  };
}
