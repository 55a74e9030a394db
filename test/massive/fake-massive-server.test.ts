import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { easternTime } from '../../core/index.ts';
import { simulatedDailyBar } from '../../adapters/simulated/simulated-market.ts';
import type { FakeMassiveServer } from '../support/fake-massive-server.ts';
import { startFakeMassiveServer } from '../support/fake-massive-server.ts';

async function get(server: { baseUrl: string }, path: string, key?: string) {
  const response = await fetch(`${server.baseUrl}${path}`, {
    headers: key === undefined ? {} : { Authorization: `Bearer ${key}` },
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, text, body: body as Record<string, unknown> };
}

describe('fake Massive server (in process)', () => {
  let server: FakeMassiveServer;

  beforeAll(async () => {
    server = await startFakeMassiveServer({ seed: 3, extraTickers: 10, rateLimitPerMinute: 0 });
  });

  afterAll(async () => {
    await server.close();
  });

  it('answers a range in the documented shape, bars stamped 00:00 New York', async () => {
    const { status, body } = await get(
      server,
      '/v2/aggs/ticker/AAPL/range/1/day/2025-03-07/2025-03-10',
      server.apiKey,
    );

    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual([
      'ticker',
      'queryCount',
      'resultsCount',
      'adjusted',
      'results',
      'status',
      'request_id',
      'count',
    ]);
    const results = body.results as Record<string, number>[];
    expect(results.map((bar) => bar.t)).toEqual([
      easternTime('2025-03-07', 0).getTime(),
      easternTime('2025-03-10', 0).getTime(),
    ]);
    expect(results[0]).toMatchObject({ o: simulatedDailyBar('AAPL', '2025-03-07', 3).open });
    expect(Object.keys(results[0]!)).toEqual(['v', 'vw', 'o', 'c', 'h', 'l', 't', 'n']);
  });

  it('a range without sessions has no results field; to before from is the documented 400', async () => {
    const weekend = await get(
      server,
      '/v2/aggs/ticker/AAPL/range/1/day/2025-03-08/2025-03-09',
      server.apiKey,
    );
    const reversed = await get(
      server,
      '/v2/aggs/ticker/AAPL/range/1/day/2025-03-10/2025-03-07',
      server.apiKey,
    );

    expect(weekend.body).toMatchObject({ resultsCount: 0, status: 'OK' });
    expect(weekend.body).not.toHaveProperty('results');
    expect(reversed.status).toBe(400);
    expect(reversed.body.error).toBe("The parameter 'to' cannot be a time that occurs before 'from'");
  });

  it('grouped daily carries T and 16:00 stamps, plus filler tickers; a holiday has no results', async () => {
    const session = await get(server, '/v2/aggs/grouped/locale/us/market/stocks/2025-11-03', server.apiKey);
    const holiday = await get(server, '/v2/aggs/grouped/locale/us/market/stocks/2025-07-04', server.apiKey);

    const rows = session.body.results as Record<string, unknown>[];
    expect(rows.length).toBeGreaterThan(30);
    expect(rows.find((row) => row.T === 'TSLA')).toMatchObject({
      t: easternTime('2025-11-03', 16).getTime(),
    });
    expect(holiday.body).toMatchObject({ resultsCount: 0 });
    expect(holiday.body).not.toHaveProperty('results');
  });

  it('open-close answers the flat object, and 404 NOT_FOUND on a weekend', async () => {
    const day = await get(server, '/v1/open-close/MSFT/2025-03-07?adjusted=true', server.apiKey);
    const weekend = await get(server, '/v1/open-close/MSFT/2025-03-08', server.apiKey);

    expect(day.body).toMatchObject({ status: 'OK', from: '2025-03-07', symbol: 'MSFT' });
    expect(day.body.close).toBe(simulatedDailyBar('MSFT', '2025-03-07', 3).close);
    expect(weekend.status).toBe(404);
    expect(weekend.body).toMatchObject({ status: 'NOT_FOUND', message: 'Data not found.' });
  });

  it('checks the Bearer key with the documented 401 bodies', async () => {
    const none = await get(server, '/v1/open-close/MSFT/2025-03-07');
    const wrong = await get(server, '/v1/open-close/MSFT/2025-03-07', 'nope');

    expect([none.status, none.body.error]).toEqual([401, 'API Key was not provided']);
    expect([wrong.status, wrong.body.error]).toEqual([401, 'Unknown API Key']);
  });

  it('injects a fault a given number of times, then answers normally', async () => {
    server.setFault({ kind: 'ok-not-authorized', endpoint: 'open-close', times: 1 });

    const faulted = await get(server, '/v1/open-close/MSFT/2025-03-07', server.apiKey);
    const normal = await get(server, '/v1/open-close/MSFT/2025-03-07', server.apiKey);

    expect([faulted.status, faulted.body.status]).toEqual([200, 'NOT_AUTHORIZED']);
    expect(normal.body.status).toBe('OK');
  });

  it('refuses calls over the per-minute limit with 429s, sometimes with an empty body', async () => {
    server.configure({ rateLimitPerMinute: 1 });
    try {
      await get(server, '/v1/open-close/MSFT/2025-03-07', server.apiKey);
      const first = await get(server, '/v1/open-close/MSFT/2025-03-07', server.apiKey);
      const second = await get(server, '/v1/open-close/MSFT/2025-03-07', server.apiKey);

      expect([first.status, second.status]).toEqual([429, 429]);
      expect([first.text, second.text].filter((text) => text === '')).toHaveLength(1);
      expect([first.text, second.text].some((text) => text.includes('maximum requests per minute'))).toBe(
        true,
      );
    } finally {
      server.configure({ rateLimitPerMinute: 0 });
    }
  });

  it('answers no earlier than its latency, set at start or through the control route', async () => {
    const slow = await startFakeMassiveServer({ latencyMs: 150, extraTickers: 0 });
    try {
      const path = '/v2/aggs/ticker/AAPL/range/1/day/2025-03-07/2025-03-07';
      const startedAt = performance.now();
      const answered = await get(slow, path, slow.apiKey);
      const firstMs = performance.now() - startedAt;
      const setting = await fetch(`${slow.baseUrl}/__control/settings`, {
        method: 'PUT',
        body: JSON.stringify({ latencyMs: 400 }),
      });
      const restartedAt = performance.now();
      await get(slow, path, slow.apiKey);
      const secondMs = performance.now() - restartedAt;

      expect(answered.status).toBe(200);
      expect(setting.status).toBe(200);
      // Lower bounds only: the server cannot answer before its latency, however loaded the machine is.
      expect(firstMs).toBeGreaterThanOrEqual(149);
      expect(secondMs).toBeGreaterThanOrEqual(399);
    } finally {
      await slow.close();
    }
  });

  it('counts calls per endpoint and the bytes it sent', async () => {
    server.resetStats();

    const range = await get(server, '/v2/aggs/ticker/AAPL/range/1/day/2025-03-07/2025-03-07', server.apiKey);
    await get(server, '/v2/aggs/grouped/locale/us/market/stocks/2025-03-07', server.apiKey);

    expect(server.calls).toEqual({ range: 1, grouped: 1, openClose: 0, total: 2 });
    expect(server.bytesSent).toBeGreaterThan(Buffer.byteLength(range.text));
  });
});

describe('fake Massive server (standalone process)', () => {
  it('prints its base URL and key, serves the API, and takes faults over its control routes', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/support/fake-massive-server.ts', '--port', '0'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    try {
      const firstLine = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`fake server exited with ${code}`)));
      });
      const { baseUrl, apiKey } = JSON.parse(firstLine) as { baseUrl: string; apiKey: string };

      const fault = await fetch(`${baseUrl}/__control/faults`, {
        method: 'POST',
        body: JSON.stringify({ kind: 'not-yet-available', endpoint: 'grouped-daily', session: '2025-03-07' }),
      });
      const refused = await get({ baseUrl }, '/v2/aggs/grouped/locale/us/market/stocks/2025-03-07', apiKey);
      const served = await get({ baseUrl }, '/v2/aggs/grouped/locale/us/market/stocks/2025-03-06', apiKey);
      const stats = (await (await fetch(`${baseUrl}/__control/stats`)).json()) as {
        calls: { grouped: number };
      };

      expect(fault.status).toBe(200);
      expect(refused.status).toBe(403);
      expect(refused.body.message).toMatch(/before end of day/);
      expect(served.status).toBe(200);
      expect(stats.calls.grouped).toBe(2);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
