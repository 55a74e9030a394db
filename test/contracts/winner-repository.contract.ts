import { describe, expect, it } from 'vitest';
import type { WinnerRepository } from '../../core/index.ts';
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

    it('lists the latest results newest first, limited, and bounded by onOrBefore', async () => {
      const repository = await newRepository();
      const dates = ['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20'];
      for (const date of dates) await repository.save(aSessionResult().on(date).build());

      expect((await repository.latest(3)).map((result) => result.date)).toEqual([
        '2026-11-20',
        '2026-11-19',
        '2026-11-18',
      ]);
      expect((await repository.latest(2, '2026-11-18')).map((result) => result.date)).toEqual([
        '2026-11-18',
        '2026-11-17',
      ]);
      expect((await repository.latest(10)).map((result) => result.date)).toEqual([...dates].reverse());
      expect(await repository.latest(5, '2026-11-01')).toEqual([]);
    });

    it('reads an inclusive range ascending, across more items than one page holds', async () => {
      const repository = await newRepository();
      const wide = aSessionResult().withSymbols(50);
      const dates = Array.from({ length: 120 }, (_, index) =>
        isoDay(Date.UTC(2025, 0, 1) + index * 86_400_000),
      );
      for (const date of dates) await repository.save(wide.on(date).build());

      const range = await repository.range(dates[10] as string, dates[109] as string);

      expect(range.map((result) => result.date)).toEqual(dates.slice(10, 110));
      expect(range[0]?.ranking).toHaveLength(50);
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

    it('returns copies: changing a returned result does not change what is stored', async () => {
      const repository = await newRepository();
      await repository.save(aSessionResult().on('2026-11-20').build());
      const read = (await repository.get('2026-11-20')) as unknown as { ranking: unknown[] };

      read.ranking.length = 0;

      expect((await repository.get('2026-11-20'))?.ranking.length).toBeGreaterThan(0);
    });
  });
}

function isoDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}
