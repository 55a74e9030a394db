import type { Clock, SaveOutcome, SessionResult, WinnerRepository, WinnerRows } from '../../core/index.ts';

/**
 * A read-through cache in front of another WinnerRepository. Results only change when a sync writes,
 * so reads are kept for `ttlMs` and every write through this instance clears them at once; a writer in
 * another process is seen within `ttlMs`. This is what lets the API answer at close to static speed.
 */
export class CachingWinnerRepository implements WinnerRepository {
  private readonly entries = new Map<string, { expires: number; value: Promise<unknown> }>();

  constructor(
    private readonly inner: WinnerRepository,
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  async save(result: SessionResult, options?: { overwrite?: boolean }): Promise<SaveOutcome> {
    try {
      return await this.inner.save(result, options);
    } finally {
      this.entries.clear();
    }
  }

  async saveMany(
    results: readonly SessionResult[],
    options?: { overwrite?: boolean },
  ): Promise<SaveOutcome[]> {
    try {
      return await this.inner.saveMany(results, options);
    } finally {
      this.entries.clear();
    }
  }

  get(date: string): Promise<SessionResult | undefined> {
    return this.cached(`get:${date}`, () => this.inner.get(date));
  }

  latestWinners(limit: number, onOrBefore?: string): Promise<WinnerRows> {
    return this.cached(`latestWinners:${limit}:${onOrBefore ?? ''}`, () =>
      this.inner.latestWinners(limit, onOrBefore),
    );
  }

  storedSessions(from: string, to: string): Promise<string[]> {
    return this.cached(`stored:${from}:${to}`, () => this.inner.storedSessions(from, to));
  }

  private async cached<T>(key: string, read: () => Promise<T>): Promise<T> {
    const now = this.clock.now().getTime();
    const hit = this.entries.get(key);
    if (hit && hit.expires > now) return structuredClone(await (hit.value as Promise<T>));
    const value = read();
    this.entries.set(key, { expires: now + this.ttlMs, value });
    // A failed read is not remembered: the next request tries the store again.
    value.catch(() => this.entries.get(key)?.value === value && this.entries.delete(key));
    return structuredClone(await value);
  }
}
