import { describe, expect, it } from 'vitest';
import { ListWatchlists } from '../../core/index.ts';
import { aSessionResult } from '../support/session-result-builder.ts';
import { watchlistRepositories } from '../support/watchlist-repositories.ts';

describe('ListWatchlists', () => {
  it('lists the default first, then configuration order, each with its own stored sessions', async () => {
    const repositoryOf = watchlistRepositories();
    await repositoryOf('ev').saveMany(
      ['2026-11-18', '2026-11-20'].map((date) => aSessionResult().on(date).build()),
    );
    await repositoryOf('default').save(aSessionResult().on('2026-11-19').build());
    const lists = new ListWatchlists(
      [
        { name: 'ev', symbols: ['TSLA', 'RIVN'] },
        { name: 'mine', symbols: ['AAPL'] },
        { name: 'default', symbols: ['AAPL', 'MSFT'] },
      ],
      'default',
      repositoryOf,
    );

    expect(await lists.execute()).toEqual([
      {
        name: 'default',
        symbols: ['AAPL', 'MSFT'],
        sessionsStored: 1,
        latestSession: '2026-11-19',
        isDefault: true,
      },
      {
        name: 'ev',
        symbols: ['TSLA', 'RIVN'],
        sessionsStored: 2,
        latestSession: '2026-11-20',
        isDefault: false,
      },
      { name: 'mine', symbols: ['AAPL'], sessionsStored: 0, latestSession: undefined, isDefault: false },
    ]);
  });

  it('counts a newest session that cannot be read as the latest', async () => {
    const repositoryOf = watchlistRepositories();
    const store = repositoryOf('default');
    await store.save(aSessionResult().on('2026-11-19').build());
    const damaged = Object.assign(Object.create(store) as typeof store, {
      latestWinners: async () => ({
        rows: (await store.latestWinners(1)).rows,
        unreadable: [{ date: '2026-11-20', reason: 'damaged' }],
      }),
    });

    const [list] = await new ListWatchlists(
      [{ name: 'default', symbols: ['AAPL'] }],
      'default',
      () => damaged,
    ).execute();

    expect(list?.latestSession).toBe('2026-11-20');
  });
});
