import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  easternDateOf,
  easternTime,
  easternUtcOffsetHours,
  holidayName,
  InvalidRangeError,
  InvalidSessionDateError,
  isEarlyClose,
  isTradingDay,
  lastSessions,
  latestCompletedSession,
  nextSession,
  OutsideCalendarError,
  previousSession,
  sessionCloseTime,
  tradingSessions,
} from '../../core/index.ts';
import {
  dstChangeDays,
  everyDate,
  isWeekendDate,
  newYorkInstant,
  newYorkWallClock,
} from './support/new-york-time.ts';

/** The NYSE's published full-day closures, written out by hand from the exchange's holiday schedules. */
const NYSE_CLOSURES: Readonly<Record<number, readonly string[]>> = {
  2019: [
    '2019-01-01', // New Year's Day
    '2019-01-21', // Martin Luther King Jr. Day
    '2019-02-18', // Washington's Birthday
    '2019-04-19', // Good Friday
    '2019-05-27', // Memorial Day
    '2019-07-04', // Independence Day
    '2019-09-02', // Labor Day
    '2019-11-28', // Thanksgiving Day
    '2019-12-25', // Christmas Day
  ],
  2020: [
    '2020-01-01',
    '2020-01-20',
    '2020-02-17',
    '2020-04-10', // Good Friday
    '2020-05-25',
    '2020-07-03', // Independence Day (Saturday) observed Friday
    '2020-09-07',
    '2020-11-26',
    '2020-12-25',
  ],
  2021: [
    '2021-01-01',
    '2021-01-18',
    '2021-02-15',
    '2021-04-02', // Good Friday
    '2021-05-31',
    '2021-07-05', // Independence Day (Sunday) observed Monday
    '2021-09-06',
    '2021-11-25',
    '2021-12-24', // Christmas (Saturday) observed Friday
    // 2021-12-31 is a session: New Year's Day 2022 fell on a Saturday and is not observed.
  ],
  2022: [
    '2022-01-17',
    '2022-02-21',
    '2022-04-15', // Good Friday
    '2022-05-30',
    '2022-06-20', // Juneteenth (Sunday) observed Monday: the first year the NYSE closed for it
    '2022-07-04',
    '2022-09-05',
    '2022-11-24',
    '2022-12-26', // Christmas (Sunday) observed Monday
  ],
  2023: [
    '2023-01-02', // New Year's Day (Sunday) observed Monday
    '2023-01-16',
    '2023-02-20',
    '2023-04-07', // Good Friday
    '2023-05-29',
    '2023-06-19',
    '2023-07-04',
    '2023-09-04',
    '2023-11-23',
    '2023-12-25',
  ],
  2024: [
    '2024-01-01',
    '2024-01-15',
    '2024-02-19',
    '2024-03-29', // Good Friday
    '2024-05-27',
    '2024-06-19',
    '2024-07-04',
    '2024-09-02',
    '2024-11-28',
    '2024-12-25',
  ],
  2025: [
    '2025-01-01',
    '2025-01-09', // National Day of Mourning for President Carter
    '2025-01-20',
    '2025-02-17',
    '2025-04-18', // Good Friday
    '2025-05-26',
    '2025-06-19',
    '2025-07-04',
    '2025-09-01',
    '2025-11-27',
    '2025-12-25',
  ],
  2026: [
    '2026-01-01',
    '2026-01-19',
    '2026-02-16',
    '2026-04-03', // Good Friday
    '2026-05-25',
    '2026-06-19',
    '2026-07-03', // Independence Day (Saturday) observed Friday
    '2026-09-07',
    '2026-11-26',
    '2026-12-25',
  ],
  2027: [
    '2027-01-01',
    '2027-01-18',
    '2027-02-15',
    '2027-03-26', // Good Friday
    '2027-05-31',
    '2027-06-18', // Juneteenth (Saturday) observed Friday
    '2027-07-05', // Independence Day (Sunday) observed Monday
    '2027-09-06',
    '2027-11-25',
    '2027-12-24', // Christmas (Saturday) observed Friday
    // 2027-12-31 is a session: New Year's Day 2028 falls on a Saturday and is not observed.
  ],
};

