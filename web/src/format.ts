/** Display strings. Session dates are calendar dates, so they are formatted in UTC to never shift a day. */

export type Direction = 'up' | 'down' | 'flat';

const MINUS = '\u2212';

const priceFormat = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const shortDateFormat = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
const weekdayFormat = new Intl.DateTimeFormat('en-US', { weekday: 'short', timeZone: 'UTC' });
const longDateFormat = new Intl.DateTimeFormat('en-US', {
  weekday: 'short',
  month: 'short',
  day: 'numeric',
  year: 'numeric',
  timeZone: 'UTC',
});
const instantFormat = new Intl.DateTimeFormat('en-US', {
  dateStyle: 'medium',
  timeStyle: 'short',
});

const newYorkFormat = new Intl.DateTimeFormat('en-US', {
  weekday: 'short',
  month: 'short',
  day: 'numeric',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  timeZone: 'America/New_York',
});

function sessionInstant(date: string): Date {
  return new Date(`${date}T12:00:00Z`);
}

export function directionOf(changePercent: number): Direction {
  if (changePercent > 0) return 'up';
  if (changePercent < 0) return 'down';
  return 'flat';
}

/** `+5.00%`, `−15.00%` (a true minus sign), `0.00%`. */
export function formatPercent(changePercent: number): string {
  const magnitude = Math.abs(changePercent).toFixed(2);
  if (magnitude === '0.00') return '0.00%';
  return `${changePercent > 0 ? '+' : MINUS}${magnitude}%`;
}

/** Words for screen readers and tooltips: `up 5.00%`, `down 15.00%`, `unchanged`. */
export function describePercent(changePercent: number): string {
  const direction = directionOf(changePercent);
  if (direction === 'flat') return 'unchanged';
  return `${direction} ${Math.abs(changePercent).toFixed(2)}%`;
}

export function arrowOf(direction: Direction): string {
  if (direction === 'up') return '\u25B2';
  if (direction === 'down') return '\u25BC';
  return '\u2013';
}

export function formatPrice(price: number): string {
  return priceFormat.format(price);
}

/** `Nov 20` */
export function formatShortDate(date: string): string {
  return shortDateFormat.format(sessionInstant(date));
}

/** `Fri` */
export function formatWeekday(date: string): string {
  return weekdayFormat.format(sessionInstant(date));
}

/** `Fri, Nov 20, 2026` */
export function formatLongDate(date: string): string {
  return longDateFormat.format(sessionInstant(date));
}

/** An ISO instant in the reader's own time zone; the raw text if it is not a date. */
export function formatInstant(iso: string): string {
  const instant = new Date(iso);
  return Number.isNaN(instant.getTime()) ? iso : instantFormat.format(instant);
}

/** An ISO instant on the market's own clock: `Fri, Nov 20, 2026, 4:00 PM ET`. */
export function formatMarketTime(iso: string): string {
  const instant = new Date(iso);
  return Number.isNaN(instant.getTime()) ? iso : `${newYorkFormat.format(instant)} ET`;
}

export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/** `Nov 19, Nov 12 and 3 more`: at most `limit` dates named. */
export function listDates(dates: readonly string[], limit = 5): string {
  const named = dates.slice(0, limit).map(formatShortDate);
  const rest = dates.length - named.length;
  if (rest > 0) return `${named.join(', ')} and ${rest} more`;
  if (named.length <= 1) return named.join('');
  return `${named.slice(0, -1).join(', ')} and ${named[named.length - 1]}`;
}
