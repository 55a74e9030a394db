import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError, InvalidSessionDateError, isSessionDate, parseSessionDate } from '../../core/index.ts';

function errorOf(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

/** A `YYYY-MM-DD` that the UTC calendar reads back unchanged (V8's Date.parse alone accepts 2026-02-30). */
function roundTripsThroughUtc(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const time = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === value;
}

describe('parseSessionDate', () => {
  it.each(['2026-01-02', '2024-02-29', '2000-02-29', '2025-12-31', '2040-01-01'])(
    'accepts %s unchanged',
    (date) => {
      expect(parseSessionDate(date)).toBe(date);
      expect(isSessionDate(date)).toBe(true);
    },
  );

  it.each([
    ['2026-02-30', 'a day February does not have'],
    ['2023-02-29', 'February 29 outside a leap year'],
    ['1900-02-29', 'February 29 of a century that is not a leap year'],
    ['2026-04-31', 'April 31'],
    ['2026-13-01', 'month 13'],
    ['2026-00-10', 'month 0'],
    ['2026-01-00', 'day 0'],
    ['2026-01-32', 'day 32'],
    ['2026-2-3', 'no zero padding'],
    ['26-02-03', 'a two-digit year'],
    ['', 'the empty string'],
    [' 2026-01-02', 'a leading space'],
    ['2026-01-02 ', 'a trailing space'],
    ['2026-01-02\n', 'a trailing newline'],
    ['2026/01/02', 'slashes'],
    ['20260102', 'no separators'],
    ['2026-01-02T00:00:00Z', 'a timestamp'],
    ['２０２６-01-02', 'non-ASCII digits'],
  ])('rejects %j (%s) with InvalidSessionDateError naming it', (value) => {
    const error = errorOf(() => parseSessionDate(value));

    expect(error).toBeInstanceOf(InvalidSessionDateError);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'INVALID_DATE', value, name: 'InvalidSessionDateError' });
    expect((error as Error).message).toContain(JSON.stringify(value));
    expect(isSessionDate(value)).toBe(false);
  });

  it.each<[unknown, string]>([
    [undefined, 'undefined'],
    [null, 'null'],
    [20260102, 'a number'],
    [new Date('2026-01-02T00:00:00Z'), 'a Date'],
    [['2026-01-02'], 'an array'],
    [{ date: '2026-01-02' }, 'an object'],
  ])('rejects %s (%s) with InvalidSessionDateError', (value) => {
    const error = errorOf(() => parseSessionDate(value));

    expect(error).toBeInstanceOf(InvalidSessionDateError);
    expect(error).toMatchObject({ value });
    expect(isSessionDate(value)).toBe(false);
  });

  it('accepts exactly the dates that the UTC calendar round-trips (property)', () => {
    const start = Date.parse('1970-01-01T00:00:00Z');
    const end = Date.parse('2099-12-31T00:00:00Z');
    fc.assert(
      fc.property(fc.integer({ min: start / 86_400_000, max: end / 86_400_000 }), (day) => {
        const date = new Date(day * 86_400_000).toISOString().slice(0, 10);
        expect(parseSessionDate(date)).toBe(date);
      }),
      { numRuns: 2_000 },
    );
  });

  it('accepts a string exactly when it is a zero-padded real date (property)', () => {
    const anyValue = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      fc.stringMatching(/^\d{4}-[01]\d-[0-3]\d$/),
    );
    fc.assert(
      fc.property(anyValue, (value) => {
        expect(isSessionDate(value)).toBe(roundTripsThroughUtc(value));
      }),
      { numRuns: 5_000 },
    );
  });

  it('accepts years before 100 as written, not as 19xx', () => {
    expect(parseSessionDate('0050-02-28')).toBe('0050-02-28');
    expect(isSessionDate('0004-02-29')).toBe(true);
    expect(isSessionDate('0001-02-29')).toBe(false);
  });
});
