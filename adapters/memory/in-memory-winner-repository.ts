import type { SaveOutcome, SessionResult, WinnerRepository, WinnerRows } from '../../core/index.ts';

/** A WinnerRepository in a Map: for tests and for runs that need no persistence. */
export class InMemoryWinnerRepository implements WinnerRepository {
  private readonly results = new Map<string, SessionResult>();

  async save(result: SessionResult, options: { overwrite?: boolean } = {}): Promise<SaveOutcome> {
    if (this.results.has(result.date) && !options.overwrite) return 'already-present';
    this.results.set(result.date, structuredClone(result));
    return 'stored';
  }

  async saveMany(
    results: readonly SessionResult[],
    options: { overwrite?: boolean } = {},
  ): Promise<SaveOutcome[]> {
    const outcomes: SaveOutcome[] = [];
    for (const result of results) outcomes.push(await this.save(result, options));
    return outcomes;
  }

  async get(date: string): Promise<SessionResult | undefined> {
    const result = this.results.get(date);
    return result && structuredClone(result);
  }

  async latestWinners(limit: number, onOrBefore?: string): Promise<WinnerRows> {
    const rows = this.sortedDates()
      .filter((date) => onOrBefore === undefined || date <= onOrBefore)
      .reverse()
      .slice(0, Math.max(limit, 0))
      .map((date) => {
        const { winner, basis, source } = this.results.get(date) as SessionResult;
        return { date, winner: structuredClone(winner), basis, source };
      });
    return { rows, unreadable: [] };
  }

  async storedSessions(from: string, to: string): Promise<string[]> {
    return this.sortedDates().filter((date) => date >= from && date <= to);
  }

  async countSessions(): Promise<number> {
    return this.results.size;
  }

  private sortedDates(): string[] {
    return [...this.results.keys()].sort();
  }
}
