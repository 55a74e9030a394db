/**
 * The NYSE trading calendar, by rule, for 2000-01-01 through 2050-12-31.
 *
 * Full-day holidays follow the exchange's observance rules: a holiday on Sunday is observed the Monday
 * after, one on Saturday the Friday before, except New Year's Day, which is then not made up (the Friday
 * is the last session of the old year). Good Friday comes from the Gregorian Easter date, Juneteenth
 * counts from 2022, and the one-off closures are listed by date. Early closes (13:00 ET) are the day
 * after Thanksgiving, Christmas Eve and July 3 whenever they are sessions, except that until 2012 a
 * Thursday July 4 moved the early close to Friday July 5 (2002), plus one ad hoc early close (2003-12-26).
 *
 * Times: America/New_York offsets are computed from the US daylight-saving rules (first Sunday of April
 * to last Sunday of October until 2006, second Sunday of March to first Sunday of November since 2007),
 * which keeps this module free of time-zone data and of any I/O.
 */
import { InvalidRangeError, OutsideCalendarError, ReversedRangeError } from './errors.ts';
import {
  addDays,
  dayOfWeek,
  formatDate,
  fromDayNumber,
  parseSessionDate,
  toDayNumber,
} from './session-date.ts';

export const CALENDAR_FIRST_DATE = '2000-01-01';
export const CALENDAR_LAST_DATE = '2050-12-31';

const SATURDAY = 6;
const SUNDAY = 0;
const MONDAY = 1;
const THURSDAY = 4;
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Closures that no rule predicts: national days of mourning, 9/11, hurricane Sandy. */
const ONE_OFF_CLOSURES: ReadonlyMap<string, string> = new Map([
  ['2001-09-11', 'September 11 attacks'],
  ['2001-09-12', 'September 11 attacks'],
  ['2001-09-13', 'September 11 attacks'],
  ['2001-09-14', 'September 11 attacks'],
  ['2004-06-11', 'National Day of Mourning for President Reagan'],
  ['2007-01-02', 'National Day of Mourning for President Ford'],
  ['2012-10-29', 'Hurricane Sandy'],
  ['2012-10-30', 'Hurricane Sandy'],
  ['2018-12-05', 'National Day of Mourning for President George H.W. Bush'],
  ['2025-01-09', 'National Day of Mourning for President Carter'],
]);

function checkedDate(date: string): string {
  parseSessionDate(date);
  if (date < CALENDAR_FIRST_DATE || date > CALENDAR_LAST_DATE) {
    throw new OutsideCalendarError(date, CALENDAR_FIRST_DATE, CALENDAR_LAST_DATE);
  }
  return date;
}

/** The nth (1-based) given weekday of a month; n = -1 is the last one. */
function nthWeekday(year: number, month: number, weekday: number, n: number): string {
  if (n > 0) {
    const first = formatDate(year, month, 1);
    const offset = (weekday - dayOfWeek(first) + 7) % 7;
    return addDays(first, offset + (n - 1) * 7);
  }
  const last = addDays(formatDate(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1), -1);
  return addDays(last, -((dayOfWeek(last) - weekday + 7) % 7));
}

/** Gregorian Easter Sunday (anonymous Gregorian algorithm). */
function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return formatDate(year, month, day);
}

/** A fixed-date holiday moved off the weekend: Saturday to Friday, Sunday to Monday. */
function observed(date: string): string {
  const weekday = dayOfWeek(date);
  if (weekday === SATURDAY) return addDays(date, -1);
  if (weekday === SUNDAY) return addDays(date, 1);
  return date;
}

const holidaysByYear = new Map<number, ReadonlyMap<string, string>>();

/** The full-day closures of one year, by rule, plus the one-off closures of that year. */
function holidaysOf(year: number): ReadonlyMap<string, string> {
  const cached = holidaysByYear.get(year);
  if (cached) return cached;
  const holidays = new Map<string, string>();
  const newYear = formatDate(year, 1, 1);
  // New Year's Day on a Saturday is not observed on the Friday before: that Friday is a session.
  if (dayOfWeek(newYear) !== SATURDAY) holidays.set(observed(newYear), "New Year's Day");
  holidays.set(nthWeekday(year, 1, MONDAY, 3), 'Martin Luther King Jr. Day');
  holidays.set(nthWeekday(year, 2, MONDAY, 3), "Washington's Birthday");
  holidays.set(addDays(easterSunday(year), -2), 'Good Friday');
  holidays.set(nthWeekday(year, 5, MONDAY, -1), 'Memorial Day');
  if (year >= 2022) holidays.set(observed(formatDate(year, 6, 19)), 'Juneteenth National Independence Day');
  holidays.set(observed(formatDate(year, 7, 4)), 'Independence Day');
  holidays.set(nthWeekday(year, 9, MONDAY, 1), 'Labor Day');
  holidays.set(nthWeekday(year, 11, THURSDAY, 4), 'Thanksgiving Day');
  holidays.set(observed(formatDate(year, 12, 25)), 'Christmas Day');
  for (const [date, name] of ONE_OFF_CLOSURES) {
    if (date.startsWith(`${year}-`)) holidays.set(date, name);
  }
  holidaysByYear.set(year, holidays);
  return holidays;
}

