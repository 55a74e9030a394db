import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../adapters/clock/fixed-clock.ts';
import {
  InvalidResponseError,
  MissingApiKeyError,
  NotYetAvailableError,
  RejectedApiKeyError,
} from '../../adapters/massive/massive-errors.ts';
import type { MassiveMarketDataOptions } from '../../adapters/massive/massive-market-data-provider.ts';
import { MassiveMarketDataProvider } from '../../adapters/massive/massive-market-data-provider.ts';
import { testMarketDataProviderContract } from '../contracts/market-data-provider.contract.ts';
import {
  capturingLogger,
  fakeTime,
  groupedBody,
  groupedPath,
  groupedRow,
  MASSIVE_ERROR_BODIES,
  TEST_BASE_URL,
} from '../support/fake-massive-fixtures.ts';
import type { FakeMassiveServer } from '../support/fake-massive-server.ts';
import { startFakeMassiveServer } from '../support/fake-massive-server.ts';

const SESSION = '2025-03-07';
const REFERENCE_PATH = '/v3/reference/tickers';

let server: FakeMassiveServer;

beforeAll(async () => {
  server = await startFakeMassiveServer({ marketUniverse: true });
});

afterAll(async () => {
  await server.close();
});

function onFakeServer(): MassiveMarketDataProvider {
  return new MassiveMarketDataProvider({
    apiKey: server.apiKey,
    baseUrl: server.baseUrl,
    rateLimitPerMinute: 0,
    clock: new FixedClock('2026-01-05T17:00:00.000Z'),
  });
}

testMarketDataProviderContract('Massive on the fake server', async () => {
  server.resetStats();
  const provider = onFakeServer();
  return { provider, upstream: { calls: () => server.calls.total + server.referenceCalls } };
});

describe('MassiveMarketDataProvider on the fake server', () => {
  it('pages the reference 1 000 at a time through next_url, with the key in the header only', async () => {
    server.resetStats();
    const provider = onFakeServer();

    const tickers = await provider.fetchTickerReference();

    const pages = server.requests.filter((entry) => entry.endpoint === 'reference-tickers');
    expect(pages.length).toBe(Math.ceil(tickers.length / 1000));
    expect(pages[0]?.path).toMatch(/limit=1000/);
    expect(pages.slice(1).every((entry) => /cursor=/.test(entry.path))).toBe(true);
    expect(pages.some((entry) => entry.path.includes(server.apiKey))).toBe(false);
  });
});

function nockProvider(overrides: Partial<MassiveMarketDataOptions> = {}) {
  const time = fakeTime();
  const logger = capturingLogger();
  const provider = new MassiveMarketDataProvider({
    apiKey: 'test-key-1234567890',
    baseUrl: TEST_BASE_URL,
    rateLimitPerMinute: 0,
    timeoutMs: 1_000,
    maxAttempts: 2,
    clock: time.clock,
    sleep: time.sleep,
    random: () => 0.5,
    logger,
    ...overrides,
  });
  return { provider, logger };
}

function reference() {
  return nock(TEST_BASE_URL).get(REFERENCE_PATH).query(true);
}

function referenceRow(
  ticker: string,
  type = 'CS',
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { ticker, name: `${ticker} Inc.`, market: 'stocks', locale: 'us', type, active: true, ...extra };
}

function referenceBody(results: unknown[], nextUrl?: string): Record<string, unknown> {
  return {
    results,
    status: 'OK',
    request_id: '40d60d83fa0628503b4d13387b7bde2a',
    count: results.length,
    ...(nextUrl ? { next_url: nextUrl } : {}),
  };
}

