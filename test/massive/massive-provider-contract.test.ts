import { afterAll, beforeAll } from 'vitest';
import { easternDateOf } from '../../core/index.ts';
import { FixedClock } from '../../adapters/clock/fixed-clock.ts';
import { MassiveStockQuoteProvider } from '../../adapters/massive/massive-stock-quote-provider.ts';
import { testStockQuoteProviderContract } from '../contracts/stock-quote-provider.contract.ts';
import type { FakeMassiveServer } from '../support/fake-massive-server.ts';
import { startFakeMassiveServer } from '../support/fake-massive-server.ts';

let server: FakeMassiveServer;

beforeAll(async () => {
  server = await startFakeMassiveServer();
});

afterAll(async () => {
  await server.close();
});

/** A range bound or grouped date as received: `YYYY-MM-DD`, or epoch milliseconds on later pages. */
function dateOf(segment: string): string {
  return /^\d+$/.test(segment) ? easternDateOf(new Date(Number(segment))) : segment;
}

/** The dates in the API paths the server was asked: a range's bounds, a grouped day. */
function datesAsked(): string[] {
  return server.requests.flatMap(({ path }) => {
    const segments = path.split('?')[0]?.split('/') ?? [];
    if (path.startsWith('/v2/aggs/ticker/')) return segments.slice(-2).map(dateOf);
    if (path.startsWith('/v2/aggs/grouped/')) return segments.slice(-1).map(dateOf);
    return [];
  });
}

testStockQuoteProviderContract('Massive on the fake server', async () => {
  server.resetStats();
  const provider = new MassiveStockQuoteProvider({
    apiKey: server.apiKey,
    baseUrl: server.baseUrl,
    rateLimitPerMinute: 0,
    maxInFlight: 4,
    clock: new FixedClock('2026-01-05T17:00:00.000Z'),
  });
  return { provider, upstream: { calls: () => server.calls.total, datesAsked } };
});
