/**
 * GET /movers through `stocks-cli serve` with ten years of stored sessions, gzip on, against the
 * strongest baseline on the same Node http stack: a separate process answering the same bytes from
 * memory (body and gzip copy prepared once). Also in the same run: the old baseline (serve's own
 * static-file handler, which stats the file on every request), a cached `days=365` (whose cost must
 * stay within 3x a cached `days=7`), and `days=7` with the cache off. Every answer timed is checked
 * first: 7 (or 365) sessions, each with its winner. Prints JSON.
 *
 *   npm run bench:api            (BENCH_DURATION_SECONDS=10 by default)
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import { tradingSessions } from '../core/index.ts';
import { runCli, startServe } from '../test/support/cli-process.ts';

const DURATION_SECONDS = Number(process.env.BENCH_DURATION_SECONDS ?? 10);
const CONNECTIONS = 10;
const FROM = '2016-01-01';
const AS_OF = '2025-12-31';
const STATIC_NAME = 'bench-static-movers.json';
const WEB_DIST = fileURLToPath(new URL('../web/dist', import.meta.url));
const GZIP = { 'accept-encoding': 'gzip' };

/**
 * The baseline: node:http, the body and its gzip in memory, the headers serve sends. Nothing a
 * JSON API could skip, so the ratio is what the API's own work costs.
 */
const IN_MEMORY_SERVER = `
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
const body = readFileSync(process.argv[1]);
const gzip = gzipSync(body);
const server = createServer((request, response) => {
  const zipped = /\\bgzip\\b/.test(String(request.headers['accept-encoding'] ?? ''));
  const payload = zipped ? gzip : body;
  response.writeHead(200, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'public, max-age=60',
    ETag: '"static"',
    Vary: 'Accept-Encoding',
    ...(zipped && { 'Content-Encoding': 'gzip' }),
    'Content-Length': String(payload.length),
  });
  response.end(payload);
});
server.listen(0, '127.0.0.1', () => console.log('http://127.0.0.1:' + server.address().port));
process.on('SIGTERM', () => process.exit(0));
`;

