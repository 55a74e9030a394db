import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Basis, SessionResult } from '../../core/index.ts';
import { SyncWinners, tradingSessions } from '../../core/index.ts';
import { FixedClock } from '../../adapters/clock/fixed-clock.ts';
import { RejectedApiKeyError, UpstreamUnavailableError } from '../../adapters/massive/massive-errors.ts';
import { MassiveStockQuoteProvider } from '../../adapters/massive/massive-stock-quote-provider.ts';
import type { MassiveProviderOptions } from '../../adapters/massive/massive-stock-quote-provider.ts';
import { InMemoryWinnerRepository } from '../../adapters/memory/in-memory-winner-repository.ts';
import { simulatedDailyBar } from '../../adapters/simulated/simulated-market.ts';
import type { FakeMassiveServer } from '../support/fake-massive-server.ts';
import { startFakeMassiveServer } from '../support/fake-massive-server.ts';
import { simulatedRanking } from '../support/fake-massive-fixtures.ts';

const WATCHLIST = ['AAPL', 'MSFT', 'GOOGL', 'AMZN', 'TSLA', 'NVDA', 'META'];
const SEED = 7;
/** Tuesday 2025-06-10, 17:00 New York: the 2025-06-10 session has closed. */
const AFTER_CLOSE = '2025-06-10T21:00:00.000Z';

/** What the use case must store for a session, computed straight from the fake server's dataset. */
function expectedRanking(session: string, basis: Basis): Pick<SessionResult, 'winner' | 'ranking'> {
  const { winner, ranking } = simulatedRanking(WATCHLIST, session, SEED, basis);
  return { winner: winner!, ranking };
}

interface Harness {
  readonly sync: SyncWinners;
  readonly repository: InMemoryWinnerRepository;
  readonly clock: FixedClock;
  readonly sleeps: number[];
}

function harness(
  server: FakeMassiveServer,
  basis: Basis = 'open-to-close',
  overrides: Partial<MassiveProviderOptions> = {},
): Harness {
  const clock = overrides.clock instanceof FixedClock ? overrides.clock : new FixedClock(AFTER_CLOSE);
  const sleeps: number[] = [];
  const provider = new MassiveStockQuoteProvider({
    apiKey: server.apiKey,
    baseUrl: server.baseUrl,
    rateLimitPerMinute: 0,
    maxInFlight: 4,
    maxAttempts: 2,
    timeoutMs: 5_000,
    clock,
    sleep: async (milliseconds) => {
      sleeps.push(milliseconds);
      clock.advance(milliseconds);
    },
    random: () => 0.5,
    ...overrides,
  });
  const repository = new InMemoryWinnerRepository();
  const sync = new SyncWinners(provider, repository, clock, {
    symbols: WATCHLIST,
    basis,
    publishDelayMinutes: 0,
  });
  return { sync, repository, clock, sleeps };
}

async function expectStoredAsComputed(
  repository: InMemoryWinnerRepository,
  sessions: string[],
  basis: Basis,
) {
  for (const session of sessions) {
    const stored = await repository.get(session);
    expect(stored, session).toBeDefined();
    expect({ winner: stored!.winner, ranking: stored!.ranking }, session).toEqual(
      expectedRanking(session, basis),
    );
    expect(stored!.basis).toBe(basis);
    expect(stored!.source).toBe('massive');
  }
}

let server: FakeMassiveServer;

beforeAll(async () => {
  server = await startFakeMassiveServer({ seed: SEED, extraTickers: 40 });
});

afterEach(() => {
  server.clearFaults();
  server.configure({ unpublishedFrom: undefined, rangePageSize: undefined, rateLimitPerMinute: 0 });
  server.resetStats();
});

afterAll(async () => {
  await server.close();
});

