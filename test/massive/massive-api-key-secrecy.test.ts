import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { QuoteRequest } from '../../core/index.ts';
import {
  GATEWAY_HTML,
  MASSIVE_ERROR_BODIES,
  rangeBar,
  rangeBody,
  TEST_BASE_URL,
  testProvider,
} from '../support/fake-massive-fixtures.ts';

const CANARY = 'sk-canary-7f3a9c1e5b2d4a68';
/** Asserting on the prefix also catches a piece of the key left by a cut message. */
const CANARY_PREFIX = 'sk-canary';
const SESSION = '2025-03-07';
const RANGE_PATH = `/v2/aggs/ticker/AAPL/range/1/day/${SESSION}/${SESSION}`;
const RANGE_REQUEST: QuoteRequest = { symbols: ['AAPL'], sessions: [SESSION], includePreviousSession: false };
const GROUPED_REQUEST: QuoteRequest = { ...RANGE_REQUEST, symbols: ['AAPL', 'MSFT'] };

/** name, arrange, whether the fetch ends in a failure (thrown or undelivered), the request (range by default). */
type Scenario = [string, () => void, boolean?, QuoteRequest?];

function range() {
  return nock(TEST_BASE_URL).get(RANGE_PATH).query(true);
}

/** Every failure path, several of them with an upstream that echoes the key back. */
const SCENARIOS: readonly Scenario[] = [
  ['401 no key', () => range().reply(401, MASSIVE_ERROR_BODIES.noKey)],
  [
    '401 bad key, echoing the key',
    () => range().reply(401, { ...MASSIVE_ERROR_BODIES.badKey, error: `Unknown API Key ${CANARY}` }),
  ],
  ['403 not entitled', () => range().reply(403, MASSIVE_ERROR_BODIES.notEntitled)],
  [
    '403 with a long message cut through the key',
    () => range().reply(403, { status: 'NOT_AUTHORIZED', message: `${'x'.repeat(185)}${CANARY} and more` }),
  ],
  ['403 before end of day', () => range().reply(403, MASSIVE_ERROR_BODIES.beforeEndOfDay)],
  [
    '403 timeframe, echoing the key',
    () =>
      range().reply(403, { ...MASSIVE_ERROR_BODIES.outsideTimeframe, message: `timeframe for ${CANARY}` }),
  ],
  [
    '400 bad parameter, echoing the key',
    () => range().reply(400, { status: 'ERROR', error: `bad apiKey=${CANARY}` }),
  ],
  ['429 until exhausted', () => range().times(4).reply(429, MASSIVE_ERROR_BODIES.rateLimited)],
  ['429 empty body with Retry-After', () => range().times(4).reply(429, '', { 'Retry-After': '1' })],
  ['5xx HTML until exhausted', () => range().times(4).reply(502, GATEWAY_HTML)],
  [
    '5xx HTML echoing the key',
    () => range().times(4).reply(500, `<html>Authorization: Bearer ${CANARY}</html>`),
  ],
  ['network error naming the key', () => range().times(4).replyWithError(`proxy refused Bearer ${CANARY}`)],
  ['timeout', () => range().times(4).delay(200).reply(200, rangeBody('AAPL', []))],
  ['200 NOT_AUTHORIZED', () => range().reply(200, MASSIVE_ERROR_BODIES.notEntitled)],
  ['200 malformed JSON with the key', () => range().reply(200, `{"status":"OK","x":"${CANARY}`)],
  [
    '200 wrong shape with the key',
    () => range().reply(200, rangeBody('AAPL', [{ ...rangeBar(SESSION), o: CANARY }])),
  ],
  ['200 unexpected status echoing the key', () => range().reply(200, { status: CANARY, error: CANARY })],
  [
    'grouped 401',
    () => {
      nock(TEST_BASE_URL)
        .get(`/v2/aggs/grouped/locale/us/market/stocks/${SESSION}`)
        .query(true)
        .reply(401, MASSIVE_ERROR_BODIES.badKey);
    },
    true,
    GROUPED_REQUEST,
  ],
  [
    'next_url carrying the key',
    () => {
      range().reply(
        200,
        rangeBody('AAPL', [], {
          next_url: `https://api.massive.com${RANGE_PATH}?cursor=abc&apiKey=${CANARY}`,
        }),
      );
      nock(TEST_BASE_URL)
        .get(RANGE_PATH)
        .query({ cursor: 'abc' })
        .reply(200, rangeBody('AAPL', [rangeBar(SESSION)]));
    },
    false,
  ],
];

function everythingSaid(error: unknown, batchErrors: readonly Error[]): string {
  const errors = [error, ...batchErrors].filter((value): value is Error => value instanceof Error);
  const describe = (value: Error): string[] => [
    value.message,
    value.stack ?? '',
    String(value),
    JSON.stringify(value),
    ...(value.cause instanceof Error ? describe(value.cause) : [String(value.cause ?? '')]),
  ];
  return errors.flatMap(describe).join('\n');
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('the API key never leaks', () => {
  it.each(SCENARIOS)(
    '%s: not in any log line or error',
    async (name, arrange, fails = true, request = RANGE_REQUEST) => {
      arrange();
      // Only the timeout scenario needs a short timeout; the others must not trip it on a loaded machine.
      const timeoutMs = name === 'timeout' ? 50 : 5_000;
      const { provider, logger } = testProvider({ apiKey: CANARY, timeoutMs });

      let thrown: unknown;
      let batchErrors: Error[] = [];
      try {
        const batch = await provider.fetchDailyBars(request);
        batchErrors = batch.undelivered.map((entry) => entry.error);
      } catch (error) {
        thrown = error;
      }

      expect(thrown !== undefined || batchErrors.length > 0).toBe(fails);
      expect(logger.lines.length).toBeGreaterThan(0);
      expect(logger.text()).not.toContain(CANARY_PREFIX);
      expect(everythingSaid(thrown, batchErrors)).not.toContain(CANARY_PREFIX);
    },
  );

  it('the key is sent only in the Authorization header, never in a URL', async () => {
    const urls: string[] = [];
    range().reply(function (uri) {
      urls.push(uri);
      return [200, rangeBody('AAPL', [rangeBar(SESSION)])];
    });
    const { provider } = testProvider({ apiKey: CANARY });

    await provider.fetchDailyBars(RANGE_REQUEST);

    expect(urls).toHaveLength(1);
    expect(urls.join()).not.toContain(CANARY_PREFIX);
  });
});
