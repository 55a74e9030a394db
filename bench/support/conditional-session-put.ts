import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SaveOutcome, SessionResult } from '../../core/index.ts';
import { isNamed } from '../../adapters/dynamodb/dynamodb-errors.ts';
import { toWinnerItem } from '../../adapters/dynamodb/winner-item.ts';

/**
 * One session written as the app wrote it before the write lease: one PutItem of the repository's item,
 * conditional on the session being absent unless overwriting. The one-at-a-time baseline of the benches:
 * `save` now takes the write lease as well, which would make that baseline slower than it was.
 */
export async function putSessionIfAbsent(
  documents: DynamoDBDocumentClient,
  tableName: string,
  watchlist: string,
  result: SessionResult,
  options: { overwrite?: boolean } = {},
): Promise<SaveOutcome> {
  try {
    await documents.send(
      new PutCommand({
        TableName: tableName,
        Item: toWinnerItem(result, watchlist, new Date()),
        ...(!options.overwrite && { ConditionExpression: 'attribute_not_exists(sk)' }),
      }),
    );
    return 'stored';
  } catch (error) {
    if (isNamed(error, 'ConditionalCheckFailedException')) return 'already-present';
    throw error;
  }
}
