import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MarketMoversResponse } from '../../adapters/http/api-contract.ts';
import { DEFAULT_MARKET_FILTERS } from '../../core/index.ts';
import { runCli, type CliRun } from '../support/cli-process.ts';
import { startFakeMassiveServer, type FakeMassiveServer } from '../support/fake-massive-server.ts';

let massive: FakeMassiveServer;
let dataDir: string;
let env: Record<string, string>;
let daily: CliRun;
let dailyCalls: FakeMassiveServer['calls'];
let rerunCalls: FakeMassiveServer['calls'];

/** One store: a daily sync of the market plus the default list through the fake Massive server. */
beforeAll(async () => {
  massive = await startFakeMassiveServer({ rateLimitPerMinute: 0, marketUniverse: true });
  dataDir = mkdtempSync(join(tmpdir(), 'stocks-cli-market-'));
  env = {
    STOCKS_DATA_DIR: dataDir,
    MASSIVE_API_KEY: massive.apiKey,
    MASSIVE_BASE_URL: massive.baseUrl,
    MASSIVE_RATE_LIMIT_PER_MINUTE: '0',
  };
  daily = await runCli(['sync', '--sessions', '2'], env);
  dailyCalls = { ...massive.calls };
  massive.resetStats();
  await runCli(['sync', '--sessions', '2'], env);
  rerunCalls = { ...massive.calls };
});

afterAll(async () => {
  await massive.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the daily sync of the list plus the market', () => {
  it('costs one grouped-daily call a session and nothing for the list; a rerun costs nothing', () => {
    expect(daily.code, daily.stderr).toBe(0);
    expect(daily.stdout).toMatch(/Market board: made 2 grouped-daily call\(s\), stored 2/);
    expect(daily.stdout).toMatch(/stored\s+2\b/);
    expect(dailyCalls).toMatchObject({ grouped: 2, range: 0, openClose: 0 });
    expect(rerunCalls).toMatchObject({ total: 0 });
  });
});

describe('market', () => {
  it('prints the JSON of GET /market/movers with --json', async () => {
    const result = await runCli(['market', '--days', '2', '--json'], env);
    const body = JSON.parse(result.stdout) as MarketMoversResponse;

    expect(result.code).toBe(0);
    expect(body).toMatchObject({ days: 2, count: 2, source: 'massive', filters: DEFAULT_MARKET_FILTERS });
    for (const session of body.data) {
      expect(session.gainers).toHaveLength(10);
      expect(session.losers).toHaveLength(10);
      expect(session.universeSize).toBeGreaterThan(20);
      expect(session.gainers.every((mover) => mover.changePercent > 0 && mover.close >= 5)).toBe(true);
      expect(session.gainers.some((mover) => mover.name)).toBe(true);
    }
  });

  it("prints each session's gainers and losers with names, the universe and the filters", async () => {
    const json = JSON.parse(
      (await runCli(['market', '--days', '2', '--json'], env)).stdout,
    ) as MarketMoversResponse;
    const result = await runCli(['market', '--days', '2'], env);
    const top = json.data[0]?.gainers[0];

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`universe ${json.data[0]?.universeSize.toLocaleString('en-US')} tickers`);
    expect(result.stdout).toMatch(
      new RegExp(`${top?.symbol}\\s+\\+${top?.changePercent.toFixed(2)}%\\s+${top?.name?.slice(0, 10)}`),
    );
    expect(result.stdout).toContain('Filters: types CS, ADRC · close >= $5 · close x volume >= $20,000,000');
    expect(result.stdout).toContain('2 of 2 sessions stored');
    expect(result.stdout).not.toContain('SIMULATED');
  });

  it('writes CSV with --csv: 20 records a session', async () => {
    const result = await runCli(['market', '--days', '1', '--csv'], env);
    const records = result.stdout.split('\r\n').filter(Boolean);

    expect(records[0]).toBe('date,side,rank,symbol,name,changePercent,close,dollarVolume,source');
    expect(records).toHaveLength(21);
  });

  it('says when the data is simulated, and refuses bad --days in the API words', async () => {
    const offline = { ...env, STOCKS_DATA_DIR: join(dataDir, 'offline'), MASSIVE_API_KEY: '' };
    await runCli(['sync', '--sessions', '1'], offline);
    const simulated = await runCli(['market', '--days', '1'], offline);
    const bad = await runCli(['market', '--days', '0'], env);

    expect(simulated.stdout).toMatch(/1 of 1 sessions stored, .* SIMULATED data \(not real market quotes\)/);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/days must be a whole number from 1 to 365/);
    expect(bad.stderr).not.toMatch(/\bat \w+ \(/);
  });
});

describe('names beside the list tickers', () => {
  it('winners shows the company name of each winner', async () => {
    const result = await runCli(['winners', '--days', '2', '--json'], env);
    const body = JSON.parse(result.stdout) as { data: { symbol: string; name?: string }[] };

    expect(body.data).toHaveLength(2);
    expect(body.data.every((row) => typeof row.name === 'string' && row.name.length > 0)).toBe(true);
  });
});

describe('backfill --market --dry-run', () => {
  it('prices the market in calls and in minutes at the rate limit, and stores nothing', async () => {
    const freePlan = { ...env, MASSIVE_RATE_LIMIT_PER_MINUTE: '5' };
    const args = ['backfill', '--from', '2025-01-02', '--to', '2025-01-31', '--market', '--dry-run'];
    const result = await runCli([...args, '--json'], freePlan);
    const text = await runCli(args, freePlan);
    const body = JSON.parse(result.stdout) as { market: { calls: number; minutesAtRateLimit: number } };

    expect(result.code).toBe(0);
    expect(body.market).toMatchObject({ calls: 20, minutesAtRateLimit: 4, dryRun: true });
    expect(text.stdout).toContain(
      'Market board: 20 session(s) without a board: 20 grouped-daily call(s), about 4 minute(s) at 5 calls/minute.',
    );
    const json = JSON.parse(
      (await runCli(['market', '--days', '1', '--as-of', '2025-01-31', '--json'], env)).stdout,
    );
    expect(json.count).toBe(0);
  });
});
