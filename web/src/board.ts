import type { MoversResponse, SessionResponse, WinnerRecord } from './api.ts';
import type { Direction } from './format.ts';
import {
  arrowOf,
  describePercent,
  directionOf,
  formatInstant,
  formatLongDate,
  formatPercent,
  formatPrice,
  formatWeekday,
  listDates,
  plural,
} from './format.ts';

/** A percent change ready to show: the signed text, an arrow, and a class for its color. */
export interface ChangeView {
  readonly text: string;
  readonly arrow: string;
  readonly direction: Direction;
  readonly description: string;
}

export interface RankView {
  readonly rank: number;
  readonly symbol: string;
  readonly change: ChangeView;
  readonly open: string;
  readonly close: string;
  /** `is-winner` for the session's winner. */
  readonly rowClass: string;
}

export type DetailStatus = 'idle' | 'loading' | 'error' | 'ready';

/** A session's whole ranking as the expanded row shows it; flags rather than expressions for the markup. */
export interface DetailView {
  readonly status: DetailStatus;
  readonly loading: boolean;
  readonly failed: boolean;
  readonly ready: boolean;
  readonly error: string;
  readonly caption: string;
  readonly ranking: readonly RankView[];
  readonly excluded: readonly { symbol: string; reason: string }[];
  readonly hasExcluded: boolean;
  readonly computedAt: string;
}

/** One session of the window: its winner, or a gap when nothing is stored for it. */
export interface SessionRow {
  readonly date: string;
  /** `2026-`: hidden on phones, where `11-20` is enough. */
  readonly year: string;
  readonly monthDay: string;
  readonly weekday: string;
  readonly longDate: string;
  readonly stored: boolean;
  readonly missing: boolean;
  readonly symbol: string;
  readonly change: ChangeView;
  readonly open: string;
  readonly close: string;
  readonly simulated: boolean;
  readonly detailId: string;
  readonly toggleLabel: string;
  /** For a gap: how many consecutive sessions it stands for, the oldest of them, and what to say. */
  readonly gapSessions: number;
  readonly gapOldest: string;
  readonly gapOldestYear: string;
  readonly gapOldestMonthDay: string;
  readonly gapNote: string;
  expanded: boolean;
  detail: DetailView;
}

export interface TallyEntry {
  readonly symbol: string;
  readonly wins: number;
  readonly label: string;
}

export function changeView(changePercent: number): ChangeView {
  const direction = directionOf(changePercent);
  return {
    text: formatPercent(changePercent),
    arrow: arrowOf(direction),
    direction,
    description: describePercent(changePercent),
  };
}

/** A ranking not (successfully) loaded yet: idle, loading, or failed with a message. */
export function pendingDetail(status: Exclude<DetailStatus, 'ready'>, error = ''): DetailView {
  return {
    status,
    loading: status === 'loading',
    failed: status === 'error',
    ready: false,
    error,
    caption: '',
    ranking: [],
    excluded: [],
    hasExcluded: false,
    computedAt: '',
  };
}

const NO_CHANGE: ChangeView = { text: '', arrow: '', direction: 'flat', description: '' };

function dateParts(date: string) {
  return {
    date,
    year: date.slice(0, 5),
    monthDay: date.slice(5),
    weekday: formatWeekday(date),
    longDate: formatLongDate(date),
    detailId: `ranking-${date}`,
    expanded: false,
    detail: pendingDetail('idle'),
  };
}

function winnerRow(winner: WinnerRecord, mixed: boolean): SessionRow {
  const parts = dateParts(winner.date);
  return {
    ...parts,
    stored: true,
    missing: false,
    symbol: winner.symbol,
    change: changeView(winner.changePercent),
    open: formatPrice(winner.open),
    close: formatPrice(winner.close),
    simulated: mixed && winner.source === 'simulated',
    toggleLabel: `Full ranking for ${parts.longDate}`,
    gapSessions: 0,
    gapOldest: '',
    gapOldestYear: '',
    gapOldestMonthDay: '',
    gapNote: '',
  };
}

/** One row for a run of consecutive sessions with no stored result, `dates` newest first. */
function gapRow(dates: readonly string[]): SessionRow {
  const newest = dates[0] as string;
  const oldest = dates[dates.length - 1] as string;
  const several = dates.length > 1;
  return {
    ...dateParts(newest),
    stored: false,
    missing: true,
    symbol: '',
    change: NO_CHANGE,
    open: '',
    close: '',
    simulated: false,
    toggleLabel: '',
    gapSessions: dates.length,
    gapOldest: several ? oldest : '',
    gapOldestYear: several ? oldest.slice(0, 5) : '',
    gapOldestMonthDay: several ? oldest.slice(5) : '',
    gapNote: several
      ? `No results stored for these ${dates.length} sessions`
      : 'No result stored for this session',
  };
}

