import { latestCompletedSession } from '../calendar.ts';
import { InvalidRangeError } from '../errors.ts';
import { parseSessionDate } from '../session-date.ts';

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
