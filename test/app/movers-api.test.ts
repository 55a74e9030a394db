import 'reflect-metadata';
import fc from 'fast-check';
import type { Container } from 'inversify';
import { beforeEach, describe, expect, it } from 'vitest';
import { FixedClock } from '../../adapters/clock/fixed-clock.ts';
import { createContainer } from '../../adapters/composition/container.ts';
import { TOKENS } from '../../adapters/composition/tokens.ts';
import { loadConfig } from '../../adapters/config/app-config.ts';
import { CorruptWinnerItemError } from '../../adapters/dynamodb/dynamodb-errors.ts';
import type { MoversApi } from '../../adapters/http/movers-api.ts';
import { InMemoryWinnerRepository } from '../../adapters/memory/in-memory-winner-repository.ts';
import { addDays, type WinnerRepository } from '../../core/index.ts';
import { apiGatewayEvent } from '../support/aws-events.ts';
import { readCounting } from '../support/read-counting-repository.ts';
import { aSessionResult } from '../support/session-result-builder.ts';

/** Names an object inherits: as query keys they are unknown parameters like any other. */
const PROTOTYPE_KEYS = [
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
];
/** What a confused client or a header-injection attempt puts in a query. */
const HEADERISH_JUNK = [
  'Host: evil',
  'X-Forwarded-For',
  'a\r\nSet-Cookie: x=1',
  'Content-Length',
  '\u0000',
  ':authority',
];

// Friday 2026-11-20 closed at 16:00 ET; this is Monday 2026-11-23 09:00 ET, before the close.
const NOW = '2026-11-23T14:00:00.000Z';

async function apiWith(dates: string[], env: Record<string, string> = {}): Promise<MoversApi> {
  return (await containerWith(dates, env)).get(TOKENS.moversApi);
}

async function containerWith(
  dates: string[],
  env: Record<string, string> = {},
  store: WinnerRepository = new InMemoryWinnerRepository(),
  clock = new FixedClock(NOW),
): Promise<Container> {
  for (const date of dates) await store.save(aSessionResult().on(date).build());
  return createContainer(loadConfig(env), { clock, winnerRepository: store });
}

/** Counts the reads that reach the store. */
function countingStore(): { store: WinnerRepository; reads: () => number } {
  const counter = { reads: 0 };
  return { store: readCounting(new InMemoryWinnerRepository(), counter), reads: () => counter.reads };
}

async function get(api: MoversApi, path: string, headers: Record<string, string> = {}) {
  const result = await api.handle(apiGatewayEvent('GET', path, headers));
  return { ...result, json: result.body ? JSON.parse(result.body) : undefined };
}

