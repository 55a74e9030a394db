import { describe, expect, it } from 'vitest';
import type { SaveOutcome, SessionResult, WinnerRepository } from '../../core/index.ts';
import { aSessionResult } from '../support/session-result-builder.ts';

/** Returns an empty repository; each call must be isolated from the others. */
export type WinnerRepositoryFactory = () => Promise<WinnerRepository>;

/** The behaviour every WinnerRepository adapter shares. Run it from each adapter's test file. */
export function testWinnerRepositoryContract(name: string, newRepository: WinnerRepositoryFactory): void {
  describe(`WinnerRepository contract: ${name}`, () => {
    it('stores a result and reads it back unchanged', async () => {
      const repository = await newRepository();
      const result = aSessionResult().on('2026-11-20').build();

      expect(await repository.save(result)).toBe('stored');

      expect(await repository.get('2026-11-20')).toEqual(result);
    });

    it('returns undefined for a session that is not stored', async () => {
      const repository = await newRepository();

      expect(await repository.get('2026-11-20')).toBeUndefined();
    });

    it('keeps the first result when a session is saved again without overwrite', async () => {
      const repository = await newRepository();
      const first = aSessionResult().on('2026-11-20').build();
      const second = aSessionResult()
        .on('2026-11-20')
        .withMoves([{ symbol: 'MSFT', open: 10, close: 11 }])
        .build();
      await repository.save(first);

      expect(await repository.save(second)).toBe('already-present');

      expect(await repository.get('2026-11-20')).toEqual(first);
    });

    it('replaces the whole result when saved with overwrite', async () => {
      const repository = await newRepository();
      await repository.save(aSessionResult().on('2026-11-20').build());
      const replacement = aSessionResult()
        .on('2026-11-20')
        .from('massive')
        .withMoves([{ symbol: 'MSFT', open: 10, close: 11 }])
        .build();

      expect(await repository.save(replacement, { overwrite: true })).toBe('stored');

      expect(await repository.get('2026-11-20')).toEqual(replacement);
    });

    it('lists the latest winners newest first, limited, and bounded by onOrBefore', async () => {
      const repository = await newRepository();
      const dates = ['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20'];
      for (const date of dates) await repository.save(aSessionResult().on(date).build());
      const datesOf = async (limit: number, onOrBefore?: string) =>
        (await repository.latestWinners(limit, onOrBefore)).rows.map((row) => row.date);

      expect(await datesOf(3)).toEqual(['2026-11-20', '2026-11-19', '2026-11-18']);
      expect(await datesOf(2, '2026-11-18')).toEqual(['2026-11-18', '2026-11-17']);
      expect(await datesOf(10)).toEqual([...dates].reverse());
      expect(await datesOf(5, '2026-11-01')).toEqual([]);
      expect(await repository.latestWinners(0)).toEqual({ rows: [], unreadable: [] });
    });

    it('lists each winner as stored, without its ranking', async () => {
      const repository = await newRepository();
      const result = aSessionResult().on('2026-11-20').from('massive').withSymbols(40).build();
      await repository.save(result);

      const { rows, unreadable } = await repository.latestWinners(1);

      expect(rows).toEqual([
        { date: '2026-11-20', winner: result.winner, basis: result.basis, source: result.source },
      ]);
      expect(unreadable).toEqual([]);
    });

    it('lists winners and stored sessions across more sessions than one page of full items holds', async () => {
      const repository = await newRepository();
      const wide = aSessionResult().withSymbols(50);
      const dates = consecutiveDays('2025-01-01', 120);
      await repository.saveMany(dates.map((date) => wide.on(date).build()));

      const { rows } = await repository.latestWinners(100, dates[109]);

      expect(rows.map((row) => row.date)).toEqual(dates.slice(10, 110).reverse());
      expect(await repository.storedSessions(dates[10]!, dates[109]!)).toEqual(dates.slice(10, 110));
      expect(await repository.countSessions()).toBe(120);
    });

    it('counts stored sessions: none when empty, a rewritten session once', async () => {
      const repository = await newRepository();
      expect(await repository.countSessions()).toBe(0);
      await repository.saveMany(
        ['2026-11-18', '2026-11-19'].map((date) => aSessionResult().on(date).build()),
      );
      await repository.save(aSessionResult().on('2026-11-19').build(), { overwrite: true });

      expect(await repository.countSessions()).toBe(2);
    });

    it('lists which sessions of a range are stored, ascending', async () => {
      const repository = await newRepository();
      for (const date of ['2026-11-20', '2026-11-16', '2026-11-18']) {
        await repository.save(aSessionResult().on(date).build());
      }

      expect(await repository.storedSessions('2026-11-16', '2026-11-19')).toEqual([
        '2026-11-16',
        '2026-11-18',
      ]);
      expect(await repository.storedSessions('2026-11-21', '2026-11-30')).toEqual([]);
    });

    it('leaves exactly one result when the same session is saved concurrently', async () => {
      const repository = await newRepository();
      const contenders = ['AAPL', 'MSFT', 'TSLA', 'NVDA'].map((symbol) =>
        aSessionResult()
          .on('2026-11-20')
          .withMoves([{ symbol, open: 100, close: 110 }])
          .build(),
      );

      const outcomes = await Promise.all(contenders.map((result) => repository.save(result)));

      expect(outcomes.filter((outcome) => outcome === 'stored')).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome === 'already-present')).toHaveLength(3);
      const winner = contenders[outcomes.indexOf('stored')];
      expect(await repository.get('2026-11-20')).toEqual(winner);
    });

    it('saves many sessions, answering in input order, and keeps what was stored before', async () => {
      const repository = await newRepository();
      const earlier = aSessionResult()
        .on('2026-11-18')
        .withMoves([{ symbol: 'MSFT', open: 10, close: 11 }])
        .build();
      await repository.save(earlier);
      const batch = ['2026-11-20', '2026-11-18', '2026-11-19'].map((date) =>
        aSessionResult().on(date).build(),
      );

      expect(await repository.saveMany(batch)).toEqual(['stored', 'already-present', 'stored']);

      expect(await repository.get('2026-11-18')).toEqual(earlier);
      expect(await repository.get('2026-11-20')).toEqual(batch[0]);
      expect(await repository.storedSessions('2026-11-01', '2026-11-30')).toEqual([
        '2026-11-18',
        '2026-11-19',
        '2026-11-20',
      ]);
      expect(await repository.saveMany([])).toEqual([]);
    });

    it('replaces stored sessions when saving many with overwrite', async () => {
      const repository = await newRepository();
      await repository.save(aSessionResult().on('2026-11-19').build());
      const replacements = ['2026-11-19', '2026-11-20'].map((date) =>
        aSessionResult()
          .on(date)
          .from('massive')
          .withMoves([{ symbol: 'MSFT', open: 10, close: 12 }])
          .build(),
      );

      expect(await repository.saveMany(replacements, { overwrite: true })).toEqual(['stored', 'stored']);

      expect(await repository.get('2026-11-19')).toEqual(replacements[0]);
      expect(await repository.get('2026-11-20')).toEqual(replacements[1]);
    });

    it('treats a session given twice in one saveMany as two saves in a row', async () => {
      const repository = await newRepository();
      const [first, second] = ['AAPL', 'MSFT'].map((symbol) =>
        aSessionResult()
          .on('2026-11-20')
          .withMoves([{ symbol, open: 100, close: 110 }])
          .build(),
      ) as [SessionResult, SessionResult];

      expect(await repository.saveMany([first, second])).toEqual(['stored', 'already-present']);
      expect(await repository.get('2026-11-20')).toEqual(first);

      expect(await repository.saveMany([first, second], { overwrite: true })).toEqual(['stored', 'stored']);
      expect(await repository.get('2026-11-20')).toEqual(second);
    });

    it('stores each session exactly once when two saveMany calls race over overlapping sessions', async () => {
      const repository = await newRepository();
      // 250 sessions: more than one request's worth on every store; 100 of them wanted by both writers.
      const dates = consecutiveDays('2025-01-01', 250);
      const versionOf = (symbol: string, date: string) =>
        aSessionResult()
          .on(date)
          .withMoves([{ symbol, open: 100, close: 110 }])
          .build();
      const first = dates.slice(0, 175).map((date) => versionOf('AAPL', date));
      const second = dates.slice(75).map((date) => versionOf('MSFT', date));

      const [firstOutcomes, secondOutcomes] = await Promise.all([
        repository.saveMany(first),
        repository.saveMany(second),
      ]);

      const storedBy = new Map<string, string[]>();
      const record = (results: SessionResult[], outcomes: SaveOutcome[], writer: string) =>
        results.forEach((result, index) => {
          if (outcomes[index] === 'stored')
            storedBy.set(result.date, [...(storedBy.get(result.date) ?? []), writer]);
        });
      record(first, firstOutcomes, 'AAPL');
      record(second, secondOutcomes, 'MSFT');
      expect([...storedBy.values()].filter((writers) => writers.length !== 1)).toEqual([]);
      expect(storedBy.size).toBe(250);
      expect(firstOutcomes.filter((outcome) => outcome === 'stored').length).toBeGreaterThanOrEqual(75);
      expect(secondOutcomes.filter((outcome) => outcome === 'stored').length).toBeGreaterThanOrEqual(75);
      expect(
        firstOutcomes.filter((outcome) => outcome === 'already-present').length +
          secondOutcomes.filter((outcome) => outcome === 'already-present').length,
      ).toBe(100);
      expect(await repository.storedSessions(dates[0]!, dates.at(-1)!)).toEqual(dates);
      const { rows } = await repository.latestWinners(250);
      expect(rows.map((row) => [row.date, row.winner.symbol]).sort()).toEqual(
        [...storedBy].map(([date, [writer]]) => [date, writer]).sort(),
      );
    });

    it('returns copies: changing a returned result does not change what is stored', async () => {
      const repository = await newRepository();
      await repository.save(aSessionResult().on('2026-11-20').build());
      const read = (await repository.get('2026-11-20')) as unknown as { ranking: unknown[] };

      read.ranking.length = 0;

      expect((await repository.get('2026-11-20'))?.ranking.length).toBeGreaterThan(0);
    });
  });
}

/** `count` consecutive calendar days from `first`: storage does not care whether they are sessions. */
function consecutiveDays(first: string, count: number): string[] {
  const start = Date.parse(`${first}T00:00:00Z`);
  return Array.from({ length: count }, (_, index) =>
    new Date(start + index * 86_400_000).toISOString().slice(0, 10),
  );
}
