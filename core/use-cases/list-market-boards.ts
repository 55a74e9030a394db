import type { MarketBoard } from '../market-board.ts';
import type { Clock } from '../ports/clock.ts';
import type { MarketBoardRepository } from '../ports/market-board-repository.ts';
import type { UnreadableSession } from '../ports/winner-repository.ts';
import { parseSessionDate } from '../session-date.ts';
import { listWindow, withinWindow } from './session-window.ts';

export interface ListMarketBoardsRequest {
  readonly days: number;
  /** Default: the latest completed session. */
  readonly asOf?: string;
}

export interface MarketBoardsList {
  /** The newest session of the window. */
  readonly asOf: string;
  /** Every session of the window, newest first. */
  readonly sessions: readonly string[];
  /** Stored boards of the window, newest first. */
  readonly boards: readonly MarketBoard[];
  /** Sessions of the window with no readable stored board, newest first (unreadable ones included). */
  readonly missing: readonly string[];
  readonly unreadable: readonly UnreadableSession[];
}

/** The market boards of the last N sessions as of the clock (or `asOf`): one repository read, like ListWinners. */
export class ListMarketBoards {
  constructor(
    private readonly boards: MarketBoardRepository,
    private readonly clock: Clock,
    private readonly publishDelayMinutes: number,
  ) {}

  async execute(request: ListMarketBoardsRequest): Promise<MarketBoardsList> {
    const { days } = request;
    const sessions = listWindow(days, request.asOf, this.clock.now(), this.publishDelayMinutes);
    const newest = sessions[0] as string;
    const read = await this.boards.latest(days, newest);
    const window = withinWindow(sessions, { items: read.boards, unreadable: read.unreadable });
    return {
      asOf: newest,
      sessions,
      boards: window.stored,
      missing: window.missing,
      unreadable: window.unreadable,
    };
  }
}

/** One session's stored board, or undefined when none is; a malformed date is an InvalidDateError. */
export class GetMarketBoard {
  constructor(private readonly boards: MarketBoardRepository) {}

  async execute(date: string): Promise<MarketBoard | undefined> {
    return this.boards.get(parseSessionDate(date));
  }
}
