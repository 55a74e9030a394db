/**
 * GET /movers?days=7 through `stocks-cli serve` with ten years of stored sessions, against the same server
 * serving a static file of the same size (the ceiling for this server), in one run. Prints JSON.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { tradingSessions } from '../core/index.ts';
import { runCli, startServe } from '../test/support/cli-process.ts';

const DURATION_SECONDS = Number(process.env.BENCH_DURATION_SECONDS ?? 10);
const CONNECTIONS = 10;
const STATIC_NAME = 'bench-static-movers.json';
const WEB_DIST = fileURLToPath(new URL('../web/dist', import.meta.url));

async function measure(url: string) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_SECONDS });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

const dataDir = mkdtempSync(join(tmpdir(), 'bench-api-'));
const env = { STOCKS_DATA_DIR: dataDir, MASSIVE_API_KEY: '', NO_COLOR: '1', LOG_LEVEL: 'error' };
const staticFile = join(WEB_DIST, STATIC_NAME);
try {
  const backfill = await runCli(['backfill', '--from', '2016-01-01', '--to', '2025-12-31'], env);
  if (backfill.code !== 0) throw new Error(`backfill failed: ${backfill.stderr}`);
  const serve = await startServe(['--no-sync'], env);
  try {
    const body = await (await fetch(`${serve.url}/movers?days=7`)).text();
    mkdirSync(WEB_DIST, { recursive: true });
    writeFileSync(staticFile, body);
    const movers = await measure(`${serve.url}/movers?days=7`);
    const ceiling = await measure(`${serve.url}/${STATIC_NAME}`);
    await serve.stop();
    // The same request with the read cache off: every request queries the embedded store.
    const uncachedServe = await startServe(['--no-sync'], { ...env, READ_CACHE_SECONDS: '0' });
    const uncached = await measure(`${uncachedServe.url}/movers?days=7`).finally(() => uncachedServe.stop());
    console.log(
      JSON.stringify(
        {
          benchmark: 'api',
          storedSessions: tradingSessions('2016-01-01', '2025-12-31').length,
          durationSeconds: DURATION_SECONDS,
          connections: CONNECTIONS,
          responseBytes: Buffer.byteLength(body),
          movers,
          staticFileSameSize: ceiling,
          moversWithoutReadCache: uncached,
          ratioOfStaticCeiling: Number((movers.requestsPerSecond / ceiling.requestsPerSecond).toFixed(2)),
          target: 'ratioOfStaticCeiling >= 0.5',
        },
        null,
        2,
      ),
    );
  } finally {
    await serve.stop();
  }
} finally {
  rmSync(staticFile, { force: true });
  rmSync(dataDir, { recursive: true, force: true });
}
