import type {
  MarketBoard,
  MarketBoardRepository,
  MarketBoards,
  SaveOutcome,
  StoredTickerReference,
  TickerReferenceCache,
} from '../../core/index.ts';

/** A MarketBoardRepository in a Map: for tests and for runs that need no persistence. */
export class InMemoryMarketBoardRepository implements MarketBoardRepository {
  private readonly boards = new Map<string, MarketBoard>();

  async save(board: MarketBoard, options: { overwrite?: boolean } = {}): Promise<SaveOutcome> {
    if (this.boards.has(board.date) && !options.overwrite) return 'already-present';
    this.boards.set(board.date, structuredClone(board));
    return 'stored';
  }

  async get(date: string): Promise<MarketBoard | undefined> {
    const board = this.boards.get(date);
    return board && structuredClone(board);
  }

  async latest(limit: number, onOrBefore?: string): Promise<MarketBoards> {
    const boards = this.sortedDates()
      .filter((date) => onOrBefore === undefined || date <= onOrBefore)
      .reverse()
      .slice(0, Math.max(limit, 0))
      .map((date) => structuredClone(this.boards.get(date) as MarketBoard));
    return { boards, unreadable: [] };
  }

  async storedSessions(from: string, to: string): Promise<string[]> {
    return this.sortedDates().filter((date) => date >= from && date <= to);
  }

  private sortedDates(): string[] {
    return [...this.boards.keys()].sort();
  }
}

/** A TickerReferenceCache in memory: for tests and for runs that need no persistence. */
export class InMemoryTickerReferenceCache implements TickerReferenceCache {
  private stored: StoredTickerReference | undefined;

  async load(): Promise<StoredTickerReference | undefined> {
    return this.stored && structuredClone(this.stored);
  }

  async replace(reference: StoredTickerReference): Promise<void> {
    this.stored = structuredClone(reference);
  }
}
