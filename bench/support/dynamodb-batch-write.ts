import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { BatchWriteCommandOutput } from '@aws-sdk/lib-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Puts `items` unconditionally, 25 a request, sending again whatever the store left unprocessed. */
export async function batchWriteAll(
  client: DynamoDBClient,
  tableName: string,
  items: readonly object[],
): Promise<void> {
  const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  for (let start = 0; start < items.length; start += 25) {
    let requests: unknown[] | undefined = items
      .slice(start, start + 25)
      .map((Item) => ({ PutRequest: { Item } }));
    while (requests?.length) {
      const response: BatchWriteCommandOutput = await documents.send(
        new BatchWriteCommand({ RequestItems: { [tableName]: requests as never } }),
      );
      requests = response.UnprocessedItems?.[tableName];
    }
  }
}