describe('GET /movers', () => {
  let api: MoversApi;
  beforeEach(async () => {
    api = await apiWith(['2026-11-20', '2026-11-18', '2026-11-17', '2026-11-13']);
  });

  it('answers the compatible shape, newest first, with the sessions that have no result', async () => {
    const response = await get(api, '/movers');

    expect(response.statusCode).toBe(200);
    expect(response.json).toMatchObject({ range: 'last_7_days', days: 7, count: 4, asOf: '2026-11-20' });
    expect(response.json.asOfTime).toBe('2026-11-20T21:00:00.000Z');
    expect(response.json.data.map((row: { date: string }) => row.date)).toEqual([
      '2026-11-20',
      '2026-11-18',
      '2026-11-17',
      '2026-11-13',
    ]);
    expect(response.json.data[0]).toEqual({
      date: '2026-11-20',
      symbol: 'TSLA',
      changePercent: -15,
      open: 100,
      close: 85,
      basis: 'open-to-close',
      source: 'simulated',
    });
    expect(response.json.missing).toEqual(['2026-11-19', '2026-11-16', '2026-11-12']);
    expect(response.json.sessions).toHaveLength(7);
    expect(response.json.source).toBe('simulated');
  });

  it('rounds changePercent to two decimals', async () => {
    const repository = new InMemoryWinnerRepository();
    await repository.save(
      aSessionResult()
        .on('2026-11-20')
        .withMoves([{ symbol: 'AAPL', open: 3, close: 3.1 }])
        .build(),
    );
    const container = createContainer(loadConfig({}), {
      clock: new FixedClock(NOW),
      winnerRepository: repository,
    });

    const response = await get(container.get(TOKENS.moversApi), '/movers?days=1');

    expect(response.json.data[0].changePercent).toBe(3.33);
  });

  it('pages back through history with asOf', async () => {
    const response = await get(api, '/movers?days=2&asOf=2026-11-18');

    expect(response.json.range).toBe('last_2_days');
    expect(response.json.sessions).toEqual(['2026-11-18', '2026-11-17']);
    expect(response.json.count).toBe(2);
  });

  it.each([
    ['days=0', 'INVALID_PARAMETER'],
    ['days=-1', 'INVALID_PARAMETER'],
    ['days=abc', 'INVALID_PARAMETER'],
    ['days=1e9', 'INVALID_PARAMETER'],
    ['days=366', 'INVALID_PARAMETER'],
    ['days=7.5', 'INVALID_PARAMETER'],
    ['days=', 'INVALID_PARAMETER'],
    ['days=7&days=8', 'INVALID_PARAMETER'],
    ['day=7', 'INVALID_PARAMETER'],
    ['asOf=2026-02-30', 'INVALID_DATE'],
    ['asOf=2026-2-3', 'INVALID_DATE'],
    ['asOf=yesterday', 'INVALID_DATE'],
    ['asOf=2026-12-01', 'INVALID_RANGE'],
    ['asOf=1999-12-31', 'OUTSIDE_CALENDAR'],
    [`asOf=${'9'.repeat(5000)}`, 'INVALID_PARAMETER'],
  ])('rejects %s with 400 and a JSON error naming the problem', async (query, code) => {
    const response = await get(api, `/movers?${query}`);

    expect(response.statusCode).toBe(400);
    expect(response.json.error.code).toBe(code);
    expect(response.json.error.message.length).toBeGreaterThan(10);
    expect(response.headers?.['Cache-Control']).toBe('no-store');
  });

  it('answers 304 when If-None-Match carries the current ETag', async () => {
    const first = await get(api, '/movers');
    const etag = String(first.headers?.ETag);

    const second = await get(api, '/movers', { 'If-None-Match': etag });

    expect(second.statusCode).toBe(304);
    expect(second.body).toBe('');
  });

  it('lets caches keep the response until the next scheduled sync (16:30 ET today)', async () => {
    const response = await get(api, '/movers');

    // 09:00 ET to 16:30 ET is 7.5 hours.
    expect(response.headers?.['Cache-Control']).toBe(`public, max-age=${7.5 * 3600}`);
  });

  it('lets caches keep a weekend response until Monday after the close, when the next sync runs', async () => {
    // Saturday 2026-11-21 10:00 ET: no run on Saturday evening or Sunday; the next is Monday 16:30 ET.
    const container = await containerWith([], {}, undefined, new FixedClock('2026-11-21T15:00:00.000Z'));

    const response = await get(container.get(TOKENS.moversApi), '/movers');

    expect(response.headers?.['Cache-Control']).toBe(`public, max-age=${(2 * 24 + 6.5) * 3600}`);
  });

  it('sends the configured CORS origin', async () => {
    const strict = await apiWith([], { CORS_ORIGIN: 'https://winners.example.com' });

    const response = await get(strict, '/movers');

    expect(response.headers?.['Access-Control-Allow-Origin']).toBe('https://winners.example.com');
    expect(response.headers?.Vary).toBe('Origin');
  });
});

describe('GET /movers/{date}', () => {
  it('returns the full ranking of a stored session', async () => {
    const api = await apiWith(['2026-11-20']);

    const response = await get(api, '/movers/2026-11-20');

    expect(response.statusCode).toBe(200);
    expect(
      response.json.ranking.map((row: { symbol: string; rank: number }) => [row.rank, row.symbol]),
    ).toEqual([
      [1, 'TSLA'],
      [2, 'NVDA'],
      [3, 'AAPL'],
    ]);
    expect(response.json.winner.symbol).toBe('TSLA');
  });

  it('answers 404 for a session that is not stored and 400 for an invalid date', async () => {
    const api = await apiWith([]);

    expect((await get(api, '/movers/2026-11-20')).statusCode).toBe(404);
    const invalid = await get(api, '/movers/2026-02-30');
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json.error.message).toContain('2026-02-30');
    expect((await get(api, '/movers/%E0%A4%A')).statusCode).toBe(400);
  });
});

