import { lastSessions, latestCompletedSession } from '../calendar.ts';
import { InvalidRangeError } from '../errors.ts';
import type { SessionResult } from '../movers.ts';
import type { Clock } from '../ports/clock.ts';
import type { WinnerRepository } from '../ports/winner-repository.ts';
import { assertNotAfterLatest } from './session-window.ts';

export const MAX_LIST_DAYS = 365;

export interface ListWinnersRequest {
  readonly days: number;
  /** Default: the latest completed session. */
  readonly asOf?: string;
}

export interface WinnersList {
  /** The newest session of the window. */
  readonly asOf: string;
  /** Every session of the window, newest first. */
  readonly sessions: readonly string[];
  /** Stored results of the window, newest first. */
  readonly results: readonly SessionResult[];
  /** Sessions of the window with no stored result, newest first. */
  readonly missing: readonly string[];
}

/** The last N sessions as of the clock (or `asOf`): what is stored, and what is not. One repository read. */
export class ListWinners {
  constructor(
    private readonly repository: WinnerRepository,
    private readonly clock: Clock,
    private readonly publishDelayMinutes: number,
  ) {}

  async execute(request: ListWinnersRequest): Promise<WinnersList> {
    const { days } = request;
    if (!Number.isInteger(days) || days < 1 || days > MAX_LIST_DAYS) {
      throw new InvalidRangeError(`days must be a whole number from 1 to ${MAX_LIST_DAYS}, got ${days}.`);
    }
    const now = this.clock.now();
    if (request.asOf !== undefined) assertNotAfterLatest(request.asOf, now, this.publishDelayMinutes, 'asOf');
    const sessions = lastSessions(
      days,
      request.asOf ?? latestCompletedSession(now, this.publishDelayMinutes),
    );
    const newest = sessions[0] as string;
    const oldest = sessions[sessions.length - 1] as string;
    const stored = await this.repository.latest(days, newest);
    const results = stored.filter((result) => result.date >= oldest);
    const storedDates = new Set(results.map((result) => result.date));
    return {
      asOf: newest,
      sessions,
      results,
      missing: sessions.filter((session) => !storedDates.has(session)),
    };
  }
}
