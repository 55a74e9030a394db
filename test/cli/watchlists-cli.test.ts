import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tradingSessions } from '../../core/index.ts';
import { runCli } from '../support/cli-process.ts';
import { startFakeMassiveServer, type FakeMassiveServer } from '../support/fake-massive-server.ts';

/**
 * Several watchlists through whole `stocks-cli` processes, against the fake Massive server, which counts
 * every call: one fetch serves every list, each list keeps its own partition, and what the bar archive
 * holds is never fetched again.
 */
let massive: FakeMassiveServer;
const dataDirs: string[] = [];

beforeAll(async () => {
  massive = await startFakeMassiveServer({ rateLimitPerMinute: 0, historyStart: '2015-01-01' });
});

afterAll(async () => {
  await massive.close();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => massive.resetStats());

/** Two overlapping lists (TSLA in both): 4 unique tickers. */
const TWO_LISTS = 'default=AAPL,MSFT,TSLA;ev=TSLA,RIVN';
const MARCH = tradingSessions('2025-03-03', '2025-03-31');
const backfillMarch = ['backfill', '--from', '2025-03-03', '--to', '2025-03-31'];

function environment(watchlists: string, dataDir?: string): Record<string, string> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'stocks-lists-'));
  if (!dataDir) dataDirs.push(dir);
  return {
    STOCKS_DATA_DIR: dir,
    MASSIVE_API_KEY: massive.apiKey,
    MASSIVE_BASE_URL: massive.baseUrl,
    MASSIVE_RATE_LIMIT_PER_MINUTE: '0',
    WATCHLISTS: watchlists,
  };
}

async function winners(env: Record<string, string>, watchlist?: string) {
  const args = ['winners', '--days', String(MARCH.length), '--as-of', '2025-03-31', '--json'];
  const run = await runCli(watchlist ? [...args, '--watchlist', watchlist] : args, env);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as { watchlistName: string; count: number; data: { symbol: string }[] };
}

async function watchlists(env: Record<string, string>) {
  const run = await runCli(['watchlists', '--json'], env);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout).watchlists as { name: string; sessionsStored: number }[];
}

