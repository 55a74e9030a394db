import type { MarketBoard, MarketBoardRepository, MarketBoards, SaveOutcome } from '../../core/index.ts';

/**
 * Passes everything through to another MarketBoardRepository and calls `onWrite` once each save has
 * finished (or failed), as WriteNotifyingWinnerRepository does for the watchlists: a market sync inside
 * `serve` drops the API's cached answers at once.
 */
export class WriteNotifyingMarketBoardRepository implements MarketBoardRepository {
  constructor(
    private readonly inner: MarketBoardRepository,
    private readonly onWrite: () => void,
  ) {}

  async save(board: MarketBoard, options?: { overwrite?: boolean }): Promise<SaveOutcome> {
    try {
      return await this.inner.save(board, options);
    } finally {
      this.onWrite();
    }
  }

  get(date: string): Promise<MarketBoard | undefined> {
    return this.inner.get(date);
  }

  latest(limit: number, onOrBefore?: string): Promise<MarketBoards> {
    return this.inner.latest(limit, onOrBefore);
  }

  storedSessions(from: string, to: string): Promise<string[]> {
    return this.inner.storedSessions(from, to);
  }
}