/** Sessions per year as published (weekdays minus the closures above, counted by hand). */
const SESSIONS_PER_YEAR: Readonly<Record<number, number>> = {
  2001: 248, // four days closed after September 11
  2012: 250, // two days closed for Hurricane Sandy
  2018: 251,
  2019: 252,
  2020: 253,
  2021: 252,
  2022: 251,
  2023: 250,
  2024: 252,
  2025: 250, // includes the Carter closure
  2026: 251,
  2027: 251,
};

const ONE_OFF_CLOSURES = [
  '2001-09-11',
  '2001-09-12',
  '2001-09-13',
  '2001-09-14',
  '2004-06-11',
  '2007-01-02',
  '2012-10-29',
  '2012-10-30',
  '2018-12-05',
  '2025-01-09',
];

/** Early closes (13:00 ET) as published for 2019-2027. */
const EARLY_CLOSES = [
  '2019-07-03',
  '2019-11-29',
  '2019-12-24',
  '2020-11-27',
  '2020-12-24',
  '2021-11-26',
  '2022-11-25',
  '2023-07-03',
  '2023-11-24',
  '2024-07-03',
  '2024-11-29',
  '2024-12-24',
  '2025-07-03',
  '2025-11-28',
  '2025-12-24',
  '2026-11-27',
  '2026-12-24',
  '2027-11-26',
];

const FIRST = '2000-01-01';
const LAST = '2040-12-31';
const ALL_DATES = everyDate(FIRST, LAST);

/** A date of the whole tested range, with the edges left out so stepping to a neighbour session stays inside. */
const anyInnerDate = fc
  .integer({ min: 10, max: ALL_DATES.length - 11 })
  .map((index) => ALL_DATES[index] as string);
const anyDate = fc.integer({ min: 0, max: ALL_DATES.length - 1 }).map((index) => ALL_DATES[index] as string);

function weekdaysOf(year: number): string[] {
  return everyDate(`${year}-01-01`, `${year}-12-31`).filter((date) => !isWeekendDate(date));
}

describe('NYSE full-day closures 2019-2027', () => {
  for (const [year, closures] of Object.entries(NYSE_CLOSURES)) {
    it(`closes on exactly the published weekdays of ${year}`, () => {
      const closedWeekdays = weekdaysOf(Number(year)).filter((date) => !isTradingDay(date));

      expect(closedWeekdays).toEqual(closures);
    });
  }

  it('names every holiday it closes for', () => {
    for (const date of Object.values(NYSE_CLOSURES).flat()) {
      expect(holidayName(date), date).toMatch(/\w/);
    }
  });

  it('names the rule behind a closure', () => {
    expect(holidayName('2024-03-29')).toMatch(/Good Friday/);
    expect(holidayName('2022-06-20')).toMatch(/Juneteenth/);
    expect(holidayName('2026-07-03')).toMatch(/Independence/);
    expect(holidayName('2025-01-09')).toMatch(/Carter/);
  });

  it('trades on New Year’s Eve when New Year’s Day falls on a Saturday', () => {
    expect(isTradingDay('2021-12-31')).toBe(true);
    expect(isTradingDay('2027-12-31')).toBe(true);
    expect(isTradingDay('2010-12-31')).toBe(true);
    expect(holidayName('2022-01-01')).toBeUndefined();
  });

  it('does not close for Juneteenth before 2022', () => {
    expect(isTradingDay('2021-06-18')).toBe(true);
    expect(isTradingDay('2020-06-19')).toBe(true);
    expect(isTradingDay('2021-06-21')).toBe(true);
  });

  for (const [year, count] of Object.entries(SESSIONS_PER_YEAR)) {
    it(`counts ${count} sessions in ${year}`, () => {
      expect(tradingSessions(`${year}-01-01`, `${year}-12-31`)).toHaveLength(count);
    });
  }
});

describe('one-off closures', () => {
  it.each(ONE_OFF_CLOSURES)('is closed on %s and says why', (date) => {
    expect(isTradingDay(date)).toBe(false);
    expect(holidayName(date)).toMatch(/\w/);
  });

  it('is open on the sessions around them', () => {
    for (const date of ['2001-09-10', '2001-09-17', '2004-06-10', '2004-06-14', '2007-01-03', '2012-10-26']) {
      expect(isTradingDay(date), date).toBe(true);
    }
    for (const date of ['2012-10-31', '2018-12-04', '2018-12-06', '2025-01-08', '2025-01-10']) {
      expect(isTradingDay(date), date).toBe(true);
    }
  });
});