describe('routing', () => {
  it('answers health, unknown routes, other methods and preflight', async () => {
    const api = await apiWith([]);

    expect((await get(api, '/health')).json.status).toBe('ok');
    expect((await get(api, '/nope')).statusCode).toBe(404);
    const post = await api.handle(apiGatewayEvent('POST', '/movers'));
    expect(post.statusCode).toBe(405);
    expect(post.headers?.Allow).toBe('GET, HEAD, OPTIONS');
    const preflight = await api.handle(apiGatewayEvent('OPTIONS', '/movers'));
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers?.['Access-Control-Allow-Methods']).toContain('GET');
  });

  it('never answers 5xx to 1,000 random query strings and paths', async () => {
    const api = await apiWith(['2026-11-20']);
    const segment = fc.oneof(
      fc.string(),
      fc.constantFrom('movers', 'health', '2026-11-20', '..', '%', '%00'),
    );
    const key = fc.oneof(fc.constantFrom('days', 'asOf', ...PROTOTYPE_KEYS, ...HEADERISH_JUNK), fc.string());
    const value = fc.oneof(fc.string(), fc.constantFrom(...HEADERISH_JUNK));
    const query = fc.array(fc.tuple(key, value), { maxLength: 4 });

    await fc.assert(
      fc.asyncProperty(fc.array(segment, { maxLength: 3 }), query, async (segments, pairs) => {
        const event = apiGatewayEvent('GET', '/movers');
        event.path = `/${segments.join('/')}`;
        // As API Gateway's JSON arrives: `__proto__` and `constructor` are plain own keys.
        event.queryStringParameters = pairs.length ? Object.fromEntries(pairs) : null;
        event.multiValueQueryStringParameters = pairs.length
          ? Object.fromEntries(pairs.map(([name, text]) => [name, [text]]))
          : null;
        const response = await api.handle(event);
        expect(response.statusCode).toBeLessThan(500);
        expect(() => JSON.parse(response.body || '{}')).not.toThrow();
      }),
      { numRuns: 1000 },
    );
  });

  it.each([...PROTOTYPE_KEYS, ...HEADERISH_JUNK])(
    'answers the unknown-parameter 400 to the key %j',
    async (name) => {
      const api = await apiWith(['2026-11-20']);
      const event = apiGatewayEvent('GET', '/movers');
      event.queryStringParameters = Object.fromEntries([[name, '7']]);
      event.multiValueQueryStringParameters = Object.fromEntries([[name, ['7']]]);

      const response = await api.handle(event);

      expect(response.statusCode).toBe(400);
      expect(JSON.parse(response.body).error.code).toBe('INVALID_PARAMETER');
    },
  );

  it('tells a HEAD nothing but the headers of the GET, and keeps /health out of every cache', async () => {
    const api = await apiWith(['2026-11-20']);

    const head = await api.handle(apiGatewayEvent('HEAD', '/movers'));
    const getResponse = await api.handle(apiGatewayEvent('GET', '/movers'));
    const health = await api.handle(apiGatewayEvent('GET', '/health'));

    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers?.ETag).toBe(getResponse.headers?.ETag);
    expect(health.headers?.['Cache-Control']).toBe('no-store');
  });
});