describe('MassiveStockQuoteProvider feeding SyncWinners, against the fake Massive server', () => {
  it('backfills a quarter with one range call per ticker and stores the right rankings', async () => {
    const { sync, repository } = harness(server);
    const sessions = tradingSessions('2025-01-01', '2025-03-31');

    const summary = await sync.execute({ window: { from: '2025-01-01', to: '2025-03-31' } });

    expect(summary.plan).toMatchObject({ strategy: 'aggregates-range', calls: 7 });
    expect(summary.stored).toEqual(sessions);
    expect(summary.failed).toEqual([]);
    expect(server.calls).toEqual({ range: 7, grouped: 0, openClose: 0, total: 7 });
    await expectStoredAsComputed(repository, sessions, 'open-to-close');
  });

  it('close-to-close backfill takes the previous close from the same fetch, also for the first session', async () => {
    const { sync, repository } = harness(server, 'close-to-close');
    const sessions = tradingSessions('2025-03-03', '2025-03-14');

    const summary = await sync.execute({ window: { from: '2025-03-03', to: '2025-03-14' } });

    expect(summary.stored).toEqual(sessions);
    expect(server.calls.range).toBe(7);
    expect(server.requests[0]?.path).toContain('/range/1/day/2025-02-28/2025-03-14');
    await expectStoredAsComputed(repository, sessions, 'close-to-close');
    const first = await repository.get('2025-03-03');
    expect(first!.winner.previousClose).toBe(
      simulatedDailyBar(first!.winner.symbol, '2025-02-28', SEED).close,
    );
  });

  it('the daily sync of one missing session is one grouped call; nothing missing is no call', async () => {
    const { sync, repository, clock } = harness(server);
    await sync.execute({ window: { sessions: 10 } });
    clock.set('2025-06-11T21:00:00.000Z');
    server.resetStats();

    const daily = await sync.execute({ window: { sessions: 10 } });
    const again = await sync.execute({ window: { sessions: 10 } });

    expect(daily.stored).toEqual(['2025-06-11']);
    expect(daily.plan).toMatchObject({ strategy: 'grouped-daily', calls: 1 });
    expect(again.missing).toEqual([]);
    expect(server.calls).toEqual({ range: 0, grouped: 1, openClose: 0, total: 1 });
    await expectStoredAsComputed(repository, ['2025-06-11'], 'open-to-close');
  });

  it('close-to-close daily sync: two grouped calls (the session and the one before)', async () => {
    const { sync, repository } = harness(server, 'close-to-close');

    const summary = await sync.execute({ window: { sessions: 1 } });

    expect(summary.stored).toEqual(['2025-06-10']);
    expect(server.calls).toEqual({ range: 0, grouped: 2, openClose: 0, total: 2 });
    await expectStoredAsComputed(repository, ['2025-06-10'], 'close-to-close');
  });

  it('"before end of day" for today: today is not-yet-available, the rest is stored', async () => {
    server.configure({ unpublishedFrom: '2025-06-10' });
    const { sync, repository } = harness(server);

    const summary = await sync.execute({ window: { sessions: 10 } });

    expect(summary.notYetAvailable).toEqual(['2025-06-10']);
    expect(summary.stored).toHaveLength(9);
    expect(await repository.get('2025-06-10')).toBeUndefined();
    await expectStoredAsComputed(repository, summary.stored as string[], 'open-to-close');
  });

  it('grouped plan: a session whose call keeps failing is failed, the others are stored', async () => {
    server.setFault({ kind: 'server-error', endpoint: 'grouped-daily', session: '2025-06-09', body: 'html' });
    const { sync } = harness(server);

    const summary = await sync.execute({ window: { sessions: 3 } });

    expect(summary.stored).toEqual(['2025-06-06', '2025-06-10']);
    expect(summary.failed.map((failure) => failure.session)).toEqual(['2025-06-09']);
    expect(summary.failed[0]?.error).toBeInstanceOf(UpstreamUnavailableError);
  });

  it('range plan: one ticker failing stores nothing partial', async () => {
    server.setFault({ kind: 'malformed-json', endpoint: 'aggregates-range', ticker: 'NVDA' });
    const { sync, repository } = harness(server);

    const summary = await sync.execute({ window: { sessions: 10 } });

    expect(summary.stored).toEqual([]);
    expect(summary.failed).toHaveLength(10);
    expect((await repository.latestWinners(10)).rows).toEqual([]);
  });

  it('transient faults (5xx, HTML, slow, reset, 429) are retried and leave no trace in the result', async () => {
    server.setFault({ kind: 'server-error', endpoint: 'aggregates-range', ticker: 'AAPL', times: 1 });
    server.setFault({ kind: 'connection-reset', endpoint: 'aggregates-range', ticker: 'MSFT', times: 1 });
    server.setFault({
      kind: 'rate-limited',
      endpoint: 'aggregates-range',
      ticker: 'TSLA',
      times: 1,
      emptyBody: true,
    });
    server.setFault({ kind: 'slow', delayMs: 400, endpoint: 'aggregates-range', ticker: 'META', times: 1 });
    // One call at a time, as the call count assumes: with a 150 ms timeout, only META's call may time out.
    const { sync, repository, sleeps } = harness(server, 'open-to-close', { timeoutMs: 150, maxInFlight: 1 });

    const summary = await sync.execute({ window: { sessions: 10 } });

    expect(summary.failed).toEqual([]);
    expect(summary.stored).toHaveLength(10);
    expect(server.calls.range).toBe(11);
    expect(sleeps).toContain(60_000);
    await expectStoredAsComputed(repository, summary.stored as string[], 'open-to-close');
  });

  it('follows next_url pages of the range endpoint', async () => {
    server.configure({ rangePageSize: 20 });
    const { sync, repository } = harness(server);
    const sessions = tradingSessions('2025-01-01', '2025-03-31');

    const summary = await sync.execute({ window: { from: '2025-01-01', to: '2025-03-31' } });

    expect(summary.stored).toEqual(sessions);
    expect(server.calls.range).toBe(7 * Math.ceil(sessions.length / 20));
    expect(server.requests.some((request) => request.path.includes('cursor='))).toBe(true);
    await expectStoredAsComputed(repository, sessions, 'open-to-close');
  });

  it('a wrong key fails every session with RejectedApiKey after a single call', async () => {
    const { sync } = harness(server, 'open-to-close', { apiKey: 'not-the-key' });

    const summary = await sync.execute({ window: { sessions: 10 } });

    expect(summary.failed).toHaveLength(10);
    expect(summary.failed[0]?.error).toBeInstanceOf(RejectedApiKeyError);
    expect(server.calls.total).toBe(1);
  });
});

