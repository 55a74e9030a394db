import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { INLINE_SCRIPT_HASHES } from '../../infra/web-stack.ts';
import type { MoversResponse, WinnerRecord } from '../../web/src/api.ts';
import { missingNote, sessionRows, tallyWinners } from '../../web/src/board.ts';
import { renderChart, valueScale } from '../../web/src/chart.ts';
import { daysFromSearch } from '../../web/src/dashboard.ts';
import { formatPercent, listDates } from '../../web/src/format.ts';

function winner(date: string, symbol: string, changePercent: number): WinnerRecord {
  return {
    date,
    symbol,
    changePercent,
    open: 100,
    close: 100 + changePercent,
    basis: 'open-to-close',
    source: 'simulated',
  };
}

function movers(sessions: string[], data: WinnerRecord[]): MoversResponse {
  const stored = new Set(data.map((item) => item.date));
  return {
    range: `last_${sessions.length}_days`,
    days: sessions.length,
    count: data.length,
    data,
    missing: sessions.filter((date) => !stored.has(date)),
    sessions,
    unreadable: [],
    asOf: sessions[0] as string,
    asOfTime: `${sessions[0]}T21:00:00.000Z`,
    basis: 'open-to-close',
    source: 'simulated',
    watchlist: [],
    watchlistName: 'default',
  };
}

const SESSIONS = ['2026-11-20', '2026-11-19', '2026-11-18', '2026-11-17', '2026-11-16', '2026-11-13'];

describe('dashboard model (the pure part of web/src)', () => {
  it('signs percentages with a plus or a true minus sign', () => {
    expect([formatPercent(5), formatPercent(-15), formatPercent(0), formatPercent(-0.001)]).toEqual([
      '+5.00%',
      '\u221215.00%',
      '0.00%',
      '0.00%',
    ]);
  });

  it('keeps one row per winner and one gap row per run of unstored sessions', () => {
    const rows = sessionRows(
      movers(SESSIONS, [winner('2026-11-20', 'TSLA', -15), winner('2026-11-17', 'NVDA', 12)]),
    );
    expect(rows.map((row) => [row.date, row.missing, row.gapSessions, row.gapOldest])).toEqual([
      ['2026-11-20', false, 0, ''],
      ['2026-11-19', true, 2, '2026-11-18'],
      ['2026-11-17', false, 0, ''],
      ['2026-11-16', true, 2, '2026-11-13'],
    ]);
    expect(rows[0]?.change).toMatchObject({ text: '\u221215.00%', direction: 'down', arrow: '\u25BC' });
  });

  it('tallies wins per symbol, most first, ties alphabetical', () => {
    const tally = tallyWinners([
      winner('2026-11-20', 'TSLA', 1),
      winner('2026-11-19', 'AAPL', 1),
      winner('2026-11-18', 'TSLA', 1),
      winner('2026-11-17', 'AMZN', 1),
    ]);
    expect(tally.map((entry) => `${entry.symbol} ${entry.label}`)).toEqual([
      'TSLA 2 wins',
      'AAPL 1 win',
      'AMZN 1 win',
    ]);
  });

  it('names the unstored sessions, a few at most', () => {
    expect(missingNote(movers(SESSIONS.slice(0, 2), [winner('2026-11-20', 'TSLA', 1)]))).toContain(
      '1 session of 2 has no stored result (Nov 19), shown as a gap',
    );
    expect(listDates(SESSIONS, 2)).toBe('Nov 20, Nov 19 and 4 more');
  });

  it('scales the value axis to include zero on whole steps', () => {
    expect(valueScale([3, 7])).toMatchObject({ low: 0, high: 8 });
    expect(valueScale([-15, 12])).toMatchObject({ low: -15, high: 15 });
    expect(valueScale([])).toEqual({ low: -1, high: 1, ticks: [-1, 0, 1] });
  });

  it('draws one labelled bar per session, oldest first, and escapes what it prints', () => {
    const svg = renderChart(
      [{ date: '2026-11-20', symbol: '<X&Y>', changePercent: 2 }, { date: '2026-11-19' }],
      600,
    );
    expect(svg.match(/class="bar /g)).toHaveLength(2);
    expect(svg.indexOf('2026-11-19')).toBeLessThan(svg.indexOf('data-date="2026-11-20"'));
    expect(svg).toContain('aria-label="Fri, Nov 20, 2026: &lt;X&amp;Y&gt; up 2.00%"');
    expect(svg).toContain('data-direction="missing"');
    expect(svg).not.toContain('<X&Y>');
  });

  it('reads the window from the URL, falling back to 7 days', () => {
    expect([
      daysFromSearch('?days=30'),
      daysFromSearch('?days=90'),
      daysFromSearch('?days=12'),
      daysFromSearch(''),
    ]).toEqual([30, 90, 7, 7]);
  });

  it("allows exactly the page's inline scripts in the Content-Security-Policy, by hash", () => {
    const page = readFileSync(new URL('../../web/index.html', import.meta.url), 'utf8');
    const scripts = [...page.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1] as string);
    expect(
      scripts.map((script) => `'sha256-${createHash('sha256').update(script).digest('base64')}'`),
    ).toEqual(INLINE_SCRIPT_HASHES);
  });
});
