import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tradingSessions } from '../../core/index.ts';
import { loadConfig } from '../../adapters/config/app-config.ts';
import { simulatedDailyBar } from '../../adapters/simulated/simulated-market.ts';
import type { MassiveProviderOptions } from '../../adapters/massive/massive-stock-quote-provider.ts';
import { MassiveStockQuoteProvider } from '../../adapters/massive/massive-stock-quote-provider.ts';
import type { FakeMassiveServer } from '../support/fake-massive-server.ts';
import { FAKE_MASSIVE_TICKERS, startFakeMassiveServer } from '../support/fake-massive-server.ts';
import { fakeTime } from '../support/fake-massive-fixtures.ts';

const SEED = 11;
const TEN_TICKERS = FAKE_MASSIVE_TICKERS.slice(0, 10);
// More sessions than tickers, so the plan is one range call per ticker.
const SESSIONS = tradingSessions('2025-03-03', '2025-03-31');

describe('MassiveStockQuoteProvider: calls in flight (fake server with latency)', () => {
  let server: FakeMassiveServer;

  beforeAll(async () => {
    // Enough latency that the calls a provider starts together are all open at the server at once.
    server = await startFakeMassiveServer({ seed: SEED, extraTickers: 0, latencyMs: 250 });
  });
  beforeEach(() => server.resetStats());
  afterAll(async () => {
    await server.close();
  });

  function provider(options: Partial<MassiveProviderOptions>): MassiveStockQuoteProvider {
    return new MassiveStockQuoteProvider({
      apiKey: server.apiKey,
      baseUrl: server.baseUrl,
      rateLimitPerMinute: 0,
      maxInFlight: 4,
      clock: fakeTime().clock,
      ...options,
    });
  }

  function expectedBars(symbols: readonly string[], sessions: readonly string[]): string[] {
    return symbols.flatMap((symbol) =>
      sessions.map((session) => `${symbol} ${session} ${simulatedDailyBar(symbol, session, SEED).close}`),
    );
  }

  function described(bars: readonly { symbol: string; session: string; close: number }[]): string[] {
    return bars.map((bar) => `${bar.symbol} ${bar.session} ${bar.close}`).sort();
  }

  it('range calls: 4 in flight by default with no rate limit, and the same bars as one at a time', async () => {
    const request = { symbols: TEN_TICKERS, sessions: SESSIONS, includePreviousSession: false };

    const concurrent = await provider({}).fetchDailyBars(request);
    const concurrentPeak = server.peakInFlight;
    server.resetStats();
    const serial = await provider({ maxInFlight: 1 }).fetchDailyBars(request);

    expect(concurrentPeak).toBe(4);
    expect(server.peakInFlight).toBe(1);
    expect(server.calls.range).toBe(10);
    expect(described(concurrent.bars)).toEqual(expectedBars(TEN_TICKERS, SESSIONS).sort());
    expect(described(concurrent.bars)).toEqual(described(serial.bars));
  });

  it('grouped-daily calls: up to maxInFlight sessions at once', async () => {
    const sessions = tradingSessions('2025-03-03', '2025-03-14');
    const request = { symbols: FAKE_MASSIVE_TICKERS, sessions, includePreviousSession: false };

    const batch = await provider({ maxInFlight: 3 }).fetchDailyBars(request);

    expect(server.calls.grouped).toBe(sessions.length);
    expect(server.peakInFlight).toBe(3);
    expect(batch.undelivered).toEqual([]);
    expect(batch.bars).toHaveLength(sessions.length * FAKE_MASSIVE_TICKERS.length);
  });

  it('still obeys the rolling rate limit: 5 calls at 2 a minute wait two windows', async () => {
    const time = fakeTime();
    const limited = provider({ rateLimitPerMinute: 2, maxInFlight: 4, clock: time.clock, sleep: time.sleep });

    const batch = await limited.fetchDailyBars({
      symbols: TEN_TICKERS.slice(0, 5),
      sessions: SESSIONS,
      includePreviousSession: false,
    });

    expect(batch.bars).toHaveLength(5 * SESSIONS.length);
    expect(time.sleeps.reduce((sum, ms) => sum + ms, 0)).toBe(120_000);
  });

  it('a failed ticker stops new calls: the ones after it never start', async () => {
    server.setFault({ kind: 'not-entitled', endpoint: 'aggregates-range', ticker: TEN_TICKERS[0], times: 1 });

    const batch = await provider({ maxInFlight: 2 }).fetchDailyBars({
      symbols: TEN_TICKERS,
      sessions: SESSIONS,
      includePreviousSession: false,
    });

    expect(batch.bars).toEqual([]);
    expect(batch.undelivered.map((entry) => entry.kind)).toEqual(SESSIONS.map(() => 'failed'));
    // The failing call and the one beside it, plus at most one started as the second finished.
    expect(server.calls.range).toBeLessThanOrEqual(3);
  });
});

describe('MASSIVE_MAX_IN_FLIGHT', () => {
  it('defaults to 4 and accepts 1 to 32', () => {
    expect(loadConfig({}).massiveMaxInFlight).toBe(4);
    expect(loadConfig({ MASSIVE_MAX_IN_FLIGHT: '32' }).massiveMaxInFlight).toBe(32);
    for (const value of ['0', '33', '2.5']) {
      expect(() => loadConfig({ MASSIVE_MAX_IN_FLIGHT: value })).toThrow(/MASSIVE_MAX_IN_FLIGHT/);
    }
  });
});
