import type { WinnerRepository } from '../../core/index.ts';

/** Passes everything to `inner`, counting the reads that reach it (in `counter.reads`). */
export function readCounting(inner: WinnerRepository, counter: { reads: number }): WinnerRepository {
  return {
    save: (result, options) => inner.save(result, options),
    saveMany: (results, options) => inner.saveMany(results, options),
    get: (date) => (counter.reads++, inner.get(date)),
    latestWinners: (limit, onOrBefore) => (counter.reads++, inner.latestWinners(limit, onOrBefore)),
    storedSessions: (from, to) => (counter.reads++, inner.storedSessions(from, to)),
    countSessions: () => (counter.reads++, inner.countSessions()),
  };
}
