import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { documentClientOf } from '../../adapters/dynamodb/dynamodb-client.ts';
import { putInBatches } from '../../adapters/dynamodb/dynamodb-batch-write.ts';

/** Puts `items` unconditionally, 25 a request one after another, sending again whatever the store left unprocessed. */
export async function batchWriteAll(
  client: DynamoDBClient,
  tableName: string,
  items: readonly object[],
): Promise<void> {
  await putInBatches(documentClientOf(client), tableName, items);
}
