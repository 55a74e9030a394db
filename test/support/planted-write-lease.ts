import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  WRITE_LEASE_SORT_KEY,
  writeLeasePartitionKey,
} from '../../adapters/dynamodb/dynamodb-write-lease.ts';

/** The key of the default list's write lease. */
export const DEFAULT_LIST_LEASE_KEY = {
  pk: writeLeasePartitionKey('default'),
  sk: WRITE_LEASE_SORT_KEY,
} as const;

/** A write lease of the default list as another writer would have left it: `owner` until `expiresAt` (epoch ms). */
export async function plantWriteLease(
  client: DynamoDBClient,
  tableName: string,
  lease: { owner: string; expiresAt: number },
): Promise<void> {
  await DynamoDBDocumentClient.from(client).send(
    new PutCommand({ TableName: tableName, Item: { ...DEFAULT_LIST_LEASE_KEY, ...lease } }),
  );
}
