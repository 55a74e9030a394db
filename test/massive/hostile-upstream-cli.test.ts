/**
 * The hostile-upstream faults through the whole `stocks-cli backfill` process, as a user meets them:
 * one clear line of why, no stack trace, nothing wrong stored, and the rerun fills what is missing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tradingSessions } from '../../core/index.ts';
import type { FakeFaultSpec } from '../support/fake-massive-faults.ts';
import type { FakeMassiveServer } from '../support/fake-massive-server.ts';
import { startFakeMassiveServer } from '../support/fake-massive-server.ts';
import { runCli } from '../support/cli-process.ts';

const FROM = '2025-03-03';
const TO = '2025-03-14';
const SESSIONS = tradingSessions(FROM, TO);

let massive: FakeMassiveServer;
const dataDirs: string[] = [];

beforeAll(async () => {
  massive = await startFakeMassiveServer({ rateLimitPerMinute: 0 });
});

afterEach(() => massive.clearFaults());

afterAll(async () => {
  await massive.close();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

function environment(): Record<string, string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stocks-hostile-'));
  dataDirs.push(dataDir);
  return {
    STOCKS_DATA_DIR: dataDir,
    MASSIVE_API_KEY: massive.apiKey,
    MASSIVE_BASE_URL: massive.baseUrl,
    MASSIVE_RATE_LIMIT_PER_MINUTE: '0',
  };
}

const backfill = (env: Record<string, string>) => runCli(['backfill', '--from', FROM, '--to', TO], env);

describe('stocks-cli backfill against a hostile upstream', () => {
  it.each([
    {
      name: "AAPL's range answered with MSFT's bars",
      fault: { kind: 'wrong-ticker', answerAs: 'MSFT', endpoint: 'aggregates-range', ticker: 'AAPL' },
      why: 'request for AAPL with bars of MSFT: refused',
    },
    {
      name: 'an endless body',
      fault: { kind: 'endless-body', endpoint: 'aggregates-range', ticker: 'MSFT' },
      why: 'larger than 16777216 bytes',
    },
  ] satisfies { name: string; fault: FakeFaultSpec; why: string }[])(
    '$name: fails with the reason and no stack trace, and the rerun stores every session',
    async ({ fault, why }) => {
      const env = environment();
      massive.setFault(fault);

      const faulted = await backfill(env);

      expect(faulted.code).toBe(1);
      expect(`${faulted.stdout}${faulted.stderr}`).toContain(why);
      expect(faulted.stderr).not.toMatch(/\n\s+at /);

      massive.clearFaults();
      const rerun = await backfill(env);

      expect(rerun.code).toBe(0);
      expect(rerun.stdout).toMatch(new RegExp(`stored\\s+${SESSIONS.length}\\b`));
    },
  );

  it('a close of 1e20 is excluded, every session is stored, and the next run has nothing to do', async () => {
    const env = environment();
    massive.setFault({
      kind: 'huge-numbers',
      endpoint: 'aggregates-range',
      ticker: 'AAPL',
      session: '2025-03-07',
    });

    const faulted = await backfill(env);
    const rerun = await backfill(env);

    expect(faulted.code).toBe(0);
    expect(faulted.stdout).toMatch(new RegExp(`stored\\s+${SESSIONS.length}\\b`));
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toMatch(/stored\s+0\b/);
  });
});
