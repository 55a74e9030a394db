import { lastSessions, latestCompletedSession, tradingSessions } from '../calendar.ts';
import { InvalidRangeError } from '../errors.ts';
import type { UnreadableSession } from '../ports/winner-repository.ts';
import { parseSessionDate } from '../session-date.ts';

/**
 * The last `sessions` sessions up to the latest completed one, or an explicit inclusive range (backfill)
 * whose end defaults to the latest completed session.
 */
export type SyncWindow = { readonly sessions: number } | { readonly from: string; readonly to?: string };

/** The newest session a request may name: later ones have not closed (plus the publish delay) yet. */
export function assertNotAfterLatest(
  date: string,
  now: Date,
  publishDelayMinutes: number,
  label: string,
): void {
  const latest = latestCompletedSession(now, publishDelayMinutes);
  if (parseSessionDate(date) > latest) {
    throw new InvalidRangeError(
      `${label} ${date} is in the future: the latest completed session is ${latest}.`,
    );
  }
}

/**
 * A sync window's sessions, ascending, checked against `now`: a range may not reach past the latest
 * completed session, and its order is the calendar's check (ReversedRangeError).
 */
export function windowSessions(window: SyncWindow, now: Date, publishDelayMinutes: number): string[] {
  if ('sessions' in window) {
    if (!Number.isInteger(window.sessions) || window.sessions < 1) {
      throw new InvalidRangeError(
        `The number of sessions to sync must be a whole number >= 1, got ${window.sessions}.`,
      );
    }
    return lastSessions(window.sessions, latestCompletedSession(now, publishDelayMinutes)).reverse();
  }
  const from = parseSessionDate(window.from);
  assertNotAfterLatest(from, now, publishDelayMinutes, 'The start date');
  const to =
    window.to === undefined ? latestCompletedSession(now, publishDelayMinutes) : parseSessionDate(window.to);
  assertNotAfterLatest(to, now, publishDelayMinutes, 'The end date');
  return tradingSessions(from, to);
}

/** The most sessions a list (`GET /movers`, `GET /market/movers`, `winners`, `market`) shows at once. */
export const MAX_LIST_DAYS = 365;

/**
 * The `days` sessions up to `asOf` (default: the latest completed one), newest first: the window every
 * list shows. `asOf` may not be later than the latest completed session.
 */
export function listWindow(
  days: number,
  asOf: string | undefined,
  now: Date,
  publishDelayMinutes: number,
): string[] {
  if (!Number.isInteger(days) || days < 1 || days > MAX_LIST_DAYS) {
    throw new InvalidRangeError(`days must be a whole number from 1 to ${MAX_LIST_DAYS}, got ${days}.`);
  }
  if (asOf !== undefined) assertNotAfterLatest(asOf, now, publishDelayMinutes, 'asOf');
  return lastSessions(days, asOf ?? latestCompletedSession(now, publishDelayMinutes));
}

/** What a list read of a window found: its stored items and unreadable sessions, and what is missing. */
export interface WindowContents<Item> {
  /** Stored items of the window, newest first. */
  readonly stored: readonly Item[];
  /** Stored sessions of the window that could not be read, and why. */
  readonly unreadable: readonly UnreadableSession[];
  /** Sessions of the window with no readable stored item, newest first (unreadable ones included). */
  readonly missing: readonly string[];
}

/**
 * Keeps what a "latest N on or before the window's newest session" read found inside the window
 * (`sessions`, newest first): the read may reach back past the window's oldest session when some are
 * not stored.
 */
export function withinWindow<Item extends { readonly date: string }>(
  sessions: readonly string[],
  read: { readonly items: readonly Item[]; readonly unreadable: readonly UnreadableSession[] },
): WindowContents<Item> {
  const oldest = sessions.at(-1) ?? '';
  const stored = read.items.filter((item) => item.date >= oldest);
  const storedDates = new Set(stored.map((item) => item.date));
  return {
    stored,
    unreadable: read.unreadable.filter((entry) => entry.date >= oldest),
    missing: sessions.filter((session) => !storedDates.has(session)),
  };
}
