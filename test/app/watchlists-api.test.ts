import 'reflect-metadata';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { FixedClock } from '../../adapters/clock/fixed-clock.ts';
import { createContainer } from '../../adapters/composition/container.ts';
import { TOKENS } from '../../adapters/composition/tokens.ts';
import { loadConfig } from '../../adapters/config/app-config.ts';
import type { WatchlistsResponse } from '../../adapters/http/api-contract.ts';
import type { MoversApi } from '../../adapters/http/movers-api.ts';
import { InMemoryWinnerRepository } from '../../adapters/memory/in-memory-winner-repository.ts';
import { apiGatewayEvent } from '../support/aws-events.ts';
import { readCounting } from '../support/read-counting-repository.ts';
import { aSessionResult } from '../support/session-result-builder.ts';

// Monday 2026-11-23 09:00 ET: the latest completed session is Friday 2026-11-20.
const NOW = '2026-11-23T14:00:00.000Z';
const WATCHLISTS = 'ev=TSLA,RIVN,LCID;default=AAPL,MSFT,TSLA;empty=NVDA';

interface Lists {
  readonly api: MoversApi;
  readonly stores: Map<string, InMemoryWinnerRepository>;
  readonly reads: () => number;
}

/** Three lists, each in its own store: `default` holds 3 sessions, `ev` 2 with a different winner, `empty` none. */
async function threeLists(): Promise<Lists> {
  const stores = new Map(['default', 'ev', 'empty'].map((name) => [name, new InMemoryWinnerRepository()]));
  for (const date of ['2026-11-20', '2026-11-19', '2026-11-17']) {
    await stores.get('default')?.save(aSessionResult().on(date).build());
  }
  for (const date of ['2026-11-20', '2026-11-18']) {
    await stores.get('ev')?.save(
      aSessionResult()
        .on(date)
        .withMoves([
          { symbol: 'RIVN', open: 10, close: 12 },
          { symbol: 'LCID', open: 5, close: 5.1 },
        ])
        .build(),
    );
  }
  const counter = { reads: 0 };
  const container = createContainer(loadConfig({ WATCHLISTS }), {
    clock: new FixedClock(NOW),
    winnerRepositoryOf: (name) => {
      const store = stores.get(name);
      return store && readCounting(store, counter);
    },
  });
  return { api: container.get(TOKENS.moversApi), stores, reads: () => counter.reads };
}

async function get(api: MoversApi, path: string, method = 'GET') {
  const result = await api.handle(apiGatewayEvent(method, path));
  return { ...result, json: result.body ? JSON.parse(result.body) : undefined };
}

let lists: Lists;
beforeEach(async () => {
  lists = await threeLists();
});

describe('GET /watchlists', () => {
  it('lists every configured list, the default first, with its sessions stored and latest session', async () => {
    const response = await get(lists.api, '/watchlists');

    expect(response.statusCode).toBe(200);
    expect(response.json as WatchlistsResponse).toEqual({
      watchlists: [
        {
          name: 'default',
          symbols: ['AAPL', 'MSFT', 'TSLA'],
          sessionsStored: 3,
          latestSession: '2026-11-20',
          isDefault: true,
        },
        {
          name: 'ev',
          symbols: ['TSLA', 'RIVN', 'LCID'],
          sessionsStored: 2,
          latestSession: '2026-11-20',
          isDefault: false,
        },
        { name: 'empty', symbols: ['NVDA'], sessionsStored: 0, latestSession: null, isDefault: false },
      ],
    });
  });

  it('refuses any query parameter with 400', async () => {
    const response = await get(lists.api, '/watchlists?days=7');

    expect(response.statusCode).toBe(400);
    expect(response.json.error.code).toBe('INVALID_PARAMETER');
  });
});

describe('GET /watchlists/{name}/movers', () => {
  it("answers /movers's shape from that list's partition only, named", async () => {
    const response = await get(lists.api, '/watchlists/ev/movers?days=5');

    expect(response.statusCode).toBe(200);
    expect(response.json).toMatchObject({
      range: 'last_5_days',
      days: 5,
      count: 2,
      asOf: '2026-11-20',
      watchlist: ['TSLA', 'RIVN', 'LCID'],
      watchlistName: 'ev',
    });
    expect(response.json.data.map((row: { date: string; symbol: string }) => [row.date, row.symbol])).toEqual(
      [
        ['2026-11-20', 'RIVN'],
        ['2026-11-18', 'RIVN'],
      ],
    );
    expect(response.json.missing).toEqual(['2026-11-19', '2026-11-17', '2026-11-16']);
  });

  it('is, for the default list, the very answer of /movers', async () => {
    const named = await get(lists.api, '/watchlists/default/movers?days=5');
    const plain = await get(lists.api, '/movers?days=5');

    expect(named.body).toBe(plain.body);
    expect(plain.json.watchlistName).toBe('default');
    expect(plain.json.count).toBe(3);
  });

  it('keeps each list its own cached answer, and serves a repeat from the cache', async () => {
    const ev = await get(lists.api, '/watchlists/ev/movers');
    const empty = await get(lists.api, '/watchlists/empty/movers');
    const readsBefore = lists.reads();
    const evAgain = await get(lists.api, '/watchlists/ev/movers?days=7&asOf=2026-11-20');

    expect(ev.json.count).toBe(2);
    expect(empty.json.count).toBe(0);
    expect(empty.json.watchlistName).toBe('empty');
    expect(evAgain.body).toBe(ev.body);
    expect(lists.reads()).toBe(readsBefore);
  });

  it.each([
    ['days=0', 'INVALID_PARAMETER'],
    ['days=366', 'INVALID_PARAMETER'],
    ['days=7&days=8', 'INVALID_PARAMETER'],
    ['day=7', 'INVALID_PARAMETER'],
    ['asOf=2026-02-30', 'INVALID_DATE'],
    ['asOf=2026-12-01', 'INVALID_RANGE'],
    ['asOf=<5,000 digits>', 'INVALID_PARAMETER'],
  ])('rejects %s with 400, as /movers does', async (query, code) => {
    const response = await get(
      lists.api,
      `/watchlists/ev/movers?${query.replace('<5,000 digits>', '9'.repeat(5000))}`,
    );

    expect(response.statusCode).toBe(400);
    expect(response.json.error.code).toBe(code);
    expect(response.headers?.['Cache-Control']).toBe('no-store');
  });
});

