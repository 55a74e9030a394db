import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NotEntitledError } from '../../adapters/massive/massive-errors.ts';
import {
  MASSIVE_ERROR_BODIES,
  quoteRequest as request,
  rangeBar,
  rangeBody,
  rangePath,
  TEST_BASE_URL,
  testProvider,
} from '../support/fake-massive-fixtures.ts';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

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
