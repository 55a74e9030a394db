import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../adapters/clock/fixed-clock.ts';
import { ResponseCache } from '../../adapters/http/response-cache.ts';
import { InMemoryWinnerRepository } from '../../adapters/memory/in-memory-winner-repository.ts';
import { WriteNotifyingWinnerRepository } from '../../adapters/memory/write-notifying-winner-repository.ts';
import { testWinnerRepositoryContract } from '../contracts/winner-repository.contract.ts';
import { aSessionResult } from '../support/session-result-builder.ts';

const KB = 1024;

function aCache(options: { ttlMs?: number; maxBytes?: number } = {}) {
  const clock = new FixedClock('2026-11-23T12:00:00Z');
  const cache = new ResponseCache({
    clock,
    ttlMs: options.ttlMs ?? 5_000,
    maxBytes: options.maxBytes ?? 64 * KB,
  });
  let computed = 0;
  const compute = (body: string) => async () => {
    computed += 1;
    return body;
  };
  return { clock, cache, compute, computed: () => computed };
}

describe('ResponseCache', () => {
  it('answers a repeated key from memory until the time to live passes', async () => {
    const { clock, cache, compute, computed } = aCache();

    const first = await cache.answer('a', compute('{"a":1}'));
    clock.advance(4_999);
    const again = await cache.answer('a', compute('{"a":2}'));

    expect(again).toBe(first);
    expect(again.body).toBe('{"a":1}');
    expect(first.etag).toMatch(/^"[\w-]+"$/);
    expect(computed()).toBe(1);
    clock.advance(1);
    expect(cache.lookup('a')).toBeUndefined();
    expect((await cache.answer('a', compute('{"a":2}'))).body).toBe('{"a":2}');
    expect(computed()).toBe(2);
  });

  it('keeps the byte budget whatever the number of distinct keys, dropping the least recently used', async () => {
    const { cache, compute } = aCache({ maxBytes: 64 * KB });
    const body = 'x'.repeat(KB);

    await cache.answer('kept', compute(body));
    for (let index = 0; index < 5_000; index += 1) {
      await cache.answer(`key-${index}`, compute(body));
      if (index % 10 === 0) cache.lookup('kept');
      expect(cache.size.bytes).toBeLessThanOrEqual(64 * KB);
    }

    expect(cache.size.entries).toBeGreaterThan(30);
    expect(cache.size.entries).toBeLessThan(64);
    expect(cache.lookup('kept')).toBeDefined();
    expect(cache.lookup('key-0')).toBeUndefined();
    expect(cache.lookup('key-4999')).toBeDefined();
  });

  it('counts the gzip copy against the budget, and makes it once', async () => {
    const { cache, compute } = aCache();
    const body = JSON.stringify({ data: Array.from({ length: 200 }, (_, index) => ({ index })) });
    const answer = await cache.answer('a', compute(body));
    const before = cache.size.bytes;

    const gzip = answer.gzipped();

    expect(answer.gzipped()).toBe(gzip);
    expect(gunzipSync(gzip).toString()).toBe(body);
    expect(cache.size.bytes).toBe(before + gzip.length);
  });

  it('does not keep an answer bigger than the whole budget', async () => {
    const { cache, compute } = aCache({ maxBytes: KB });

    const answer = await cache.answer('big', compute('x'.repeat(2 * KB)));

    expect(answer.body).toHaveLength(2 * KB);
    expect(cache.size).toEqual({ entries: 0, bytes: 0 });
  });

  it('shares one computation between concurrent misses of a key', async () => {
    const { cache, compute, computed } = aCache();

    const answers = await Promise.all([1, 2, 3].map(() => cache.answer('a', compute('{}'))));

    expect(computed()).toBe(1);
    expect(new Set(answers).size).toBe(1);
  });

  it('does not remember a failure', async () => {
    const { cache, compute, computed } = aCache();

    await expect(
      cache.answer('a', async () => {
        throw new Error('store unavailable');
      }),
    ).rejects.toThrow('store unavailable');

    expect((await cache.answer('a', compute('{}'))).body).toBe('{}');
    expect(computed()).toBe(1);
  });

  it('forgets everything on clear, and never stores an answer read before the clear', async () => {
    const { cache, compute } = aCache();
    await cache.answer('a', compute('old'));
    let finishRead: (body: string) => void = () => {};
    const slowRead = cache.answer('b', () => new Promise<string>((resolve) => (finishRead = resolve)));

    cache.clear();
    finishRead('read before the write');
    await slowRead;

    expect(cache.size).toEqual({ entries: 0, bytes: 0 });
    expect((await cache.answer('a', compute('new'))).body).toBe('new');
  });

  it('with a time to live of 0 computes every answer and keeps none', async () => {
    const { cache, compute, computed } = aCache({ ttlMs: 0 });

    await cache.answer('a', compute('{}'));
    await cache.answer('a', compute('{}'));

    expect(computed()).toBe(2);
    expect(cache.size.entries).toBe(0);
  });
});

testWinnerRepositoryContract(
  'write-notifying decorator over in-memory',
  async () => new WriteNotifyingWinnerRepository(new InMemoryWinnerRepository(), () => {}),
);

describe('WriteNotifyingWinnerRepository', () => {
  it('notifies after each write, stored or not, and never on reads', async () => {
    let writes = 0;
    const repository = new WriteNotifyingWinnerRepository(
      new InMemoryWinnerRepository(),
      () => (writes += 1),
    );

    await repository.save(aSessionResult().on('2026-11-20').build());
    await repository.saveMany([
      aSessionResult().on('2026-11-19').build(),
      aSessionResult().on('2026-11-20').build(),
    ]);
    await repository.latestWinners(7);
    await repository.get('2026-11-20');

    expect(writes).toBe(2);
  });
});
