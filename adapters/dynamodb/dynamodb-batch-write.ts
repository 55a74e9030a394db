import type {
  BatchWriteCommandInput,
  BatchWriteCommandOutput,
  DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { toDynamoDbError } from './dynamodb-errors.ts';

/** DynamoDB's limit on one BatchWriteItem. */
export const PUTS_PER_BATCH = 25;
/** Rounds of items DynamoDB left unprocessed (throttling) sent again before giving up. */
const MAX_BATCH_ROUNDS = 8;

export interface PutInBatchesOptions {
  /** BatchWriteItem requests in flight at once; 1 (one after another) by default. */
  readonly inFlight?: number;
  /** Awaited before every request is sent (the winner repository checks its write lease there). */
  readonly beforeEachRequest?: () => Promise<void>;
}

/**
 * Puts whole items, 25 a BatchWriteItem, each request sent again with what DynamoDB left unprocessed
 * after a growing pause. Unconditional: a caller that must not replace a stored item makes sure no
 * other writer can (the winner repository holds its watchlist's write lease). Each item is put whole
 * or not at all, so a failure part-way leaves some items written and none half-written.
 */
export async function putInBatches(
  documents: DynamoDBDocumentClient,
  tableName: string,
  items: readonly object[],
  options: PutInBatchesOptions = {},
): Promise<void> {
  const batches: object[][] = [];
  for (let start = 0; start < items.length; start += PUTS_PER_BATCH) {
    batches.push(items.slice(start, start + PUTS_PER_BATCH));
  }
  let next = 0;
  let failed = false;
  // After a failure no worker starts another batch: the caller learns of it without more being written.
  const worker = async () => {
    while (next < batches.length && !failed) {
      const batch = batches[next++]!;
      try {
        await putBatch(documents, tableName, batch, options.beforeEachRequest);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const workers = Math.max(1, Math.min(options.inFlight ?? 1, batches.length));
  await Promise.all(Array.from({ length: workers }, worker));
}

async function putBatch(
  documents: DynamoDBDocumentClient,
  tableName: string,
  items: readonly object[],
  beforeEachRequest: (() => Promise<void>) | undefined,
): Promise<void> {
  let requests: BatchWriteCommandInput['RequestItems'] = {
    [tableName]: items.map((Item) => ({ PutRequest: { Item: Item as Record<string, unknown> } })),
  };
  for (let round = 0; round < MAX_BATCH_ROUNDS; round += 1) {
    await beforeEachRequest?.();
    let left;
    try {
      const response: BatchWriteCommandOutput = await documents.send(
        new BatchWriteCommand({ RequestItems: requests }),
      );
      left = response.UnprocessedItems?.[tableName] ?? [];
    } catch (error) {
      throw toDynamoDbError(error, tableName);
    }
    if (left.length === 0) return;
    requests = { [tableName]: left };
    await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** round));
  }
  throw toDynamoDbError(
    Object.assign(new Error('DynamoDB left batch writes unprocessed after every retry.'), {
      name: 'ProvisionedThroughputExceededException',
    }),
    tableName,
  );
}
