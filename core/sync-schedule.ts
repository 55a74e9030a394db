/**
 * When the scheduled sync runs: the one definition that the deployed EventBridge schedules, the API's
 * `Cache-Control` lifetime and the local server's timer all derive from.
 *
 * A sync time is a fixed New York wall-clock time, `HH:MM` (the setting SYNC_TIMES_ET), not an offset from
 * each session's close. EventBridge Scheduler can say "16:30 New York time, Monday to Friday" and follows
 * daylight time itself, but it cannot follow the NYSE calendar: running after every session's own close
 * would take one schedule per early close, redeployed every year. Fixed times after the regular 16:00 close
 * are after a 13:00 early close as well, and the sync looks back over several sessions, so a session whose
 * bars come late is picked up by the next run.
 *
 * - A time at or after 16:00 runs Monday to Friday, after that day's session.
 * - A time before 16:00 belongs to the night after a session (00:30 picks up bars published late) and runs
 *   Tuesday to Saturday.
 *
 * Runs are not skipped on holidays: a run after a day without a session finds no new session and calls
 * no market-data provider, and a cache lifetime that ends there costs one revalidation, never stale data.
 * No run falls on a Sunday, the day US clocks change, so every run time exists exactly once in New York.
 */
import { easternDateOf, easternTime, REGULAR_CLOSE_HOUR_ET } from './calendar.ts';
import { InvalidScheduleError } from './errors.ts';
import { addDays, dayOfWeek } from './session-date.ts';

/** One sync time and the days of the week it runs on in New York: what one cron schedule says. */
export interface ScheduledSyncTime {
  /** As configured, `HH:MM`. */
  readonly time: string;
  readonly hour: number;
  readonly minute: number;
  /** The first and last day of the week it runs on (0 = Sunday ... 6 = Saturday), a contiguous range. */
  readonly firstWeekday: number;
  readonly lastWeekday: number;
}

const SYNC_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const MONDAY = 1;
const FRIDAY = 5;

/** The runs of the configured `HH:MM` New York times, each with its days of the week. */
export function syncSchedule(times: readonly string[]): ScheduledSyncTime[] {
  if (times.length === 0) throw new InvalidScheduleError('The sync schedule needs at least one time.');
  return times.map((time) => {
    const match = SYNC_TIME.exec(time);
    if (!match) {
      throw new InvalidScheduleError(
        `Invalid sync time ${JSON.stringify(time)}: expected HH:MM (00:00-23:59).`,
      );
    }
    const [hour, minute] = [Number(match[1]), Number(match[2])];
    const nightAfter = hour < REGULAR_CLOSE_HOUR_ET;
    return {
      time,
      hour,
      minute,
      firstWeekday: nightAfter ? MONDAY + 1 : MONDAY,
      lastWeekday: nightAfter ? FRIDAY + 1 : FRIDAY,
    };
  });
}

/**
 * How long after its scheduled minute a run may still be writing: EventBridge Scheduler starts it within
 * that minute, and the sync function's timeout is 10 minutes (test/infra checks both). An answer given
 * meanwhile may predate the run's writes, so it is not kept until the next run.
 */
export const SYNC_SETTLE_MINUTES = 15;

/** The first scheduled sync strictly after `now`. */
export function nextScheduledSync(now: Date, times: readonly string[]): Date {
  return nearestRun(now, times, 1);
}

/** The last scheduled sync at or before `now`. */
export function previousScheduledSync(now: Date, times: readonly string[]): Date {
  return nearestRun(now, times, -1);
}

function nearestRun(now: Date, times: readonly string[], direction: 1 | -1): Date {
  const schedule = syncSchedule(times);
  const today = easternDateOf(now);
  const time = now.getTime();
  // Every time runs on at least four days of each week, so this ends within a week.
  for (let offset = 0; ; offset += direction) {
    const date = addDays(today, offset);
    const weekday = dayOfWeek(date);
    const runs = schedule
      .filter((run) => weekday >= run.firstWeekday && weekday <= run.lastWeekday)
      // No run is on a Sunday, so the New York offset is the same all day and any hour converts exactly.
      .map((run) => easternTime(date, run.hour, run.minute).getTime());
    const found = direction === 1 ? runs.filter((run) => run > time) : runs.filter((run) => run <= time);
    if (found.length > 0) return new Date(direction === 1 ? Math.min(...found) : Math.max(...found));
  }
}
