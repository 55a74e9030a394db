import 'reflect-metadata';
import { beforeEach, describe, expect, it } from 'vitest';
import { FixedClock } from '../../adapters/clock/fixed-clock.ts';
import { createContainer } from '../../adapters/composition/container.ts';
import { TOKENS } from '../../adapters/composition/tokens.ts';
import { loadConfig } from '../../adapters/config/app-config.ts';
import type { MoversApi } from '../../adapters/http/movers-api.ts';
import {
  InMemoryMarketBoardRepository,
  InMemoryTickerReferenceCache,
} from '../../adapters/memory/in-memory-market-board-repository.ts';
import { InMemoryWinnerRepository } from '../../adapters/memory/in-memory-winner-repository.ts';
import type { MarketBoard, MarketMover, TickerReferenceCache } from '../../core/index.ts';
import { DEFAULT_MARKET_FILTERS } from '../../core/index.ts';
import { apiGatewayEvent } from '../support/aws-events.ts';
import { aSessionResult } from '../support/session-result-builder.ts';

// Monday 2026-11-23 09:00 ET, before the close: the latest completed session is Friday 2026-11-20.
const NOW = '2026-11-23T14:00:00.000Z';

function mover(symbol: string, changePercent: number, name?: string): MarketMover {
  const open = 100;
  const close = open * (1 + changePercent / 100);
  return {
    symbol,
    ...(name && { name }),
    open,
    close,
    volume: 1_000_000,
    dollarVolume: close * 1_000_000,
    changePercent,
  };
}

function board(date: string): MarketBoard {
  return {
    date,
    gainers: [mover('RISE', 12.345, 'Rise Corp.'), mover('UP', 3)],
    losers: [mover('FALL', -7.891, 'Fall Ltd.')],
    universeSize: 1234,
    filters: DEFAULT_MARKET_FILTERS,
    basis: 'open-to-close',
    source: 'simulated',
    computedAt: '2026-11-21T00:00:00.000Z',
  };
}

interface World {
  readonly api: MoversApi;
  readonly references: { loads: number };
}

async function world(env: Record<string, string> = {}): Promise<World> {
  const boards = new InMemoryMarketBoardRepository();
  for (const date of ['2026-11-20', '2026-11-18']) await boards.save(board(date));
  const winners = new InMemoryWinnerRepository();
  await winners.save(aSessionResult().on('2026-11-20').build());
  const stored = new InMemoryTickerReferenceCache();
  await stored.replace({
    fetchedAt: '2026-11-20T00:00:00.000Z',
    tickers: [{ symbol: 'TSLA', name: 'Tesla Inc.', type: 'CS' }],
  });
  const references = { loads: 0 };
  const counting: TickerReferenceCache = {
    load: () => (references.loads++, stored.load()),
    replace: (reference) => stored.replace(reference),
  };
  const container = createContainer(loadConfig(env), {
    clock: new FixedClock(NOW),
    winnerRepository: winners,
    marketBoardRepository: boards,
    tickerReferenceCache: counting,
  });
  return { api: container.get(TOKENS.moversApi), references };
}

async function get(api: MoversApi, path: string, query?: Record<string, string>) {
  const event = apiGatewayEvent('GET', path);
  const result = await api.handle({ ...event, queryStringParameters: query ?? null });
  return { ...result, json: result.body ? JSON.parse(result.body) : undefined };
}

