import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Clock } from '../../core/index.ts';

/** A finished API answer: what a hit sends without touching the store, the calendar or JSON again. */
export interface CachedAnswer {
  readonly body: string;
  readonly etag: string;
  /** The body gzipped, made on the first request that accepts gzip and kept with the answer. */
  gzipped(): Buffer;
}

export interface ResponseCacheOptions {
  readonly clock: Clock;
  /** How long an answer is served before the store is read again; 0 turns the cache off. */
  readonly ttlMs: number;
  /** The most the cached bodies, gzip copies and keys may hold, in bytes. */
  readonly maxBytes: number;
}

/** Map, key and timestamps of one entry, beyond its strings and buffers: a rough figure, on the high side. */
const ENTRY_OVERHEAD_BYTES = 256;

class Entry implements CachedAnswer {
  private gzip: Buffer | undefined;

  constructor(
    readonly key: string,
    readonly body: string,
    readonly etag: string,
    readonly expires: number,
    private readonly cache: ResponseCache,
  ) {}

  get bytes(): number {
    return ENTRY_OVERHEAD_BYTES + this.key.length + this.body.length + (this.gzip?.length ?? 0);
  }

  gzipped(): Buffer {
    if (this.gzip) return this.gzip;
    this.gzip = gzipSync(this.body);
    this.cache.grew(this, this.gzip.length);
    return this.gzip;
  }
}

/**
 * Finished API answers keyed by the normalized request (route plus validated, defaulted parameters),
 * least recently used first out, within a byte budget: distinct URLs from the internet cannot grow it.
 * Answers expire after `ttlMs` (writes by another process show within that time); `clear()` drops them
 * all at once, for writes made by this process. Concurrent misses of one key share one computation.
 */
export class ResponseCache {
  /** Insertion order is recency order: a hit moves its entry to the end. */
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<CachedAnswer>>();
  private totalBytes = 0;
  /** Bumped by every clear(): a computation that started before a write must not store its answer. */
  private generation = 0;

  constructor(private readonly options: ResponseCacheOptions) {}

  /** What the cache holds now: the figures the bound is about. */
  get size(): { readonly entries: number; readonly bytes: number } {
    return { entries: this.entries.size, bytes: this.totalBytes };
  }

  get maxBytes(): number {
    return this.options.maxBytes;
  }

  /** The unexpired answer for `key`, if the cache holds one; it becomes the most recently used. */
  lookup(key: string): CachedAnswer | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    this.entries.delete(key);
    if (hit.expires <= this.options.clock.now().getTime()) {
      this.totalBytes -= hit.bytes;
      return undefined;
    }
    this.entries.set(key, hit);
    return hit;
  }

  /** The cached answer for `key`, or the one `compute` makes (and the cache keeps, if it fits). */
  answer(key: string, compute: () => Promise<string>): Promise<CachedAnswer> {
    const hit = this.lookup(key);
    if (hit) return Promise.resolve(hit);
    const shared = this.pending.get(key);
    if (shared) return shared;
    const generation = this.generation;
    // Counted from before the read: an answer is never older than the time to live says.
    const expires = this.options.clock.now().getTime() + this.options.ttlMs;
    const computed = compute().then((body) => {
      const entry = new Entry(key, body, etagOf(body), expires, this);
      if (this.options.ttlMs > 0 && generation === this.generation) this.store(entry);
      return entry;
    });
    if (this.options.ttlMs > 0) {
      this.pending.set(key, computed);
      // Failures are not remembered: the next request tries the store again.
      const forget = () => this.pending.get(key) === computed && this.pending.delete(key);
      computed.then(forget, forget);
    }
    return computed;
  }

  /** Forgets every answer: called after this process writes to the store. */
  clear(): void {
    this.generation += 1;
    this.entries.clear();
    this.pending.clear();
    this.totalBytes = 0;
  }

  /** An entry's gzip copy was made: count it, and make room if that went over the budget. */
  grew(entry: Entry, bytes: number): void {
    if (this.entries.get(entry.key) !== entry) return;
    this.totalBytes += bytes;
    this.evict();
  }

  private store(entry: Entry): void {
    const previous = this.entries.get(entry.key);
    if (previous) this.remove(previous);
    if (entry.bytes > this.options.maxBytes) return;
    this.entries.set(entry.key, entry);
    this.totalBytes += entry.bytes;
    this.evict();
  }

  /** Drops expired entries at the old end, then the least recently used ones until the budget holds. */
  private evict(): void {
    const now = this.options.clock.now().getTime();
    for (const oldest of this.entries.values()) {
      if (this.totalBytes <= this.options.maxBytes && oldest.expires > now) return;
      this.remove(oldest);
    }
  }

  private remove(entry: Entry): void {
    this.entries.delete(entry.key);
    this.totalBytes -= entry.bytes;
  }
}

function etagOf(body: string): string {
  return `"${createHash('sha1').update(body).digest('base64url')}"`;
}
