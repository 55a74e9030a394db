import nock from 'nock';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import type { QuoteRequest } from '../../core/index.ts';
import {
  InvalidResponseError,
  MissingApiKeyError,
  NotEntitledError,
  NotYetAvailableError,
  OutsidePlanHistoryError,
  RateLimitedError,
  RejectedApiKeyError,
  RequestRejectedError,
  UpstreamUnavailableError,
} from '../../adapters/massive/massive-errors.ts';
import {
  GATEWAY_HTML,
  MASSIVE_ERROR_BODIES,
  rangeBar,
  rangeBody,
  TEST_BASE_URL,
  testProvider,
} from '../support/fake-massive-fixtures.ts';

const SESSION = '2025-03-07';
/** One ticker, one session: the range plan, one call. */
const ONE_CALL: QuoteRequest = { symbols: ['AAPL'], sessions: [SESSION], includePreviousSession: false };
const RANGE_PATH = `/v2/aggs/ticker/AAPL/range/1/day/${SESSION}/${SESSION}`;

function massive() {
  return nock(TEST_BASE_URL).get(RANGE_PATH).query(true);
}

async function failureOf(request: QuoteRequest, provider = testProvider().provider): Promise<Error> {
  const batch = await provider.fetchDailyBars(request);
  expect(batch.bars).toEqual([]);
  expect(batch.undelivered).toHaveLength(request.sessions.length);
  return batch.undelivered[0]!.error;
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('Massive error table (massive-api.md), one row at a time', () => {
  it('no key configured: throws MissingApiKey before calling anything', async () => {
    const { provider } = testProvider({ apiKey: undefined });
    const scope = massive().reply(200, rangeBody('AAPL', []));

    await expect(provider.fetchDailyBars(ONE_CALL)).rejects.toBeInstanceOf(MissingApiKeyError);
    expect(scope.isDone()).toBe(false);
  });

  it('a blank key counts as missing', async () => {
    const { provider } = testProvider({ apiKey: '   ' });

    await expect(provider.fetchDailyBars(ONE_CALL)).rejects.toMatchObject({
      code: 'MASSIVE_API_KEY_MISSING',
    });
  });

  it('401 "API Key was not provided": throws RejectedApiKey, not retried', async () => {
    const scope = massive().once().reply(401, MASSIVE_ERROR_BODIES.noKey);
    const { provider, time } = testProvider();

    const error = await provider.fetchDailyBars(ONE_CALL).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(RejectedApiKeyError);
    expect((error as RejectedApiKeyError).code).toBe('MASSIVE_API_KEY_REJECTED');
    expect((error as Error).message).toContain('API Key was not provided');
    expect((error as Error).message).toContain('MASSIVE_API_KEY');
    expect(scope.isDone()).toBe(true);
    expect(time.sleeps).toEqual([]);
  });

  it('401 "Unknown API Key": throws RejectedApiKey even from the grouped plan', async () => {
    nock(TEST_BASE_URL)
      .get(`/v2/aggs/grouped/locale/us/market/stocks/${SESSION}`)
      .query(true)
      .reply(401, MASSIVE_ERROR_BODIES.badKey);
    const { provider } = testProvider();

    const failing = provider.fetchDailyBars({ ...ONE_CALL, symbols: ['AAPL', 'MSFT'] });

    await expect(failing).rejects.toBeInstanceOf(RejectedApiKeyError);
    await expect(failing).rejects.toThrow(/Unknown API Key/);
  });

  it('403 not entitled: the session is undelivered as failed with NotEntitled', async () => {
    massive().reply(403, MASSIVE_ERROR_BODIES.notEntitled);

    const error = await failureOf(ONE_CALL);

    expect(error).toBeInstanceOf(NotEntitledError);
    expect(error.message).toMatch(/upgrade/i);
  });

  it('403 "before end of day": the session is undelivered as not-yet-available', async () => {
    massive().reply(403, MASSIVE_ERROR_BODIES.beforeEndOfDay);
    const { provider } = testProvider();

    const batch = await provider.fetchDailyBars(ONE_CALL);

    expect(batch.bars).toEqual([]);
    expect(batch.undelivered).toEqual([
      { session: SESSION, kind: 'not-yet-available', error: expect.any(NotYetAvailableError) },
    ]);
  });

  it('403 outside the plan history: undelivered as failed, telling to pick a later start', async () => {
    massive().reply(403, MASSIVE_ERROR_BODIES.outsideTimeframe);

    const error = await failureOf(ONE_CALL);

    expect(error).toBeInstanceOf(OutsidePlanHistoryError);
    expect((error as OutsidePlanHistoryError).code).toBe('MASSIVE_OUTSIDE_PLAN_HISTORY');
    expect(error.message).toMatch(/later start date/);
  });

  it('400 bad parameter: RequestRejected with the upstream text, never retried', async () => {
    const scope = massive().once().reply(400, MASSIVE_ERROR_BODIES.badParameter);
    const { provider, time } = testProvider();

    const error = await failureOf(ONE_CALL, provider);

    expect(error).toBeInstanceOf(RequestRejectedError);
    expect(error.message).toContain("The parameter 'to' cannot be a time that occurs before 'from'");
    expect(scope.isDone()).toBe(true);
    expect(time.sleeps).toEqual([]);
  });

  it('404 is a rejected request, not retried either', async () => {
    massive().once().reply(404, { status: 'NOT_FOUND', request_id: 'x', message: 'Data not found.' });

    const error = await failureOf(ONE_CALL);

    expect(error).toMatchObject({ code: 'MASSIVE_REQUEST_REJECTED', status: 404 });
  });

  it('429 with the JSON body: waits for the window (60 s), then succeeds', async () => {
    massive().reply(429, MASSIVE_ERROR_BODIES.rateLimited);
    massive().reply(200, rangeBody('AAPL', [rangeBar(SESSION)]));
    const { provider, time } = testProvider();

    const batch = await provider.fetchDailyBars(ONE_CALL);

    expect(batch.bars).toHaveLength(1);
    expect(time.sleeps).toEqual([60_000]);
  });

  it('429 with an empty body is handled the same way', async () => {
    massive().reply(429, '');
    massive().reply(200, rangeBody('AAPL', [rangeBar(SESSION)]));
    const { provider, time } = testProvider();

    const batch = await provider.fetchDailyBars(ONE_CALL);

    expect(batch.undelivered).toEqual([]);
    expect(time.sleeps).toEqual([60_000]);
  });

  it('429 with Retry-After: waits exactly that long', async () => {
    massive().reply(429, MASSIVE_ERROR_BODIES.rateLimited, { 'Retry-After': '7' });
    massive().reply(200, rangeBody('AAPL', [rangeBar(SESSION)]));
    const { provider, time } = testProvider();

    await provider.fetchDailyBars(ONE_CALL);

    expect(time.sleeps).toEqual([7_000]);
  });

  it('429 with Retry-After as an HTTP date: waits until that instant of the clock', async () => {
    const { provider, time } = testProvider();
    const inThirtySeconds = new Date(time.clock.now().getTime() + 30_000).toUTCString();
    massive().reply(429, '', { 'Retry-After': inThirtySeconds });
    massive().reply(200, rangeBody('AAPL', [rangeBar(SESSION)]));

    await provider.fetchDailyBars(ONE_CALL);

    expect(time.sleeps).toEqual([30_000]);
  });

  it('429 on every attempt: RateLimited after maxAttempts calls', async () => {
    const scope = massive().times(3).reply(429, MASSIVE_ERROR_BODIES.rateLimited);
    const { provider } = testProvider({ maxAttempts: 3 });

    const error = await failureOf(ONE_CALL, provider);

    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error.message).toContain('MASSIVE_RATE_LIMIT_PER_MINUTE');
    expect(scope.isDone()).toBe(true);
  });

  it('a Retry-After beyond five minutes gives up at once instead of hanging the run', async () => {
    const scope = massive().once().reply(429, '', { 'Retry-After': '3600' });
    const { provider, time } = testProvider();

    const error = await failureOf(ONE_CALL, provider);

    expect(error).toBeInstanceOf(RateLimitedError);
    expect(scope.isDone()).toBe(true);
    expect(time.sleeps).toEqual([]);
  });

  it.each([
    ['an HTML page', 502, GATEWAY_HTML],
    ['an empty body', 503, ''],
    ['a JSON error', 500, { status: 'ERROR', request_id: 'x', error: 'Internal' }],
  ])(
    '5xx with %s: retried with exponential backoff and full jitter, then succeeds',
    async (_, status, body) => {
      massive().times(3).reply(status, body);
      massive().reply(200, rangeBody('AAPL', [rangeBar(SESSION)]));
      const { provider, time } = testProvider();

      const batch = await provider.fetchDailyBars(ONE_CALL);

      expect(batch.bars).toHaveLength(1);
      // random() = 0.5 of 1 s, 2 s, 4 s.
      expect(time.sleeps).toEqual([500, 1_000, 2_000]);
    },
  );

  it('full jitter draws each delay anywhere from 0 up to the exponential cap', async () => {
    massive().times(2).reply(503, '');
    massive().reply(200, rangeBody('AAPL', [rangeBar(SESSION)]));
    const draws = [0, 0.999];
    const { provider, time } = testProvider({ random: () => draws.shift() as number });

    await provider.fetchDailyBars(ONE_CALL);

    expect(time.sleeps).toEqual([0, 1_998]);
  });

  it('5xx on every attempt: UpstreamUnavailable after exactly maxAttempts calls', async () => {
    const scope = massive().times(4).reply(502, GATEWAY_HTML);
    const { provider } = testProvider({ maxAttempts: 4 });

    const error = await failureOf(ONE_CALL, provider);

    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(error.message).toContain('4 attempts');
    expect(error.message).toContain('HTTP 502');
    expect(scope.isDone()).toBe(true);
  });

  it('a network error is retried', async () => {
    massive().replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    massive().reply(200, rangeBody('AAPL', [rangeBar(SESSION)]));
    const { provider, time } = testProvider();

    const batch = await provider.fetchDailyBars(ONE_CALL);

    expect(batch.bars).toHaveLength(1);
    expect(time.sleeps).toHaveLength(1);
  });

  it('a response slower than the timeout is abandoned and retried; then UpstreamUnavailable', async () => {
    const scope = massive()
      .times(2)
      .delay(500)
      .reply(200, rangeBody('AAPL', [rangeBar(SESSION)]));
    const { provider } = testProvider({ timeoutMs: 50, maxAttempts: 2 });

    const error = await failureOf(ONE_CALL, provider);

    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(error.message).toContain('timed out after 50 ms');
    expect(scope.isDone()).toBe(true);
  });

  it('200 with a NOT_AUTHORIZED body is an entitlement failure, not data', async () => {
    massive().reply(200, MASSIVE_ERROR_BODIES.notEntitled);

    const error = await failureOf(ONE_CALL);

    expect(error).toBeInstanceOf(NotEntitledError);
  });

  it('200 with a NOT_AUTHORIZED "before end of day" body is not-yet-available', async () => {
    massive().reply(200, MASSIVE_ERROR_BODIES.beforeEndOfDay);
    const { provider } = testProvider();

    const batch = await provider.fetchDailyBars(ONE_CALL);

    expect(batch.undelivered[0]?.kind).toBe('not-yet-available');
  });

  it.each([
    ['malformed JSON', '{"status":"OK","results":[{"o":1.5,'],
    ['an HTML page', GATEWAY_HTML],
    ['an empty body', ''],
  ])('200 with %s: InvalidResponse naming the endpoint, not retried', async (_, body) => {
    const scope = massive().once().reply(200, body);

    const error = await failureOf(ONE_CALL);

    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toContain('aggregates-range');
    expect(scope.isDone()).toBe(true);
  });

  it('200 with the wrong shape: InvalidResponse naming the endpoint and the bad field', async () => {
    massive().reply(200, rangeBody('AAPL', [{ ...rangeBar(SESSION), o: 'abc' }]));

    const error = await failureOf(ONE_CALL);

    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toContain('aggregates-range');
    expect(error.message).toContain('results.0.o');
  });

  it('200 with an unexpected status: InvalidResponse', async () => {
    massive().reply(200, { status: 'ERROR', request_id: 'x', error: 'Something odd' });

    const error = await failureOf(ONE_CALL);

    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toContain('Something odd');
  });

  it('every typed error has a stable code and says what to do next', async () => {
    const errors = [
      new MissingApiKeyError(),
      new RejectedApiKeyError('aggregates-range', 'Unknown API Key'),
      new NotEntitledError('grouped-daily', 'x'),
      new OutsidePlanHistoryError('grouped-daily', 'x'),
      new NotYetAvailableError('grouped-daily', 'x'),
      new RateLimitedError('grouped-daily', 4),
      new UpstreamUnavailableError('grouped-daily', 4, 'HTTP 502'),
      new InvalidResponseError('grouped-daily', 'x'),
      new RequestRejectedError('open-close', 400, 'x'),
    ];

    const codes = errors.map((error) => error.code);

    expect(new Set(codes).size).toBe(errors.length);
    for (const error of errors) {
      expect(error.code).toMatch(/^MASSIVE_[A-Z_]+$/);
      expect(error.name).toBe(error.constructor.name);
      expect(error.message).toMatch(/(set|check|upgrade|run again|choose|nothing to fix|report)/i);
    }
  });
});