beforeAll(() => {
  nock.disableNetConnect();
  // The fake server of the contract runs on loopback.
  nock.enableNetConnect('127.0.0.1');
});
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('MassiveMarketDataProvider reference tickers (nock)', () => {
  it('follows next_url on its own base URL, keeps the first of a repeated ticker and reads missing fields as empty', async () => {
    const { provider, logger } = nockProvider();
    reference().reply(
      200,
      referenceBody(
        [referenceRow('AAA', 'ETF'), referenceRow('BBB')],
        'https://api.massive.com/v3/reference/tickers?cursor=abc&apiKey=leaked',
      ),
    );
    nock(TEST_BASE_URL)
      .get(REFERENCE_PATH)
      .query({ cursor: 'abc' })
      .reply(200, referenceBody([referenceRow('BBB', 'ETF'), { ticker: 'CCC', market: 'stocks' }]));

    const tickers = await provider.fetchTickerReference();

    expect(tickers).toEqual([
      { symbol: 'AAA', name: 'AAA Inc.', type: 'ETF' },
      { symbol: 'BBB', name: 'BBB Inc.', type: 'CS' },
      { symbol: 'CCC', name: '', type: '' },
    ]);
    expect(logger.text()).toMatch(/listed a ticker twice/);
    expect(logger.text()).not.toMatch(/leaked/);
  });

  it.each([
    ['results of the wrong type', { status: 'OK', results: 'many' }],
    ['a row without a ticker', referenceBody([{ name: 'Nameless Inc.', type: 'CS' }])],
    ['a ticker with a space', referenceBody([referenceRow('BAD TICKER')])],
    ['an absurdly long name', referenceBody([referenceRow('LONG', 'CS', { name: 'x'.repeat(501) })])],
    ['a numeric type', referenceBody([referenceRow('NUM', 'CS', { type: 7 })])],
    ['no status', { results: [referenceRow('AAA')] }],
  ])('refuses an answer with %s', async (_, body) => {
    const { provider } = nockProvider();
    reference().times(2).reply(200, body);

    await expect(provider.fetchTickerReference()).rejects.toThrow(InvalidResponseError);
  });

  it('refuses a next_url that points elsewhere', async () => {
    const { provider } = nockProvider();
    reference().reply(200, referenceBody([referenceRow('AAA')], 'https://api.massive.com/v2/aggs/grouped/x'));

    await expect(provider.fetchTickerReference()).rejects.toThrow(/does not point at the reference tickers/);
  });

  it('stops a pagination that never ends', async () => {
    const { provider } = nockProvider();
    reference()
      .times(50)
      .reply(
        200,
        referenceBody([referenceRow('AAA')], 'https://api.massive.com/v3/reference/tickers?cursor=again'),
      );

    await expect(provider.fetchTickerReference()).rejects.toThrow(/did not end after 50 pages/);
  });

  it('throws on a missing or rejected key', async () => {
    const { provider } = nockProvider({ apiKey: undefined });
    const rejected = nockProvider().provider;
    reference().reply(401, MASSIVE_ERROR_BODIES.badKey);

    await expect(provider.fetchTickerReference()).rejects.toThrow(MissingApiKeyError);
    await expect(rejected.fetchTickerReference()).rejects.toThrow(RejectedApiKeyError);
  });
});

describe('MassiveMarketDataProvider grouped daily (nock)', () => {
  function grouped() {
    return nock(TEST_BASE_URL).get(groupedPath(SESSION)).query(true);
  }

  it('keeps every row of the session, whatever the ticker', async () => {
    const { provider } = nockProvider();
    grouped().reply(
      200,
      groupedBody([groupedRow('ZZZZ', SESSION), groupedRow('AAPL', SESSION, { o: 10, c: 12 })]),
    );

    const answer = await provider.fetchSessionBars(SESSION);

    expect(answer.kind === 'delivered' ? answer.bars.map((bar) => [bar.symbol, bar.close]) : []).toEqual([
      ['ZZZZ', 101],
      ['AAPL', 12],
    ]);
  });

  it('refuses a whole answer holding a row of another day', async () => {
    const { provider } = nockProvider();
    grouped().reply(200, groupedBody([groupedRow('AAA', SESSION), groupedRow('BBB', '2025-03-06')]));

    const answer = await provider.fetchSessionBars(SESSION);

    expect(answer).toMatchObject({ kind: 'undelivered', undelivered: { session: SESSION, kind: 'failed' } });
    expect(answer.kind === 'undelivered' && answer.undelivered.error).toBeInstanceOf(InvalidResponseError);
  });

  it('counts identical copies once and passes disagreeing copies on for the ranking', async () => {
    const { provider, logger } = nockProvider();
    grouped().reply(
      200,
      groupedBody([
        groupedRow('AAA', SESSION),
        groupedRow('AAA', SESSION),
        groupedRow('BBB', SESSION),
        groupedRow('BBB', SESSION, { o: 100, c: 150 }),
      ]),
    );

    const answer = await provider.fetchSessionBars(SESSION);

    expect(answer.kind === 'delivered' ? answer.bars.map((bar) => bar.symbol) : []).toEqual([
      'AAA',
      'BBB',
      'BBB',
    ]);
    expect(logger.text()).toMatch(/dropped or disagreeing/);
  });

  it('reports "not published yet" as such, and throws on a rejected key', async () => {
    const { provider } = nockProvider();
    grouped().reply(403, MASSIVE_ERROR_BODIES.beforeEndOfDay);
    grouped().reply(401, MASSIVE_ERROR_BODIES.badKey);

    const answer = await provider.fetchSessionBars(SESSION);

    expect(answer).toMatchObject({ kind: 'undelivered', undelivered: { kind: 'not-yet-available' } });
    expect(answer.kind === 'undelivered' && answer.undelivered.error).toBeInstanceOf(NotYetAvailableError);
    await expect(provider.fetchSessionBars(SESSION)).rejects.toThrow(RejectedApiKeyError);
  });
});
