import { CreateTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Clock, SessionResult } from '../../core/index.ts';
import {
  CorruptWinnerItemError,
  UnstorableSessionResultError,
  WinnersTableNotFoundError,
  WriteLeaseUnavailableError,
} from '../../adapters/dynamodb/dynamodb-errors.ts';
import { dynamoDbItemSize, readCapacityUnits } from '../support/dynamodb-item-size.ts';
import { DynamoDbWinnerRepository } from '../../adapters/dynamodb/dynamodb-winner-repository.ts';
import { createLocalDynamoDbClient } from '../../adapters/dynamodb/embedded-dynamodb.ts';
import { createWinnersTableInput, ensureWinnersTable } from '../../adapters/dynamodb/winners-table.ts';
import { silentLogger } from '../../adapters/observability/app-logger.ts';
import type { WinnerRepositoryFactory } from '../contracts/winner-repository.contract.ts';
import type { DynamoRepositoryFixture } from '../support/dynamo-repository-fixture.ts';
import { openDynamoRepositoryFixture } from '../support/dynamo-repository-fixture.ts';
import { uniqueTableName } from '../support/dynamo-servers.ts';
import { DEFAULT_LIST_LEASE_KEY, plantWriteLease } from '../support/planted-write-lease.ts';
import { aSessionResult } from '../support/session-result-builder.ts';

const DEFAULT_WATCHLIST_MOVES = [
  { symbol: 'AAPL', open: 227.48, close: 229.87 },
  { symbol: 'MSFT', open: 415.2, close: 411.03 },
  { symbol: 'GOOGL', open: 175.61, close: 178.2 },
  { symbol: 'AMZN', open: 201.3, close: 198.12 },
  { symbol: 'TSLA', open: 348.07, close: 331.05 },
  { symbol: 'NVDA', open: 141.98, close: 145.6 },
  { symbol: 'META', open: 585.5, close: 590.01 },
];

/** For the contract suite: every call gets a fresh table on the shared server. */
export function dynamoDbRepositoryFactory(endpoint: () => string): WinnerRepositoryFactory {
  return async () => {
    const fixture = await openDynamoRepositoryFixture(endpoint());
    onTestFinished(() => fixture.destroy());
    return fixture.repository();
  };
}

