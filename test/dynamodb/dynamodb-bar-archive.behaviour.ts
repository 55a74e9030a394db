import { marshall } from '@aws-sdk/util-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  barArchivePartitionKey,
  DynamoDbBarArchive,
  TICKERS_PER_ITEM,
} from '../../adapters/dynamodb/dynamodb-bar-archive.ts';
import { dynamoDbItemSize } from '../support/dynamodb-item-size.ts';
import { WINNERS_TABLE } from '../../adapters/dynamodb/winners-table.ts';
import type { BarArchiveFactory } from '../contracts/bar-archive.contract.ts';
import { aBar } from '../contracts/bar-archive.contract.ts';
import { openDynamoRepositoryFixture } from '../support/dynamo-repository-fixture.ts';
import { aSessionResult } from '../support/session-result-builder.ts';

/** For the contract suite: every call gets a fresh table on the shared server. */
export function dynamoDbBarArchiveFactory(endpoint: () => string): BarArchiveFactory {
  return async () => {
    const fixture = await openDynamoRepositoryFixture(endpoint());
    onTestFinished(() => fixture.destroy());
    return new DynamoDbBarArchive({ client: fixture.client, tableName: fixture.tableName });
  };
}

async function openArchive(endpoint: string) {
  const fixture = await openDynamoRepositoryFixture(endpoint);
  onTestFinished(() => fixture.destroy());
  const documents = DynamoDBDocumentClient.from(fixture.client);
  const archive = new DynamoDbBarArchive({ client: fixture.client, tableName: fixture.tableName });
  const itemsOf = async (pk: string, indexName?: string) =>
    (
      await documents.send(
        new QueryCommand({
          TableName: fixture.tableName,
          IndexName: indexName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
        }),
      )
    ).Items ?? [];
  return { fixture, documents, archive, itemsOf };
}

/** What only the DynamoDB adapter does: its items, their size, damage, and the index beside them. */
export function testDynamoDbBarArchive(name: string, endpoint: () => string): void {
  describe(`DynamoDbBarArchive on ${name}`, () => {
    it('splits a wide session into items far below the 400 KB limit', async () => {
      const { archive, itemsOf } = await openArchive(endpoint());
      // The worst case: 10-character symbols and numbers of 17 significant digits.
      const tickers = Array.from({ length: 4_500 }, (_, index) => `W${String(index).padStart(9, '0')}`);
      const bars = tickers.map((ticker) => ({
        ...aBar(ticker, '2025-03-07', 123.45678901234567, 98.76543210987654),
        volume: 1234567890123456,
      }));

      await archive.record('massive', 'f1', [{ session: '2025-03-07', tickers, bars }]);

      const items = await itemsOf(barArchivePartitionKey('massive'));
      expect(items).toHaveLength(Math.ceil(4_500 / TICKERS_PER_ITEM));
      for (const item of items) expect(dynamoDbItemSize(marshall(item))).toBeLessThan(200 * 1024);
    });

    it('a damaged item is reported, and only its tickers of its session count as never fetched', async () => {
      const { fixture, documents, archive } = await openArchive(endpoint());
      await archive.record('massive', 'f1', [
        { session: '2025-03-06', tickers: ['AAPL'], bars: [aBar('AAPL', '2025-03-06')] },
        { session: '2025-03-07', tickers: ['AAPL'], bars: [aBar('AAPL', '2025-03-07')] },
      ]);
      await documents.send(
        new PutCommand({
          TableName: fixture.tableName,
          Item: {
            pk: barArchivePartitionKey('massive'),
            sk: '2025-03-07#f2#broken#000',
            fetchId: 'f2',
            tickers: ['MSFT'],
            bars: { MSFT: [1, 2, 'three'] },
          },
        }),
      );

      const read = await archive.read('massive', '2025-03-06', '2025-03-07', ['AAPL', 'MSFT']);

      expect(read.unreadable).toEqual([{ date: '2025-03-07', reason: expect.stringContaining('bars.MSFT') }]);
      expect([...(read.covered.get('2025-03-07') ?? [])]).toEqual(['AAPL']);
      expect(read.bars.map((bar) => `${bar.session} ${bar.symbol}`).sort()).toEqual([
        '2025-03-06 AAPL',
        '2025-03-07 AAPL',
      ]);
    });

    it('leaves the watchlists and their winner-rows index as they were', async () => {
      const { fixture, archive, itemsOf } = await openArchive(endpoint());
      const repository = fixture.repository();
      const result = aSessionResult().on('2025-03-07').build();
      await repository.save(result);

      await archive.record('massive', 'f1', [
        { session: '2025-03-07', tickers: ['AAPL'], bars: [aBar('AAPL', '2025-03-07')] },
      ]);

      expect(await repository.storedSessions('2025-01-01', '2025-12-31')).toEqual(['2025-03-07']);
      expect((await repository.latestWinners(10)).rows).toHaveLength(1);
      expect(await repository.get('2025-03-07')).toEqual(result);
      const indexed = await itemsOf(barArchivePartitionKey('massive'), WINNERS_TABLE.winnerRowsIndex.name);
      for (const entry of indexed) {
        for (const attribute of WINNERS_TABLE.winnerRowsIndex.projectedAttributes) {
          expect(entry).not.toHaveProperty(attribute);
        }
      }
    });
  });
}