function yearOf(date: string): number {
  return Number(date.slice(0, 4));
}

function isWeekend(date: string): boolean {
  const weekday = dayOfWeek(date);
  return weekday === SATURDAY || weekday === SUNDAY;
}

/** The name of the NYSE holiday or closure on this date, if the exchange is closed for one. */
export function holidayName(date: string): string | undefined {
  checkedDate(date);
  return holidaysOf(yearOf(date)).get(date);
}

export function isTradingDay(date: string): boolean {
  // A session needs no parsing; anything else must still be a valid date inside the calendar.
  if (sessionIndex().dates.has(date)) return true;
  checkedDate(date);
  return false;
}

/** Early closes that no rule predicts. */
const ONE_OFF_EARLY_CLOSES: ReadonlySet<string> = new Set(['2003-12-26']);

/**
 * Early closes at 13:00 ET: the day after Thanksgiving, Christmas Eve and July 3, when each is a session.
 * Before 2013, when July 4 fell on a Thursday, the early close was the Friday after instead of July 3.
 */
export function isEarlyClose(date: string): boolean {
  if (!isTradingDay(date)) return false;
  if (ONE_OFF_EARLY_CLOSES.has(date)) return true;
  const year = yearOf(date);
  const dayAfterThanksgiving = addDays(nthWeekday(year, 11, THURSDAY, 4), 1);
  if (date === dayAfterThanksgiving || date.endsWith('-12-24')) return true;
  if (year < 2013 && dayOfWeek(formatDate(year, 7, 4)) === THURSDAY) return date.endsWith('-07-05');
  return date.endsWith('-07-03');
}

/**
 * Every session of the calendar, ascending, built once on first use (about 12 800 dates, a few
 * milliseconds). Windows and steps are then a binary search and a slice, so a cached `days=365` answer
 * does not pay for walking the rules session by session on every request.
 */
interface SessionIndex {
  readonly sessions: readonly string[];
  readonly dates: ReadonlySet<string>;
}

let sessionIndexCache: SessionIndex | undefined;

function sessionIndex(): SessionIndex {
  if (sessionIndexCache) return sessionIndexCache;
  const sessions: string[] = [];
  for (
    let day = toDayNumber(CALENDAR_FIRST_DATE), last = toDayNumber(CALENDAR_LAST_DATE);
    day <= last;
    day++
  ) {
    const date = fromDayNumber(day);
    if (!isWeekend(date) && !holidaysOf(yearOf(date)).has(date)) sessions.push(date);
  }
  sessionIndexCache = { sessions, dates: new Set(sessions) };
  return sessionIndexCache;
}