/** Behaviour of the DynamoDB adapter beyond the port's contract, run on each DynamoDB-protocol server. */
export function testDynamoDbWinnerRepository(serverName: string, endpoint: () => string): void {
  async function openFixture(): Promise<DynamoRepositoryFixture> {
    const fixture = await openDynamoRepositoryFixture(endpoint());
    onTestFinished(() => fixture.destroy());
    return fixture;
  }

  describe(`DynamoDbWinnerRepository on ${serverName}`, () => {
    it('stores one item per session under pk WATCHLIST#<name> and sk <date>, with every attribute', async () => {
      const fixture = await openFixture();
      const result = aSessionResult().on('2026-11-20').build();

      await fixture.repository({ clock: fixedClock('2026-11-20T21:35:00.000Z') }).save(result);

      const item = await rawItem(fixture, 'WATCHLIST#default', '2026-11-20');
      expect(Object.keys(item ?? {}).sort()).toEqual(
        ['basis', 'computedAt', 'excluded', 'pk', 'ranking', 'sk', 'source', 'winner', 'writtenAt'].sort(),
      );
      expect(item).toMatchObject({
        winner: result.winner,
        ranking: result.ranking,
        basis: 'open-to-close',
        source: 'simulated',
        computedAt: result.computedAt,
        writtenAt: '2026-11-20T21:35:00.000Z',
      });
    });

    it('keeps watchlists apart in one table', async () => {
      const fixture = await openFixture();
      const tech = fixture.repository({ watchlist: 'tech' });
      const energy = fixture.repository({ watchlist: 'energy' });

      await tech.save(aSessionResult().on('2026-11-20').build());

      expect(await energy.get('2026-11-20')).toBeUndefined();
      expect(await energy.save(aSessionResult().on('2026-11-20').build())).toBe('stored');
      expect(await rawItem(fixture, 'WATCHLIST#tech', '2026-11-20')).toBeDefined();
      expect(await rawItem(fixture, 'WATCHLIST#energy', '2026-11-20')).toBeDefined();
    });

    it('leaves exactly one item when two writers with their own clients race for a session', async () => {
      const fixture = await openFixture();
      const otherClient = createLocalDynamoDbClient(endpoint());
      onTestFinished(() => otherClient.destroy());
      const writers = [
        fixture.repository(),
        new DynamoDbWinnerRepository({
          client: otherClient,
          tableName: fixture.tableName,
          watchlist: 'default',
        }),
      ];
      const sessions = ['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20'];

      for (const date of sessions) {
        const contenders = ['AAPL', 'MSFT'].map((symbol) =>
          aSessionResult()
            .on(date)
            .withMoves([{ symbol, open: 100, close: 110 }])
            .build(),
        );

        const outcomes = await Promise.all(writers.map((writer, index) => writer.save(contenders[index]!)));

        expect([...outcomes].sort()).toEqual(['already-present', 'stored']);
        const items = await itemsOfSession(fixture, 'WATCHLIST#default', date);
        expect(items).toHaveLength(1);
        expect(items[0]?.winner).toEqual(contenders[outcomes.indexOf('stored')]?.winner);
      }
    });

    it('replaces the old item completely on a forced write, leaving none of its attributes', async () => {
      const fixture = await openFixture();
      const original = onCloseToClose(aSessionResult().on('2026-11-20').build());
      await fixture.repository({ clock: fixedClock('2026-11-20T21:35:00.000Z') }).save(original);
      await documents(fixture).send(
        new UpdateCommand({
          TableName: fixture.tableName,
          Key: { pk: 'WATCHLIST#default', sk: '2026-11-20' },
          UpdateExpression: 'SET legacyNote = :note',
          ExpressionAttributeValues: { ':note': 'written by an older version' },
        }),
      );
      const replacement = aSessionResult()
        .on('2026-11-20')
        .from('massive')
        .withMoves([{ symbol: 'MSFT', open: 10, close: 11 }])
        .build();

      await fixture
        .repository({ clock: fixedClock('2026-11-21T09:00:00.000Z') })
        .save(replacement, { overwrite: true });

      const item = await rawItem(fixture, 'WATCHLIST#default', '2026-11-20');
      expect(item).not.toHaveProperty('legacyNote');
      expect(JSON.stringify(item)).not.toContain('previousClose');
      expect(item).toMatchObject({
        basis: 'open-to-close',
        source: 'massive',
        writtenAt: '2026-11-21T09:00:00.000Z',
      });
      expect(await fixture.repository().get('2026-11-20')).toEqual(replacement);
    });

    it('round-trips the close-to-close basis with its previous closes', async () => {
      const fixture = await openFixture();
      const result = onCloseToClose(aSessionResult().on('2026-11-20').build());

      await fixture.repository().save(result);

      expect(await fixture.repository().get('2026-11-20')).toEqual(result);
    });

    it('keeps the item of a 50-ticker watchlist far below the 400 KB item limit', async () => {
      const fixture = await openFixture();
      await fixture.repository().save(aSessionResult().on('2026-11-20').withSymbols(50).build());

      const { Item, ConsumedCapacity } = await fixture.client.send(
        new GetItemCommand({
          TableName: fixture.tableName,
          Key: { pk: { S: 'WATCHLIST#default' }, sk: { S: '2026-11-20' } },
          ConsistentRead: true,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );

      const size = dynamoDbItemSize(Item ?? {});
      expect(size).toBeGreaterThan(1_000);
      expect(size).toBeLessThan(400 * 1024 * 0.05);
      // The server's own accounting agrees with the size computed from the documented rules.
      expect(ConsumedCapacity?.CapacityUnits).toBe(readCapacityUnits(size, 'strong'));
    });

    it('lists the latest 7 winners in one Query of the winner-rows index costing at most 1 RCU', async () => {
      const fixture = await openFixture();
      const repository = fixture.repository({ measureCapacity: true });
      await repository.saveMany(
        weekdays('2026-10-01', 30).map((date) =>
          aSessionResult().on(date).withMoves(DEFAULT_WATCHLIST_MOVES).build(),
        ),
      );
      fixture.capacity.length = 0;
      fixture.operations.length = 0;

      const { rows } = await repository.latestWinners(7);

      expect(rows).toHaveLength(7);
      expect(fixture.operations).toEqual(['Query']);
      expect(fixture.capacity).toEqual([
        { operation: 'latestWinners', requests: 1, capacityUnits: expect.any(Number) },
      ]);
      expect(fixture.capacity[0]?.capacityUnits).toBeGreaterThan(0);
      expect(fixture.capacity[0]?.capacityUnits).toBeLessThanOrEqual(1);
    });

    it('lists 40 winners for the same small read capacity whether the watchlist has 7 or 80 tickers', async () => {
      const fixture = await openFixture();
      const dates = weekdays('2025-01-01', 40);
      const costOf40Sessions = async (watchlist: string, tickers: number) => {
        const repository = fixture.repository({ watchlist, measureCapacity: true });
        const wide = aSessionResult().withSymbols(tickers);
        await repository.saveMany(dates.map((date) => wide.on(date).build()));
        fixture.capacity.length = 0;
        const { rows } = await repository.latestWinners(40);
        expect(rows).toHaveLength(40);
        return fixture.capacity.reduce((sum, report) => sum + report.capacityUnits, 0);
      };

      const narrow = await costOf40Sessions('narrow', 7);
      const wide = await costOf40Sessions('wide', 80);

      // 40 index entries of about 150 bytes: 2 units of 4 KB, halved for an eventually consistent read,
      // at either width; the full items of the wide watchlist are over 4 KB each, some 23 read units.
      expect(narrow).toBeLessThanOrEqual(1);
      expect(wide).toBeLessThanOrEqual(1);
    });

    it('reads with GetItem and Query only, never Scan', async () => {
      const fixture = await openFixture();
      const repository = fixture.repository();

      await repository.save(aSessionResult().on('2026-11-20').build());
      await repository.save(aSessionResult().on('2026-11-20').build());
      await repository.get('2026-11-20');
      await repository.latestWinners(7, '2026-11-20');
      await repository.storedSessions('2026-11-01', '2026-11-30');

      expect(fixture.operations).toEqual([
        ...['PutItem', 'Query', 'BatchWriteItem', 'DeleteItem'],
        ...['PutItem', 'Query', 'DeleteItem'],
        ...['GetItem', 'Query', 'Query'],
      ]);
    });

    it('saves 100 missing sessions in 7 requests: take the lease, confirm, 4 BatchWriteItem, release', async () => {
      const fixture = await openFixture();
      const repository = fixture.repository();
      const dates = weekdays('2025-01-01', 125);
      const first = dates.slice(0, 100).map((date) => aSessionResult().on(date).build());

      expect(await repository.saveMany(first)).toEqual(first.map(() => 'stored'));

      expect(fixture.operations).toEqual([
        'PutItem',
        'Query',
        'BatchWriteItem',
        'BatchWriteItem',
        'BatchWriteItem',
        'BatchWriteItem',
        'DeleteItem',
      ]);
      fixture.operations.length = 0;
      const again = dates.slice(25).map((date) => aSessionResult().on(date).build());

      const outcomes = await repository.saveMany(again);

      // The 75 confirmed present are not sent again: one BatchWriteItem carries the 25 new ones.
      expect(outcomes.slice(0, 75)).toEqual(Array(75).fill('already-present'));
      expect(outcomes.slice(75)).toEqual(Array(25).fill('stored'));
      expect(fixture.operations).toEqual(['PutItem', 'Query', 'BatchWriteItem', 'DeleteItem']);
      expect(await repository.storedSessions(dates[0]!, dates.at(-1)!)).toEqual(dates);
      expect(await leaseItems(fixture)).toEqual([]);
    });

    it('sends no confirming read on a forced write: every session goes out, under the lease', async () => {
      const fixture = await openFixture();
      const repository = fixture.repository();
      const dates = weekdays('2025-01-01', 30);
      await repository.saveMany(dates.slice(0, 10).map((date) => aSessionResult().on(date).build()));
      fixture.operations.length = 0;

      const outcomes = await repository.saveMany(
        dates.map((date) => aSessionResult().on(date).from('massive').build()),
        { overwrite: true },
      );

      expect(outcomes).toEqual(dates.map(() => 'stored'));
      expect(fixture.operations).toEqual(['PutItem', 'BatchWriteItem', 'BatchWriteItem', 'DeleteItem']);
      expect((await repository.latestWinners(30)).rows.every((row) => row.source === 'massive')).toBe(true);
    });

    it('waits for a write lease another writer holds, then fails naming the list, having written nothing', async () => {
      const fixture = await openFixture();
      const now = '2026-11-20T21:35:00.000Z';
      await plantWriteLease(fixture.client, fixture.tableName, {
        owner: 'another-writer',
        expiresAt: Date.parse(now) + 60_000,
      });
      const repository = fixture.repository({ clock: fixedClock(now), writeLeaseMs: 300 });
      fixture.operations.length = 0;

      const error = await repository
        .saveMany([aSessionResult().on('2026-11-20').build()])
        .catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(WriteLeaseUnavailableError);
      expect(error).toMatchObject({ code: 'WRITE_LEASE_HELD', watchlist: 'default' });
      expect((error as Error).message).toContain(
        `Another writer holds the write lease of watchlist "default" in DynamoDB table "${fixture.tableName}"`,
      );
      // It tried again after pauses, and sent nothing but attempts to take the lease.
      expect(fixture.operations.length).toBeGreaterThan(1);
      expect(new Set(fixture.operations)).toEqual(new Set(['PutItem']));
      expect(await leaseItems(fixture)).toEqual([expect.objectContaining({ owner: 'another-writer' })]);
      expect(await repository.storedSessions('2026-11-01', '2026-11-30')).toEqual([]);
    });

    it('takes over a lease left by a crashed writer once it has ended by its clock, and releases it', async () => {
      const fixture = await openFixture();
      const now = '2026-11-20T21:35:00.000Z';
      await plantWriteLease(fixture.client, fixture.tableName, {
        owner: 'crashed-writer',
        expiresAt: Date.parse(now) - 1,
      });
      const repository = fixture.repository({ clock: fixedClock(now) });
      fixture.operations.length = 0;

      expect(await repository.save(aSessionResult().on('2026-11-20').build())).toBe('stored');

      expect(fixture.operations).toEqual(['PutItem', 'Query', 'BatchWriteItem', 'DeleteItem']);
      expect(await leaseItems(fixture)).toEqual([]);
      expect(await repository.storedSessions('2026-11-01', '2026-11-30')).toEqual(['2026-11-20']);
    });

    it("keeps a second writer out between a writer's confirming read and its batch write", async () => {
      const fixture = await openFixture();
      // Writer A pauses before its write until writer B has had an answer to its first request.
      let answerB!: () => void;
      let confirmA!: () => void;
      const answeredB = new Promise<void>((resolve) => (answerB = resolve));
      const confirmedA = new Promise<void>((resolve) => (confirmA = resolve));
      const clientA = createLocalDynamoDbClient(endpoint());
      clientA.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === 'BatchWriteItemCommand') await answeredB;
          const output = await next(args);
          if (context.commandName === 'QueryCommand') confirmA();
          return output;
        },
        { step: 'initialize', name: 'pauseBeforeWriting' },
      );
      const clientB = createLocalDynamoDbClient(endpoint());
      clientB.middlewareStack.add(
        (next) => async (args) => {
          try {
            return await next(args);
          } finally {
            answerB();
          }
        },
        { step: 'initialize', name: 'signalFirstAnswer' },
      );
      onTestFinished(() => {
        clientA.destroy();
        clientB.destroy();
      });
      const writer = (client: typeof clientA) =>
        new DynamoDbWinnerRepository({ client, tableName: fixture.tableName, watchlist: 'default' });
      const [ofA, ofB] = ['AAPL', 'MSFT'].map((symbol) =>
        aSessionResult()
          .on('2026-11-20')
          .withMoves([{ symbol, open: 100, close: 110 }])
          .build(),
      ) as [SessionResult, SessionResult];

      const writingA = writer(clientA).saveMany([ofA]);
      await confirmedA;
      const outcomeB = await writer(clientB).save(ofB);
      const [outcomeA] = await writingA;

      // Without the lease both would have found the session missing, both written it, both said `stored`.
      expect([outcomeA, outcomeB]).toEqual(['stored', 'already-present']);
      expect(await fixture.repository().get('2026-11-20')).toEqual(ofA);
    });

    it('stops, writing nothing more, when its lease ran out and another writer took it', async () => {
      const fixture = await openFixture();
      let now = Date.parse('2026-11-20T21:35:00.000Z');
      const repository = fixture.repository({ clock: { now: () => new Date(now) } });
      // Between the confirming read and the write, the lease runs out by the writer's clock and another takes it.
      fixture.client.middlewareStack.add(
        (next, context) => async (args) => {
          const output = await next(args);
          if (context.commandName === 'QueryCommand') {
            now += 60_000;
            await plantWriteLease(fixture.client, fixture.tableName, {
              owner: 'next-writer',
              expiresAt: now + 30_000,
            });
          }
          return output;
        },
        { step: 'initialize', name: 'leaseRunsOut' },
      );

      const error = await repository
        .saveMany([aSessionResult().on('2026-11-20').build()])
        .catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(WriteLeaseUnavailableError);
      expect(error).toMatchObject({ code: 'WRITE_LEASE_LOST', watchlist: 'default' });
      expect(fixture.operations).not.toContain('BatchWriteItem');
      expect(await leaseItems(fixture)).toEqual([expect.objectContaining({ owner: 'next-writer' })]);
      expect(await repository.storedSessions('2026-11-01', '2026-11-30')).toEqual([]);
    });

    it('extends its own lease when its margin runs short, and goes on writing', async () => {
      const fixture = await openFixture();
      let now = Date.parse('2026-11-20T21:35:00.000Z');
      // Each reading of the clock is 25 s after the last: within the 10 s margin of a 30 s lease at every request.
      const repository = fixture.repository({ clock: { now: () => new Date((now += 25_000)) } });
      const dates = weekdays('2026-09-01', 30);

      const outcomes = await repository.saveMany(dates.map((date) => aSessionResult().on(date).build()));

      expect(outcomes).toEqual(dates.map(() => 'stored'));
      // Taken, then extended before the confirming read and before each of the 2 BatchWriteItem.
      expect(fixture.operations.filter((operation) => operation === 'PutItem')).toHaveLength(4);
      expect(await repository.storedSessions(dates[0]!, dates.at(-1)!)).toEqual(dates);
      expect(await leaseItems(fixture)).toEqual([]);
    });

    it('reads a table made before the winner-rows index existed, following pages of full items', async () => {
      const fixture = await openFixture();
      const tableName = uniqueTableName();
      const { GlobalSecondaryIndexes: _index, ...withoutIndex } = createWinnersTableInput(tableName);
      await fixture.client.send(new CreateTableCommand(withoutIndex));
      const warnings: string[] = [];
      const repository = new DynamoDbWinnerRepository({
        client: fixture.client,
        tableName,
        watchlist: 'default',
        logger: { ...silentLogger, warn: (message: string) => warnings.push(message) },
      });
      // About 2.5 MB in all, so every read spans several 1 MB pages on any server.
      const wide = aSessionResult().withSymbols(300);
      const dates = weekdays('2025-01-01', 150);
      await repository.saveMany(dates.map((date) => wide.on(date).build()));
      fixture.operations.length = 0;

      const { rows, unreadable } = await repository.latestWinners(dates.length);
      const stored = await repository.storedSessions(dates[0]!, dates.at(-1)!);

      expect(rows.map((row) => row.date)).toEqual([...dates].reverse());
      expect(rows[0]).toEqual({
        date: dates.at(-1),
        winner: wide.on(dates.at(-1)!).build().winner,
        basis: 'open-to-close',
        source: 'simulated',
      });
      expect(unreadable).toEqual([]);
      expect(stored).toEqual(dates);
      expect(warnings).toEqual(['Winner-rows index unavailable: lists read full items until it is']);
      // The list: the refused index Query, then the table's pages; storedSessions reads the table anyway.
      expect(fixture.operations.every((operation) => operation === 'Query')).toBe(true);
      expect(fixture.operations.length).toBeGreaterThanOrEqual(3);
      // 2.5 MB to write and read back twice: a heavy test on a shared machine.
    }, 90_000);

    it('answers an empty list for a range that ends before it starts, and for no sessions', async () => {
      const fixture = await openFixture();
      const repository = fixture.repository();
      await repository.save(aSessionResult().on('2026-11-15').build());

      expect(await repository.storedSessions('2026-11-20', '2026-11-10')).toEqual([]);
      expect(await repository.latestWinners(0)).toEqual({ rows: [], unreadable: [] });
    });

    it('reports a missing table by name, saying how it is created', async () => {
      const fixture = await openFixture();
      const missing = new DynamoDbWinnerRepository({
        client: fixture.client,
        tableName: 'no-such-winners-table',
        watchlist: 'default',
      });

      for (const attempt of [
        () => missing.save(aSessionResult().build()),
        () => missing.saveMany([aSessionResult().build()]),
        () => missing.latestWinners(7),
      ]) {
        const error = await attempt().catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(WinnersTableNotFoundError);
        expect(error).toMatchObject({ code: 'TABLE_NOT_FOUND', tableName: 'no-such-winners-table' });
        expect((error as Error).message).toContain('"no-such-winners-table"');
        expect((error as Error).message).toContain('npx cdk deploy');
        expect((error as Error).message).toContain('created automatically');
      }
    });

    it('skips a corrupt item in lists, reporting why, and reports it as a typed error when read alone', async () => {
      const fixture = await openFixture();
      const repository = fixture.repository();
      await repository.saveMany(
        ['2026-11-19', '2026-11-23'].map((date) => aSessionResult().on(date).build()),
      );
      await documents(fixture).send(
        new PutCommand({
          TableName: fixture.tableName,
          Item: { pk: 'WATCHLIST#default', sk: '2026-11-20', ranking: 'not a list', basis: 'sideways' },
        }),
      );

      const error = await repository.get('2026-11-20').catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(CorruptWinnerItemError);
      expect(error).toMatchObject({
        code: 'CORRUPT_ITEM',
        key: { pk: 'WATCHLIST#default', sk: '2026-11-20' },
      });
      const problems = (error as CorruptWinnerItemError).problems.join('\n');
      for (const attribute of ['winner', 'ranking', 'basis', 'source', 'computedAt']) {
        expect(problems).toContain(attribute);
      }
      const { rows, unreadable } = await repository.latestWinners(7);
      expect(rows.map((row) => row.date)).toEqual(['2026-11-23', '2026-11-19']);
      expect(unreadable).toEqual([{ date: '2026-11-20', reason: expect.stringContaining('winner') }]);
      for (const attribute of ['winner', 'basis', 'source'])
        expect(unreadable[0]?.reason).toContain(attribute);
      expect(await repository.storedSessions('2026-11-01', '2026-11-30')).toEqual([
        '2026-11-19',
        '2026-11-20',
        '2026-11-23',
      ]);
    });

    it('refuses a result holding a number DynamoDB cannot store, naming its session, and writes nothing', async () => {
      const fixture = await openFixture();
      const repository = fixture.repository();
      const sane = aSessionResult().on('2026-11-19').build();
      const huge: SessionResult = {
        ...sane,
        winner: { ...sane.winner, close: 1e20 },
        ranking: [{ ...sane.ranking[0]!, close: 1e20 }, ...sane.ranking.slice(1)],
      };
      const good = aSessionResult().on('2026-11-20').build();

      for (const attempt of [() => repository.save(huge), () => repository.saveMany([good, huge])]) {
        const error = await attempt().catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(UnstorableSessionResultError);
        expect(error).toMatchObject({ code: 'UNSTORABLE_NUMBER', session: '2026-11-19' });
        expect((error as Error).message).toContain('winner.close = 100000000000000000000');
        expect((error as Error).message).toContain('ranking[0].close');
      }
      expect(fixture.operations).toEqual([]);
      expect(await repository.storedSessions('2026-11-01', '2026-11-30')).toEqual([]);
    });

    it('stores and reads back the smallest and largest numbers it accepts', async () => {
      const fixture = await openFixture();
      const repository = fixture.repository();
      const extreme: SessionResult = {
        ...aSessionResult().on('2026-11-20').build(),
        winner: { symbol: 'AAPL', open: 1e-130, close: Number.MAX_SAFE_INTEGER, changePercent: -1e-7 },
      };

      await repository.save(extreme);

      expect(await repository.get('2026-11-20')).toEqual(extreme);
    });

    it('creates the table once when several callers ensure it at the same time', async () => {
      const fixture = await openFixture();
      const tableName = uniqueTableName();

      const outcomes = await Promise.all([1, 2, 3].map(() => ensureWinnersTable(fixture.client, tableName)));

      expect(outcomes.filter((outcome) => outcome.created)).toHaveLength(1);
      expect(await ensureWinnersTable(fixture.client, tableName)).toEqual({ created: false });
      const repository = new DynamoDbWinnerRepository({
        client: fixture.client,
        tableName,
        watchlist: 'default',
      });
      expect(await repository.save(aSessionResult().build())).toBe('stored');
    });
  });
}

