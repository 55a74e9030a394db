import type { CreateTableCommandInput, DynamoDBClient, KeySchemaElement } from '@aws-sdk/client-dynamodb';
import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { isNamed, toDynamoDbError, WinnersTableNotReadyError } from './dynamodb-errors.ts';

/**
 * The one definition of the winners table, shared by the CDK stack and the local stores. One partition
 * per watchlist, one item per session: "latest N" is a single Query on the sort key, so its cost never
 * grows with history.
 *
 * `winnerRowsIndex` is what keeps a list's cost independent of the watchlist's width. A list of winners
 * reads one winner per session, but the item also holds the whole ranking (about 35 KB at 500 tickers),
 * and DynamoDB bills a Query by the bytes of the items it reads. The index has the table's own keys and
 * projects only the winner's attributes, so a Query on it reads about 150 bytes per session at any
 * width. Why an index and not a second, winner-only item written beside the full one:
 * - one item is written, so a session can never be half-written (a winner row without its ranking or
 *   the reverse) and no transaction is needed to keep the two together;
 * - with the table's own keys every item is in the index, including items written before the index
 *   existed (DynamoDB backfills it when it is added) and damaged items, which a list then reports as
 *   unreadable instead of silently skipping;
 * - an index is eventually consistent, as the table's reads already are here (see the repository):
 *   on AWS a list may miss a session for the moment after it is written, never show one not written.
 *   dynalite writes an index entry just before its item; a process killed between the two leaves a
 *   winner row whose item is absent. `storedSessions` reads the table, so the next sync stores that
 *   session again and the two agree; the list never shows a winner the sync did not compute.
 */
export const WINNERS_TABLE = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  winnerRowsIndex: { name: 'winner-rows', projectedAttributes: ['winner', 'basis', 'source'] },
} as const;

/** `WATCHLIST#default`: the partition holding one watchlist's sessions. */
/** Partitions of lists' sessions start with this: `WATCHLIST#default`. */
export const WATCHLIST_PARTITION_PREFIX = 'WATCHLIST#';

export function watchlistPartitionKey(watchlist: string): string {
  return `${WATCHLIST_PARTITION_PREFIX}${watchlist}`;
}

const TABLE_KEYS: KeySchemaElement[] = [
  { AttributeName: WINNERS_TABLE.partitionKey.name, KeyType: 'HASH' },
  { AttributeName: WINNERS_TABLE.sortKey.name, KeyType: 'RANGE' },
];

/** On-demand billing: a few writes a day and bursty reads never justify provisioned capacity. */
export function createWinnersTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    AttributeDefinitions: [
      { AttributeName: WINNERS_TABLE.partitionKey.name, AttributeType: WINNERS_TABLE.partitionKey.type },
      { AttributeName: WINNERS_TABLE.sortKey.name, AttributeType: WINNERS_TABLE.sortKey.type },
    ],
    KeySchema: TABLE_KEYS,
    GlobalSecondaryIndexes: [
      {
        IndexName: WINNERS_TABLE.winnerRowsIndex.name,
        KeySchema: TABLE_KEYS,
        Projection: {
          ProjectionType: 'INCLUDE',
          NonKeyAttributes: [...WINNERS_TABLE.winnerRowsIndex.projectedAttributes],
        },
      },
    ],
    BillingMode: 'PAY_PER_REQUEST',
  };
}

export interface EnsureTableOptions {
  /** How long to wait for a new table to become ACTIVE (AWS takes seconds, local stores milliseconds). */
  readonly timeoutMs?: number;
}

/**
 * Creates the winners table unless it exists, then waits until it is ACTIVE. Safe to race: a
 * concurrent creator's table is simply waited for. Used by local stores; on AWS the CDK stack owns it.
 * Returns whether this call created the table.
 */
export async function ensureWinnersTable(
  client: DynamoDBClient,
  tableName: string,
  options: EnsureTableOptions = {},
): Promise<{ created: boolean }> {
  const status = await describeStatus(client, tableName);
  let created = false;
  if (status === undefined) {
    created = await createUnlessRaced(client, tableName);
  }
  if (status !== 'ACTIVE') await waitUntilActive(client, tableName, options.timeoutMs ?? 120_000);
  return { created };
}

async function describeStatus(client: DynamoDBClient, tableName: string): Promise<string | undefined> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return Table?.TableStatus ?? 'UNKNOWN';
  } catch (error) {
    if (isNamed(error, 'ResourceNotFoundException')) return undefined;
    throw toDynamoDbError(error, tableName);
  }
}

async function createUnlessRaced(client: DynamoDBClient, tableName: string): Promise<boolean> {
  try {
    await client.send(new CreateTableCommand(createWinnersTableInput(tableName)));
    return true;
  } catch (error) {
    if (isNamed(error, 'ResourceInUseException')) return false;
    throw toDynamoDbError(error, tableName);
  }
}

async function waitUntilActive(client: DynamoDBClient, tableName: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let delayMs = 20;
  for (;;) {
    const status = await describeStatus(client, tableName);
    if (status === 'ACTIVE') return;
    if (Date.now() + delayMs > deadline) throw new WinnersTableNotReadyError(tableName, status, timeoutMs);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    delayMs = Math.min(delayMs * 2, 2_000);
  }
}
