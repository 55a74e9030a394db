import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLocalDynamoDbClient } from '../../adapters/dynamodb/embedded-dynamodb.ts';
import { tradingSessions } from '../../core/index.ts';
import { runCli, spawnCli, startServe, type CliRun } from '../support/cli-process.ts';
import { startFakeMassiveServer, type FakeMassiveServer } from '../support/fake-massive-server.ts';

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
afterEach(() => massive.clearFaults());

/** A fresh store, and Massive reached through the fake server as a real user would configure it. */
function environment(extra: Record<string, string> = {}): Record<string, string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stocks-cli-'));
  dataDirs.push(dataDir);
  return {
    STOCKS_DATA_DIR: dataDir,
    MASSIVE_API_KEY: massive.apiKey,
    MASSIVE_BASE_URL: massive.baseUrl,
    MASSIVE_RATE_LIMIT_PER_MINUTE: '0',
    ...extra,
  };
}

const Q1_2025 = tradingSessions('2025-01-02', '2025-03-31');

/**
 * One store holding Q1 2025, filled once by the first backfill below and then read by the winners,
 * serve and db tests (one process at a time: the embedded store has one owner).
 */
let q1Store: Record<string, string>;
let q1Backfill: CliRun;
let q1BackfillCalls: FakeMassiveServer['calls'];
beforeAll(async () => {
  q1Store = environment();
  massive.resetStats();
  q1Backfill = await runCli(['backfill', '--from', '2025-01-02', '--to', '2025-03-31'], q1Store);
  q1BackfillCalls = { ...massive.calls };
});

describe('backfill', () => {
  it('fills a quarter with one range call per ticker, and a second run makes no call', async () => {
    expect(q1Backfill.code).toBe(0);
    expect(q1Backfill.stdout).toMatch(new RegExp(`stored\\s+${Q1_2025.length}\\b`));
    expect(q1BackfillCalls).toMatchObject({ range: 7, grouped: 0, openClose: 0 });

    const second = await runCli(['backfill', '--from', '2025-01-02', '--to', '2025-03-31'], q1Store);

    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(new RegExp(`already present\\s+${Q1_2025.length}\\b`));
    expect(massive.calls.total).toBe(0);
  });

  it('--dry-run prints the plan and the sessions, and stores nothing', async () => {
    const env = environment();

    const dryRun = await runCli(['backfill', '--from', '2025-03-03', '--to', '2025-03-07', '--dry-run'], env);
    const after = await runCli(['winners', '--days', '5', '--as-of', '2025-03-07', '--json'], env);

    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout).toContain('Would fill 5 session(s), 2025-03-03 to 2025-03-07');
    expect(dryRun.stdout).toMatch(/5 call\(s\)/);
    expect(massive.calls.total).toBe(0);
    expect(JSON.parse(after.stdout).count).toBe(0);
  });

  it('Ctrl-C stops after the current write; the rerun completes with no duplicates and nothing lost', async () => {
    const env = environment();
    // Five write slices (SESSIONS_PER_WRITE): the interrupt lands while later ones are still to be written.
    const sessions = tradingSessions('2024-01-02', '2025-12-31');
    const child = spawnCli(['backfill', '--from', '2024-01-02', '--to', '2025-12-31'], env);
    let stderr = '';
    let stdout = '';
    child.stdout?.on('data', (chunk) => (stdout += chunk));
    const interrupted = new Promise<number | null>((resolve) => {
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk;
        if (/\[\d+\/\d+\] \S+ stored/.test(stderr) && !child.killed) child.kill('SIGINT');
      });
      child.once('exit', resolve);
    });

    expect(await interrupted).toBe(130);
    expect(stderr).toContain('Stopping after the current write');
    const storedFirst = Number(/stored\s+(\d+)/.exec(stdout)?.[1]);
    expect(storedFirst).toBeGreaterThan(0);
    expect(storedFirst).toBeLessThan(sessions.length);

    const rerun = await runCli(['backfill', '--from', '2024-01-02', '--to', '2025-12-31'], env);

    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toMatch(new RegExp(`stored\\s+${sessions.length - storedFirst}\\b`));
    expect(rerun.stdout).toMatch(new RegExp(`already present\\s+${storedFirst}\\b`));
    const year = JSON.parse(
      (await runCli(['winners', '--days', '365', '--as-of', '2025-12-31', '--json'], env)).stdout,
    );
    expect(year.missing).toEqual([]);
    expect(new Set(year.data.map((row: { date: string }) => row.date)).size).toBe(year.count);
    // Three whole processes, two of them backfills of two years: a budget for that work, not a wait.
  }, 60_000);
});