function fixedClock(iso: string): Clock {
  return { now: () => new Date(iso) };
}

function documents(fixture: DynamoRepositoryFixture): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(fixture.client);
}

async function rawItem(
  fixture: DynamoRepositoryFixture,
  pk: string,
  sk: string,
): Promise<Record<string, unknown> | undefined> {
  const { Item } = await documents(fixture).send(
    new GetCommand({ TableName: fixture.tableName, Key: { pk, sk }, ConsistentRead: true }),
  );
  return Item;
}

async function leaseItems(fixture: DynamoRepositoryFixture): Promise<Record<string, unknown>[]> {
  return itemsOfSession(fixture, DEFAULT_LIST_LEASE_KEY.pk, DEFAULT_LIST_LEASE_KEY.sk);
}

async function itemsOfSession(
  fixture: DynamoRepositoryFixture,
  pk: string,
  sk: string,
): Promise<Record<string, unknown>[]> {
  const { Items } = await documents(fixture).send(
    new QueryCommand({
      TableName: fixture.tableName,
      KeyConditionExpression: 'pk = :pk AND sk = :sk',
      ExpressionAttributeValues: { ':pk': pk, ':sk': sk },
      ConsistentRead: true,
    }),
  );
  return Items ?? [];
}

/** The same movers measured against a previous close, as the close-to-close basis stores them. */
function onCloseToClose(result: SessionResult): SessionResult {
  const withPrevious = (mover: SessionResult['winner']) => ({ ...mover, previousClose: mover.open - 1 });
  return {
    ...result,
    basis: 'close-to-close',
    winner: withPrevious(result.winner),
    ranking: result.ranking.map(withPrevious),
  };
}

/** `count` consecutive Monday-to-Friday dates from `first`: enough like sessions for storage tests. */
function weekdays(first: string, count: number): string[] {
  const dates: string[] = [];
  for (let day = Date.parse(`${first}T00:00:00Z`); dates.length < count; day += 86_400_000) {
    const weekday = new Date(day).getUTCDay();
    if (weekday !== 0 && weekday !== 6) dates.push(new Date(day).toISOString().slice(0, 10));
  }
  return dates;
}