describe('early closes', () => {
  it('closes early on exactly the published days of 2019-2027', () => {
    const early = everyDate('2019-01-01', '2027-12-31').filter((date) => isEarlyClose(date));

    expect(early).toEqual(EARLY_CLOSES);
  });

  it('follows the pre-2013 July rule and the ad hoc early close of 2003', () => {
    // Until 2012, a Thursday July 4 moved the early close from Wednesday July 3 to Friday July 5.
    expect(isEarlyClose('2002-07-03')).toBe(false);
    expect(isEarlyClose('2002-07-05')).toBe(true);
    expect(isEarlyClose('2013-07-03')).toBe(true);
    expect(isEarlyClose('2013-07-05')).toBe(false);
    expect(isEarlyClose('2019-07-05')).toBe(false);
    expect(isEarlyClose('2000-07-03')).toBe(true); // Monday
    expect(isEarlyClose('2007-07-03')).toBe(true); // Tuesday
    expect(isEarlyClose('2008-07-03')).toBe(true); // Thursday
    expect(isEarlyClose('2003-12-26')).toBe(true); // ad hoc, day after Christmas
    expect(isEarlyClose('2003-12-24')).toBe(true);
    expect(sessionCloseTime('2002-07-05').toISOString()).toBe('2002-07-05T17:00:00.000Z');
    expect(sessionCloseTime('2002-07-03').toISOString()).toBe('2002-07-03T20:00:00.000Z');
  });

  it('never calls a closed day an early close', () => {
    expect(isEarlyClose('2026-07-03')).toBe(false);
    expect(isEarlyClose('2027-12-24')).toBe(false);
    expect(isEarlyClose('2022-12-24')).toBe(false);
  });

  it.each([
    ['2025-07-03', '2025-07-03T17:00:00.000Z'], // EDT
    ['2025-11-28', '2025-11-28T18:00:00.000Z'], // EST
    ['2025-12-24', '2025-12-24T18:00:00.000Z'],
    ['2026-11-27', '2026-11-27T18:00:00.000Z'],
    ['2026-12-24', '2026-12-24T18:00:00.000Z'],
  ])('closes %s at 13:00 New York time (%s)', (date, instant) => {
    expect(sessionCloseTime(date).toISOString()).toBe(instant);
  });

  it.each([
    ['2025-07-02', '2025-07-02T20:00:00.000Z'], // EDT
    ['2025-12-23', '2025-12-23T21:00:00.000Z'], // EST
    ['2025-03-07', '2025-03-07T21:00:00.000Z'], // last Friday of standard time
    ['2025-03-10', '2025-03-10T20:00:00.000Z'], // first Monday of daylight time
    ['2025-10-31', '2025-10-31T20:00:00.000Z'],
    ['2025-11-03', '2025-11-03T21:00:00.000Z'],
    ['2006-03-31', '2006-03-31T21:00:00.000Z'], // before 2007, DST started in April
    ['2006-04-03', '2006-04-03T20:00:00.000Z'],
    ['2006-10-27', '2006-10-27T20:00:00.000Z'], // and ended on the last Sunday of October
    ['2006-10-30', '2006-10-30T21:00:00.000Z'],
    ['2007-03-12', '2007-03-12T20:00:00.000Z'],
    ['2007-11-02', '2007-11-02T20:00:00.000Z'],
    ['2007-11-05', '2007-11-05T21:00:00.000Z'],
  ])('closes %s at 16:00 New York time (%s)', (date, instant) => {
    expect(sessionCloseTime(date).toISOString()).toBe(instant);
  });

  it('closes every session 2000-2040 at 16:00 or 13:00 New York time, by the time-zone database', () => {
    for (const session of tradingSessions(FIRST, LAST)) {
      const wall = newYorkWallClock(sessionCloseTime(session));
      expect(wall, session).toEqual({ date: session, time: isEarlyClose(session) ? '13:00' : '16:00' });
    }
  });

  it('refuses a close time for a day that is not a session', () => {
    expect(() => sessionCloseTime('2025-07-04')).toThrow(InvalidRangeError);
    expect(() => sessionCloseTime('2025-07-05')).toThrow(InvalidRangeError);
  });
});