describe('backfill of several watchlists', () => {
  it('fetches each unique ticker once for every list, and stores each list in its own partition', async () => {
    const env = environment(TWO_LISTS);

    const run = await runCli(backfillMarch, env);

    expect(run.code, run.stderr).toBe(0);
    // One range call per unique ticker (AAPL, MSFT, TSLA, RIVN), not one per ticker of each list (5).
    expect(massive.calls).toMatchObject({ range: 4, grouped: 0, openClose: 0 });
    expect(run.stdout).toContain('Watchlist default:');
    expect(run.stdout).toContain('Watchlist ev:');
    expect(run.stdout).toContain('Calls made: 4 for 2 watchlists.');
    const plain = await winners(env);
    const ev = await winners(env, 'ev');
    expect(plain.watchlistName).toBe('default');
    expect(ev.watchlistName).toBe('ev');
    expect(plain.count).toBe(MARCH.length);
    expect(ev.count).toBe(MARCH.length);
    expect(new Set(plain.data.map((row) => row.symbol))).not.toContain('RIVN');
    expect(ev.data.every((row) => ['TSLA', 'RIVN'].includes(row.symbol))).toBe(true);
    const exported = await runCli(['db', 'export'], env);
    const partitions = exported.stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { pk: { S: string } }).pk.S)
      .filter((pk) => pk.startsWith('WATCHLIST#'));
    expect(partitions.filter((pk) => pk === 'WATCHLIST#default')).toHaveLength(MARCH.length);
    expect(partitions.filter((pk) => pk === 'WATCHLIST#ev')).toHaveLength(MARCH.length);
    expect(partitions).toHaveLength(2 * MARCH.length);
  });

  it('makes no call when a list of tracked tickers is added, and stores that list', async () => {
    const env = environment(TWO_LISTS);
    expect((await runCli(backfillMarch, env)).code).toBe(0);
    massive.resetStats();
    const withChips = environment(`${TWO_LISTS};mine=AAPL,RIVN`, env.STOCKS_DATA_DIR);

    const run = await runCli([...backfillMarch, '--json'], withChips);

    expect(run.code, run.stderr).toBe(0);
    expect(massive.calls.total).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.callsMade).toBe(0);
    const mine = report.watchlists.find((list: { watchlist: string }) => list.watchlist === 'mine');
    expect(mine.stored).toHaveLength(MARCH.length);
    expect((await winners(withChips, 'mine')).count).toBe(MARCH.length);
  });

  it('--watchlist limits the lists a backfill stores; the others then cost no call', async () => {
    const env = environment(TWO_LISTS);

    const limited = await runCli([...backfillMarch, '--watchlist', 'ev'], env);

    expect(limited.code, limited.stderr).toBe(0);
    expect(limited.stdout).not.toContain('Watchlist default:');
    expect(await watchlists(env)).toMatchObject([
      { name: 'default', sessionsStored: 0 },
      { name: 'ev', sessionsStored: MARCH.length },
    ]);
    massive.resetStats();
    const rest = await runCli(backfillMarch, env);
    expect(rest.code, rest.stderr).toBe(0);
    expect(massive.calls.total).toBe(0);
    expect((await watchlists(env))[0]).toMatchObject({ name: 'default', sessionsStored: MARCH.length });
  });

  it('--dry-run shows each list and the union plan, and fetches nothing', async () => {
    const env = environment(TWO_LISTS);

    const run = await runCli([...backfillMarch, '--dry-run', '--json'], env);

    expect(run.code, run.stderr).toBe(0);
    const plan = JSON.parse(run.stdout);
    expect(plan.plan.calls).toBe(4);
    expect(plan.watchlists.map((list: { watchlist: string }) => list.watchlist)).toEqual(['default', 'ev']);
    expect(plan.watchlists[1].sessions).toEqual(MARCH);
    expect(massive.calls.total).toBe(0);
  });
});

describe('sync of several watchlists', () => {
  it('--watchlist syncs that list only', async () => {
    const env = environment(TWO_LISTS);

    const run = await runCli(['sync', '--sessions', '3', '--watchlist', 'ev', '--json'], env);

    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).stored).toHaveLength(3);
    expect(await watchlists(env)).toMatchObject([
      { name: 'default', sessionsStored: 0 },
      { name: 'ev', sessionsStored: 3 },
    ]);
  });
});

describe('choosing a watchlist', () => {
  it.each([
    [['winners', '--watchlist', 'crypto'], /Unknown watchlist "crypto": the watchlists are default, ev/],
    [['sync', '--watchlist', 'crypto'], /Unknown watchlist "crypto"/],
    [['backfill', '--from', '2025-03-03', '--watchlist', 'crypto'], /Unknown watchlist "crypto"/],
    [['winners', '--watchlist', 'AAPL,MSFT'], /looks like tickers: give tickers with --symbols AAPL,MSFT/],
  ])('%j exits 2 with one line saying what to do', async (args, message) => {
    const run = await runCli(args, environment(TWO_LISTS));

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(massive.calls.total).toBe(0);
  });

  it('refuses WATCHLISTS beside WATCHLIST, and a list that names a ticker twice', async () => {
    const both = await runCli(['watchlists'], { ...environment(TWO_LISTS), WATCHLIST: 'AAPL' });
    const twice = await runCli(['watchlists'], environment('default=AAPL,MSFT;ev=TSLA,RIVN,TSLA'));

    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/WATCHLISTS and WATCHLIST are both set/);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/list "ev": each ticker once; listed twice: TSLA/);
  });

  it('`watchlists` prints a table of the lists, the default marked', async () => {
    const run = await runCli(['watchlists'], environment(TWO_LISTS));

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/default \(default\)\s+0\s+none\s+AAPL, MSFT, TSLA/);
    expect(run.stdout).toMatch(/ev\s+0\s+none\s+TSLA, RIVN/);
  });
});
