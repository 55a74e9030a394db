import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tradingSessions } from '../../core/index.ts';
import { runCli, type CliRun } from '../support/cli-process.ts';
import { garbleFile, mountTmpfs, storeFile, truncateFile } from '../support/dynamo-store-damage.ts';

const dataDirs: string[] = [];
afterAll(() => {
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

function temporary(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stocks-db-'));
  dataDirs.push(dir);
  return dir;
}

/** A fresh embedded store fed by the simulated market. */
function environment(dataDir = temporary()): Record<string, string> {
  return { STOCKS_DATA_DIR: dataDir, MASSIVE_API_KEY: '' };
}

const Q1_2025 = tradingSessions('2025-01-02', '2025-03-31');

/** One clear line on stderr for the failure: no stack trace, no node_modules path. */
function expectOneLine(run: CliRun, code: number, message: RegExp): void {
  expect(run.code).toBe(code);
  const lines = run.stderr.trim().split('\n');
  expect(lines.at(-1)).toMatch(/^stocks-cli: /);
  expect(lines.at(-1)).toMatch(message);
  expect(run.stderr).not.toMatch(/\n\s+at |node_modules/);
}

let filled: Record<string, string>;
let backup: string;
/** A backfill stores a winner item and a bar-archive item per session (docs/bar-archive.md). */
const ITEMS = 2 * Q1_2025.length;

beforeAll(async () => {
  filled = environment();
  await runCli(['backfill', '--from', '2025-01-02', '--to', '2025-03-31'], filled);
  backup = join(temporary(), 'backup.jsonl');
  const exported = await runCli(['db', 'export', '--output', backup], filled);
  expect(exported.code).toBe(0);
}, 60_000);

describe('db export and db import', () => {
  it(
    'a round trip into an empty store loses nothing: same items, same winners',
    { timeout: 60_000 },
    async () => {
      const restored = environment();

      const imported = await runCli(['db', 'import', backup], restored);
      const again = await runCli(['db', 'export'], restored);
      const original = await readFile(backup, 'utf8');
      const winners = await Promise.all(
        [filled, restored].map((env) =>
          runCli(['winners', '--days', '60', '--as-of', '2025-03-31', '--json'], env),
        ),
      );

      expect(imported.code).toBe(0);
      expect(imported.stdout).toContain(`Imported ${ITEMS} items`);
      expect(original.trim().split('\n')).toHaveLength(ITEMS);
      expect(again.stdout.trim().split('\n').toSorted()).toEqual(original.trim().split('\n').toSorted());
      expect(JSON.parse(winners[1]?.stdout ?? '')).toEqual(JSON.parse(winners[0]?.stdout ?? ''));
    },
  );

  it('keeps what is already stored unless --overwrite', { timeout: 60_000 }, async () => {
    const kept = await runCli(['db', 'import', backup], filled);
    const replaced = await runCli(['db', 'import', backup, '--overwrite'], filled);

    expect(kept.stdout).toContain(`Imported 0 items`);
    expect(kept.stdout).toContain(`kept ${ITEMS} already stored`);
    expect(replaced.stdout).toContain(`Imported ${ITEMS} items`);
  });

  it(
    'refuses a file with a bad line, naming the line, and imports nothing',
    { timeout: 60_000 },
    async () => {
      const restored = environment();
      const [first] = (await readFile(backup, 'utf8')).split('\n');
      const bad = join(temporary(), 'bad.jsonl');
      await writeFile(
        bad,
        `${first}\n{"pk":{"S":"WATCHLIST#default"},"sk":{"S":"2025-01-03"},"x":{"Q":"1"}}\n`,
      );

      const refused = await runCli(['db', 'import', bad], restored);
      const exported = await runCli(['db', 'export'], restored);

      expectOneLine(
        refused,
        1,
        /bad\.jsonl line 2: attribute "x" has unknown type "Q"\. Nothing was imported\./,
      );
      expect(exported.stdout).toBe('');
    },
  );

  it('never overwrites an existing file with an export', { timeout: 60_000 }, async () => {
    const run = await runCli(['db', 'export', '--output', backup], filled);

    expectOneLine(run, 2, /already exists/);
  });
});

describe('a damaged store: detected, reported with the sessions affected, refetchable', () => {
  it(
    'a truncated log: winners fails naming the path and the sessions; verify prints the backfill; repair + backfill restore everything',
    { timeout: 90_000 },
    async () => {
      const env = environment();
      await runCli(['db', 'import', backup], env);
      await truncateFile(await storeFile(env.STOCKS_DATA_DIR as string, /\.log$/), 0.5);

      const winners = await runCli(['winners', '--days', '5', '--as-of', '2025-03-31'], env);
      const verify = await runCli(['db', 'verify'], env);
      const repair = await runCli(['db', 'verify', '--repair'], env);
      const refetch = /stocks-cli (backfill --from \S+ --to \S+)/.exec(repair.stdout)?.[1]?.split(' ') ?? [];
      const backfill = await runCli(refetch, env);
      const after = await runCli(['winners', '--days', '60', '--as-of', '2025-03-31', '--json'], env);

      expectOneLine(
        winners,
        1,
        new RegExp(
          `${env.STOCKS_DATA_DIR}/dynamodb is damaged: \\d+ sessions of WATCHLIST#default \\(\\S+ to 2025-03-31\\)`,
        ),
      );
      expect(verify.code).toBe(1);
      expect(verify.stdout).toMatch(/DAMAGED/);
      expect(verify.stdout).toMatch(/stocks-cli backfill --from \S+ --to 2025-03-31/);
      expect(repair.code).toBe(0);
      expect(repair.stdout).toMatch(/files as they were are copied to \S+dynamodb-backup-/);
      expect(refetch[0]).toBe('backfill');
      expect(backfill.code).toBe(0);
      expect(JSON.parse(after.stdout).count).toBe(Q1_2025.length);
    },
  );

  it.each([
    [
      'a missing CURRENT file',
      async (dir: string) => rm(join(dir, 'dynamodb', 'CURRENT')),
      /CURRENT is missing/,
    ],
    [
      'a garbled CURRENT file',
      async (dir: string) => writeFile(join(dir, 'dynamodb', 'CURRENT'), 'garbage\n'),
      /garbage: No such file/,
    ],
    [
      'a corrupt MANIFEST',
      async (dir: string) => garbleFile(await storeFile(dir, /^MANIFEST-/), 0.2, 30),
      /orruption/,
    ],
  ])('%s: one line naming the store, exit 1', { timeout: 60_000 }, async (_name, damage, cause) => {
    const env = environment();
    await runCli(['db', 'import', backup], env);
    await runCli(['winners', '--days', '1'], env); // a second open moves the log into a table file
    await damage(env.STOCKS_DATA_DIR as string);

    const run = await runCli(['winners', '--days', '1'], env);

    expectOneLine(run, 1, new RegExp(`${env.STOCKS_DATA_DIR}/dynamodb is damaged: .*${cause.source}`));
  });
});

// Full disks and read-only file systems are made with tmpfs, which needs the right to mount (root,
// as in the development container). Elsewhere a read-only directory is made with permissions.
const root = process.getuid?.() === 0;

describe('file-system failures: one line naming the path and the cause, exit 1', () => {
  it('a full disk', { timeout: 60_000 }, async (context) => {
    const mountPoint = temporary();
    const unmount = mountTmpfs(mountPoint, 'size=64k');
    if (!unmount) return context.skip('cannot mount a tmpfs here (needs root)');
    try {
      await writeFile(join(mountPoint, 'filler'), Buffer.alloc(64 * 1024)).catch(() => undefined);

      const run = await runCli(['winners', '--days', '1'], environment(join(mountPoint, 'data')));

      expectOneLine(run, 1, new RegExp(`${mountPoint}/data/dynamodb\\S*: No space left on device`));
    } finally {
      unmount();
    }
  });

  it('a read-only directory', { timeout: 60_000 }, async () => {
    const mountPoint = temporary();
    const dataDir = join(mountPoint, 'data');
    const unmount = root ? mountTmpfs(mountPoint, 'size=1m') : undefined;
    try {
      mkdirSync(dataDir);
      await runCli(['winners', '--days', '1'], environment(dataDir));
      if (unmount) execFileSync('mount', ['-o', 'remount,ro', mountPoint]);
      else execFileSync('chmod', ['-R', 'a-w', dataDir]);

      const run = await runCli(['winners', '--days', '1'], environment(dataDir));

      expectOneLine(run, 1, new RegExp(`${dataDir}/dynamodb\\S*: (Read-only file system|Permission denied)`));
    } finally {
      unmount?.();
      if (!unmount) execFileSync('chmod', ['-R', 'u+w', mountPoint]);
    }
  });
});
