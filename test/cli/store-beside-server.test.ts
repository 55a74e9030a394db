import { mkdtempSync, rmSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, spawnCli, startServe, type CliRun } from '../support/cli-process.ts';

const dataDirs: string[] = [];
afterAll(() => {
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

/** A fresh embedded store; simulated market data (no key), so no market server is involved. */
function environment(extra: Record<string, string> = {}): Record<string, string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stocks-store-'));
  dataDirs.push(dataDir);
  return { STOCKS_DATA_DIR: dataDir, MASSIVE_API_KEY: '', ...extra };
}

/** What the README promises: another process's writes show in the API within READ_CACHE_SECONDS. */
const READ_CACHE_SECONDS = 1;

function expectNoStackTrace(run: CliRun): void {
  expect(run.stderr).not.toMatch(/\n\s+at |Database is closed|node_modules/);
}

describe('commands beside a running `serve`', () => {
  it(
    'the README flow: serve runs, backfill in another process succeeds, /movers shows it within READ_CACHE_SECONDS',
    { timeout: 90_000 },
    async () => {
      const env = environment({ READ_CACHE_SECONDS: String(READ_CACHE_SECONDS) });
      const serve = await startServe(['--no-sync'], env);
      try {
        const movers = async () =>
          (await (await fetch(`${serve.url}/movers?days=5&asOf=2025-03-07`)).json()) as { count: number };
        const before = await movers();

        const backfill = await runCli(['backfill', '--from', '2025-03-03', '--to', '2025-03-07'], env);
        await new Promise((resolve) => setTimeout(resolve, READ_CACHE_SECONDS * 1000));
        const after = await movers();
        const winners = await runCli(['winners', '--days', '5', '--as-of', '2025-03-07'], env);

        expect(before.count).toBe(0);
        expect(backfill.code).toBe(0);
        expect(backfill.stderr).toMatch(/held by process \d+: using it through http:\/\/127\.0\.0\.1:\d+/);
        expect(after.count).toBe(5);
        expect(winners.code).toBe(0);
        expect(winners.stdout).toContain('5 of 5 sessions stored');
      } finally {
        expect(await serve.stop()).toBe(0);
      }
      expect(await runCli(['winners', '--days', '1'], env)).toMatchObject({ code: 0 });
    },
  );

  it(
    'serve prints the endpoint it serves its store on, and a DynamoDB client can use it',
    { timeout: 60_000 },
    async () => {
      const env = environment();
      let output = '';
      const child = spawnCli(['serve', '--port', '0', '--no-sync'], env);
      try {
        const endpoint = await new Promise<string>((resolve, reject) => {
          child.stdout?.on('data', (chunk: Buffer) => {
            output += chunk.toString();
            const match = /served to other commands at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
            if (match) resolve(match[1] as string);
          });
          child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${output}`)));
        });

        const answer = await (await fetch(endpoint)).text();

        expect(answer).toMatch(/^healthy: dynamodb/);
      } finally {
        child.kill('SIGTERM');
      }
    },
  );

  it(
    'a record left by a killed serve is ignored: the next command opens the store itself',
    { timeout: 60_000 },
    async () => {
      const env = environment();
      const serve = await startServe(['--no-sync'], env);
      serve.child.kill('SIGKILL');
      await serve.stop();
      await access(join(env.STOCKS_DATA_DIR as string, 'store-endpoint.json'));

      const winners = await runCli(['winners', '--days', '1'], env);

      expect(winners.code).toBe(0);
      expect(winners.stderr).not.toContain('held by process');
    },
  );

  it(
    'a second serve on the same store says which process serves it, and exits 1',
    { timeout: 60_000 },
    async () => {
      const env = environment();
      const serve = await startServe(['--no-sync'], env);
      try {
        const second = await runCli(['serve', '--port', '0', '--no-sync'], env);

        expect(second.code).toBe(1);
        expect(second.stderr).toMatch(
          new RegExp(`in use by process ${serve.child.pid}, which serves it at http://127\\.0\\.0\\.1:\\d+`),
        );
        expectNoStackTrace(second);
      } finally {
        await serve.stop();
      }
    },
  );
});

describe('two processes started at the same instant on one store', () => {
  it(
    '10 times: one runs, the other says the store is in use, never a stack trace',
    { timeout: 180_000 },
    async () => {
      const env = environment();
      for (let attempt = 0; attempt < 10; attempt += 1) {
        const pair = await Promise.all([
          runCli(['winners', '--days', '1'], env),
          runCli(['winners', '--days', '1'], env),
        ]);

        expect(pair.some((run) => run.code === 0)).toBe(true);
        for (const run of pair) {
          expectNoStackTrace(run);
          if (run.code === 0) continue;
          expect(run.code).toBe(1);
          expect(run.stderr.trim().split('\n').at(-1)).toMatch(
            /^stocks-cli: The embedded store in .* is in use by another process/,
          );
        }
      }
    },
  );
});

describe('start-up failures end the process', () => {
  let blocker: Server | undefined;
  afterAll(() => blocker?.close());

  it(
    'serve on a port already taken: one line naming the port, exit 1 within 5 s of opening the store',
    { timeout: 60_000 },
    async () => {
      blocker = createServer();
      const port = await new Promise<number>((resolve) =>
        blocker?.listen(0, '127.0.0.1', () => resolve((blocker?.address() as { port: number }).port)),
      );
      const child = spawnCli(['serve', '--port', String(port), '--no-sync'], environment());
      let stderr = '';
      // The simulated-data warning comes as the store is opened: the process must end soon after it.
      const opening = new Promise<number>((resolve) =>
        child.stderr?.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          if (stderr.includes('SIMULATED')) resolve(Date.now());
        }),
      );
      const exit = new Promise<{ code: number | null; at: number }>((resolve) =>
        child.once('exit', (code) => resolve({ code, at: Date.now() })),
      );

      const [openedAt, exited] = await Promise.all([opening, exit]);

      expect(exited.code).toBe(1);
      expect(exited.at - openedAt).toBeLessThan(5_000);
      expect(stderr.trim().split('\n').at(-1)).toBe(
        `stocks-cli: port ${port} is already in use on 127.0.0.1; choose another with --port or PORT.`,
      );
      expect(stderr).not.toMatch(/\n\s+at /);
    },
  );

  it.each([['winners'], ['serve', '--port', '0', '--no-sync']])(
    "AWS_REGION='us-east-1 ' (a trailing space): %s exits 2 naming AWS_REGION",
    { timeout: 60_000 },
    async (...args) => {
      const run = await runCli(args, environment({ AWS_REGION: 'us-east-1 ' }));

      expect(run.code).toBe(2);
      expect(run.stderr).toContain('AWS_REGION="us-east-1 " is invalid');
      expectNoStackTrace(run);
    },
  );
});
