import { describe, expect, it } from 'vitest';
import { toCsv } from '../../cli/output.ts';

describe('toCsv (RFC 4180)', () => {
  it('ends every record with CRLF and leaves plain fields as they are', () => {
    expect(
      toCsv([
        ['date', 'symbol'],
        ['2025-03-31', 'META'],
      ]),
    ).toBe('date,symbol\r\n2025-03-31,META\r\n');
  });

  it.each([
    ['a comma', 'a,b', '"a,b"'],
    ['a double quote, doubled inside quotes', 'say "hi"', '"say ""hi"""'],
    ['a line feed', 'line\nbreak', '"line\nbreak"'],
    ['a carriage return', 'line\rbreak', '"line\rbreak"'],
  ])('quotes a field holding %s', (_what, field, quoted) => {
    expect(toCsv([[field, 'x']])).toBe(`${quoted},x\r\n`);
  });

  it('keeps empty fields, so every record has the header’s field count', () => {
    expect(
      toCsv([
        ['a', 'b', 'c'],
        ['2025-04-02', '', ''],
      ]),
    ).toBe('a,b,c\r\n2025-04-02,,\r\n');
  });
});