describe('winners', () => {
  it('prints the API JSON with --json', async () => {
    const result = await runCli(['winners', '--days', '5', '--as-of', '2025-03-31', '--json'], q1Store);

    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout);
    expect(body).toMatchObject({
      range: 'last_5_days',
      days: 5,
      count: 5,
      asOf: '2025-03-31',
      source: 'massive',
    });
    expect(body.data.map((row: { date: string }) => row.date)).toEqual(Q1_2025.slice(-5).reverse());
  });

  it('prints a table with signed changes, coloured only when allowed', async () => {
    const plain = await runCli(['winners', '--days', '3', '--as-of', '2025-03-31'], q1Store);
    const coloured = await runCli(['winners', '--days', '3', '--as-of', '2025-03-31'], {
      ...q1Store,
      NO_COLOR: '',
      FORCE_COLOR: '1',
    });

    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/^Date\s+Symbol\s+Change\s+Open\s+Close/);
    expect(plain.stdout).toMatch(/2025-03-31\s+[A-Z]+\s+[+-]\d+\.\d{2}%/);
    expect(plain.stdout).not.toContain('\u001b[');
    // eslint-disable-next-line no-control-regex -- asserting the ANSI colour codes themselves
    expect(coloured.stdout).toMatch(/\u001b\[3[12]m[+-]\d+\.\d{2}%/);
  });

  it('shows sessions without a stored result instead of hiding them', async () => {
    const result = await runCli(['winners', '--days', '3', '--as-of', '2025-04-02'], q1Store);

    expect(result.stdout).toMatch(/2025-04-02\s+no result stored/);
    expect(result.stdout).toContain('1 of 3 sessions stored');
  });

  it('writes RFC 4180 CSV with --csv: a header, CRLF line ends, one record per session', async () => {
    const args = ['winners', '--days', '3', '--as-of', '2025-04-02'];
    const csv = await runCli([...args, '--csv'], q1Store);
    const json = await runCli([...args, '--json'], q1Store);

    expect(csv.code).toBe(0);
    expect(csv.stdout.endsWith('\r\n')).toBe(true);
    expect(csv.stdout.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
    const [stored] = JSON.parse(json.stdout).data as Record<string, unknown>[];
    expect(stored?.date).toBe('2025-03-31');
    expect(csv.stdout.split('\r\n')).toEqual([
      'date,symbol,changePercent,open,close,basis,source',
      '2025-04-02,,,,,,',
      '2025-04-01,,,,,,',
      ['date', 'symbol', 'changePercent', 'open', 'close', 'basis', 'source']
        .map((key) => stored?.[key])
        .join(','),
      '',
    ]);
  });
});

