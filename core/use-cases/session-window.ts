import { lastSessions, latestCompletedSession, tradingSessions } from '../calendar.ts';
import { InvalidRangeError } from '../errors.ts';
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
