/**
 * `stocks-cli serve` against a hostile client, with seven years of simulated sessions stored:
 *
 * 1. memory: 1,200 distinct `GET /movers?days=365&asOf=...` (every one a cache miss), 8 at a time;
 *    the server's RSS growth, read from /proc, after them and at its peak. Goal: under 100 MB.
 * 2. load: 300 heavy requests (distinct `days=365` windows) sent at once, while /health is asked
 *    every 50 ms; /health's p99 latency. Goal: under 1 s. Also how the 300 were answered
 *    (200, or 503 with Retry-After beyond SERVE_MAX_IN_FLIGHT).
 *
 * Each answer is checked: every 200 carries 365 sessions, every /health a 200. Prints JSON.
 *
 *   npm run bench:hostile
 */
import { Agent, request } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addDays, toDayNumber, tradingSessions } from '../core/index.ts';
import { serveEnvironment } from '../test/support/browser.ts';
import { runCli, startServe } from '../test/support/cli-process.ts';

const FROM = '2019-01-01';
const TO = '2025-12-31';
const DAYS = 365;
const DISTINCT_REQUESTS = 1_200;
const MEMORY_CONCURRENCY = 8;
const HEAVY_IN_FLIGHT = 300;
const MEMORY_GOAL_MB = 100;
const HEALTH_P99_GOAL_MS = 1_000;
const HEALTH_INTERVAL_MS = 50;

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly retryAfter?: string;
  readonly ms: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: Infinity });

function get(url: string): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    request(url, { agent, headers: { 'accept-encoding': 'identity' } }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          body,
          retryAfter: response.headers['retry-after'],
          ms: performance.now() - started,
        }),
      );
    })
      .once('error', reject)
      .end();
  });
}

/** Resident and peak resident memory of a process, from the kernel. */
function memoryOf(pid: number): { rssMb: number; peakRssMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: round(kb('VmRSS') / 1024), peakRssMb: round(kb('VmHWM') / 1024) };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN);
}

/** A full window: 365 sessions, and every stored one in `data`. */
function assertFullWindow(answer: Answer, url: string): void {
  if (answer.status !== 200)
    throw new Error(`${url} answered ${answer.status}: ${answer.body.slice(0, 200)}`);
  const body = JSON.parse(answer.body) as { sessions: string[]; count: number };
  if (body.sessions.length !== DAYS || body.count !== DAYS) {
    throw new Error(
      `${url}: ${body.sessions.length} sessions, ${body.count} winners; expected ${DAYS} of each`,
    );
  }
}

