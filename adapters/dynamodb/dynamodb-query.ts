import type { DynamoDBDocumentClient, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { toDynamoDbError } from './dynamodb-errors.ts';

/**
 * Every page of a Query, following LastEvaluatedKey until `Limit` items are in hand or the key range is
 * exhausted: a page stops at 1 MB, so a long range of full items needs several pages.
 */
export async function queryAllPages(
  documents: DynamoDBDocumentClient,
  tableName: string,
  input: Partial<QueryCommandInput>,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  try {
    do {
      const wanted = input.Limit === undefined ? undefined : input.Limit - items.length;
      const page = await documents.send(
        new QueryCommand({
          ...input,
          TableName: tableName,
          ...(wanted !== undefined && { Limit: wanted }),
          ...(startKey && { ExclusiveStartKey: startKey }),
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey && (input.Limit === undefined || items.length < input.Limit));
  } catch (error) {
    throw toDynamoDbError(error, tableName);
  }
  return items;
}

/** The Query input for the `limit` newest items of a partition whose sort key is on or before `onOrBefore`. */
export function newestFirst(
  partitionKey: string,
  limit: number,
  onOrBefore: string | undefined,
): Partial<QueryCommandInput> {
  return {
    KeyConditionExpression: onOrBefore === undefined ? 'pk = :pk' : 'pk = :pk AND sk <= :onOrBefore',
    ExpressionAttributeValues: {
      ':pk': partitionKey,
      ...(onOrBefore !== undefined && { ':onOrBefore': onOrBefore }),
    },
    ScanIndexForward: false,
    Limit: limit,
  };
}
