import { InvalidSessionDateError } from './errors.ts';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** Validates a `YYYY-MM-DD` date strictly (zero-padded, a real calendar day) and returns it. */
export function parseSessionDate(value: unknown): string {
  if (typeof value !== 'string') throw new InvalidSessionDateError(value);
  const match = ISO_DATE.exec(value);
  if (!match) throw new InvalidSessionDateError(value);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // setUTCFullYear, unlike Date.UTC, does not read years 0-99 as 1900-1999.
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  if (utc.getUTCFullYear() !== year || utc.getUTCMonth() !== month - 1 || utc.getUTCDate() !== day) {
    throw new InvalidSessionDateError(value);
  }
  return value;
}

export function isSessionDate(value: unknown): value is string {
  try {
    parseSessionDate(value);
    return true;
  } catch {
    return false;
  }
}

/** Days since 1970-01-01 of an already valid date: the calendar's arithmetic runs on these integers. */
export function toDayNumber(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;
}

export function fromDayNumber(dayNumber: number): string {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return fromDayNumber(toDayNumber(date) + days);
}

/** 0 = Sunday ... 6 = Saturday. */
export function dayOfWeek(date: string): number {
  return new Date(toDayNumber(date) * DAY_MS).getUTCDay();
}

export function formatDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