describe('GET /watchlists/{name}/movers/{date}', () => {
  it("returns that list's ranking for the session", async () => {
    const response = await get(lists.api, '/watchlists/ev/movers/2026-11-20');

    expect(response.statusCode).toBe(200);
    expect(response.json.winner.symbol).toBe('RIVN');
    expect(response.json.ranking.map((row: { symbol: string }) => row.symbol)).toEqual(['RIVN', 'LCID']);
  });

  it('answers 404 for a session the list has not stored and 400 for an invalid date', async () => {
    const missing = await get(lists.api, '/watchlists/ev/movers/2026-11-19');
    const invalid = await get(lists.api, '/watchlists/ev/movers/2026-02-30');

    expect(missing.statusCode).toBe(404);
    expect(missing.json.error.code).toBe('NOT_FOUND');
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json.error.message).toContain('2026-02-30');
  });
});

describe('an unknown watchlist', () => {
  it.each([
    '/watchlists/crypto/movers',
    '/watchlists/crypto/movers/2026-11-20',
    // Names that break the naming rule cannot name a list: the same 404.
    '/watchlists/EV/movers',
    '/watchlists/e_v/movers?days=3',
    '/watchlists/%E0%A4%A/movers',
    '/watchlists/__proto__/movers',
    '/watchlists/constructor/movers/2026-11-20',
    `/watchlists/${'a'.repeat(100)}/movers`,
  ])('%s is a 404 JSON UNKNOWN_WATCHLIST naming the lists', async (path) => {
    const response = await get(lists.api, path);

    expect(response.statusCode).toBe(404);
    expect(response.json.error.code).toBe('UNKNOWN_WATCHLIST');
    expect(response.json.error.message).toContain('ev, default, empty');
    expect(response.json.error.message.length).toBeLessThan(200);
  });

  it('is told 404 before its query is judged', async () => {
    const response = await get(lists.api, '/watchlists/crypto/movers?days=abc');

    expect(response.statusCode).toBe(404);
  });
});

describe('the watchlist routes at the edges', () => {
  it('answer HEAD with the headers of the GET and a preflight with 204', async () => {
    const head = await lists.api.handle(apiGatewayEvent('HEAD', '/watchlists/ev/movers'));
    const getResponse = await lists.api.handle(apiGatewayEvent('GET', '/watchlists/ev/movers'));
    const preflight = await lists.api.handle(apiGatewayEvent('OPTIONS', '/watchlists'));

    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers?.ETag).toBe(getResponse.headers?.ETag);
    expect(preflight.statusCode).toBe(204);
    expect((await lists.api.handle(apiGatewayEvent('POST', '/watchlists'))).statusCode).toBe(405);
  });

  it('never answer 5xx to 1,000 random names, dates and query strings', async () => {
    const segment = fc.oneof(
      fc.string(),
      fc.constantFrom('ev', 'default', 'empty', 'EV', '2026-11-20', '..', '%', '%00', '__proto__'),
    );
    const key = fc.oneof(fc.constantFrom('days', 'asOf', '__proto__', 'constructor'), fc.string());
    const query = fc.array(fc.tuple(key, fc.string()), { maxLength: 3 });

    await fc.assert(
      fc.asyncProperty(
        segment,
        fc.constantFrom('', '/movers', '/movers/'),
        segment,
        query,
        async (name, route, date, pairs) => {
          const event = apiGatewayEvent('GET', '/watchlists');
          event.path = `/watchlists/${name}${route}${route.endsWith('/') ? date : ''}`;
          event.queryStringParameters = pairs.length ? Object.fromEntries(pairs) : null;
          event.multiValueQueryStringParameters = pairs.length
            ? Object.fromEntries(pairs.map(([parameter, text]) => [parameter, [text]]))
            : null;
          const response = await lists.api.handle(event);
          expect(response.statusCode).toBeLessThan(500);
          expect(() => JSON.parse(response.body || '{}')).not.toThrow();
        },
      ),
      { numRuns: 1000 },
    );
  });
});