async function startInMemoryServer(bodyFile: string): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', IN_MEMORY_SERVER, bodyFile]);
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
    child.once('exit', (code) => reject(new Error(`in-memory server exited ${code}`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

interface Measured {
  readonly requestsPerSecond: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
}

async function measure(url: string): Promise<Measured> {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: DURATION_SECONDS,
    headers: GZIP,
  });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return {
    requestsPerSecond: Math.round(result.requests.average),
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
  };
}

async function alternately(
  runs: readonly [() => Promise<Measured>, () => Promise<Measured>],
): Promise<[Measured, Measured]> {
  const first: Measured[] = [];
  const second: Measured[] = [];
  for (let round = 0; round < 2; round += 1) {
    first.push(await runs[0]());
    second.push(await runs[1]());
  }
  const best = (all: Measured[]) => all.reduce((a, b) => (b.requestsPerSecond > a.requestsPerSecond ? b : a));
  return [best(first), best(second)];
}

/** The answer must be the real one: `days` sessions, every one with its stored winner. */
async function checkedBody(url: string, days: number): Promise<{ body: string; gzipBytes: number }> {
  const response = await fetch(url);
  const body = await response.text();
  const json = JSON.parse(body) as { count: number; sessions: string[]; data: unknown[] };
  if (
    response.status !== 200 ||
    json.sessions.length !== days ||
    json.count !== days ||
    json.data.length !== days
  ) {
    throw new Error(
      `${url}: status ${response.status}, ${json.count} winners for ${json.sessions?.length} sessions`,
    );
  }
  return { body, gzipBytes: gzipSync(body).length };
}

function ratio(a: number, b: number): number {
  return Number((a / b).toFixed(2));
}

const dataDir = mkdtempSync(join(tmpdir(), 'bench-api-'));
const env = { STOCKS_DATA_DIR: dataDir, MASSIVE_API_KEY: '', NO_COLOR: '1', LOG_LEVEL: 'error' };
const staticFile = join(WEB_DIST, STATIC_NAME);
const bodyFile = join(dataDir, 'movers-7.json');
try {
  const backfill = await runCli(['backfill', '--from', FROM, '--to', AS_OF], env);
  if (backfill.code !== 0) throw new Error(`backfill failed: ${backfill.stderr}`);
  const serve = await startServe(['--no-sync'], env);
  const week = `${serve.url}/movers?days=7&asOf=${AS_OF}`;
  const year = `${serve.url}/movers?days=365&asOf=${AS_OF}`;
  let results;
  try {
    const seven = await checkedBody(week, 7);
    const yearly = await checkedBody(year, 365);
    writeFileSync(bodyFile, seven.body);
    mkdirSync(WEB_DIST, { recursive: true });
    writeFileSync(staticFile, seven.body);
    const inMemory = await startInMemoryServer(bodyFile);
    try {
      // Alternated, best of two each: a busy machine slows whichever runs in a bad moment, not one side.
      const [movers, baseline] = await alternately([() => measure(week), () => measure(inMemory.url)]);
      const staticFileRow = await measure(`${serve.url}/${STATIC_NAME}`);
      const movers365 = await measure(year);
      results = { seven, yearly, movers, baseline, staticFileRow, movers365 };
    } finally {
      inMemory.stop();
    }
  } finally {
    await serve.stop();
  }
  // The same request with the cache off: every request reads the embedded store.
  const uncachedServe = await startServe(['--no-sync'], { ...env, READ_CACHE_SECONDS: '0' });
  const uncached = await measure(`${uncachedServe.url}/movers?days=7&asOf=${AS_OF}`).finally(() =>
    uncachedServe.stop(),
  );
  const { seven, yearly, movers, baseline, staticFileRow, movers365 } = results;
  const ofBaseline = ratio(movers.requestsPerSecond, baseline.requestsPerSecond);
  const yearCostOfWeek = ratio(movers.requestsPerSecond, movers365.requestsPerSecond);
  console.log(
    JSON.stringify(
      {
        benchmark: 'api',
        storedSessions: tradingSessions(FROM, AS_OF).length,
        durationSeconds: DURATION_SECONDS,
        connections: CONNECTIONS,
        request: `GET /movers?days=7&asOf=${AS_OF}, Accept-Encoding: gzip; checked: 7 sessions, 7 winners`,
        responseBytes: Buffer.byteLength(seven.body),
        responseGzipBytes: seven.gzipBytes,
        movers,
        inMemoryStaticServer: {
          ...baseline,
          measuredAs: 'a separate node:http process answering the same body (gzip prepared once) from memory',
        },
        serveStaticFileHandler: {
          ...staticFileRow,
          measuredAs:
            "the old baseline: the same body as a file through serve's static handler (stat per request)",
        },
        moversDays365: {
          ...movers365,
          responseBytes: Buffer.byteLength(yearly.body),
          responseGzipBytes: yearly.gzipBytes,
        },
        moversWithoutCache: {
          ...uncached,
          measuredAs: 'READ_CACHE_SECONDS=0: every request reads the store',
        },
        ratioOfInMemoryStatic: ofBaseline,
        ratioOfStaticFileHandler: ratio(movers.requestsPerSecond, staticFileRow.requestsPerSecond),
        costOfCachedDays365OverDays7: yearCostOfWeek,
        targets: {
          'ratioOfInMemoryStatic >= 0.5': ofBaseline >= 0.5,
          'costOfCachedDays365OverDays7 <= 3': yearCostOfWeek <= 3,
        },
      },
      null,
      2,
    ),
  );
} finally {
  rmSync(staticFile, { force: true });
  rmSync(dataDir, { recursive: true, force: true });
}