describe('GET /market/movers', () => {
  let api: MoversApi;
  beforeEach(async () => {
    ({ api } = await world());
  });

  it('answers each stored session newest first, with the universe, the filters and what is missing', async () => {
    const response = await get(api, '/market/movers', { days: '3' });

    expect(response.statusCode).toBe(200);
    expect(response.json).toMatchObject({
      range: 'last_3_days',
      days: 3,
      count: 2,
      asOf: '2026-11-20',
      sessions: ['2026-11-20', '2026-11-19', '2026-11-18'],
      missing: ['2026-11-19'],
      filters: DEFAULT_MARKET_FILTERS,
      source: 'simulated',
    });
    expect(response.json.data.map((session: { date: string }) => session.date)).toEqual([
      '2026-11-20',
      '2026-11-18',
    ]);
    expect(response.json.data[0]).toMatchObject({ universeSize: 1234, basis: 'open-to-close' });
    expect(response.json.data[0].gainers[0]).toEqual({
      symbol: 'RISE',
      name: 'Rise Corp.',
      changePercent: 12.35,
      open: 100,
      close: 112.345,
      volume: 1_000_000,
      dollarVolume: 112_345_000,
    });
    expect(response.json.data[0].gainers[1]).not.toHaveProperty('name');
    expect(response.json.data[0].losers.map((entry: { symbol: string }) => entry.symbol)).toEqual(['FALL']);
  });

  it('shows the configured filters', async () => {
    const { api: strict } = await world({ MARKET_MIN_CLOSE: '2.5', MARKET_SECURITY_TYPES: 'CS' });

    const response = await get(strict, '/market/movers');

    expect(response.json.filters).toEqual({
      securityTypes: ['CS'],
      minClose: 2.5,
      minDollarVolume: 20_000_000,
    });
    expect(response.json.days).toBe(7);
  });

  it('takes asOf, and refuses bad days, a future asOf and unknown parameters with 400 JSON', async () => {
    const older = await get(api, '/market/movers', { days: '1', asOf: '2026-11-18' });
    expect(older.json.data.map((session: { date: string }) => session.date)).toEqual(['2026-11-18']);

    const refused: Record<string, string>[] = [
      { days: '0' },
      { days: 'abc' },
      { days: '366' },
      { asOf: '2026-11-30' },
      { asOf: 'soon' },
      { x: '1' },
    ];
    for (const query of refused) {
      const response = await get(api, '/market/movers', query);
      expect(response.statusCode, JSON.stringify(query)).toBe(400);
      expect(response.json.error.message).toBeTruthy();
    }
  });
});

describe('GET /market/movers/{date}', () => {
  it("answers one stored session's board", async () => {
    const { api } = await world();

    const response = await get(api, '/market/movers/2026-11-18');

    expect(response.statusCode).toBe(200);
    expect(response.json).toMatchObject({
      date: '2026-11-18',
      universeSize: 1234,
      filters: DEFAULT_MARKET_FILTERS,
    });
    expect(response.json.gainers[0].name).toBe('Rise Corp.');
  });

  it('answers 404 JSON for a session with no board, 400 for a date that is not one', async () => {
    const { api } = await world();

    const unstored = await get(api, '/market/movers/2026-11-19');
    const invalid = await get(api, '/market/movers/2026-02-30');
    const garbage = await get(api, '/market/movers/%E0%A4%A');
    const deeper = await get(api, '/market/movers/2026-11-18/extra');

    expect(unstored.statusCode).toBe(404);
    expect(unstored.json.error).toMatchObject({ code: 'NOT_FOUND' });
    expect(invalid.statusCode).toBe(400);
    expect(garbage.statusCode).toBe(400);
    expect(deeper.statusCode).toBe(404);
  });
});

describe('company names beside the lists tickers', () => {
  it('names the winners of /movers and /movers/{date}, reading the stored reference once per process', async () => {
    const { api, references } = await world();

    const list = await get(api, '/movers');
    const session = await get(api, '/movers/2026-11-20');
    await get(api, '/movers', { days: '3' });

    expect(list.json.data[0]).toMatchObject({ symbol: 'TSLA', name: 'Tesla Inc.' });
    expect(session.json.winner).toMatchObject({ symbol: 'TSLA', name: 'Tesla Inc.' });
    expect(
      session.json.ranking
        .filter((entry: { name?: string }) => entry.name)
        .map((entry: { symbol: string }) => entry.symbol),
    ).toEqual(['TSLA']);
    expect(references.loads).toBe(1);
  });
});