describe('the cache of finished answers', () => {
  it('answers a repeated request without reading the store, until READ_CACHE_SECONDS pass', async () => {
    const clock = new FixedClock(NOW);
    const { store, reads } = countingStore();
    const api = (await containerWith(['2026-11-20'], {}, store, clock)).get(TOKENS.moversApi);

    const first = await get(api, '/movers?days=7');
    // The default window and the same window spelled out are one answer.
    const second = await get(api, '/movers?asOf=2026-11-20');
    clock.advance(4_999);
    await get(api, '/movers');
    expect(reads()).toBe(1);
    expect(second.body).toBe(first.body);

    clock.advance(1);
    await get(api, '/movers');
    expect(reads()).toBe(2);
  });

  it("shows a write made through this process at once, and another process's write within READ_CACHE_SECONDS", async () => {
    const clock = new FixedClock(NOW);
    const store = new InMemoryWinnerRepository();
    const container = await containerWith(['2026-11-20'], { READ_CACHE_SECONDS: '60' }, store, clock);
    const api = container.get(TOKENS.moversApi);
    expect((await get(api, '/movers')).json.count).toBe(1);

    await container.get(TOKENS.winnerRepository).save(aSessionResult().on('2026-11-19').build());
    expect((await get(api, '/movers')).json.count).toBe(2);

    await store.save(aSessionResult().on('2026-11-18').build());
    expect((await get(api, '/movers')).json.count).toBe(2);
    clock.advance(60_000);
    expect((await get(api, '/movers')).json.count).toBe(3);
  });

  it('stays within its byte cap through a burst of 5,000 distinct URLs', async () => {
    const dates = ['2026-11-20', '2026-11-19', '2026-11-18', '2026-11-17', '2026-11-16'];
    const container = await containerWith(dates, { READ_CACHE_MAX_MB: '1' });
    const api = container.get(TOKENS.moversApi);
    const cache = container.get(TOKENS.responseCache);

    for (let index = 0; index < 5_000; index += 1) {
      const days = 1 + (index % 50);
      const asOf = addDays('2026-11-20', -Math.floor(index / 50));
      const response = await get(api, `/movers?days=${days}&asOf=${asOf}`);
      expect(response.statusCode).toBe(200);
    }

    expect(cache.size.bytes).toBeLessThanOrEqual(1024 * 1024);
    expect(cache.maxBytes).toBe(1024 * 1024);
    expect(cache.size.entries).toBeGreaterThan(100);
    expect(cache.size.entries).toBeLessThan(5_000);
  });

  it('lists unreadable stored sessions with their reason, as missing too', async () => {
    const inner = new InMemoryWinnerRepository();
    await inner.save(aSessionResult().on('2026-11-20').build());
    const damaged: WinnerRepository = {
      save: (result, options) => inner.save(result, options),
      saveMany: (results, options) => inner.saveMany(results, options),
      get: (date) => inner.get(date),
      storedSessions: (from, to) => inner.storedSessions(from, to),
      countSessions: () => inner.countSessions(),
      latestWinners: async (limit, onOrBefore) => ({
        rows: (await inner.latestWinners(limit, onOrBefore)).rows,
        unreadable: [{ date: '2026-11-19', reason: 'the stored item is damaged' }],
      }),
    };
    const api = (await containerWith([], {}, damaged)).get(TOKENS.moversApi);

    const response = await get(api, '/movers?days=2');

    expect(response.json.unreadable).toEqual([{ date: '2026-11-19', reason: 'the stored item is damaged' }]);
    expect(response.json.missing).toEqual(['2026-11-19']);
  });

  it('answers a damaged stored session with a 503 that says so, without the store details', async () => {
    const inner = new InMemoryWinnerRepository();
    const damaged: WinnerRepository = {
      save: (result, options) => inner.save(result, options),
      saveMany: (results, options) => inner.saveMany(results, options),
      get: async (date) => {
        throw new CorruptWinnerItemError('secret-table-name', { pk: 'WATCHLIST#default', sk: date }, [
          'ranking: missing',
        ]);
      },
      storedSessions: (from, to) => inner.storedSessions(from, to),
      latestWinners: (limit, onOrBefore) => inner.latestWinners(limit, onOrBefore),
      countSessions: () => inner.countSessions(),
    };
    const api = (await containerWith([], {}, damaged)).get(TOKENS.moversApi);

    const response = await get(api, '/movers/2026-11-19');

    expect(response.statusCode).toBe(503);
    expect(response.json.error.code).toBe('STORED_RECORD_DAMAGED');
    expect(response.json.error.message).toMatch(/db verify --repair/);
    expect(JSON.stringify(response.json)).not.toMatch(/secret-table-name|WATCHLIST#/);
  });
});