/** The position of the first session after `date` (`orOn`: on or after), or the index length if none. */
function indexAfter(date: string, orOn: boolean): number {
  const { sessions } = sessionIndex();
  let low = 0;
  let high = sessions.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const session = sessions[middle] as string;
    if (session < date || (!orOn && session === date)) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** All sessions with `from <= date <= to`, ascending. */
export function tradingSessions(from: string, to: string): string[] {
  checkedDate(from);
  checkedDate(to);
  if (from > to) throw new ReversedRangeError(from, to);
  return sessionIndex().sessions.slice(indexAfter(from, true), indexAfter(to, false));
}

/** The last session strictly before `date` (which need not be a session itself). */
export function previousSession(date: string): string {
  return neighbourSession(sessionIndex().sessions[indexAfter(checkedDate(date), true) - 1], date, 'before');
}

/** The first session strictly after `date` (which need not be a session itself). */
export function nextSession(date: string): string {
  return neighbourSession(sessionIndex().sessions[indexAfter(checkedDate(date), false)], date, 'after');
}

/** The session found next to `date`, or the error saying the calendar ends there. */
function neighbourSession(session: string | undefined, date: string, side: 'before' | 'after'): string {
  if (session !== undefined) return session;
  throw new OutsideCalendarError(
    date,
    CALENDAR_FIRST_DATE,
    CALENDAR_LAST_DATE,
    `There is no session ${side} ${date} in the supported trading calendar (${CALENDAR_FIRST_DATE} to ${CALENDAR_LAST_DATE}).`,
  );
}

/** The `n` most recent sessions on or before `asOf`, newest first. */
export function lastSessions(n: number, asOf: string): string[] {
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidRangeError(`The number of sessions must be a whole number >= 0, got ${n}.`);
  checkedDate(asOf);
  if (n === 0) return [];
  const end = indexAfter(asOf, false);
  if (end < n) {
    throw new OutsideCalendarError(
      asOf,
      CALENDAR_FIRST_DATE,
      CALENDAR_LAST_DATE,
      `The ${n} sessions up to ${asOf} reach before the first session of the supported trading calendar ` +
        `(${CALENDAR_FIRST_DATE} to ${CALENDAR_LAST_DATE}): it holds ${end} session${end === 1 ? '' : 's'} up to ${asOf}.`,
    );
  }
  return sessionIndex()
    .sessions.slice(end - n, end)
    .reverse();
}

interface DaylightTime {
  /** First day of daylight time and the day it ends, by the US rules in force that year. */
  readonly start: string;
  readonly end: string;
  /** The instants it starts (02:00 EST = 07:00 UTC) and ends (02:00 EDT = 06:00 UTC), in epoch ms. */
  readonly startMs: number;
  readonly endMs: number;
}

const daylightTimeByYear = new Map<number, DaylightTime>();

/**
 * Computed once per calendar year: every bar a provider converts asks, and the rules walk weekdays.
 * Years outside the calendar (an upstream timestamp can say anything) are computed, never kept.
 */
function daylightTime(year: number): DaylightTime {
  const cached = daylightTimeByYear.get(year);
  if (cached) return cached;
  const [start, end] =
    year >= 2007
      ? [nthWeekday(year, 3, SUNDAY, 2), nthWeekday(year, 11, SUNDAY, 1)]
      : [nthWeekday(year, 4, SUNDAY, 1), nthWeekday(year, 10, SUNDAY, -1)];
  const rules = {
    start,
    end,
    startMs: toDayNumber(start) * DAY_MS + 7 * HOUR_MS,
    endMs: toDayNumber(end) * DAY_MS + 6 * HOUR_MS,
  };
  if (year >= yearOf(CALENDAR_FIRST_DATE) && year <= yearOf(CALENDAR_LAST_DATE))
    daylightTimeByYear.set(year, rules);
  return rules;
}

/** US Eastern offset from UTC in hours (-4 in daylight time, -5 otherwise) at 12:00 local on `date`. */
export function easternUtcOffsetHours(date: string): number {
  const { start, end } = daylightTime(yearOf(date));
  return date >= start && date < end ? -4 : -5;
}

/** The instant a wall-clock time in New York happens on `date` (valid for any hour from 03:00 on). */
export function easternTime(date: string, hour: number, minute = 0): Date {
  return new Date(
    toDayNumber(date) * DAY_MS + (hour - easternUtcOffsetHours(date)) * HOUR_MS + minute * MINUTE_MS,
  );
}

/** The `YYYY-MM-DD` date in New York at an instant. */
export function easternDateOf(instant: Date): string {
  // The offset must be read at the instant itself, or the hour around each change lands on the wrong date.
  const { startMs, endMs } = daylightTime(instant.getUTCFullYear());
  const time = instant.getTime();
  const daylight = time >= startMs && time < endMs;
  return new Date(time + (daylight ? -4 : -5) * HOUR_MS).toISOString().slice(0, 10);
}

/** The close of a session: 16:00 ET, or 13:00 ET on early-close days. */
export function sessionCloseTime(date: string): Date {
  if (!isTradingDay(date)) throw new InvalidRangeError(`${date} is not a trading session.`);
  return easternTime(date, isEarlyClose(date) ? 13 : 16);
}

/**
 * The newest session whose close, plus the time the data source needs to publish it, is at or before `now`.
 */
export function latestCompletedSession(now: Date, publishDelayMinutes = 0): string {
  const cutoff = now.getTime() - publishDelayMinutes * MINUTE_MS;
  let candidate = fromDayNumber(Math.floor(cutoff / DAY_MS) + 1);
  if (candidate > CALENDAR_LAST_DATE) candidate = CALENDAR_LAST_DATE;
  checkedDate(candidate);
  for (;;) {
    if (isTradingDay(candidate) && sessionCloseTime(candidate).getTime() <= cutoff) return candidate;
    candidate = previousSession(candidate);
  }
}
