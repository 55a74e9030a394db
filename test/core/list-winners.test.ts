import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../adapters/clock/fixed-clock.ts';
import { InMemoryWinnerRepository } from '../../adapters/memory/in-memory-winner-repository.ts';
import type { WinnerRows } from '../../core/index.ts';
import { InvalidRangeError, InvalidSessionDateError, ListWinners } from '../../core/index.ts';
import { aSessionResult } from '../support/session-result-builder.ts';

/** Tuesday 2025-07-08, 18:00 EDT: two hours after the close. */
const AFTER_CLOSE = '2025-07-08T22:00:00.000Z';

async function repositoryHolding(dates: readonly string[]): Promise<InMemoryWinnerRepository> {
  const repository = new InMemoryWinnerRepository();
  for (const date of dates) await repository.save(aSessionResult().on(date).build());
  return repository;
}

function newList(
  repository: InMemoryWinnerRepository,
  now = AFTER_CLOSE,
  publishDelayMinutes = 0,
): ListWinners {
  return new ListWinners(repository, new FixedClock(now), publishDelayMinutes);
}

const datesOf = (results: readonly { date: string }[]): string[] => results.map((result) => result.date);

describe('ListWinners', () => {
  it('lists the last N sessions newest first: the stored results and the sessions without one', async () => {
    const repository = await repositoryHolding(['2025-07-01', '2025-07-03', '2025-07-08']);

    const list = await newList(repository).execute({ days: 5 });

    expect(list.asOf).toBe('2025-07-08');
    expect(list.sessions).toEqual(['2025-07-08', '2025-07-07', '2025-07-03', '2025-07-02', '2025-07-01']);
    expect(datesOf(list.results)).toEqual(['2025-07-08', '2025-07-03', '2025-07-01']);
    expect(list.missing).toEqual(['2025-07-07', '2025-07-02']);
  });

  it('returns each stored winner without the ranking', async () => {
    const repository = await repositoryHolding(['2025-07-08']);

    const list = await newList(repository).execute({ days: 1 });

    const stored = (await repository.get('2025-07-08'))!;
    expect(list.results).toEqual([
      { date: stored.date, winner: stored.winner, basis: stored.basis, source: stored.source },
    ]);
    expect(list.results[0]).not.toHaveProperty('ranking');
  });

  it('counts trading sessions, not calendar days, across a holiday weekend', async () => {
    const repository = await repositoryHolding(['2025-07-03', '2025-07-07']);

    const list = await newList(repository).execute({ days: 3 });

    expect(list.sessions).toEqual(['2025-07-08', '2025-07-07', '2025-07-03']);
    expect(datesOf(list.results)).toEqual(['2025-07-07', '2025-07-03']);
  });

  it('does not return a stored result older than the window', async () => {
    const repository = await repositoryHolding(['2025-06-27', '2025-06-30', '2025-07-01']);

    const list = await newList(repository).execute({ days: 3 });

    expect(list.results).toEqual([]);
    expect(list.missing).toEqual(['2025-07-08', '2025-07-07', '2025-07-03']);
  });

  it('does not return a stored result newer than asOf', async () => {
    const repository = await repositoryHolding(['2025-07-01', '2025-07-02', '2025-07-03', '2025-07-08']);

    const list = await newList(repository).execute({ days: 2, asOf: '2025-07-02' });

    expect(datesOf(list.results)).toEqual(['2025-07-02', '2025-07-01']);
  });

  it('pages back in time with asOf, without overlap or gap', async () => {
    const stored = ['2025-06-26', '2025-06-27', '2025-06-30', '2025-07-01', '2025-07-02', '2025-07-03'];
    const repository = await repositoryHolding(stored);
    const list = newList(repository);

    const first = await list.execute({ days: 3, asOf: '2025-07-03' });
    const second = await list.execute({ days: 3, asOf: '2025-06-30' });

    expect(first.sessions).toEqual(['2025-07-03', '2025-07-02', '2025-07-01']);
    expect(second.sessions).toEqual(['2025-06-30', '2025-06-27', '2025-06-26']);
    expect(datesOf([...first.results, ...second.results])).toEqual([...stored].reverse());
  });

  it('starts from the session before asOf when asOf is a weekend or a holiday', async () => {
    const repository = await repositoryHolding(['2025-07-03']);

    const list = await newList(repository).execute({ days: 2, asOf: '2025-07-05' });

    expect(list.asOf).toBe('2025-07-03');
    expect(list.sessions).toEqual(['2025-07-03', '2025-07-02']);
  });

  it('ends at the latest completed session: before today’s close, that is the previous one', async () => {
    const repository = await repositoryHolding(['2025-07-07', '2025-07-08']);

    const list = await newList(repository, '2025-07-08T19:00:00Z').execute({ days: 1 });

    expect(list.asOf).toBe('2025-07-07');
    expect(datesOf(list.results)).toEqual(['2025-07-07']);
  });

  it('waits for the publish delay before counting a session as completed', async () => {
    const repository = await repositoryHolding([]);

    const during = await newList(repository, '2025-07-08T20:29:00Z', 30).execute({ days: 1 });
    const after = await newList(repository, '2025-07-08T20:30:00Z', 30).execute({ days: 1 });

    expect(during.asOf).toBe('2025-07-07');
    expect(after.asOf).toBe('2025-07-08');
  });

  it('ends at Thursday’s session on a Saturday after a Friday holiday', async () => {
    const list = await newList(await repositoryHolding([]), '2025-07-05T15:00:00Z').execute({ days: 1 });

    expect(list.asOf).toBe('2025-07-03');
  });

  it.each([1, 365])('accepts days = %i', async (days) => {
    const list = await newList(await repositoryHolding([])).execute({ days });

    expect(list.sessions).toHaveLength(days);
    expect(list.missing).toHaveLength(days);
  });

  it.each([0, 366, 1.5, -1, Number.NaN, Number.POSITIVE_INFINITY])('rejects days = %s', async (days) => {
    await expect(newList(await repositoryHolding([])).execute({ days })).rejects.toThrow(InvalidRangeError);
  });

  it.each([
    ['a session after the latest completed one', '2025-07-09'],
    ['today, before its close', '2025-07-08'],
  ])('rejects asOf on %s', async (_, asOf) => {
    const list = newList(await repositoryHolding([]), '2025-07-08T15:00:00Z');

    await expect(list.execute({ days: 1, asOf })).rejects.toThrow(InvalidRangeError);
  });

  it('rejects an invalid asOf, naming it', async () => {
    const list = newList(await repositoryHolding([]));

    await expect(list.execute({ days: 1, asOf: '2025-7-8' })).rejects.toThrow(InvalidSessionDateError);
    await expect(list.execute({ days: 1, asOf: '2025-02-30' })).rejects.toThrow('2025-02-30');
  });

  it('lists an unreadable stored session as missing, with its reason, and keeps the rest of the window', async () => {
    /** Two stored sessions, and two damaged ones: one inside the window, one older. */
    class DamagedRepository extends InMemoryWinnerRepository {
      override async latestWinners(limit: number, onOrBefore?: string): Promise<WinnerRows> {
        const { rows } = await super.latestWinners(limit, onOrBefore);
        const unreadable = [
          { date: '2025-07-07', reason: 'winner: Invalid input' },
          { date: '2025-06-27', reason: 'older than the window' },
        ];
        return { rows, unreadable };
      }
    }
    const damaged = new DamagedRepository();
    for (const date of ['2025-07-03', '2025-07-08']) await damaged.save(aSessionResult().on(date).build());

    const list = await new ListWinners(damaged, new FixedClock(AFTER_CLOSE), 0).execute({ days: 3 });

    expect(datesOf(list.results)).toEqual(['2025-07-08', '2025-07-03']);
    expect(list.missing).toEqual(['2025-07-07']);
    expect(list.unreadable).toEqual([{ date: '2025-07-07', reason: 'winner: Invalid input' }]);
  });
});