/**
 * The window's sessions, newest first: one row per stored winner, and one gap row for each run of
 * consecutive sessions with no stored result, so gaps are shown, not hidden, without drowning the winners.
 */
export function sessionRows(movers: MoversResponse): SessionRow[] {
  const winners = new Map(movers.data.map((winner) => [winner.date, winner]));
  const mixed = movers.source === 'mixed';
  const rows: SessionRow[] = [];
  let gap: string[] = [];
  for (const date of movers.sessions) {
    const winner = winners.get(date);
    if (!winner) {
      gap.push(date);
      continue;
    }
    if (gap.length > 0) rows.push(gapRow(gap));
    gap = [];
    rows.push(winnerRow(winner, mixed));
  }
  if (gap.length > 0) rows.push(gapRow(gap));
  return rows;
}

/** Wins per symbol over the window, most wins first (ties alphabetical). */
export function tallyWinners(data: readonly WinnerRecord[]): TallyEntry[] {
  const wins = new Map<string, number>();
  for (const winner of data) wins.set(winner.symbol, (wins.get(winner.symbol) ?? 0) + 1);
  return [...wins.entries()]
    .sort(([a, aWins], [b, bWins]) => bWins - aWins || (a < b ? -1 : a > b ? 1 : 0))
    .map(([symbol, count]) => ({ symbol, wins: count, label: plural(count, 'win') }));
}

export function missingNote(movers: MoversResponse): string {
  const count = movers.missing.length;
  if (count === 0) return '';
  const one = count === 1;
  return (
    `${plural(count, 'session')} of ${movers.sessions.length} ${one ? 'has' : 'have'} no stored result ` +
    `(${listDates(movers.missing)}), shown as ${one ? 'a gap' : 'gaps'} in the chart and the table.`
  );
}

/** What a reader must know about where the numbers come from; undefined when they are all live market data. */
export function sourceBanner(source: MoversResponse['source']): { title: string; text: string } | undefined {
  if (source === 'simulated')
    return {
      title: 'Simulated data.',
      text: 'These prices are generated offline, not real market data. Set MASSIVE_API_KEY to use the Massive API.',
    };
  if (source === 'mixed')
    return {
      title: 'Partly simulated data.',
      text: 'Sessions marked "sim" use prices generated offline, not real market data.',
    };
  return undefined;
}

export function sourceLabel(source: MoversResponse['source']): string {
  if (source === 'massive') return 'Massive market data';
  if (source === 'simulated') return 'simulated';
  if (source === 'mixed') return 'Massive and simulated';
  return 'none yet';
}

export function basisLabel(basis: MoversResponse['basis'] | null): string {
  if (basis === 'close-to-close') return 'close-to-close (close vs previous close)';
  if (basis === 'open-to-close') return 'open-to-close (close vs open, same day)';
  return 'not known yet';
}

export function detailView(session: SessionResponse): DetailView {
  return {
    status: 'ready',
    loading: false,
    failed: false,
    ready: true,
    error: '',
    caption: `Whole watchlist, ${formatLongDate(session.date)}`,
    ranking: session.ranking.map((mover, index) => ({
      rank: mover.rank,
      symbol: mover.symbol,
      change: changeView(mover.changePercent),
      open: formatPrice(mover.open),
      close: formatPrice(mover.close),
      rowClass: index === 0 ? 'is-winner' : '',
    })),
    excluded: session.excluded.map((item) => ({ symbol: item.symbol, reason: item.reason })),
    hasExcluded: session.excluded.length > 0,
    computedAt: formatInstant(session.computedAt),
  };
}

/** An element with attributes (set as attributes, never parsed as HTML) and children (nodes or text). */
function element(tag: string, attributes: Record<string, string> = {}, ...children: (Node | string)[]) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

/** `2026-11-20`, with the year in its own span (hidden on phones, where `11-20` is enough). */
function dateElement(date: string, year: string, monthDay: string): HTMLElement {
  return element(
    'time',
    { datetime: date },
    element('span', { class: 'date-year' }, year),
    element('span', {}, monthDay),
  );
}

function changeCell(change: ChangeView): HTMLElement {
  return element(
    'td',
    { class: `num change ${change.direction}` },
    element('span', { class: 'arrow', 'aria-hidden': 'true' }, change.arrow),
    element('span', { class: 'pct' }, change.text),
  );
}

