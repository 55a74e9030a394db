import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { putInBatches } from '../../adapters/dynamodb/dynamodb-batch-write.ts';

/** Puts `items` unconditionally, 25 a request one after another, sending again whatever the store left unprocessed. */
export async function batchWriteAll(
  client: DynamoDBClient,
  tableName: string,
  items: readonly object[],
): Promise<void> {
  const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  await putInBatches(documents, tableName, items);
}
