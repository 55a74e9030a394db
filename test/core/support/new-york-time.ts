/**
 * An oracle for New York wall-clock time that shares no code with the core: it asks the ICU time-zone
 * database bundled with Node (Intl), so calendar tests compare the core's own DST arithmetic with tzdata.
 */
const formatter = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/New_York',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

export interface NewYorkWallClock {
  readonly date: string;
  readonly time: string;
}

export function newYorkWallClock(instant: Date): NewYorkWallClock {
  const parts = Object.fromEntries(formatter.formatToParts(instant).map((part) => [part.type, part.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

/** The instant New York reads `time` on `date`, found by trying the two possible UTC offsets (EDT, EST). */
export function newYorkInstant(date: string, time: string): Date {
  for (const offset of ['-04:00', '-05:00']) {
    const candidate = new Date(`${date}T${time}:00${offset}`);
    const wall = newYorkWallClock(candidate);
    if (wall.date === date && wall.time === time) return candidate;
  }
  throw new Error(`${date} ${time} does not exist in New York`);
}

/** Every `YYYY-MM-DD` from `from` to `to` inclusive, computed with plain UTC Date arithmetic. */
export function everyDate(from: string, to: string): string[] {
  const dates: string[] = [];
  for (let day = new Date(`${from}T00:00:00Z`); day <= new Date(`${to}T00:00:00Z`);) {
    dates.push(day.toISOString().slice(0, 10));
    day = new Date(day.getTime() + 86_400_000);
  }
  return dates;
}

export function isWeekendDate(date: string): boolean {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday === 0 || weekday === 6;
}

/** The days on which New York's UTC offset changes (DST starts or ends at 02:00), asking tzdata day by day. */
export function dstChangeDays(fromYear: number, toYear: number): string[] {
  const dates = everyDate(`${fromYear}-01-01`, `${toYear}-12-31`);
  return dates.filter(
    (date, index) => index > 0 && clockAtNoonUtc(dates[index - 1] as string) !== clockAtNoonUtc(date),
  );
}

/** 17:00 UTC reads 13:00 in daylight time and 12:00 in standard time. */
function clockAtNoonUtc(date: string): string {
  return newYorkWallClock(new Date(`${date}T17:00:00Z`)).time;
}
