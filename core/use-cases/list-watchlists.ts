import type { WinnerRepository } from '../ports/winner-repository.ts';
import type { Watchlist } from './sync-watchlists.ts';

/** One configured list and what is stored for it. */
export interface WatchlistOverview extends Watchlist {
  readonly sessionsStored: number;
  /** The newest stored session (readable or not), undefined when none is. */
  readonly latestSession: string | undefined;
  readonly isDefault: boolean;
}

/**
 * Every configured watchlist with its stored sessions, the default list first, then in configuration
 * order. Two reads per list: a COUNT and the newest winner row (lists are a bounded few from configuration).
 */
export class ListWatchlists {
  constructor(
    private readonly watchlists: readonly Watchlist[],
    private readonly defaultWatchlist: string,
    private readonly repositoryOf: (watchlist: string) => WinnerRepository,
  ) {}

  async execute(): Promise<WatchlistOverview[]> {
    const ordered = [
      ...this.watchlists.filter((list) => list.name === this.defaultWatchlist),
      ...this.watchlists.filter((list) => list.name !== this.defaultWatchlist),
    ];
    return Promise.all(
      ordered.map(async (list) => {
        const repository = this.repositoryOf(list.name);
        const [sessionsStored, latest] = await Promise.all([
          repository.countSessions(),
          repository.latestWinners(1),
        ]);
        const newest = [
          ...latest.rows.map((row) => row.date),
          ...latest.unreadable.map((entry) => entry.date),
        ];
        return {
          name: list.name,
          symbols: list.symbols,
          sessionsStored,
          latestSession: newest.sort().at(-1),
          isDefault: list.name === this.defaultWatchlist,
        };
      }),
    );
  }
}
