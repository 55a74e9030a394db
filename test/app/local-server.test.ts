import 'reflect-metadata';
import { request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { FixedClock } from '../../adapters/clock/fixed-clock.ts';
import { createContainer } from '../../adapters/composition/container.ts';
import { TOKENS } from '../../adapters/composition/tokens.ts';
import { loadConfig } from '../../adapters/config/app-config.ts';
import type { HttpError } from '../../adapters/http/http-errors.ts';
import { createLocalServer } from '../../adapters/http/local-server.ts';
import { WorkQueue } from '../../adapters/http/work-queue.ts';
import { InMemoryWinnerRepository } from '../../adapters/memory/in-memory-winner-repository.ts';
import { silentLogger } from '../../adapters/observability/app-logger.ts';
import { lastSessions, type WinnerRepository } from '../../core/index.ts';
import { aSessionResult } from '../support/session-result-builder.ts';

// Monday 2026-11-23 09:00 ET: the latest completed session is Friday 2026-11-20.
const NOW = '2026-11-23T14:00:00.000Z';

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

let server: Server | undefined;
let staticDir: string | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  if (server) await new Promise((resolve) => server?.close(resolve));
  if (staticDir) rmSync(staticDir, { recursive: true, force: true });
  server = undefined;
  staticDir = undefined;
});

/** A store whose window reads (limit > 1) wait until released; /health's probe (limit 1) does not. */
function blockingStore(inner: WinnerRepository) {
  const waiting: (() => void)[] = [];
  let started = 0;
  const store: WinnerRepository = {
    save: (result, options) => inner.save(result, options),
    saveMany: (results, options) => inner.saveMany(results, options),
    get: (date) => inner.get(date),
    storedSessions: (from, to) => inner.storedSessions(from, to),
    countSessions: () => inner.countSessions(),
    latestWinners: async (limit, onOrBefore) => {
      if (limit > 1) {
        started += 1;
        await new Promise<void>((resolve) => waiting.push(resolve));
      }
      return inner.latestWinners(limit, onOrBefore);
    },
  };
  return {
    store,
    started: () => started,
    releaseAll: () => waiting.splice(0).forEach((resolve) => resolve()),
  };
}

