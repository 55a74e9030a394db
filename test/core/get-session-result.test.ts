import { describe, expect, it } from 'vitest';
import { InMemoryWinnerRepository } from '../../adapters/memory/in-memory-winner-repository.ts';
import { GetSessionResult, InvalidSessionDateError } from '../../core/index.ts';
import { aSessionResult } from '../support/session-result-builder.ts';

describe('GetSessionResult', () => {
  it('returns the stored result of a session, whole ranking included', async () => {
    const repository = new InMemoryWinnerRepository();
    const stored = aSessionResult().on('2025-07-03').build();
    await repository.save(stored);

    const result = await new GetSessionResult(repository).execute('2025-07-03');

    expect(result).toEqual(stored);
  });

  it('returns undefined for a session that is not stored', async () => {
    const result = await new GetSessionResult(new InMemoryWinnerRepository()).execute('2025-07-03');

    expect(result).toBeUndefined();
  });

  it('rejects an invalid date, naming it', async () => {
    const lookup = new GetSessionResult(new InMemoryWinnerRepository());

    await expect(lookup.execute('2025-7-3')).rejects.toThrow(InvalidSessionDateError);
    await expect(lookup.execute('2025-02-30')).rejects.toThrow('2025-02-30');
  });
});
