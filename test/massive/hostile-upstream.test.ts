/**
 * Issue 10's hostile-upstream acceptance: for each fault of the fake Massive server, a sync through the
 * real provider into the embedded store (dynalite, the DynamoDB adapter as the CLI runs it) stores only
 * rankings that are exactly right, or leaves the affected sessions absent; the summary or the stored
 * exclusions say why; nothing throws; and once the fault is gone a rerun stores what was missing.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SessionResult, SyncSummary } from '../../core/index.ts';
import { lastSessions, SyncWinners } from '../../core/index.ts';
import { FixedClock } from '../../adapters/clock/fixed-clock.ts';
import type { DynamoDbWinnerRepository } from '../../adapters/dynamodb/dynamodb-winner-repository.ts';
import { MassiveStockQuoteProvider } from '../../adapters/massive/massive-stock-quote-provider.ts';
import type { FakeFaultSpec } from '../support/fake-massive-faults.ts';
import type { FakeMassiveServer } from '../support/fake-massive-server.ts';
import { startFakeMassiveServer } from '../support/fake-massive-server.ts';
import type { DynamoRepositoryFixture } from '../support/dynamo-repository-fixture.ts';
import { openDynamoRepositoryFixture } from '../support/dynamo-repository-fixture.ts';
import type { TestDynamoDbServer } from '../support/dynamo-servers.ts';
import { startDynaliteServer } from '../support/dynamo-servers.ts';
import { simulatedRanking } from '../support/fake-massive-fixtures.ts';

const WATCHLIST = ['AAPL', 'MSFT', 'GOOGL', 'AMZN', 'TSLA', 'NVDA', 'META'];
const SEED = 13;
/** Tuesday 2025-06-10, 17:00 New York. */
const AFTER_CLOSE = '2025-06-10T21:00:00.000Z';
/** Ten sessions: more than the seven tickers, so the plan is one range call per ticker. */
const RANGE_WINDOW = { sessions: 10 };
/** Three sessions: fewer than the seven tickers, so the plan is one grouped call per session. */
const GROUPED_WINDOW = { sessions: 3 };
const RANGE_SESSIONS = lastSessions(10, '2025-06-10').reverse();
const GROUPED_SESSIONS = RANGE_SESSIONS.slice(-3);
/** The session a targeted fault hits: inside both windows. */
const HIT = '2025-06-09';

let massive: FakeMassiveServer;
let dynalite: TestDynamoDbServer;
const fixtures: DynamoRepositoryFixture[] = [];

beforeAll(async () => {
  [massive, dynalite] = await Promise.all([
    startFakeMassiveServer({ seed: SEED, extraTickers: 20 }),
    startDynaliteServer(),
  ]);
});

afterEach(() => {
  massive.clearFaults();
  for (const fixture of fixtures.splice(0)) fixture.destroy();
});

afterAll(async () => {
  await Promise.all([massive.close(), dynalite.stop()]);
});

async function harness(): Promise<{ sync: SyncWinners; repository: DynamoDbWinnerRepository }> {
  const fixture = await openDynamoRepositoryFixture(dynalite.endpoint);
  fixtures.push(fixture);
  const clock = new FixedClock(AFTER_CLOSE);
  const provider = new MassiveStockQuoteProvider({
    apiKey: massive.apiKey,
    baseUrl: massive.baseUrl,
    rateLimitPerMinute: 0,
    maxInFlight: 4,
    maxAttempts: 2,
    timeoutMs: 10_000,
    clock,
    sleep: async (milliseconds) => clock.advance(milliseconds),
    random: () => 0.5,
  });
  const repository = fixture.repository({ clock });
  const sync = new SyncWinners(provider, repository, clock, {
    symbols: WATCHLIST,
    basis: 'open-to-close',
    publishDelayMinutes: 0,
  });
  return { sync, repository };
}

/** Every session in `sessions` is stored with exactly the ranking the dataset gives. */
async function expectExactlyRight(repository: DynamoDbWinnerRepository, sessions: readonly string[]) {
  for (const session of sessions) {
    const stored = await repository.get(session);
    const expected = simulatedRanking(WATCHLIST, session, SEED);
    expect(stored, session).toBeDefined();
    expect({ winner: stored?.winner, ranking: stored?.ranking, excluded: stored?.excluded }, session).toEqual(
      expected,
    );
  }
}

/** The session is stored right for every ticker but AAPL, which is excluded with the reason given. */
async function expectAaplExcluded(repository: DynamoDbWinnerRepository, session: string, reason: RegExp) {
  const stored = (await repository.get(session)) as SessionResult;
  const expected = simulatedRanking(
    WATCHLIST.filter((symbol) => symbol !== 'AAPL'),
    session,
    SEED,
  );
  expect(stored.ranking).toEqual(expected.ranking);
  expect(stored.winner).toEqual(expected.winner);
  expect(stored.excluded).toEqual([{ symbol: 'AAPL', reason: expect.stringMatching(reason) }]);
}

function failureMessages(summary: SyncSummary): string[] {
  return [...new Set(summary.failed.map((failure) => failure.error.message))];
}

