import { Readable } from 'node:stream';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { QuoteRequest } from '../../core/index.ts';
import { easternTime } from '../../core/index.ts';
import {
  InvalidResponseError,
  MalformedApiKeyError,
  RateLimitedError,
  ResponseTooLargeError,
  WrongTickerError,
} from '../../adapters/massive/massive-errors.ts';
import {
  isValidHeaderValue,
  MASSIVE_DEFAULT_MAX_BODY_BYTES,
} from '../../adapters/massive/massive-http-client.ts';
import {
  groupedBody,
  groupedRow,
  MASSIVE_ERROR_BODIES,
  rangeBar,
  rangeBody,
  TEST_BASE_URL,
  testProvider,
} from '../support/fake-massive-fixtures.ts';

const SESSIONS = ['2025-03-05', '2025-03-06', '2025-03-07'];
const FROM = SESSIONS[0] as string;
const TO = SESSIONS[2] as string;

function rangePath(ticker: string, from = FROM, to = TO): string {
  return `/v2/aggs/ticker/${ticker}/range/1/day/${from}/${to}`;
}

function range(ticker: string) {
  return nock(TEST_BASE_URL).get(rangePath(ticker)).query(true);
}

function grouped(date: string) {
  return nock(TEST_BASE_URL).get(`/v2/aggs/grouped/locale/us/market/stocks/${date}`).query(true);
}

function request(symbols: string[], sessions = SESSIONS): QuoteRequest {
  return { symbols, sessions, includePreviousSession: false };
}

/** A range bar stamped 00:00 UTC of its session: 19:00 New York the evening before. */
function midnightUtcBar(session: string): Record<string, unknown> {
  return { ...rangeBar(session), t: Date.parse(`${session}T00:00:00.000Z`) };
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('Massive answers about another ticker', () => {
  it("AAPL's request answered with MSFT's bars fails every session; nothing is credited to AAPL", async () => {
    range('AAPL').reply(
      200,
      rangeBody(
        'MSFT',
        SESSIONS.map((session) => rangeBar(session, { o: 100, c: 150 })),
      ),
    );
    const { provider, logger } = testProvider();

    const batch = await provider.fetchDailyBars(request(['AAPL']));

    expect(batch.bars).toEqual([]);
    expect(batch.undelivered.map((entry) => [entry.session, entry.kind])).toEqual(
      SESSIONS.map((session) => [session, 'failed']),
    );
    const error = batch.undelivered[0]?.error;
    expect(error).toBeInstanceOf(WrongTickerError);
    expect(error?.message).toContain('request for AAPL with bars of MSFT');
    expect(logger.text()).toContain('every requested session is undelivered');
  });

  it('a next_url naming another ticker is refused before it is followed', async () => {
    range('AAPL').reply(
      200,
      rangeBody('AAPL', [rangeBar(FROM)], {
        next_url: `https://api.massive.com${rangePath('MSFT', String(easternTime(SESSIONS[1]!, 0).getTime()))}?cursor=x`,
      }),
    );
    const other = nock(TEST_BASE_URL).get(/MSFT/).query(true).reply(200, rangeBody('MSFT', []));
    const { provider } = testProvider();

    const batch = await provider.fetchDailyBars(request(['AAPL']));

    expect(batch.bars).toEqual([]);
    expect(batch.undelivered[0]?.error).toBeInstanceOf(WrongTickerError);
    expect(batch.undelivered[0]?.error.message).toContain('next page of AAPL (next_url) points at MSFT');
    expect(other.isDone()).toBe(false);
  });

  it('an upstream that echoes the key as the ticker gets it redacted in the error', async () => {
    const { provider } = testProvider({ apiKey: 'k-1234567890' });
    range('AAPL').reply(200, rangeBody('k-1234567890', [rangeBar(FROM)]));

    const batch = await provider.fetchDailyBars(request(['AAPL']));

    expect(batch.undelivered[0]?.error.message).toContain('with bars of [redacted]');
  });
});

describe('Massive bar stamps and dates', () => {
  it('range bars stamped at midnight UTC are refused, never read as the day before', async () => {
    range('AAPL').reply(200, rangeBody('AAPL', SESSIONS.map(midnightUtcBar)));
    const { provider } = testProvider();

    const batch = await provider.fetchDailyBars(request(['AAPL']));

    expect(batch.bars).toEqual([]);
    expect(batch.undelivered).toHaveLength(3);
    const error = batch.undelivered[0]?.error;
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error?.message).toContain('the AAPL bar stamped 2025-03-05T00:00:00.000Z lies after the close');
  });

  it('grouped rows stamped at midnight UTC fail their session only', async () => {
    grouped('2025-03-06').reply(
      200,
      groupedBody([{ ...groupedRow('AAPL', '2025-03-06'), t: Date.parse('2025-03-06T00:00:00Z') }]),
    );
    grouped('2025-03-07').reply(200, groupedBody([groupedRow('AAPL', '2025-03-07')]));
    const { provider } = testProvider();

    const batch = await provider.fetchDailyBars(
      request(['AAPL', 'MSFT', 'NVDA'], ['2025-03-06', '2025-03-07']),
    );

    expect(batch.bars.map((bar) => [bar.symbol, bar.session])).toEqual([['AAPL', '2025-03-07']]);
    expect(batch.undelivered.map((entry) => [entry.session, entry.error.constructor.name])).toEqual([
      ['2025-03-06', 'InvalidResponseError'],
    ]);
  });

  it('drops, with a logged reason, bars outside the requested range or on a day without a session', async () => {
    range('AAPL').reply(
      200,
      rangeBody('AAPL', [
        rangeBar('2025-03-04'),
        ...SESSIONS.map((session) => rangeBar(session)),
        rangeBar('2025-03-08'),
        rangeBar('2025-03-10'),
      ]),
    );
    const { provider, logger } = testProvider();

    const batch = await provider.fetchDailyBars(request(['AAPL']));

    expect(batch.bars.map((bar) => bar.session)).toEqual(SESSIONS);
    expect(batch.undelivered).toEqual([]);
    const line = logger.lines.find((entry) => entry.message === 'massive bars dropped');
    expect(line?.attributes).toMatchObject({
      endpoint: 'aggregates-range',
      count: 3,
      examples: [
        {
          symbol: 'AAPL',
          session: '2025-03-04',
          reason: 'outside the requested range 2025-03-05 .. 2025-03-07',
        },
        {
          symbol: 'AAPL',
          session: '2025-03-08',
          reason: 'outside the requested range 2025-03-05 .. 2025-03-07',
        },
        {
          symbol: 'AAPL',
          session: '2025-03-10',
          reason: 'outside the requested range 2025-03-05 .. 2025-03-07',
        },
      ],
    });
  });

  it('drops a bar dated on a weekend inside the range, and keeps the sessions around it', async () => {
    const sessions = ['2025-03-07', '2025-03-10'];
    nock(TEST_BASE_URL)
      .get(rangePath('AAPL', '2025-03-07', '2025-03-10'))
      .query(true)
      .reply(
        200,
        rangeBody('AAPL', [rangeBar('2025-03-07'), rangeBar('2025-03-08'), rangeBar('2025-03-10')]),
      );
    const { provider, logger } = testProvider();

    const batch = await provider.fetchDailyBars(request(['AAPL'], sessions));

    expect(batch.bars.map((bar) => bar.session)).toEqual(sessions);
    expect(logger.text()).toContain('"session":"2025-03-08","reason":"not a trading session"');
  });
});