const dataDir = mkdtempSync(join(tmpdir(), 'bench-hostile-'));
const env = { ...serveEnvironment(dataDir), LOG_LEVEL: 'error' };
try {
  const backfill = await runCli(['backfill', '--from', FROM, '--to', TO], env);
  if (backfill.code !== 0) throw new Error(`backfill failed: ${backfill.stderr}`);
  const stored = tradingSessions(FROM, TO);
  // Every calendar day whose 365-session window lies wholly inside what is stored: distinct URLs, as a
  // hostile client would send them (a weekend asOf is a URL of its own with its Friday's answer).
  const firstAsOf = stored[DAYS - 1] as string;
  const asOfs = Array.from({ length: toDayNumber(TO) - toDayNumber(firstAsOf) + 1 }, (_, index) =>
    addDays(TO, -index),
  );
  if (asOfs.length < DISTINCT_REQUESTS + HEAVY_IN_FLIGHT) throw new Error('not enough distinct windows');

  const serve = await startServe(['--no-sync'], env);
  const pid = serve.child.pid as number;
  try {
    const movers = (asOf: string) => `${serve.url}/movers?days=${DAYS}&asOf=${asOf}`;
    // Warm: code loaded, store open, one answer cached.
    assertFullWindow(await get(movers(TO)), movers(TO));
    const before = memoryOf(pid);

    const memoryAsOfs = asOfs.slice(0, DISTINCT_REQUESTS);
    const memoryStarted = performance.now();
    let halfway = before;
    for (let next = 0; next < memoryAsOfs.length; next += MEMORY_CONCURRENCY) {
      const batch = memoryAsOfs.slice(next, next + MEMORY_CONCURRENCY).map(movers);
      const answers = await Promise.all(batch.map(get));
      answers.forEach((answer, index) => assertFullWindow(answer, batch[index] as string));
      if (next + MEMORY_CONCURRENCY === memoryAsOfs.length / 2) halfway = memoryOf(pid);
    }
    const memorySeconds = round((performance.now() - memoryStarted) / 1000);
    const after = memoryOf(pid);

    const heavyAsOfs = asOfs.slice(DISTINCT_REQUESTS, DISTINCT_REQUESTS + HEAVY_IN_FLIGHT);
    const loadStarted = performance.now();
    let heavyDone = false;
    const heavy = Promise.all(heavyAsOfs.map((asOf) => get(movers(asOf)))).finally(() => (heavyDone = true));
    // A monitor's pace, whatever the answers take: slow answers cannot thin out their own sample.
    const healthAnswers: Promise<Answer>[] = [];
    while (!heavyDone) {
      healthAnswers.push(get(`${serve.url}/health`));
      await new Promise((resolve) => setTimeout(resolve, HEALTH_INTERVAL_MS));
    }
    const heavyAnswers = await heavy;
    const health = await Promise.all(healthAnswers);
    const loadSeconds = round((performance.now() - loadStarted) / 1000);
    heavyAnswers.forEach((answer, index) => {
      if (answer.status === 503 && answer.retryAfter) return;
      assertFullWindow(answer, movers(heavyAsOfs[index] as string));
    });
    const unhealthy = health.filter((answer) => answer.status !== 200);
    if (unhealthy.length > 0) throw new Error(`/health answered ${unhealthy[0]?.status} under load`);
    const healthMs = health.map((answer) => answer.ms);
    const growthMb = round(after.rssMb - before.rssMb);
    const peakGrowthMb = round(after.peakRssMb - before.rssMb);
    const healthP99Ms = percentile(healthMs, 99);

    console.log(
      JSON.stringify(
        {
          benchmark: 'hostile',
          server: 'stocks-cli serve --no-sync, embedded store, default settings',
          storedSessions: stored.length,
          storedRange: `${FROM} to ${TO}`,
          memory: {
            requests: `${DISTINCT_REQUESTS} distinct GET /movers?days=${DAYS}&asOf=..., ${MEMORY_CONCURRENCY} at a time, every one checked (365 sessions, 365 winners)`,
            seconds: memorySeconds,
            rssBeforeMb: before.rssMb,
            rssAfterHalfMb: halfway.rssMb,
            rssAfterMb: after.rssMb,
            peakRssMb: after.peakRssMb,
            rssGrowthMb: growthMb,
            peakRssGrowthMb: peakGrowthMb,
            goalMb: MEMORY_GOAL_MB,
            withinGoal: Math.max(growthMb, peakGrowthMb) < MEMORY_GOAL_MB,
          },
          load: {
            requests: `${HEAVY_IN_FLIGHT} distinct GET /movers?days=${DAYS}&asOf=... sent at once, /health asked every ${HEALTH_INTERVAL_MS} ms meanwhile`,
            seconds: loadSeconds,
            heavyAnswered200: heavyAnswers.filter((answer) => answer.status === 200).length,
            heavyShed503WithRetryAfter: heavyAnswers.filter((answer) => answer.status === 503).length,
            healthRequests: health.length,
            healthP50Ms: percentile(healthMs, 50),
            healthP99Ms,
            healthMaxMs: round(Math.max(...healthMs)),
            goalP99Ms: HEALTH_P99_GOAL_MS,
            withinGoal: healthP99Ms < HEALTH_P99_GOAL_MS,
          },
          before: {
            measuredAs: 'issue 10, on the main branch before this work (not re-measured here)',
            rssGrowthMb: 977,
            healthUnderLoad: '/health timed out for 65 s with 300 days=365 requests in flight',
          },
        },
        null,
        2,
      ),
    );
  } finally {
    agent.destroy();
    await serve.stop();
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
