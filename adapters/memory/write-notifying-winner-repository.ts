import type { SaveOutcome, SessionResult, WinnerRepository, WinnerRows } from '../../core/index.ts';

/**
 * Passes everything through to another WinnerRepository and calls `onWrite` once each write through
 * it has finished (or failed: part of a batch may be stored). The composition root uses it to drop
 * the API's cached answers the moment a sync in this process stores something.
 */
export class WriteNotifyingWinnerRepository implements WinnerRepository {
  constructor(
    private readonly inner: WinnerRepository,
    private readonly onWrite: () => void,
  ) {}

  async save(result: SessionResult, options?: { overwrite?: boolean }): Promise<SaveOutcome> {
    try {
      return await this.inner.save(result, options);
    } finally {
      this.onWrite();
    }
  }

  async saveMany(
    results: readonly SessionResult[],
    options?: { overwrite?: boolean },
  ): Promise<SaveOutcome[]> {
    try {
      return await this.inner.saveMany(results, options);
    } finally {
      this.onWrite();
    }
  }

  get(date: string): Promise<SessionResult | undefined> {
    return this.inner.get(date);
  }

  latestWinners(limit: number, onOrBefore?: string): Promise<WinnerRows> {
    return this.inner.latestWinners(limit, onOrBefore);
  }

  storedSessions(from: string, to: string): Promise<string[]> {
    return this.inner.storedSessions(from, to);
  }

  countSessions(): Promise<number> {
    return this.inner.countSessions();
  }
}
