import type { Clock } from '../ports/clock.ts';
import type { UnreadableSession, WinnerRepository, WinnerRow } from '../ports/winner-repository.ts';
import { listWindow, withinWindow } from './session-window.ts';

export { MAX_LIST_DAYS } from './session-window.ts';

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
  /** Stored winners of the window, newest first. */
  readonly results: readonly WinnerRow[];
  /** Sessions of the window with no readable stored result, newest first (unreadable ones included). */
  readonly missing: readonly string[];
  /** Stored sessions of the window that could not be read, and why. */
  readonly unreadable: readonly UnreadableSession[];
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
    const sessions = listWindow(days, request.asOf, this.clock.now(), this.publishDelayMinutes);
    const newest = sessions[0] as string;
    const read = await this.repository.latestWinners(days, newest);
    const window = withinWindow(sessions, { items: read.rows, unreadable: read.unreadable });
    return {
      asOf: newest,
      sessions,
      results: window.stored,
      missing: window.missing,
      unreadable: window.unreadable,
    };
  }
}
