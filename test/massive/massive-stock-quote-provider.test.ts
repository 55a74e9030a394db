import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tradingSessions } from '../../core/index.ts';
import {
  MASSIVE_DEFAULT_BASE_URL,
  MassiveStockQuoteProvider,
} from '../../adapters/massive/massive-stock-quote-provider.ts';
import {
  groupedBody,
  groupedPath,
  quoteRequest as request,
  TEST_BASE_URL,
  testProvider,
  WATCHLIST,
} from '../support/fake-massive-fixtures.ts';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('MassiveStockQuoteProvider: call planning', () => {
  const { provider } = testProvider();

  it('one session for the default watchlist: grouped-daily, one call', async () => {
    const plan = await provider.plan(request(WATCHLIST, ['2026-01-02']));

    expect(plan).toMatchObject({ strategy: 'grouped-daily', calls: 1, rangeCalls: 7, groupedCalls: 1 });
  });

  it('a year for the default watchlist: aggregates-range, one call per ticker', async () => {
    const plan = await provider.plan(request(WATCHLIST, tradingSessions('2025-01-01', '2025-12-31')));

    expect(plan).toMatchObject({ strategy: 'aggregates-range', calls: 7, groupedCalls: 250 });
    expect(plan.span).toEqual({ from: '2025-01-02', to: '2025-12-31' });
    expect(plan.description).toContain('grouped-daily would take 250');
  });

  it('close-to-close adds the previous session: grouped for one session costs two calls', async () => {
    const plan = await provider.plan(request(WATCHLIST, ['2026-01-02'], true));

    expect(plan).toMatchObject({ strategy: 'grouped-daily', calls: 2 });
    expect(plan.neededSessions).toEqual(['2025-12-31', '2026-01-02']);
  });

  it('close-to-close range starts one session before the first requested one', async () => {
    const plan = await provider.plan(request(['AAPL'], ['2025-01-02', '2025-01-03'], true));

    expect(plan).toMatchObject({ strategy: 'aggregates-range', calls: 1 });
    expect(plan.span).toEqual({ from: '2024-12-31', to: '2025-01-03' });
  });

  it('previous sessions shared by consecutive sessions are counted once', async () => {
    const plan = await provider.plan(request(WATCHLIST, ['2025-03-06', '2025-03-07'], true));

    expect(plan).toMatchObject({ strategy: 'grouped-daily', calls: 3 });
  });

  it('a tie goes to the range plan (small pages instead of the whole market)', async () => {
    const plan = await provider.plan(request(['AAPL', 'MSFT'], ['2025-03-06', '2025-03-07']));

    expect(plan.strategy).toBe('aggregates-range');
  });

  it('nothing requested: no call', async () => {
    expect(await provider.plan(request([], ['2025-03-07']))).toMatchObject({ strategy: 'none', calls: 0 });
    expect(await provider.plan(request(['AAPL'], []))).toMatchObject({ strategy: 'none', calls: 0 });
  });

  it('logs the plan it runs', async () => {
    nock(TEST_BASE_URL).get(groupedPath('2026-01-02')).query(true).reply(200, groupedBody([]));
    const { provider: logged, logger } = testProvider();

    await logged.fetchDailyBars(request(WATCHLIST, ['2026-01-02']));

    const planLine = logger.lines.find((line) => line.message === 'massive fetch plan');
    expect(planLine?.attributes).toMatchObject({ strategy: 'grouped-daily', calls: 1 });
  });

  it('fetching nothing makes no call', async () => {
    const batch = await provider.fetchDailyBars(request([], ['2025-03-07']));

    expect(batch).toEqual({ bars: [], undelivered: [] });
  });

  it('defaults to the api.massive.com host', async () => {
    expect(MASSIVE_DEFAULT_BASE_URL).toBe('https://api.massive.com');
  });
});

describe('MassiveStockQuoteProvider: construction', () => {
  it('is a massive source', async () => {
    expect(testProvider().provider.source).toBe('massive');
  });

  it('rejects nonsense settings at construction', async () => {
    const { time } = testProvider();
    expect(() => new MassiveStockQuoteProvider({ apiKey: 'k', clock: time.clock, maxAttempts: 0 })).toThrow(
      /maxAttempts/,
    );
    expect(
      () => new MassiveStockQuoteProvider({ apiKey: 'k', clock: time.clock, rateLimitPerMinute: -1 }),
    ).toThrow(/rate limit/);
    for (const maxInFlight of [0, 33, 1.5]) {
      expect(() => new MassiveStockQuoteProvider({ apiKey: 'k', clock: time.clock, maxInFlight })).toThrow(
        /maxInFlight must be a whole number from 1 to 32/,
      );
    }
  });
});
