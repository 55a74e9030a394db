import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamUnavailableError } from '../../adapters/massive/massive-errors.ts';
import {
  groupedBody,
  groupedPath,
  groupedRow,
  MASSIVE_ERROR_BODIES,
  quoteRequest as request,
  TEST_BASE_URL,
  testProvider,
  WATCHLIST,
} from '../support/fake-massive-fixtures.ts';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

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