describe('serve', () => {
  it('answers /movers from the store and stops cleanly on SIGTERM', async () => {
    const serve = await startServe(['--no-sync'], q1Store);
    try {
      const response = await fetch(`${serve.url}/movers?days=5&asOf=2025-03-07`);
      const body = await response.json();

      expect(response.status).toBe(200);
      expect(body.count).toBe(5);
      expect((await fetch(`${serve.url}/movers?days=0`)).status).toBe(400);
      expect((await fetch(`${serve.url}/health`)).status).toBe(200);
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  });

  it('syncs the last sessions at start', async () => {
    const env = environment({ MASSIVE_API_KEY: '', SYNC_SESSIONS: '3' });
    const serve = await startServe([], env);
    try {
      await serve.logLine(/sync finished/);
      const body = await (await fetch(`${serve.url}/movers?days=3`)).json();

      expect(body.count).toBe(3);
      expect(body.source).toBe('simulated');
    } finally {
      await serve.stop();
    }
  });
});

describe('db', () => {
  it('serves the embedded store as a DynamoDB endpoint any client can query', async () => {
    const child = spawnCli(['db', '--port', '0'], q1Store);
    try {
      const endpoint = await new Promise<string>((resolve, reject) => {
        child.stdout?.on('data', (chunk: Buffer) => {
          const match = /DynamoDB endpoint (http:\/\/\S+)/.exec(chunk.toString());
          if (match) resolve(match[1] as string);
        });
        child.once('exit', (code) => reject(new Error(`db exited ${code}`)));
      });
      const client = createLocalDynamoDbClient(endpoint);
      const stored = await client.send(
        new QueryCommand({
          TableName: 'stock-winners',
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: 'WATCHLIST#default' } },
          Select: 'COUNT',
        }),
      );
      client.destroy();

      expect(stored.Count).toBe(Q1_2025.length);
    } finally {
      // Wait for the exit: the next test may open the same store.
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });
});

describe('bad input: one clear line, the right exit code, never a stack trace', () => {
  it.each([
    [['backfill', '--from', '2026-02-30'], /2026-02-30/],
    [['backfill', '--from', '2025-13-01'], /2025-13-01/],
    [['backfill', '--from', 'yesterday'], /yesterday/],
    [['backfill', '--from', '2030-01-02'], /in the future/],
    [['backfill', '--from', '2025-03-01', '--to', '2025-02-01'], /after --to/],
    [['backfill', '--from', '2025-01-02', '--to', '2030-01-01'], /in the future/],
    [['backfill', '--from', '1999-01-04', '--to', '2000-01-31'], /outside the supported trading calendar/],
    [['backfill'], /required option '--from <date>'/],
    [['winners', '--days', '0'], /days must be a whole number from 1 to 365/],
    [['winners', '--days', '-1'], /days/],
    [['winners', '--days', 'abc'], /days must be a whole number/],
    [['winners', '--days', '366'], /days must be a whole number/],
    [['winners', '--days', '1e9'], /days must be a whole number/],
    [['winners', '--as-of', '2026-02-30'], /2026-02-30/],
    [['winners', '--as-of', '2030-01-02'], /in the future/],
    [['--basis', 'weekly', 'winners'], /weekly/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['sync', '--sessions', '0'], /--sessions must be a whole number from 1 to 365/],
    [['sync', '--sessions', '366'], /--sessions must be a whole number/],
    [['winners', '--csv', '--json'], /'--csv' cannot be used with option '--json'/],
  ])('stocks-cli %j exits 2', async (args, message) => {
    const result = await runCli(args, environment());

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toContain('--sync-sessions');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('explains dates before the plan history once, and exits 1', async () => {
    massive.configure({ historyStart: '2024-01-01' });
    try {
      const result = await runCli(['backfill', '--from', '2023-06-01', '--to', '2023-06-30'], environment());

      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/plan/i);
      expect(
        result.stderr
          .trim()
          .split('\n')
          .filter((line) => line.startsWith('stocks-cli:')),
      ).toHaveLength(1);
      expect(result.stderr).not.toMatch(/^\s+at /m);
    } finally {
      massive.configure({ historyStart: '2015-01-01' });
    }
  });

  it('says a rejected key is rejected, without printing it', async () => {
    const canary = 'sk-canary-cli-0123456789';

    const result = await runCli(['sync', '--sessions', '2'], environment({ MASSIVE_API_KEY: canary }));

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/key/i);
    expect(result.stdout + result.stderr).not.toContain(canary);
  });

  it.each(['serve', 'sync', 'backfill', 'winners', 'db'])('%s --help has examples', async (command) => {
    const result = await runCli([command, '--help'], {});

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Examples:');
  });
});
