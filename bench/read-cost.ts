/**
 * What a list of winners costs to read, by watchlist width (7, 50 and 500 tickers) and by stored
 * history (1 year, the 365 sessions a full `days=365` list needs, and 25 years), in one run against
 * the embedded dynalite store. Four ways of reading the same answer, each checked against the expected
 * session dates:
 * - compactWinnerRows: what the app does, DynamoDbWinnerRepository.latestWinners (the winner-rows index);
 * - batchGetByDate: the strongest alternative, BatchGetItem of the known session dates on a table
 *   keyed by date alone (its cost depends only on the items it asks for);
 * - fullItemQuery: the previous read, the same Query on the table itself, reading whole rankings;
 * - scanByDate (7 tickers, latest 7 only): the original baseline, a filtered Scan of the date-keyed table.
 * Prints JSON. `npm run bench:read-cost`
 */
import type { AttributeValue, BatchGetItemCommandOutput, ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { BatchGetItemCommand, CreateTableCommand, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { MarketBoard, MarketMover, SessionResult, WinnerRepository } from '../core/index.ts';
import {
  addDays,
  DEFAULT_MARKET_FILTERS,
  lastSessions,
  ListMarketBoards,
  MARKET_BOARD_SIZE,
} from '../core/index.ts';
import { FixedClock } from '../adapters/clock/fixed-clock.ts';
import { DynamoDbMarketBoardRepository } from '../adapters/dynamodb/dynamodb-market-board-repository.ts';
import { toMarketBoardItem } from '../adapters/dynamodb/market-board-item.ts';
import { DEFAULT_WATCHLIST } from '../adapters/config/app-config.ts';
import { DynamoDbWinnerRepository } from '../adapters/dynamodb/dynamodb-winner-repository.ts';
import { createLocalDynamoDbClient, startEmbeddedDynamoDb } from '../adapters/dynamodb/embedded-dynamodb.ts';
import { toWinnerItem } from '../adapters/dynamodb/winner-item.ts';
import { ensureWinnersTable, watchlistPartitionKey } from '../adapters/dynamodb/winners-table.ts';
import type { ConsumedCapacityReport } from './support/dynamodb-capacity-meter.ts';
import { meterCall, meterConsumedCapacity } from './support/dynamodb-capacity-meter.ts';
import { batchWriteAll } from './support/dynamodb-batch-write.ts';
import { simulatedSessionResult } from './support/simulated-session.ts';

const WIDTHS = [7, 50, 500];
const HISTORY_SIZES = [252, 365, 6_300];
const LIST_DAYS = [7, 365];
const AS_OF = '2026-11-20';
const SCAN_WINDOW_DAYS = 14;
const WRITE_CHUNK = 100;
const SAMPLE_BUDGET_MS = 1_500;
const MAX_SAMPLES = 30;
const WINNERS_TABLE_NAME = 'stock-winners';
/** Market history sizes: 1 and 10 years of boards (issue 14: `/market/movers?days=7` flat across them). */
const MARKET_HISTORY_SIZES = [252, 2_520];
const MARKET_DAYS = 7;

interface Measured {
  readonly rcu: number;
  readonly requests: number;
  readonly medianMs: number;
  readonly samples: number;
}

const newestFirst = lastSessions(HISTORY_SIZES.at(-1) ?? 0, AS_OF);
const dataDir = await mkdtemp(path.join(tmpdir(), 'bench-read-cost-'));
const store = await startEmbeddedDynamoDb({ dataDir });
const client = createLocalDynamoDbClient(store.endpoint);

try {
  await ensureWinnersTable(client, WINNERS_TABLE_NAME);
  const results = [];
  for (const width of WIDTHS) {
    const symbols = watchlistOf(width);
    const watchlist = `w${width}`;
    const byDateTable = `winners-by-date-${width}`;
    await createDateKeyedTable(byDateTable);
    const capacity: ConsumedCapacityReport[] = [];
    const repository = meterConsumedCapacity(
      new DynamoDbWinnerRepository({ client, tableName: WINNERS_TABLE_NAME, watchlist }),
      client,
      (report) => capacity.push(report),
    );
    let stored = 0;
    for (const size of HISTORY_SIZES) {
      await storeSessions(newestFirst.slice(stored, size), symbols, repository, byDateTable, width);
      stored = size;
      const reads: Record<string, unknown> = {};
      for (const days of LIST_DAYS.filter((days) => days <= size)) {
        const expected = newestFirst.slice(0, days);
        const compact = await measure(expected, async () => {
          capacity.length = 0;
          const { rows, unreadable } = await repository.latestWinners(days, AS_OF);
          if (unreadable.length > 0) throw new Error(`unreadable sessions: ${JSON.stringify(unreadable)}`);
          return {
            dates: rows.map((row) => row.date),
            rcu: capacity.reduce((sum, report) => sum + report.capacityUnits, 0),
            requests: capacity.reduce((sum, report) => sum + report.requests, 0),
          };
        });
        const batchGet = await measure(expected, () => batchGetByDate(byDateTable, expected));
        const fullItems = await measure(expected, () => fullItemQuery(watchlist, days));
        const scan =
          width === DEFAULT_WATCHLIST.length && days === 7
            ? await measure(expected, () => scanByDate(byDateTable, days))
            : undefined;
        reads[`latest${days}`] = {
          compactWinnerRows: compact,
          batchGetByDate: batchGet,
          fullItemQuery: fullItems,
          ...(scan && { scanByDate: scan }),
          rcuRatioBatchGetToCompact: round(batchGet.rcu / compact.rcu, 1),
          rcuRatioFullItemsToCompact: round(fullItems.rcu / compact.rcu, 1),
        };
      }
      results.push({ tickers: width, storedSessions: size, years: round(size / 252, 1), reads });
    }
  }

  const market = await marketSection();

  console.log(
    JSON.stringify(
      {
        benchmark: 'read-cost',
        command: 'npm run bench:read-cost',
        store:
          'dynalite 4.0.0 in-process over LevelDB (the embedded store); client and server share one process',
        question: 'read capacity of "latest 7" and "days=365" by watchlist width and stored history',
        asOf: AS_OF,
        method: {
          compactWinnerRows:
            'DynamoDbWinnerRepository.latestWinners(days, asOf): one Query on the winner-rows index ' +
            '(the table keys, projecting winner, basis and source), ScanIndexForward=false, Limit=days.',
          batchGetByDate:
            'BatchGetItem of the known session dates (up to 100 keys a request) on a table keyed by date alone ' +
            'holding the same items. It reads by key, so the rest of the history cannot change its cost: at 50 ' +
            'and 500 tickers that table holds only the 365 newest sessions, at 7 tickers the whole history.',
          fullItemQuery:
            'the read before the index: the same Query on the table itself, reading the whole rankings.',
          scanByDate: `Scan of the date-keyed table filtered to the last ${SCAN_WINDOW_DAYS} days, every page, newest ${LIST_DAYS[0]} kept.`,
          rcu:
            'ConsumedCapacity.CapacityUnits reported by dynalite for ReturnConsumedCapacity=TOTAL, summed over ' +
            'requests, by AWS rules: a Query or Scan sums its item sizes per request, BatchGetItem rounds each ' +
            'item up to 4 KB; eventually consistent reads cost half.',
          answer: 'every read is checked to return exactly the expected session dates, newest first',
          medianMs: `median latency over up to ${MAX_SAMPLES} samples within ${SAMPLE_BUDGET_MS} ms (at least 3)`,
        },
        results,
        market,
        targets: { ...targetsOf(results), marketMovers7OneQueryFlatFrom1To10Years: market.flatOneQuery },
      },
      null,
      2,
    ),
  );
} finally {
  client.destroy();
  await store.close();
  await rm(dataDir, { recursive: true, force: true });
}

/**
 * `GET /market/movers?days=7`: ListMarketBoards over DynamoDbMarketBoardRepository, as the API reads it,
 * with 1 and then 10 years of boards stored (full 10-and-10 boards with names). One Query, whatever the history.
 */
async function marketSection() {
  const repository = new DynamoDbMarketBoardRepository({ client, tableName: WINNERS_TABLE_NAME });
  // 2026-11-20 18:00 New York: AS_OF has closed.
  const list = new ListMarketBoards(repository, new FixedClock('2026-11-20T23:00:00.000Z'), 0);
  const history = lastSessions(MARKET_HISTORY_SIZES.at(-1) ?? 0, AS_OF);
  const expected = history.slice(0, MARKET_DAYS);
  const rows = [];
  let stored = 0;
  for (const size of MARKET_HISTORY_SIZES) {
    const items = history
      .slice(stored, size)
      .map((date) => toMarketBoardItem(marketBoardOf(date), new Date()));
    await batchWriteAll(client, WINNERS_TABLE_NAME, items);
    stored = size;
    const read = await measure(expected, async () => {
      const { value, capacityUnits, requests } = await meterCall(client, () =>
        list.execute({ days: MARKET_DAYS, asOf: AS_OF }),
      );
      return { dates: value.boards.map((board) => board.date), rcu: capacityUnits, requests };
    });
    rows.push({ storedSessions: size, years: round(size / 252, 1), marketMovers7: read });
  }
  const [first, last] = [rows[0], rows.at(-1)];
  return {
    route: `/market/movers?days=${MARKET_DAYS}`,
    read: 'ListMarketBoards -> DynamoDbMarketBoardRepository.latest: one Query on the MARKET partition, ScanIndexForward=false, Limit=days',
    results: rows,
    flatOneQuery:
      rows.every((row) => row.marketMovers7.requests === 1) &&
      first?.marketMovers7.rcu === last?.marketMovers7.rcu,
  };
}

/** A full board: 10 gainers and 10 losers with names, deterministic per date. */
function marketBoardOf(date: string): MarketBoard {
  const mover = (side: number, rank: number): MarketMover => {
    const open = 20 + rank;
    const changePercent = side * (30 - rank * 2.5);
    const close = open * (1 + changePercent / 100);
    const volume = 2_000_000 + rank * 1000;
    return {
      symbol: `${side > 0 ? 'G' : 'L'}${String.fromCharCode(65 + rank)}${date.slice(8)}`,
      name: `Company ${rank} of ${date} Holdings Inc.`,
      open,
      close,
      volume,
      dollarVolume: close * volume,
      changePercent,
    };
  };
  const ranks = Array.from({ length: MARKET_BOARD_SIZE }, (_, rank) => rank);
  return {
    date,
    gainers: ranks.map((rank) => mover(1, rank)),
    losers: ranks.map((rank) => mover(-1, rank)),
    universeSize: 2_400,
    filters: DEFAULT_MARKET_FILTERS,
    basis: 'open-to-close',
    source: 'simulated',
    computedAt: `${date}T22:00:00.000Z`,
  };
}

type Result = {
  tickers: number;
  storedSessions: number;
  reads: Record<string, unknown>;
};

function targetsOf(results: Result[]) {
  const rcu = (result: Result, days: number, way: string) =>
    (result.reads[`latest${days}`] as Record<string, Measured> | undefined)?.[way]?.rcu ?? undefined;
  const flat = (days: number) =>
    WIDTHS.every((width) => {
      const costs = results
        .filter((result) => result.tickers === width)
        .map((result) => rcu(result, days, 'compactWinnerRows'))
        .filter((cost) => cost !== undefined);
      return costs.length >= 2 && costs.every((cost) => cost === costs[0]);
    });
  return {
    latest7AtMostOneRcu: results.every((result) => (rcu(result, 7, 'compactWinnerRows') ?? Infinity) <= 1),
    latest7NoMoreThanBatchGet: results.every(
      (result) =>
        (rcu(result, 7, 'compactWinnerRows') ?? Infinity) <= (rcu(result, 7, 'batchGetByDate') ?? -Infinity),
    ),
    days365AtMostEightRcu: results
      .filter((result) => result.storedSessions >= 365)
      .every((result) => (rcu(result, 365, 'compactWinnerRows') ?? Infinity) <= 8),
    latest7FlatFrom1To25Years: flat(7),
    days365FlatAcrossHistory: flat(365),
  };
}

/** The default watchlist, then made-up tickers (4 letters) up to `width`. */
function watchlistOf(width: number): string[] {
  const symbols: string[] = [...DEFAULT_WATCHLIST];
  for (let index = 0; symbols.length < width; index++) {
    const letters = [676, 26, 1].map((unit) => String.fromCharCode(65 + (Math.floor(index / unit) % 26)));
    symbols.push(`Z${letters.join('')}`);
  }
  return symbols.slice(0, width);
}

async function storeSessions(
  dates: string[],
  symbols: readonly string[],
  repository: WinnerRepository,
  byDateTable: string,
  width: number,
): Promise<void> {
  const newest365 = new Set(newestFirst.slice(0, 365));
  for (let start = 0; start < dates.length; start += WRITE_CHUNK) {
    const chunk = dates
      .slice(start, start + WRITE_CHUNK)
      .map((date) => simulatedSessionResult(date, symbols));
    const outcomes = await repository.saveMany(chunk);
    if (outcomes.some((outcome) => outcome !== 'stored')) throw new Error('a session was not stored');
    const keyed =
      width === DEFAULT_WATCHLIST.length ? chunk : chunk.filter((result) => newest365.has(result.date));
    await writeDateKeyed(byDateTable, keyed);
  }
}

async function createDateKeyedTable(tableName: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: 'date', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'date', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}

/** The same attributes as the winners table's items, keyed by date alone. */
async function writeDateKeyed(tableName: string, results: SessionResult[]): Promise<void> {
  const items = results.map((result) => {
    const { pk: _pk, sk: _sk, ...attributes } = toWinnerItem(result, 'default', new Date());
    return { date: result.date, ...attributes };
  });
  await batchWriteAll(client, tableName, items);
}

interface Read {
  readonly dates: string[];
  readonly rcu: number;
  readonly requests: number;
}

function read(dates: string[], consumed: (ConsumedCapacity | undefined)[]): Read {
  const rcu = consumed.reduce((sum, entry) => sum + (entry?.CapacityUnits ?? 0), 0);
  return { dates, rcu, requests: consumed.length };
}

async function batchGetByDate(tableName: string, dates: string[]): Promise<Read> {
  const found: string[] = [];
  const consumed: (ConsumedCapacity | undefined)[] = [];
  for (let start = 0; start < dates.length; start += 100) {
    let keys: Record<string, AttributeValue>[] | undefined = dates
      .slice(start, start + 100)
      .map((date) => ({ date: { S: date } }));
    while (keys?.length) {
      const response: BatchGetItemCommandOutput = await client.send(
        new BatchGetItemCommand({
          RequestItems: { [tableName]: { Keys: keys } },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      found.push(...(response.Responses?.[tableName] ?? []).map((item) => item.date?.S ?? ''));
      consumed.push(...(response.ConsumedCapacity ?? []));
      keys = response.UnprocessedKeys?.[tableName]?.Keys;
    }
  }
  // BatchGetItem answers in no particular order: the caller sorts, as it would.
  return read(found.sort().reverse(), consumed);
}

async function fullItemQuery(watchlist: string, days: number): Promise<Read> {
  const { values, consumed } = await readPages(
    'sk',
    (startKey, found) =>
      client.send(
        new QueryCommand({
          TableName: WINNERS_TABLE_NAME,
          KeyConditionExpression: 'pk = :pk AND sk <= :asOf',
          ExpressionAttributeValues: {
            ':pk': { S: watchlistPartitionKey(watchlist) },
            ':asOf': { S: AS_OF },
          },
          ScanIndexForward: false,
          Limit: days - found,
          ReturnConsumedCapacity: 'TOTAL',
          ...(startKey && { ExclusiveStartKey: startKey }),
        }),
      ),
    (found) => found < days,
  );
  return read(values, consumed);
}

async function scanByDate(tableName: string, days: number): Promise<Read> {
  const { values, consumed } = await readPages(
    'date',
    (startKey) =>
      client.send(
        new ScanCommand({
          TableName: tableName,
          FilterExpression: '#date >= :since',
          ExpressionAttributeNames: { '#date': 'date' },
          ExpressionAttributeValues: { ':since': { S: addDays(AS_OF, -SCAN_WINDOW_DAYS) } },
          ReturnConsumedCapacity: 'TOTAL',
          ...(startKey && { ExclusiveStartKey: startKey }),
        }),
      ),
    () => true,
  );
  return read(values.sort().reverse().slice(0, days), consumed);
}

interface Page {
  readonly Items?: Record<string, AttributeValue>[];
  readonly ConsumedCapacity?: ConsumedCapacity;
  readonly LastEvaluatedKey?: Record<string, AttributeValue>;
}

/** Follows LastEvaluatedKey while `wantMore(found)` holds, collecting one string attribute and each page's capacity. */
async function readPages(
  attribute: string,
  send: (startKey: Record<string, AttributeValue> | undefined, found: number) => Promise<Page>,
  wantMore: (found: number) => boolean,
): Promise<{ values: string[]; consumed: (ConsumedCapacity | undefined)[] }> {
  const values: string[] = [];
  const consumed: (ConsumedCapacity | undefined)[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await send(startKey, values.length);
    values.push(...(page.Items ?? []).map((item) => item[attribute]?.S ?? ''));
    consumed.push(page.ConsumedCapacity);
    startKey = page.LastEvaluatedKey;
  } while (startKey && wantMore(values.length));
  return { values, consumed };
}

/** Times `read` repeatedly; every answer must be exactly the expected dates, and every one costs the same. */
async function measure(expected: string[], reader: () => Promise<Read>): Promise<Measured> {
  const latencies: number[] = [];
  let cost: { rcu: number; requests: number } | undefined;
  const started = performance.now();
  while (
    latencies.length < 3 ||
    (latencies.length < MAX_SAMPLES && performance.now() - started < SAMPLE_BUDGET_MS)
  ) {
    const start = performance.now();
    const { dates, rcu, requests } = await reader();
    latencies.push(performance.now() - start);
    if (dates.join() !== expected.join()) {
      throw new Error(
        `wrong answer: ${dates.length} sessions (${dates.slice(0, 3)}...), expected ${expected.length}`,
      );
    }
    if (cost && cost.rcu !== rcu) throw new Error(`the same read cost ${cost.rcu} then ${rcu} RCU`);
    cost = { rcu, requests };
  }
  latencies.sort((a, b) => a - b);
  return {
    rcu: cost?.rcu ?? 0,
    requests: cost?.requests ?? 0,
    medianMs: round(latencies[Math.floor(latencies.length / 2)] ?? 0, 2),
    samples: latencies.length,
  };
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}
