import { InMemoryWinnerRepository } from '../../adapters/memory/in-memory-winner-repository.ts';

/** One in-memory repository per watchlist name, made on first use: the partitions of a multi-list run. */
export function watchlistRepositories(): (watchlist: string) => InMemoryWinnerRepository {
  const repositories = new Map<string, InMemoryWinnerRepository>();
  return (watchlist) => {
    const repository = repositories.get(watchlist) ?? new InMemoryWinnerRepository();
    repositories.set(watchlist, repository);
    return repository;
  };
}