/** Faults that must leave the affected sessions absent, with the summary saying why. */
const REFUSING_FAULTS: readonly {
  readonly name: string;
  readonly fault: FakeFaultSpec;
  readonly window: { sessions: number };
  readonly absent: readonly string[];
  readonly why: RegExp;
}[] = [
  {
    name: "AAPL's range answered with MSFT's bars",
    fault: { kind: 'wrong-ticker', answerAs: 'MSFT', endpoint: 'aggregates-range', ticker: 'AAPL' },
    window: RANGE_WINDOW,
    absent: RANGE_SESSIONS,
    why: /request for AAPL with bars of MSFT: refused/,
  },
  {
    name: "AAPL's next_url pointing at MSFT",
    fault: {
      kind: 'next-url-to-other-ticker',
      answerAs: 'MSFT',
      endpoint: 'aggregates-range',
      ticker: 'AAPL',
    },
    window: RANGE_WINDOW,
    absent: RANGE_SESSIONS,
    why: /next page of AAPL \(next_url\) points at MSFT/,
  },
  {
    name: 'range bars stamped at midnight UTC',
    fault: { kind: 'midnight-utc', endpoint: 'aggregates-range', ticker: 'NVDA' },
    window: RANGE_WINDOW,
    absent: RANGE_SESSIONS,
    why: /the NVDA bar stamped .*T00:00:00\.000Z lies after the close/,
  },
  {
    name: 'grouped rows stamped at midnight UTC',
    fault: { kind: 'midnight-utc', endpoint: 'grouped-daily', session: HIT },
    window: GROUPED_WINDOW,
    absent: [HIT],
    why: /stamped 2025-06-09T00:00:00\.000Z lies after the close/,
  },
  {
    name: 'an endless body',
    fault: { kind: 'endless-body', endpoint: 'aggregates-range', ticker: 'TSLA' },
    window: RANGE_WINDOW,
    absent: RANGE_SESSIONS,
    why: /larger than 16777216 bytes/,
  },
  {
    name: 'a giant Retry-After',
    fault: { kind: 'rate-limited', retryAfterSeconds: 999_999, endpoint: 'grouped-daily', session: HIT },
    window: GROUPED_WINDOW,
    absent: [HIT],
    why: /gave up after 1 attempt because the server asked to wait 999999 seconds/,
  },
];

describe('hostile upstream: refused answers leave their sessions absent, and a rerun fills them', () => {
  it.each(REFUSING_FAULTS)('$name', async ({ fault, window, absent, why }) => {
    const { sync, repository } = await harness();
    const sessions = window === RANGE_WINDOW ? RANGE_SESSIONS : GROUPED_SESSIONS;
    massive.setFault(fault);

    const faulted = await sync.execute({ window });

    expect(faulted.failed.map((failure) => failure.session)).toEqual(absent);
    expect(failureMessages(faulted)).toEqual([expect.stringMatching(why)]);
    for (const session of absent) expect(await repository.get(session), session).toBeUndefined();
    const unaffected = sessions.filter((session) => !absent.includes(session));
    expect(faulted.stored).toEqual(unaffected);
    await expectExactlyRight(repository, unaffected);

    massive.clearFaults();
    const rerun = await sync.execute({ window });

    expect(rerun.stored).toEqual(absent);
    expect(rerun.failed).toEqual([]);
    await expectExactlyRight(repository, sessions);
  });
});

describe('hostile upstream: bad bars are excluded or merged, never stored as a wrong entry', () => {
  it('identical duplicate bars collapse: every ranking is exactly right', async () => {
    const { sync, repository } = await harness();
    massive.setFault({ kind: 'duplicate-bars', endpoint: 'aggregates-range', ticker: 'AAPL' });

    const summary = await sync.execute({ window: RANGE_WINDOW });

    expect(summary.stored).toEqual(RANGE_SESSIONS);
    await expectExactlyRight(repository, RANGE_SESSIONS);
  });

  it.each([
    { answer: 'a range', endpoint: 'aggregates-range', window: RANGE_WINDOW, sessions: RANGE_SESSIONS },
    {
      answer: 'a grouped answer',
      endpoint: 'grouped-daily',
      window: GROUPED_WINDOW,
      sessions: GROUPED_SESSIONS,
    },
  ] as const)(
    'a conflicting +50% copy in $answer excludes AAPL for that session only',
    async ({ endpoint, window, sessions }) => {
      const { sync, repository } = await harness();
      massive.setFault({ kind: 'duplicate-bars', conflicting: true, endpoint, ticker: 'AAPL', session: HIT });

      const summary = await sync.execute({ window });

      expect(summary.stored).toEqual(sessions);
      await expectAaplExcluded(repository, HIT, /^conflicting bars for this session/);
      await expectExactlyRight(
        repository,
        sessions.filter((session) => session !== HIT),
      );
    },
  );

  it('a close of 1e20 excludes AAPL for that session, the store takes every number, and later runs go on', async () => {
    const { sync, repository } = await harness();
    massive.setFault({ kind: 'huge-numbers', endpoint: 'aggregates-range', ticker: 'AAPL', session: HIT });

    const summary = await sync.execute({ window: RANGE_WINDOW });

    expect(summary.failed).toEqual([]);
    expect(summary.stored).toEqual(RANGE_SESSIONS);
    await expectAaplExcluded(repository, HIT, /^invalid price \(open [\d.]+, close 100000000000000000000;/);
    await expectExactlyRight(
      repository,
      RANGE_SESSIONS.filter((session) => session !== HIT),
    );
    const forced = await sync.execute({ window: RANGE_WINDOW, force: true });
    expect(forced.stored).toEqual(RANGE_SESSIONS);
  });
});
