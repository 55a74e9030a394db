import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { QuoteRequest } from '../../core/index.ts';
import { tradingSessions } from '../../core/index.ts';
import { NotEntitledError, UpstreamUnavailableError } from '../../adapters/massive/massive-errors.ts';
import {
  MASSIVE_DEFAULT_BASE_URL,
  MassiveStockQuoteProvider,
} from '../../adapters/massive/massive-stock-quote-provider.ts';
import {
  groupedBody,
  groupedRow,
  MASSIVE_ERROR_BODIES,
  rangeBar,
  rangeBody,
  TEST_BASE_URL,
  testProvider,
} from '../support/fake-massive-fixtures.ts';

const WATCHLIST = ['AAPL', 'MSFT', 'GOOGL', 'AMZN', 'TSLA', 'NVDA', 'META'];

function rangePath(ticker: string, from: string, to: string): string {
  return `/v2/aggs/ticker/${ticker}/range/1/day/${from}/${to}`;
}

function groupedPath(date: string): string {
  return `/v2/aggs/grouped/locale/us/market/stocks/${date}`;
}

function request(symbols: string[], sessions: string[], includePreviousSession = false): QuoteRequest {
  return { symbols, sessions, includePreviousSession };
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('MassiveStockQuoteProvider: call planning', () => {
  const { provider } = testProvider();

  it('one session for the default watchlist: grouped-daily, one call', () => {
    const plan = provider.plan(request(WATCHLIST, ['2026-01-02']));

    expect(plan).toMatchObject({ strategy: 'grouped-daily', calls: 1, rangeCalls: 7, groupedCalls: 1 });
  });

  it('a year for the default watchlist: aggregates-range, one call per ticker', () => {
    const plan = provider.plan(request(WATCHLIST, tradingSessions('2025-01-01', '2025-12-31')));

    expect(plan).toMatchObject({ strategy: 'aggregates-range', calls: 7, groupedCalls: 250 });
    expect(plan.span).toEqual({ from: '2025-01-02', to: '2025-12-31' });
    expect(plan.description).toContain('grouped-daily would take 250');
  });

  it('close-to-close adds the previous session: grouped for one session costs two calls', () => {
    const plan = provider.plan(request(WATCHLIST, ['2026-01-02'], true));

    expect(plan).toMatchObject({ strategy: 'grouped-daily', calls: 2 });
    expect(plan.neededSessions).toEqual(['2025-12-31', '2026-01-02']);
  });

  it('close-to-close range starts one session before the first requested one', () => {
    const plan = provider.plan(request(['AAPL'], ['2025-01-02', '2025-01-03'], true));

    expect(plan).toMatchObject({ strategy: 'aggregates-range', calls: 1 });
    expect(plan.span).toEqual({ from: '2024-12-31', to: '2025-01-03' });
  });

  it('previous sessions shared by consecutive sessions are counted once', () => {
    const plan = provider.plan(request(WATCHLIST, ['2025-03-06', '2025-03-07'], true));

    expect(plan).toMatchObject({ strategy: 'grouped-daily', calls: 3 });
  });

  it('a tie goes to the range plan (small pages instead of the whole market)', () => {
    const plan = provider.plan(request(['AAPL', 'MSFT'], ['2025-03-06', '2025-03-07']));

    expect(plan.strategy).toBe('aggregates-range');
  });

  it('nothing requested: no call', () => {
    expect(provider.plan(request([], ['2025-03-07']))).toMatchObject({ strategy: 'none', calls: 0 });
    expect(provider.plan(request(['AAPL'], []))).toMatchObject({ strategy: 'none', calls: 0 });
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

  it('defaults to the api.massive.com host', () => {
    expect(MASSIVE_DEFAULT_BASE_URL).toBe('https://api.massive.com');
  });
});

describe('MassiveStockQuoteProvider: aggregates range', () => {
  it('sends the key as a Bearer header, never in the URL, with the documented query', async () => {
    const scope = nock(TEST_BASE_URL, { reqheaders: { authorization: 'Bearer test-key-1234567890' } })
      .get(rangePath('AAPL', '2025-03-07', '2025-03-07'))
      .query({ adjusted: 'true', sort: 'asc', limit: '50000' })
      .reply(200, rangeBody('AAPL', [rangeBar('2025-03-07', { o: 10, c: 11, h: 12, l: 9, v: 5 })]));
    const { provider } = testProvider();

    const batch = await provider.fetchDailyBars(request(['AAPL'], ['2025-03-07']));

    expect(scope.isDone()).toBe(true);
    expect(batch).toEqual({
      bars: [{ symbol: 'AAPL', session: '2025-03-07', open: 10, high: 12, low: 9, close: 11, volume: 5 }],
      undelivered: [],
    });
  });

  it.each([
    ['spring forward', '2025-03-07', '2025-03-10'],
    ['fall back', '2025-10-31', '2025-11-03'],
  ])('maps 00:00 New York stamps to the right session across the %s', async (_, before, after) => {
    nock(TEST_BASE_URL)
      .get(rangePath('AAPL', before, after))
      .query(true)
      .reply(200, rangeBody('AAPL', [rangeBar(before), rangeBar(after)]));
    const { provider } = testProvider();

    const batch = await provider.fetchDailyBars(request(['AAPL'], [before, after]));

    expect(batch.bars.map((bar) => bar.session)).toEqual([before, after]);
  });

  it('reads the documented example stamps as 2005-04-01 (EST) and 2005-04-04 (EDT)', async () => {
    nock(TEST_BASE_URL)
      .get(rangePath('AAPL', '2005-04-01', '2005-04-04'))
      .query(true)
      .reply(200, {
        ticker: 'AAPL',
        queryCount: 2,
        resultsCount: 2,
        adjusted: true,
        results: [
          {
            v: 642646396.0,
            vw: 1.469,
            o: 1.5032,
            c: 1.4604,
            h: 1.5064,
            l: 1.4489,
            t: 1112331600000,
            n: 82132,
          },
          {
            v: 578172308.0,
            vw: 1.4589,
            o: 1.4639,
            c: 1.4675,
            h: 1.4754,
            l: 1.4343,
            t: 1112587200000,
            n: 65543,
          },
        ],
        status: 'OK',
        request_id: '12afda77aab3b1936c5fb6ef4241ae42',
        count: 2,
      });
    const { provider } = testProvider();

    const batch = await provider.fetchDailyBars(request(['AAPL'], ['2005-04-01', '2005-04-04']));

    expect(batch.bars.map((bar) => [bar.session, bar.close])).toEqual([
      ['2005-04-01', 1.4604],
      ['2005-04-04', 1.4675],
    ]);
  });

  it.each([
    ['missing', undefined],
    ['null', null],
  ])('an empty window (results %s) is no bars and no failure', async (_, results) => {
    const body: Record<string, unknown> = { ...rangeBody('AAPL', []), resultsCount: 0, count: 0 };
    if (results === undefined) delete body.results;
    else body.results = results;
    nock(TEST_BASE_URL)
      .get(rangePath('AAPL', '2025-03-07', '2025-03-07'))
      .query(true)
      .reply(200, body);
    const { provider } = testProvider();

    const batch = await provider.fetchDailyBars(request(['AAPL'], ['2025-03-07']));

    expect(batch).toEqual({ bars: [], undelivered: [] });
  });

  it('accepts DELAYED, unknown fields, fractional volume and bars without vw / n', async () => {
    const bar: Record<string, unknown> = {
      ...rangeBar('2025-03-07'),
      v: 1234.5,
      otc: true,
      brandNew: 'field',
    };
    delete bar.vw;
    delete bar.n;
    nock(TEST_BASE_URL)
      .get(rangePath('AAPL', '2025-03-07', '2025-03-07'))
      .query(true)
      .reply(200, rangeBody('AAPL', [bar], { status: 'DELAYED', somethingNew: 1 }));
    const { provider } = testProvider();

    const batch = await provider.fetchDailyBars(request(['AAPL'], ['2025-03-07']));

    expect(batch.bars).toEqual([expect.objectContaining({ session: '2025-03-07', volume: 1234.5 })]);
  });

  it('follows next_url against our own base URL, with auth again, keeping its cursor', async () => {
    const cursor = 'bGltaXQ9MiZzb3J0PWFzYw';
    const nextFrom = rangeBar('2025-03-07').t as number;
    nock(TEST_BASE_URL)
      .get(rangePath('AAPL', '2025-03-05', '2025-03-10'))
      .query(true)
      .reply(
        200,
        rangeBody('AAPL', [rangeBar('2025-03-05'), rangeBar('2025-03-06')], {
          next_url: `https://api.massive.com${rangePath('AAPL', String(nextFrom), '2025-03-10')}?cursor=${cursor}`,
        }),
      );
    const secondPage = nock(TEST_BASE_URL, { reqheaders: { authorization: 'Bearer test-key-1234567890' } })
      .get(rangePath('AAPL', String(nextFrom), '2025-03-10'))
      .query({ cursor })
      .reply(200, rangeBody('AAPL', [rangeBar('2025-03-07'), rangeBar('2025-03-10')]));
    const { provider } = testProvider();

    const batch = await provider.fetchDailyBars(
      request(['AAPL'], ['2025-03-05', '2025-03-06', '2025-03-07', '2025-03-10']),
    );

    expect(secondPage.isDone()).toBe(true);
    expect(batch.bars.map((bar) => bar.session)).toEqual([
      '2025-03-05',
      '2025-03-06',
      '2025-03-07',
      '2025-03-10',
    ]);
  });

  it('a next_url that does not point at an aggregates range is an invalid response', async () => {
    nock(TEST_BASE_URL)
      .get(rangePath('AAPL', '2025-03-07', '2025-03-07'))
      .query(true)
      .reply(200, rangeBody('AAPL', [], { next_url: 'https://evil.example/steal?x=1' }));
    const { provider } = testProvider();

    const batch = await provider.fetchDailyBars(request(['AAPL'], ['2025-03-07']));

    expect(batch.undelivered[0]?.error.message).toMatch(/next_url/);
  });

  it('keeps a path prefix of the base URL, for pages too', async () => {
    const scope = nock('https://proxy.test')
      .get(`/massive${rangePath('AAPL', '2025-03-07', '2025-03-07')}`)
      .query(true)
      .reply(200, rangeBody('AAPL', [rangeBar('2025-03-07')]));
    const { provider } = testProvider({ baseUrl: 'https://proxy.test/massive/' });

    await provider.fetchDailyBars(request(['AAPL'], ['2025-03-07']));

    expect(scope.isDone()).toBe(true);
  });

  it('returns only the sessions asked for (and their previous sessions), not the whole span', async () => {
    nock(TEST_BASE_URL)
      .get(rangePath('AAPL', '2025-03-05', '2025-03-10'))
      .query(true)
      .reply(
        200,
        rangeBody(
          'AAPL',
          ['2025-03-05', '2025-03-06', '2025-03-07', '2025-03-10'].map((session) => rangeBar(session)),
        ),
      );
    const { provider } = testProvider();

    const batch = await provider.fetchDailyBars(request(['AAPL'], ['2025-03-06', '2025-03-10'], true));

    expect(batch.bars.map((bar) => bar.session)).toEqual([
      '2025-03-05',
      '2025-03-06',
      '2025-03-07',
      '2025-03-10',
    ]);
    const plain = testProvider().provider;
    nock(TEST_BASE_URL)
      .get(rangePath('AAPL', '2025-03-06', '2025-03-10'))
      .query(true)
      .reply(
        200,
        rangeBody(
          'AAPL',
          ['2025-03-06', '2025-03-07', '2025-03-10'].map((s) => rangeBar(s)),
        ),
      );
    const withoutPrevious = await plain.fetchDailyBars(request(['AAPL'], ['2025-03-06', '2025-03-10']));
    expect(withoutPrevious.bars.map((bar) => bar.session)).toEqual(['2025-03-06', '2025-03-10']);
  });

  it('one failed ticker call fails every session: no partial ranking, and no more calls', async () => {
    nock(TEST_BASE_URL)
      .get(rangePath('AAPL', '2025-03-05', '2025-03-07'))
      .query(true)
      .reply(
        200,
        rangeBody('AAPL', [rangeBar('2025-03-05'), rangeBar('2025-03-06'), rangeBar('2025-03-07')]),
      );
    nock(TEST_BASE_URL)
      .get(rangePath('MSFT', '2025-03-05', '2025-03-07'))
      .query(true)
      .reply(403, MASSIVE_ERROR_BODIES.notEntitled);
    const untouched = nock(TEST_BASE_URL)
      .get(rangePath('NVDA', '2025-03-05', '2025-03-07'))
      .query(true)
      .reply(200, rangeBody('NVDA', []));
    // One call at a time, so MSFT's failure comes before NVDA's turn.
    const { provider } = testProvider({ maxInFlight: 1 });

    const batch = await provider.fetchDailyBars(
      request(['AAPL', 'MSFT', 'NVDA'], ['2025-03-05', '2025-03-06', '2025-03-07']),
    );

    expect(batch.bars).toEqual([]);
    expect(batch.undelivered.map((entry) => [entry.session, entry.kind])).toEqual([
      ['2025-03-05', 'failed'],
      ['2025-03-06', 'failed'],
      ['2025-03-07', 'failed'],
    ]);
    expect(batch.undelivered[0]?.error).toBeInstanceOf(NotEntitledError);
    expect(untouched.isDone()).toBe(false);
  });

  it('"before end of day" on the range: the newest session is not yet available, the rest is refetched without it', async () => {
    // Tuesday 2025-03-11, 20:00 New York: the session closed four hours ago.
    const late = testProvider();
    late.time.clock.set('2025-03-12T00:00:00.000Z');
    const tickers = ['AAPL', 'MSFT'];
    for (const ticker of tickers) {
      nock(TEST_BASE_URL)
        .get(rangePath(ticker, '2025-03-07', '2025-03-11'))
        .query(true)
        .reply(403, MASSIVE_ERROR_BODIES.beforeEndOfDay);
      nock(TEST_BASE_URL)
        .get(rangePath(ticker, '2025-03-07', '2025-03-10'))
        .query(true)
        .reply(200, rangeBody(ticker, [rangeBar('2025-03-07'), rangeBar('2025-03-10')]));
    }

    const batch = await late.provider.fetchDailyBars(
      request(tickers, ['2025-03-07', '2025-03-10', '2025-03-11']),
    );

    expect(batch.undelivered.map((entry) => [entry.session, entry.kind])).toEqual([
      ['2025-03-11', 'not-yet-available'],
    ]);
    expect(batch.bars.map((bar) => `${bar.symbol} ${bar.session}`)).toEqual([
      'AAPL 2025-03-07',
      'AAPL 2025-03-10',
      'MSFT 2025-03-07',
      'MSFT 2025-03-10',
    ]);
  });

  it('the span shrinks once for all tickers: the second ticker does not hit the refusal again', async () => {
    const { provider, time } = testProvider({ maxInFlight: 1 });
    time.clock.set('2025-03-12T00:00:00.000Z');
    nock(TEST_BASE_URL)
      .get(rangePath('AAPL', '2025-03-10', '2025-03-11'))
      .query(true)
      .reply(403, MASSIVE_ERROR_BODIES.beforeEndOfDay);
    nock(TEST_BASE_URL)
      .get(rangePath('AAPL', '2025-03-10', '2025-03-10'))
      .query(true)
      .reply(200, rangeBody('AAPL', [rangeBar('2025-03-10')]));
    const msft = nock(TEST_BASE_URL)
      .get(rangePath('MSFT', '2025-03-10', '2025-03-10'))
      .query(true)
      .reply(200, rangeBody('MSFT', [rangeBar('2025-03-10')]));

    const batch = await provider.fetchDailyBars(request(['AAPL', 'MSFT'], ['2025-03-10', '2025-03-11']));

    expect(msft.isDone()).toBe(true);
    expect(batch.bars).toHaveLength(2);
  });
});

describe('MassiveStockQuoteProvider: grouped daily', () => {
  const sessions = ['2025-03-07', '2025-03-10'];

  it.each([
    ['spring forward', '2025-03-07', '2025-03-10'],
    ['fall back', '2025-10-31', '2025-11-03'],
  ])('maps 16:00 New York stamps to the right session across the %s', async (_, before, after) => {
    for (const date of [before, after]) {
      nock(TEST_BASE_URL)
        .get(groupedPath(date))
        .query({ adjusted: 'true' })
        .reply(200, groupedBody(['AAPL', 'MSFT', 'TSLA'].map((ticker) => groupedRow(ticker, date))));
    }
    const { provider } = testProvider();

    const batch = await provider.fetchDailyBars(request(WATCHLIST, [before, after]));

    expect(batch.undelivered).toEqual([]);
    expect(batch.bars.map((bar) => `${bar.symbol} ${bar.session}`)).toEqual([
      `AAPL ${before}`,
      `MSFT ${before}`,
      `TSLA ${before}`,
      `AAPL ${after}`,
      `MSFT ${after}`,
      `TSLA ${after}`,
    ]);
  });

  it('keeps only the watchlist and tolerates tickers that did not trade', async () => {
    nock(TEST_BASE_URL)
      .get(groupedPath('2025-03-07'))
      .query(true)
      .reply(
        200,
        groupedBody([
          groupedRow('TTMI', '2025-03-07'),
          groupedRow('AAPL', '2025-03-07'),
          { ...groupedRow('ZZZ', '2025-03-07'), otc: true },
        ]),
      );
    const { provider } = testProvider();

    const batch = await provider.fetchDailyBars(request(['AAPL', 'MSFT', 'NVDA'], ['2025-03-07']));

    expect(batch.bars.map((bar) => bar.symbol)).toEqual(['AAPL']);
    expect(batch.undelivered).toEqual([]);
  });

  it('a holiday answered with no results is no bars and no failure', async () => {
    nock(TEST_BASE_URL)
      .get(groupedPath('2025-03-07'))
      .query(true)
      .reply(200, { queryCount: 0, resultsCount: 0, adjusted: true, status: 'OK', request_id: 'x' });
    const { provider } = testProvider();

    const batch = await provider.fetchDailyBars(request(WATCHLIST, ['2025-03-07']));

    expect(batch).toEqual({ bars: [], undelivered: [] });
  });

  it('a bar stamped on another day than asked is an invalid response, not a silent misdate', async () => {
    nock(TEST_BASE_URL)
      .get(groupedPath('2025-03-07'))
      .query(true)
      .reply(200, groupedBody([groupedRow('AAPL', '2025-03-06')]));
    const { provider } = testProvider();

    const batch = await provider.fetchDailyBars(request(WATCHLIST, ['2025-03-07']));

    expect(batch.undelivered[0]).toMatchObject({ session: '2025-03-07', kind: 'failed' });
    expect(batch.undelivered[0]?.error.message).toContain('grouped-daily');
  });

  it('one failing session does not lose the others', async () => {
    nock(TEST_BASE_URL).get(groupedPath('2025-03-07')).query(true).times(4).reply(503, '');
    nock(TEST_BASE_URL)
      .get(groupedPath('2025-03-10'))
      .query(true)
      .reply(200, groupedBody([groupedRow('AAPL', '2025-03-10')]));
    const { provider } = testProvider();

    const batch = await provider.fetchDailyBars(request(WATCHLIST, sessions));

    expect(batch.bars.map((bar) => bar.session)).toEqual(['2025-03-10']);
    expect(batch.undelivered).toEqual([
      { session: '2025-03-07', kind: 'failed', error: expect.any(UpstreamUnavailableError) },
    ]);
  });

  it('"before end of day" for the newest session only marks that one not-yet-available', async () => {
    nock(TEST_BASE_URL)
      .get(groupedPath('2025-03-07'))
      .query(true)
      .reply(200, groupedBody([groupedRow('AAPL', '2025-03-07')]));
    nock(TEST_BASE_URL)
      .get(groupedPath('2025-03-10'))
      .query(true)
      .reply(403, MASSIVE_ERROR_BODIES.beforeEndOfDay);
    const { provider } = testProvider();

    const batch = await provider.fetchDailyBars(request(WATCHLIST, sessions));

    expect(batch.bars).toHaveLength(1);
    expect(batch.undelivered.map((entry) => [entry.session, entry.kind])).toEqual([
      ['2025-03-10', 'not-yet-available'],
    ]);
  });

  it('close-to-close: a failed previous session fails the session that needs it', async () => {
    nock(TEST_BASE_URL)
      .get(groupedPath('2025-03-06'))
      .query(true)
      .reply(403, MASSIVE_ERROR_BODIES.outsideTimeframe);
    nock(TEST_BASE_URL)
      .get(groupedPath('2025-03-07'))
      .query(true)
      .reply(200, groupedBody([groupedRow('AAPL', '2025-03-07')]));
    const { provider } = testProvider();

    const batch = await provider.fetchDailyBars(request(WATCHLIST, ['2025-03-07'], true));

    expect(
      batch.undelivered.map((entry) => [entry.session, entry.kind, entry.error.constructor.name]),
    ).toEqual([['2025-03-07', 'failed', 'OutsidePlanHistoryError']]);
  });
});

describe('MassiveStockQuoteProvider: construction', () => {
  it('is a massive source', () => {
    expect(testProvider().provider.source).toBe('massive');
  });

  it('rejects nonsense settings at construction', () => {
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