function winnerRowElement(row: SessionRow): HTMLElement {
  const toggle = element(
    'button',
    {
      type: 'button',
      class: 'toggle',
      'aria-expanded': String(row.expanded),
      'aria-controls': row.detailId,
      title: row.toggleLabel,
      'data-date': row.date,
    },
    element('span', { class: 'chevron', 'aria-hidden': 'true' }),
    dateElement(row.date, row.year, row.monthDay),
    element('span', { class: 'weekday' }, row.weekday),
  );
  const symbol = element('td', { class: 'symbol' }, element('span', {}, row.symbol));
  if (row.simulated) symbol.append(' ', element('span', { class: 'badge' }, 'sim'));
  return element(
    'tr',
    { class: 'session', 'data-date': row.date, 'data-direction': row.change.direction },
    element('th', { scope: 'row' }, toggle),
    symbol,
    changeCell(row.change),
    element('td', { class: 'num' }, row.open),
    element('td', { class: 'num' }, row.close),
  );
}

function gapRowElement(row: SessionRow): HTMLElement {
  const dates = element('span', { class: 'gap-dates' }, dateElement(row.date, row.year, row.monthDay));
  if (row.gapOldest) {
    dates.append(
      ' ',
      element(
        'span',
        { class: 'gap-until' },
        'to ',
        dateElement(row.gapOldest, row.gapOldestYear, row.gapOldestMonthDay),
      ),
    );
  }
  return element(
    'tr',
    { class: 'session missing', 'data-date': row.date, 'data-sessions': String(row.gapSessions) },
    element(
      'th',
      { scope: 'row' },
      element(
        'span',
        { class: 'toggle static' },
        element('span', { class: 'chevron none', 'aria-hidden': 'true' }),
        dates,
      ),
    ),
    element('td', { colspan: '4', class: 'gap-note' }, row.gapNote),
  );
}

function rankingTable(detail: DetailView): HTMLElement {
  const head = element(
    'tr',
    {},
    element('th', { scope: 'col', class: 'num rank' }, '#'),
    element('th', { scope: 'col' }, 'Symbol'),
    element('th', { scope: 'col', class: 'num' }, 'Change'),
    element('th', { scope: 'col', class: 'num' }, 'Open'),
    element('th', { scope: 'col', class: 'num' }, 'Close'),
  );
  const body = detail.ranking.map((mover) =>
    element(
      'tr',
      mover.rowClass ? { class: mover.rowClass } : {},
      element('td', { class: 'num rank' }, String(mover.rank)),
      element('th', { scope: 'row' }, mover.symbol),
      changeCell(mover.change),
      element('td', { class: 'num' }, mover.open),
      element('td', { class: 'num' }, mover.close),
    ),
  );
  return element(
    'table',
    { class: 'ranking' },
    element('caption', {}, detail.caption),
    element('thead', {}, head),
    element('tbody', {}, ...body),
  );
}

/** The opened session's ranking, or what stands in for it while it loads or after it failed. */
export function detailRowElement(row: SessionRow): HTMLElement {
  const { detail } = row;
  const cell = element('td', { colspan: '5' });
  if (detail.loading) cell.append(element('p', { class: 'subtle' }, 'Loading the ranking…'));
  if (detail.failed) {
    cell.append(
      element(
        'div',
        { class: 'detail-error', role: 'alert' },
        element('span', {}, detail.error),
        ' ',
        element(
          'button',
          { type: 'button', class: 'button small retry-row', 'data-date': row.date },
          'Retry',
        ),
      ),
    );
  }
  if (detail.ready) {
    const content = element('div', {}, rankingTable(detail));
    if (detail.hasExcluded) {
      const items = detail.excluded.map((item) =>
        element(
          'li',
          {},
          element('strong', {}, item.symbol),
          ' left out: ',
          element('span', {}, item.reason),
        ),
      );
      content.append(element('ul', { class: 'excluded' }, ...items));
    }
    content.append(element('p', { class: 'subtle' }, 'Computed ', element('span', {}, detail.computedAt)));
    cell.append(content);
  }
  return element('tr', { class: 'detail', id: row.detailId }, cell);
}

/**
 * One tbody per session: its row, and its ranking below it while opened. Built as plain DOM (the
 * component puts them in the table) because Alpine's x-for took 80 to 170 ms for 30 rows.
 */
export function sessionBodyElement(row: SessionRow): HTMLElement {
  const body = element('tbody', {}, row.stored ? winnerRowElement(row) : gapRowElement(row));
  if (row.expanded) body.append(detailRowElement(row));
  return body;
}
