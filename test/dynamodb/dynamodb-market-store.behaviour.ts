import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, onTestFinished } from 'vitest';
import { FixedClock } from '../../adapters/clock/fixed-clock.ts';
import { UnstorableSessionResultError } from '../../adapters/dynamodb/dynamodb-errors.ts';
import {
  DynamoDbMarketBoardRepository,
  DynamoDbTickerReferenceCache,
} from '../../adapters/dynamodb/dynamodb-market-board-repository.ts';
import { UnstorableTickerReferenceError } from '../../adapters/dynamodb/market-board-item.ts';
import type { MarketStoreFactory } from '../contracts/market-board-repository.contract.ts';
import { aMarketBoard, someTickers } from '../contracts/market-board-repository.contract.ts';
import type { DynamoRepositoryFixture } from '../support/dynamo-repository-fixture.ts';
import { openDynamoRepositoryFixture } from '../support/dynamo-repository-fixture.ts';

async function openStores(endpoint: string, clock?: FixedClock) {
  const fixture = await openDynamoRepositoryFixture(endpoint);
  onTestFinished(() => fixture.destroy());
  const options = { client: fixture.client, tableName: fixture.tableName, clock };
  return {
    fixture,
    boards: new DynamoDbMarketBoardRepository(options),
    cache: new DynamoDbTickerReferenceCache(options),
  };
}

/** The market stores on a fresh table of the server at `endpoint`, for the contract suite. */
export function dynamoDbMarketStoreFactory(endpoint: () => string): MarketStoreFactory {
  return async () => {
    const { boards, cache } = await openStores(endpoint());
    return { boards, cache };
  };
}

function documents(fixture: DynamoRepositoryFixture): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(fixture.client);
}

async function partition(fixture: DynamoRepositoryFixture, pk: string): Promise<Record<string, unknown>[]> {
  const { Items } = await documents(fixture).send(
    new QueryCommand({
      TableName: fixture.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ConsistentRead: true,
    }),
  );
  return Items ?? [];
}

/** Behaviour of the DynamoDB market stores beyond the ports' contract, run on each DynamoDB-protocol server. */
export function testDynamoDbMarketStores(serverName: string, endpoint: () => string): void {
  describe(`DynamoDB market stores on ${serverName}`, () => {
    it('stores a board as one item under pk MARKET and sk <date>, with when it was written', async () => {
      const { fixture, boards } = await openStores(endpoint(), new FixedClock('2025-03-07T21:35:00.000Z'));

      await boards.save(aMarketBoard('2025-03-07'));

      const { Item } = await documents(fixture).send(
        new GetCommand({ TableName: fixture.tableName, Key: { pk: 'MARKET', sk: '2025-03-07' } }),
      );
      expect(Object.keys(Item ?? {}).sort()).toEqual(
        [
          'basis',
          'computedAt',
          'filters',
          'gainers',
          'losers',
          'pk',
          'sk',
          'source',
          'universeSize',
          'writtenAt',
        ].sort(),
      );
      expect(Item?.writtenAt).toBe('2025-03-07T21:35:00.000Z');
    });

    it('refuses a board holding a number DynamoDB cannot store, naming the session, writing nothing', async () => {
      const { fixture, boards } = await openStores(endpoint());
      const board = aMarketBoard('2025-03-07');
      const broken = {
        ...board,
        gainers: [{ ...board.gainers[0]!, dollarVolume: Number.POSITIVE_INFINITY }],
      };

      await expect(boards.save(broken)).rejects.toThrow(UnstorableSessionResultError);
      await expect(boards.save(broken)).rejects.toThrow(/2025-03-07.*gainers\[0\]\.dollarVolume = Infinity/);
      expect(await partition(fixture, 'MARKET')).toEqual([]);
    });

    it('reports a damaged board as unreadable in a list, and fails a read of it with a clear error', async () => {
      const { fixture, boards } = await openStores(endpoint());
      await boards.save(aMarketBoard('2025-03-06'));
      await documents(fixture).send(
        new PutCommand({
          TableName: fixture.tableName,
          Item: { pk: 'MARKET', sk: '2025-03-07', gainers: 'oops' },
        }),
      );

      const latest = await boards.latest(5);

      expect(latest.boards.map((board) => board.date)).toEqual(['2025-03-06']);
      expect(latest.unreadable.map((entry) => entry.date)).toEqual(['2025-03-07']);
      await expect(boards.get('2025-03-07')).rejects.toThrow(/not a valid session result/);
    });

    it('stores the reference in chunks under its own partition, and deletes the older chunks', async () => {
      const { fixture, cache } = await openStores(endpoint());
      await cache.replace({ fetchedAt: '2025-03-01T22:00:00.000Z', tickers: someTickers(1_200) });

      await cache.replace({ fetchedAt: '2025-03-08T22:00:00.000Z', tickers: someTickers(600) });

      const keys = (await partition(fixture, 'TICKER_REFERENCE')).map((item) => item.sk);
      expect(keys).toEqual([
        'chunk#2025-03-08T22:00:00.000Z#0000',
        'chunk#2025-03-08T22:00:00.000Z#0001',
        'current',
      ]);
    });

    it('never lets an older refresh replace a newer one', async () => {
      const { cache } = await openStores(endpoint());
      const newer = { fetchedAt: '2025-03-08T22:00:00.000Z', tickers: someTickers(700) };
      await cache.replace(newer);

      await cache.replace({ fetchedAt: '2025-03-01T22:00:00.000Z', tickers: someTickers(5) });

      expect(await cache.load()).toEqual(newer);
    });

    it('refuses an unstorable reference before writing anything', async () => {
      const { fixture, cache } = await openStores(endpoint());
      const bad = [...someTickers(3), { symbol: 'X'.repeat(33), name: 'Too long', type: 'CS' }];

      await expect(cache.replace({ fetchedAt: '2025-03-08T22:00:00.000Z', tickers: bad })).rejects.toThrow(
        UnstorableTickerReferenceError,
      );
      await expect(cache.replace({ fetchedAt: 'yesterday', tickers: [] })).rejects.toThrow(/not an instant/);
      expect(await partition(fixture, 'TICKER_REFERENCE')).toEqual([]);
    });

    it('says a reference whose chunks are missing is damaged, instead of returning part of it', async () => {
      const { fixture, cache } = await openStores(endpoint());
      await cache.replace({ fetchedAt: '2025-03-08T22:00:00.000Z', tickers: someTickers(10) });
      await documents(fixture).send(
        new PutCommand({
          TableName: fixture.tableName,
          Item: {
            pk: 'TICKER_REFERENCE',
            sk: 'current',
            fetchedAt: '2025-03-08T22:00:00.000Z',
            chunks: 2,
            count: 10,
          },
        }),
      );

      await expect(cache.load()).rejects.toThrow(/names 2 chunks, 1 were found/);
    });
  });
}