describe('every date is exactly one of session, weekend, holiday', () => {
  it('holds for any date 2000-2040 (property)', () => {
    fc.assert(
      fc.property(anyDate, (date) => {
        const kinds = [isTradingDay(date), isWeekendDate(date), holidayName(date) !== undefined];
        expect(kinds.filter(Boolean)).toHaveLength(1);
      }),
      { numRuns: 5_000 },
    );
  });

  it('holds for every single date 2000-2040', () => {
    const offenders = ALL_DATES.filter(
      (date) =>
        [isTradingDay(date), isWeekendDate(date), holidayName(date) !== undefined].filter(Boolean).length !==
        1,
    );

    expect(offenders).toEqual([]);
  });
});

describe('tradingSessions', () => {
  it('agrees with isTradingDay over the whole range', () => {
    const expected = ALL_DATES.filter((date) => isTradingDay(date));

    expect(tradingSessions(FIRST, LAST)).toEqual(expected);
  });

  it('agrees with isTradingDay on any sub-range, inclusive and ascending (property)', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: 0, max: 800 }), (from, length) => {
        const to = ALL_DATES[Math.min(ALL_DATES.indexOf(from) + length, ALL_DATES.length - 1)] as string;
        const expected = everyDate(from, to).filter((date) => isTradingDay(date));
        expect(tradingSessions(from, to)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('includes both ends when they are sessions, and is empty over a long weekend', () => {
    expect(tradingSessions('2025-07-02', '2025-07-07')).toEqual(['2025-07-02', '2025-07-03', '2025-07-07']);
    expect(tradingSessions('2025-07-04', '2025-07-06')).toEqual([]);
  });

  it('rejects a range that ends before it starts', () => {
    expect(() => tradingSessions('2025-07-07', '2025-07-02')).toThrow(InvalidRangeError);
  });
});

describe('previousSession and nextSession', () => {
  it('step over weekends, holidays and one-off closures', () => {
    expect(previousSession('2025-01-10')).toBe('2025-01-08');
    expect(nextSession('2025-01-08')).toBe('2025-01-10');
    expect(nextSession('2021-12-30')).toBe('2021-12-31');
    expect(nextSession('2021-12-31')).toBe('2022-01-03');
    expect(previousSession('2023-01-03')).toBe('2022-12-30');
    expect(previousSession('2025-07-07')).toBe('2025-07-03');
    expect(nextSession('2001-09-10')).toBe('2001-09-17');
  });

  it('accept a date that is not a session', () => {
    expect(previousSession('2025-07-05')).toBe('2025-07-03');
    expect(nextSession('2025-07-05')).toBe('2025-07-07');
  });

  it('are inverse of each other on sessions (property)', () => {
    fc.assert(
      fc.property(anyInnerDate, (date) => {
        fc.pre(isTradingDay(date));
        expect(nextSession(previousSession(date))).toBe(date);
        expect(previousSession(nextSession(date))).toBe(date);
      }),
      { numRuns: 2_000 },
    );
  });

  it('return the nearest session strictly before or after any date (property)', () => {
    fc.assert(
      fc.property(anyInnerDate, (date) => {
        const before = previousSession(date);
        const after = nextSession(date);
        expect(before < date && date < after).toBe(true);
        expect(isTradingDay(before) && isTradingDay(after)).toBe(true);
        const between = tradingSessions(before, after);
        expect(between).toEqual(isTradingDay(date) ? [before, date, after] : [before, after]);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('lastSessions', () => {
  it('returns the n most recent sessions newest first', () => {
    expect(lastSessions(4, '2025-07-08')).toEqual(['2025-07-08', '2025-07-07', '2025-07-03', '2025-07-02']);
  });

  it('starts from the session before asOf when asOf is a weekend or a holiday', () => {
    expect(lastSessions(5, '2025-07-06')).toEqual([
      '2025-07-03',
      '2025-07-02',
      '2025-07-01',
      '2025-06-30',
      '2025-06-27',
    ]);
    expect(lastSessions(2, '2025-07-04')).toEqual(['2025-07-03', '2025-07-02']);
    expect(lastSessions(3, '2025-01-09')).toEqual(['2025-01-08', '2025-01-07', '2025-01-06']);
  });

  it('returns nothing for n = 0 and rejects a negative or fractional n', () => {
    expect(lastSessions(0, '2025-07-08')).toEqual([]);
    expect(() => lastSessions(-1, '2025-07-08')).toThrow(InvalidRangeError);
    expect(() => lastSessions(1.5, '2025-07-08')).toThrow(InvalidRangeError);
  });

  it('is the tail of tradingSessions, reversed, for any n and asOf (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 400, max: ALL_DATES.length - 1 }).map((index) => ALL_DATES[index] as string),
        fc.integer({ min: 1, max: 250 }),
        (asOf, n) => {
          const from = ALL_DATES[ALL_DATES.indexOf(asOf) - 400] as string;
          const expected = tradingSessions(from, asOf).slice(-n).reverse();
          expect(lastSessions(n, asOf)).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('latestCompletedSession', () => {
  it.each([
    ['2025-07-02T19:59:59Z', 0, '2025-07-01', 'one second before the close'],
    ['2025-07-02T20:00:00Z', 0, '2025-07-02', 'at the close (16:00 EDT)'],
    ['2025-07-03T03:30:00Z', 0, '2025-07-02', 'late evening, when the UTC date is already the next day'],
    ['2025-07-03T16:59:00Z', 0, '2025-07-02', 'before an early close'],
    ['2025-07-03T17:00:00Z', 0, '2025-07-03', 'at an early close (13:00 EDT)'],
    ['2025-11-28T17:59:00Z', 0, '2025-11-26', 'before the early close after Thanksgiving'],
    ['2025-11-28T18:00:00Z', 0, '2025-11-28', 'at the early close after Thanksgiving (13:00 EST)'],
    ['2025-07-02T20:29:00Z', 30, '2025-07-01', 'inside the publish delay'],
    ['2025-07-02T20:30:00Z', 30, '2025-07-02', 'once the publish delay has passed'],
    ['2025-07-05T15:00:00Z', 0, '2025-07-03', 'on a Saturday after a Friday holiday'],
    ['2025-07-06T23:00:00Z', 0, '2025-07-03', 'on a Sunday'],
    ['2025-07-07T14:00:00Z', 0, '2025-07-03', 'on Monday morning'],
    ['2025-01-09T22:00:00Z', 0, '2025-01-08', 'on a one-off closure'],
    ['2025-01-21T15:00:00Z', 0, '2025-01-17', 'the morning after a Monday holiday'],
    ['2025-03-07T20:30:00Z', 0, '2025-03-06', 'at 15:30 EST on the last Friday of standard time'],
    ['2025-03-07T21:00:00Z', 0, '2025-03-07', 'at 16:00 EST'],
    ['2025-03-10T19:59:00Z', 0, '2025-03-07', 'at 15:59 EDT on the first Monday of daylight time'],
    ['2025-03-10T20:00:00Z', 0, '2025-03-10', 'at 16:00 EDT'],
    ['2025-10-31T20:00:00Z', 0, '2025-10-31', 'at 16:00 EDT on the last Friday of daylight time'],
    ['2025-11-03T20:30:00Z', 0, '2025-10-31', 'at 15:30 EST on the first Monday of standard time'],
    ['2025-11-03T21:00:00Z', 0, '2025-11-03', 'at 16:00 EST'],
  ])('at %s with a delay of %i minutes is %s (%s)', (now, delay, expected) => {
    expect(latestCompletedSession(new Date(now), delay)).toBe(expected);
  });

  it('is the newest session whose close plus delay has passed, at any instant (property)', () => {
    const start = Date.parse('2000-02-01T00:00:00Z');
    const end = Date.parse('2040-12-01T00:00:00Z');
    fc.assert(
      fc.property(fc.integer({ min: start, max: end }), fc.constantFrom(0, 15, 60, 600), (ms, delay) => {
        const cutoff = ms - delay * 60_000;
        const latest = latestCompletedSession(new Date(ms), delay);
        expect(isTradingDay(latest)).toBe(true);
        expect(sessionCloseTime(latest).getTime()).toBeLessThanOrEqual(cutoff);
        expect(sessionCloseTime(nextSession(latest)).getTime()).toBeGreaterThan(cutoff);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('easternDateOf', () => {
  const changeDays = dstChangeDays(2000, 2040);

  it('finds both DST changes of every year 2000-2040 in the time-zone database', () => {
    expect(changeDays).toHaveLength(82);
  });

  it('reads the New York date of 00:00 and 16:00 stamps on both sides of every DST change', () => {
    for (const changeDay of changeDays) {
      const around = everyDate(shift(changeDay, -2), shift(changeDay, 2));
      for (const date of around) {
        for (const time of ['00:00', '16:00', '23:59']) {
          expect(easternDateOf(newYorkInstant(date, time)), `${date} ${time}`).toBe(date);
        }
      }
    }
  });

  it('agrees with the time-zone database at any instant 2000-2040 (property)', () => {
    const start = Date.parse('2000-01-01T05:00:00Z');
    const end = Date.parse('2040-12-31T23:59:59Z');
    fc.assert(
      fc.property(fc.integer({ min: start, max: end }), (ms) => {
        expect(easternDateOf(new Date(ms))).toBe(newYorkWallClock(new Date(ms)).date);
      }),
      { numRuns: 5_000 },
    );
  });

  it('agrees with the time-zone database every five minutes from the eve to the noon of every DST change', () => {
    for (const changeDay of changeDays) {
      const from = Date.parse(`${shift(changeDay, -1)}T20:00:00Z`);
      for (let ms = from; ms <= from + 22 * 3_600_000; ms += 5 * 60_000) {
        const instant = new Date(ms);
        if (easternDateOf(instant) !== newYorkWallClock(instant).date) {
          expect.fail(
            `${instant.toISOString()}: ${easternDateOf(instant)} vs ${newYorkWallClock(instant).date}`,
          );
        }
      }
    }
  });
});

describe('easternTime and easternUtcOffsetHours', () => {
  const changeDays = dstChangeDays(2000, 2040);

  it('place every wall-clock hour from 03:00 on, around every DST change, where the time-zone database does', () => {
    for (const changeDay of changeDays) {
      for (const date of everyDate(shift(changeDay, -1), shift(changeDay, 1))) {
        for (let hour = 3; hour <= 23; hour++) {
          const time = `${String(hour).padStart(2, '0')}:30`;
          expect(easternTime(date, hour, 30).toISOString(), `${date} ${time}`).toBe(
            newYorkInstant(date, time).toISOString(),
          );
        }
        const offsetAtNoon =
          (newYorkInstant(date, '12:00').getTime() - Date.parse(`${date}T12:00:00Z`)) / -3_600_000;
        expect(easternUtcOffsetHours(date), date).toBe(offsetAtNoon);
      }
    }
  });
});

describe('dates the calendar does not cover', () => {
  it.each(['1999-12-31', '2051-01-01'])('rejects %s with OutsideCalendarError naming it', (date) => {
    for (const call of [
      () => isTradingDay(date),
      () => holidayName(date),
      () => tradingSessions(date, date),
      () => previousSession(date),
      () => nextSession(date),
      () => lastSessions(1, date),
    ]) {
      expect(call).toThrow(OutsideCalendarError);
      expect(call).toThrow(date);
    }
  });

  it('covers its first and last dates', () => {
    expect(isTradingDay('2000-01-03')).toBe(true);
    expect(isTradingDay('2000-01-01')).toBe(false);
    expect(isTradingDay('2050-12-30')).toBe(true);
  });

  it('rejects a step that would leave the calendar', () => {
    expect(() => nextSession('2050-12-30')).toThrow(OutsideCalendarError);
    expect(() => previousSession('2000-01-03')).toThrow(OutsideCalendarError);
    expect(() => previousSession('2000-01-03')).toThrow('no session before 2000-01-03');
  });

  it('says a window that reaches before the first session does so, naming the date given', () => {
    for (const call of [() => lastSessions(7, '2000-01-03'), () => lastSessions(1, '2000-01-01')]) {
      expect(call).toThrow(OutsideCalendarError);
      expect(call).toThrow(/reach before the first session/);
      expect(call).not.toThrow('1999-12-31');
    }
    expect(() => lastSessions(7, '2000-01-03')).toThrow('The 7 sessions up to 2000-01-03');
    expect(lastSessions(3, '2000-01-05')).toEqual(['2000-01-05', '2000-01-04', '2000-01-03']);
  });

  it('returns no sessions for n = 0 even at the start of the calendar', () => {
    expect(lastSessions(0, '2000-01-01')).toEqual([]);
    expect(lastSessions(0, '2000-01-03')).toEqual([]);
  });

  it.each(['2026-02-30', '2026-2-3', '', 'tomorrow'])('rejects the invalid date %j naming it', (date) => {
    for (const call of [
      () => isTradingDay(date),
      () => holidayName(date),
      () => tradingSessions(date, '2026-03-02'),
      () => previousSession(date),
      () => nextSession(date),
      () => lastSessions(1, date),
      () => sessionCloseTime(date),
    ]) {
      expect(call).toThrow(InvalidSessionDateError);
      expect(call).toThrow(JSON.stringify(date));
    }
  });
});

function shift(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