describe('Massive duplicate bars', () => {
  it('range: an identical copy counts once, a copy that disagrees reaches the ranking with its twin', async () => {
    range('AAPL').reply(
      200,
      rangeBody('AAPL', [
        rangeBar(FROM),
        rangeBar(FROM),
        rangeBar(SESSIONS[1]!),
        rangeBar(SESSIONS[1]!, { o: 100, c: 150 }),
        rangeBar(TO),
      ]),
    );
    const { provider, logger } = testProvider();

    const batch = await provider.fetchDailyBars(request(['AAPL']));

    expect(batch.bars.map((bar) => [bar.session, bar.close])).toEqual([
      [FROM, 101],
      [SESSIONS[1], 101],
      [SESSIONS[1], 150],
      [TO, 101],
    ]);
    expect(logger.text()).toContain('"reason":"an identical copy of another bar"');
    expect(logger.text()).toContain('copies of a bar that disagree');
    expect(logger.text()).toContain('"AAPL 2025-03-06"');
  });

  it('grouped: identical rows count once, rows that disagree are both kept for the ranking', async () => {
    grouped(TO).reply(
      200,
      groupedBody([
        groupedRow('AAPL', TO),
        groupedRow('AAPL', TO),
        groupedRow('MSFT', TO),
        groupedRow('MSFT', TO, { o: 100, c: 150 }),
      ]),
    );
    const { provider } = testProvider();

    const batch = await provider.fetchDailyBars(request(['AAPL', 'MSFT', 'NVDA'], [TO]));

    expect(batch.bars.map((bar) => `${bar.symbol} ${bar.close}`)).toEqual([
      'AAPL 101',
      'MSFT 101',
      'MSFT 150',
    ]);
  });
});