async function startServer(
  options: { store?: WinnerRepository; maxInFlight?: number; sessions?: number } = {},
): Promise<string> {
  const inner = new InMemoryWinnerRepository();
  for (const date of lastSessions(options.sessions ?? 30, '2026-11-20')) {
    await inner.save(aSessionResult().on(date).build());
  }
  const container = createContainer(loadConfig({}), {
    clock: new FixedClock(NOW),
    winnerRepository: options.store ?? inner,
  });
  staticDir = mkdtempSync(join(tmpdir(), 'local-server-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>board</title>');
  server = createLocalServer({
    api: container.get(TOKENS.moversApi),
    staticDir,
    logger: silentLogger,
    maxInFlight: options.maxInFlight ?? 64,
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** node:http rather than fetch: it sends a path exactly as given and lets a test hang up mid-request. */
function send(
  base: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      `${base}${path}`,
      { method: options.method ?? 'GET', headers: options.headers, signal: options.signal, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks),
          }),
        );
      },
    );
    request.once('error', reject);
    request.end();
  });
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('stocks-cli serve: the local server', () => {
  it.each([
    'constructor',
    '__proto__',
    'toString',
    'hasOwnProperty',
    'valueOf',
    'Host:%20evil',
    'a%0D%0ASet-Cookie:%20x=1',
    'X-Forwarded-For',
    '%00',
  ])('answers the unknown-parameter 400 to the query key %s, never a 500', async (key) => {
    const base = await startServer();

    const answer = await send(base, `/movers?${key}=7`);

    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body.toString()).error.code).toBe('INVALID_PARAMETER');
    expect((await send(base, `/movers?days=7&${key}=1&${key}=2`)).status).toBe(400);
  });

  it('gzips for a client that accepts it, and tells a HEAD the Content-Length its GET gets', async () => {
    const base = await startServer();

    for (const encoding of ['gzip, deflate', 'identity']) {
      const headers = { 'Accept-Encoding': encoding };
      const got = await send(base, '/movers?days=30', { headers });
      const head = await send(base, '/movers?days=30', { method: 'HEAD', headers });

      expect(got.status).toBe(200);
      expect(head.status).toBe(200);
      expect(head.body).toHaveLength(0);
      expect(head.headers['content-length']).toBe(String(got.body.length));
      expect(head.headers['content-encoding']).toBe(got.headers['content-encoding']);
      const json = encoding === 'identity' ? got.body : gunzipSync(got.body);
      expect(JSON.parse(json.toString()).count).toBe(30);
    }
  });

  it('keeps /health out of every cache', async () => {
    const base = await startServer();

    const health = await send(base, '/health');

    expect(health.status).toBe(200);
    expect(health.headers['cache-control']).toBe('no-store');
  });

  it('sheds what is over its cap with 503 and Retry-After, while /health still answers', async () => {
    const blocking = blockingStore(new InMemoryWinnerRepository());
    const base = await startServer({ store: blocking.store, maxInFlight: 2 });
    const held = [send(base, '/movers?days=2'), send(base, '/movers?days=3')];
    await until(() => blocking.started() === 2);

    const shed = await send(base, '/movers?days=4');
    const health = await send(base, '/health');

    expect(shed.status).toBe(503);
    expect(shed.headers['retry-after']).toBe('1');
    expect(JSON.parse(shed.body.toString()).error.code).toBe('OVERLOADED');
    expect(health.status).toBe(200);
    blocking.releaseAll();
    expect((await Promise.all(held)).map((answer) => answer.status)).toEqual([200, 200]);
    const after = send(base, '/movers?days=4');
    await until(() => blocking.started() === 3);
    blocking.releaseAll();
    expect((await after).status).toBe(200);
  });

  it('never starts the store read of a client that hung up while waiting for its turn', async () => {
    const blocking = blockingStore(new InMemoryWinnerRepository());
    const base = await startServer({ store: blocking.store, maxInFlight: 64 });
    // Two store reads at a time: these take every turn.
    const running = [2, 3].map((days) => send(base, `/movers?days=${days}`));
    await until(() => blocking.started() === 2);
    const hangUp = new AbortController();
    const departed = send(base, '/movers?days=30', { signal: hangUp.signal }).catch(() => 'hung up');
    const waiting = send(base, '/movers?days=31');
    await new Promise((resolve) => setTimeout(resolve, 50));

    hangUp.abort();
    expect(await departed).toBe('hung up');
    // One turn of the event loop for the server to read the hang-up off its socket.
    await new Promise((resolve) => setTimeout(resolve, 50));
    blocking.releaseAll();
    await Promise.all(running);
    await until(() => blocking.started() === 3);
    blocking.releaseAll();

    expect((await waiting).status).toBe(200);
    expect(blocking.started()).toBe(3);
  });
});

describe('WorkQueue', () => {
  it('runs at most its concurrency at once, in arrival order, and drops work whose client left', async () => {
    const queue = new WorkQueue(2);
    const started: string[] = [];
    const finishers: (() => void)[] = [];
    const job = (name: string) => () => {
      started.push(name);
      return new Promise<string>((resolve) => finishers.push(() => resolve(name)));
    };
    const left = new AbortController();
    const stays = new AbortController().signal;

    const runs = [
      queue.run(job('a'), stays),
      queue.run(job('b'), stays),
      queue.run(job('c'), left.signal).catch((error: HttpError) => error.status),
      queue.run(job('d'), stays),
    ];
    expect(queue.size).toEqual({ running: 2, waiting: 2 });
    left.abort();
    expect(await runs[2]).toBe(499);
    expect(queue.size).toEqual({ running: 2, waiting: 1 });

    finishers.shift()?.();
    await runs[0];
    expect(started).toEqual(['a', 'b', 'd']);
    finishers.splice(0).forEach((finish) => finish());

    expect(await Promise.all([runs[0], runs[1], runs[3]])).toEqual(['a', 'b', 'd']);
    expect(started).toEqual(['a', 'b', 'd']);
    expect(queue.size).toEqual({ running: 0, waiting: 0 });
  });
});