describe('the client-side limiter against a server that enforces the free plan', () => {
  it('with the limit set to 5, a 7-ticker backfill is never refused and waits one window', async () => {
    const clock = new FixedClock(AFTER_CLOSE);
    const strict = await startFakeMassiveServer({
      seed: SEED,
      rateLimitPerMinute: 5,
      now: () => clock.now().getTime(),
    });
    try {
      const { sync, sleeps } = harness(strict, 'open-to-close', { clock, rateLimitPerMinute: 5 });

      const summary = await sync.execute({ window: { sessions: 30 } });

      expect(summary.stored).toHaveLength(30);
      expect(strict.requests.map((request) => request.status)).toEqual(Array(7).fill(200));
      expect(sleeps).toEqual([60_000]);
    } finally {
      await strict.close();
    }
  });

  it('with the limit set too high, the 429 is waited out and the backfill completes', async () => {
    const clock = new FixedClock(AFTER_CLOSE);
    const strict = await startFakeMassiveServer({
      seed: SEED,
      rateLimitPerMinute: 5,
      now: () => clock.now().getTime(),
    });
    try {
      // One call at a time, so exactly one call meets the server's limit.
      const { sync } = harness(strict, 'open-to-close', {
        clock,
        rateLimitPerMinute: 0,
        maxAttempts: 3,
        maxInFlight: 1,
      });

      const summary = await sync.execute({ window: { sessions: 30 } });

      expect(summary.stored).toHaveLength(30);
      expect(strict.requests.filter((request) => request.status === 429)).toHaveLength(1);
    } finally {
      await strict.close();
    }
  });
});