describe('Massive response size', () => {
  it('a body declared larger than the cap fails the call at once, unread and not retried', async () => {
    const scope = range('AAPL').reply(200, 'x'.repeat(5_000), { 'Content-Length': '5000' });
    const { provider } = testProvider({ maxBodyBytes: 4_096 });

    const batch = await provider.fetchDailyBars(request(['AAPL']));

    expect(scope.isDone()).toBe(true);
    expect(batch.undelivered[0]?.error).toBeInstanceOf(ResponseTooLargeError);
    expect(batch.undelivered[0]?.error.message).toContain('larger than 4096 bytes');
  });

  it('a streamed body with no length fails at the cap too', async () => {
    // nock buffers what it streams, so this only shows the count; the fake server's endless body shows
    // that the rest is never read.
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    range('AAPL').reply(200, () => Readable.from(Array.from({ length: 64 }, () => chunk)));
    const { provider } = testProvider({ maxBodyBytes: 64 * 1024 });

    const batch = await provider.fetchDailyBars(request(['AAPL']));

    expect(batch.undelivered[0]?.error).toBeInstanceOf(ResponseTooLargeError);
  });

  it('the default cap holds a full 50 000-bar range page and a 12 500-row grouped answer with room to spare', () => {
    // Sizes from one realistic row (six-digit prices, full precision) times the row count.
    const bar = JSON.stringify({
      ...rangeBar(FROM, { o: 123456.7891, c: 123457.0123, v: 123456789.25 }),
      vw: 123456.9,
    });
    const row = JSON.stringify(groupedRow('ABCDE', FROM, { o: 1234.5678, c: 1234.9876, v: 123456789.25 }));
    const envelope = JSON.stringify(rangeBody('AAPL', [])).length;

    expect((envelope + 50_000 * (bar.length + 1)) * 2).toBeLessThan(MASSIVE_DEFAULT_MAX_BODY_BYTES);
    expect((envelope + 12_500 * (row.length + 1)) * 4).toBeLessThan(MASSIVE_DEFAULT_MAX_BODY_BYTES);
  });
});

describe('Massive rate limiting, said honestly', () => {
  it('a Retry-After beyond what a run waits gives up after one attempt and says why', async () => {
    const scope = range('AAPL').reply(429, MASSIVE_ERROR_BODIES.rateLimited, { 'Retry-After': '999999' });
    const { provider, time } = testProvider();

    const batch = await provider.fetchDailyBars(request(['AAPL']));

    const error = batch.undelivered[0]?.error;
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error?.message).toContain(
      'gave up after 1 attempt because the server asked to wait 999999 seconds',
    );
    expect(error?.message).not.toContain('4 attempts');
    expect(scope.isDone()).toBe(true);
    expect(time.sleeps).toEqual([]);
  });

  it('after waiting out short Retry-Afters, the message counts every attempt made', async () => {
    range('AAPL').times(2).reply(429, MASSIVE_ERROR_BODIES.rateLimited, { 'Retry-After': '2' });
    range('AAPL').reply(429, MASSIVE_ERROR_BODIES.rateLimited, { 'Retry-After': '3600' });
    const { provider, time } = testProvider();

    const batch = await provider.fetchDailyBars(request(['AAPL']));

    expect(batch.undelivered[0]?.error.message).toContain(
      'gave up after 3 attempts because the server asked to wait 3600 seconds',
    );
    expect(time.sleeps).toEqual([2_000, 2_000]);
  });
});

describe('a key that cannot go in a header', () => {
  it.each([
    ['a line break inside', 'abc\ndef'],
    ['a carriage return', 'abc\rdef'],
    ['a NUL', 'abc\u0000def'],
    ['a non-Latin-1 letter', 'abc\u20acdef'],
  ])('with %s is a configuration error before any call, never a retried network error', async (_, apiKey) => {
    const scope = range('AAPL').reply(200, rangeBody('AAPL', [rangeBar(FROM)]));
    const { provider, time } = testProvider({ apiKey });

    await expect(provider.fetchDailyBars(request(['AAPL']))).rejects.toThrow(MalformedApiKeyError);

    expect(scope.isDone()).toBe(false);
    expect(time.sleeps).toEqual([]);
    expect(isValidHeaderValue(apiKey)).toBe(false);
  });

  it('isValidHeaderValue takes ordinary keys and refuses surrounding whitespace', () => {
    expect(isValidHeaderValue('AbC_123-xyz.789~')).toBe(true);
    expect(isValidHeaderValue(' key')).toBe(false);
    expect(isValidHeaderValue('key\t')).toBe(false);
  });
});
