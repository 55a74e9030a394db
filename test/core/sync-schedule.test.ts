import { describe, expect, it } from 'vitest';
import {
  easternTime,
  InvalidScheduleError,
  isEarlyClose,
  nextScheduledSync,
  nextSession,
  previousScheduledSync,
  sessionCloseTime,
  syncSchedule,
  tradingSessions,
} from '../../core/index.ts';
import { dstChangeDays, newYorkInstant } from './support/new-york-time.ts';

const DEFAULT_TIMES = ['16:30', '00:30'];

describe('syncSchedule', () => {
  it('runs a time from the 16:00 close on Monday to Friday, and an earlier one the night after, Tuesday to Saturday', () => {
    expect(syncSchedule(['16:30', '00:30', '16:00', '15:59'])).toEqual([
      { time: '16:30', hour: 16, minute: 30, firstWeekday: 1, lastWeekday: 5 },
      { time: '00:30', hour: 0, minute: 30, firstWeekday: 2, lastWeekday: 6 },
      { time: '16:00', hour: 16, minute: 0, firstWeekday: 1, lastWeekday: 5 },
      { time: '15:59', hour: 15, minute: 59, firstWeekday: 2, lastWeekday: 6 },
    ]);
  });

  it.each([[[]], [['4pm']], [['24:00']], [['16:30', '9:30']]])('refuses %j', (times) => {
    expect(() => syncSchedule(times)).toThrow(InvalidScheduleError);
  });
});

describe('nextScheduledSync', () => {
  it.each([
    ['Monday 09:00 EST: the same day after the close', '2026-11-23T14:00:00Z', '2026-11-23T21:30:00Z'],
    ['exactly at a run: the one after it', '2026-11-23T21:30:00Z', '2026-11-24T05:30:00Z'],
    ['Friday evening: the night after, early Saturday', '2026-11-20T22:00:00Z', '2026-11-21T05:30:00Z'],
    [
      'Saturday morning: Monday after the close, nothing on the weekend',
      '2026-11-21T15:00:00Z',
      '2026-11-23T21:30:00Z',
    ],
    [
      'Thanksgiving: runs on the holiday too (a run with nothing to fetch)',
      '2026-11-26T15:00:00Z',
      '2026-11-26T21:30:00Z',
    ],
    ['the weekend daylight time starts: Monday 16:30 EDT', '2026-03-07T12:00:00Z', '2026-03-09T20:30:00Z'],
    ['the weekend daylight time ends: Monday 16:30 EST', '2026-10-31T12:00:00Z', '2026-11-02T21:30:00Z'],
  ])('%s', (_case, now, expected) => {
    expect(nextScheduledSync(new Date(now), DEFAULT_TIMES).toISOString()).toBe(
      new Date(expected).toISOString(),
    );
  });

  it('finds the last run at or before an instant, across a weekend', () => {
    expect(previousScheduledSync(new Date('2026-11-23T21:30:00Z'), DEFAULT_TIMES).toISOString()).toBe(
      '2026-11-23T21:30:00.000Z',
    );
    expect(previousScheduledSync(new Date('2026-11-23T21:29:59Z'), DEFAULT_TIMES).toISOString()).toBe(
      '2026-11-21T05:30:00.000Z',
    );
  });

  it('never runs on a Sunday, the day New York clocks change, so every run time exists once (2026-2027 by tzdata)', () => {
    for (const day of dstChangeDays(2026, 2027)) {
      const saturday = newYorkInstant(day, '12:00').getTime() - 86_400_000;
      expect(nextScheduledSync(new Date(saturday), ['02:30', '16:30']).getTime()).toBeGreaterThan(
        newYorkInstant(day, '23:59').getTime(),
      );
    }
  });

  it('syncs every session of 2026, early closes included, after its close and before the next session opens', () => {
    const sessions = tradingSessions('2026-01-01', '2026-12-31');
    expect(sessions.filter(isEarlyClose)).toEqual(['2026-11-27', '2026-12-24']);
    for (const session of sessions) {
      const run = nextScheduledSync(sessionCloseTime(session), DEFAULT_TIMES);
      expect(run.getTime()).toBeLessThan(easternTime(nextSession(session), 9, 30).getTime());
    }
  });
});
