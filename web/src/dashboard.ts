import type { MoversResponse } from './api.ts';
import { ApiError, apiClient, isMoversResponse, isSessionResponse } from './api.ts';
import type { ChangeView, DetailView, SessionRow } from './board.ts';
import {
  basisLabel,
  detailView,
  missingNote,
  pendingDetail,
  sessionRows,
  sourceBanner,
  sourceLabel,
  tallyWinners,
} from './board.ts';
import type { ChartPoint } from './chart.ts';
import { renderChart } from './chart.ts';
import { formatLongDate, formatMarketTime, formatShortDate, plural } from './format.ts';

export const DAY_CHOICES: readonly number[] = [7, 30, 90];
export const DEFAULT_DAYS = 7;
/** The chart's width where the browser cannot measure it (no ResizeObserver). */
const FALLBACK_CHART_WIDTH = 640;
const NOT_UNDERSTOOD = 'The API answered with data this page does not understand.';

type Status = 'loading' | 'error' | 'empty' | 'ready';

/** The window named by `?days=`, when it is one of the choices; otherwise the default. */
export function daysFromSearch(search: string): number {
  const days = Number(new URLSearchParams(search).get('days'));
  return DAY_CHOICES.includes(days) ? days : DEFAULT_DAYS;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** An element with attributes (set as attributes, never parsed as HTML) and children (nodes or text). */
function element(tag: string, attributes: Record<string, string> = {}, ...children: (Node | string)[]) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

function find<T extends HTMLElement = HTMLElement>(root: ParentNode, selector: string): T {
  const found = root.querySelector<T>(selector);
  if (!found) throw new Error(`The dashboard page has no ${selector}.`);
  return found;
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

function winnerRow(row: SessionRow): HTMLElement {
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

function gapRow(row: SessionRow): HTMLElement {
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
function detailRow(row: SessionRow): HTMLElement {
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

/** One tbody per session: its row, and its ranking below it while opened. */
function sessionBody(row: SessionRow): HTMLElement {
  const body = element('tbody', {}, row.stored ? winnerRow(row) : gapRow(row));
  if (row.expanded) body.append(detailRow(row));
  return body;
}

function chartPoints(movers: MoversResponse): ChartPoint[] {
  const winners = new Map(movers.data.map((winner) => [winner.date, winner]));
  return movers.sessions.map((date) => {
    const winner = winners.get(date);
    return winner ? { date, symbol: winner.symbol, changePercent: winner.changePercent } : { date };
  });
}

function windowText(movers: MoversResponse): string {
  const { sessions } = movers;
  const newest = sessions[0];
  const oldest = sessions[sessions.length - 1];
  if (!newest || !oldest) return '';
  return `${plural(sessions.length, 'session')}, ${formatShortDate(oldest)} to ${formatShortDate(newest)}`;
}

function asOfLabel(movers: MoversResponse): string {
  return movers.asOfTime
    ? `${formatMarketTime(movers.asOfTime)} (session close)`
    : formatLongDate(movers.asOf);
}

function emptyText(days: number): string {
  return `No winners are stored for the last ${plural(days, 'session')} yet.`;
}

function moversPath(days: number): string {
  return `/movers?days=${days}`;
}

/**
 * The whole board, drawn with plain DOM: the winners request goes out as soon as the script runs, and the
 * table is on screen as soon as the answer is in, with no framework to load or evaluate first.
 * Every state and every fetch lives here; the page's markup holds only the static frame.
 */
export function startDashboard(root: ParentNode, search: string): void {
  const api = apiClient();
  const parts = {
    radios: Array.from(root.querySelectorAll<HTMLInputElement>('input[name="days"]')),
    banner: find(root, '.banner'),
    bannerTitle: find(root, '.banner-title'),
    bannerText: find(root, '.banner-text'),
    meta: find(root, '.meta'),
    asOf: find(root, '.meta .as-of'),
    basis: find(root, '.meta .basis'),
    source: find(root, '.meta .source'),
    watchlistEntry: find(root, '.meta .watchlist-entry'),
    watchlist: find(root, '.meta .watchlist'),
    status: find(root, '.status[role="status"]'),
    skeleton: find(root, '.skeleton'),
    error: find(root, 'section.error'),
    errorMessage: find(root, '.error-message'),
    empty: find(root, 'section.empty'),
    emptyText: find(root, '.empty-text'),
    board: find(root, '.board'),
    missingNote: find(root, '.missing-note'),
    windowText: find(root, '.window-text'),
    chart: find(root, '.chart'),
    tally: find(root, '.tally'),
    table: find<HTMLTableElement>(root, 'table.winners'),
  };

  let days = daysFromSearch(search);
  let status: Status = 'loading';
  let errorMessage = '';
  let movers: MoversResponse | null = null;
  let rows: SessionRow[] = [];
  /** The session bodies of the table as drawn, by date. */
  let bodies = new Map<string, HTMLElement>();
  let inFlight: AbortController | undefined;
  /** 0 until the chart's box has been measured: the chart is drawn at its real width. */
  let chartWidth = 0;
  let chartFrame: number | undefined;

  function drawChart(): void {
    if (movers && status === 'ready' && chartWidth > 0)
      parts.chart.innerHTML = renderChart(chartPoints(movers), chartWidth);
  }

  /** Redraws what a new answer changes: the table first, then the notes, the tally and the chart. */
  function drawBoard(answer: MoversResponse): void {
    bodies = new Map(rows.map((row) => [row.date, sessionBody(row)]));
    parts.table.querySelectorAll('tbody').forEach((body) => body.remove());
    parts.table.append(...bodies.values());
    const note = missingNote(answer);
    parts.missingNote.textContent = note;
    parts.missingNote.hidden = note === '';
    parts.windowText.textContent = windowText(answer);
    parts.tally.replaceChildren(
      ...tallyWinners(answer.data).map((entry) =>
        element(
          'li',
          {},
          element('span', { class: 'symbol' }, entry.symbol),
          ' ',
          element('span', { class: 'wins' }, entry.label),
        ),
      ),
    );
    drawChart();
  }

  /** Shows the part of the page that fits the state, and the facts about the answer. */
  function drawState(): void {
    const hasMeta = movers !== null && (status === 'ready' || status === 'empty');
    for (const radio of parts.radios) radio.checked = Number(radio.value) === days;
    parts.skeleton.hidden = status !== 'loading';
    parts.error.hidden = status !== 'error';
    parts.errorMessage.textContent = errorMessage;
    parts.empty.hidden = status !== 'empty';
    parts.emptyText.textContent = emptyText(days);
    const banner = hasMeta ? sourceBanner(movers?.source ?? null) : undefined;
    parts.banner.hidden = banner === undefined;
    parts.bannerTitle.textContent = banner?.title ?? '';
    parts.bannerText.textContent = banner?.text ?? '';
    parts.meta.hidden = !hasMeta;
    if (movers) {
      parts.asOf.textContent = asOfLabel(movers);
      parts.basis.textContent = basisLabel(movers.basis);
      parts.source.textContent = sourceLabel(movers.source);
      parts.watchlist.textContent = movers.watchlist?.join(', ') ?? '';
      parts.watchlistEntry.hidden = parts.watchlist.textContent === '';
    }
    parts.status.textContent =
      status === 'loading'
        ? `Loading the last ${plural(days, 'session')}…`
        : status === 'empty'
          ? emptyText(days)
          : status === 'ready' && movers
            ? `Showing ${windowText(movers)}.`
            : '';
    parts.board.hidden = status !== 'ready';
  }

  async function load(): Promise<void> {
    inFlight?.abort();
    const request = new AbortController();
    inFlight = request;
    status = 'loading';
    errorMessage = '';
    drawState();
    try {
      const body = await api(moversPath(days), request.signal);
      if (!isMoversResponse(body)) throw new ApiError(NOT_UNDERSTOOD);
      if (request.signal.aborted) return;
      movers = body;
      rows = sessionRows(body);
      status = body.data.length === 0 ? 'empty' : 'ready';
      if (status === 'ready') drawBoard(body);
    } catch (error) {
      // A newer request replaced this one: its outcome no longer matters.
      if (request.signal.aborted) return;
      errorMessage = messageOf(error);
      status = 'error';
    }
    drawState();
  }

  /** Loads again; focus moves to what replaced the Retry button, not back to the page top. */
  async function retry(): Promise<void> {
    await load();
    const heading =
      status === 'ready' ? 'winners-heading' : status === 'empty' ? 'empty-heading' : 'error-heading';
    document.getElementById(heading)?.focus();
  }

  function selectDays(chosen: number): void {
    if (!DAY_CHOICES.includes(chosen)) return;
    days = chosen;
    const url = new URL(window.location.href);
    url.searchParams.set('days', String(chosen));
    window.history.replaceState(window.history.state, '', url);
    void load();
  }

  /** Redraws one session's body in place (its button keeps focus), after it was opened, closed or loaded. */
  function drawRow(row: SessionRow): void {
    const body = bodies.get(row.date);
    if (!body) return;
    body.querySelector('button.toggle')?.setAttribute('aria-expanded', String(row.expanded));
    body.querySelector('tr.detail')?.remove();
    if (row.expanded) body.append(detailRow(row));
  }

  async function loadDetail(row: SessionRow): Promise<void> {
    row.detail = pendingDetail('loading');
    drawRow(row);
    try {
      const body = await api(`/movers/${encodeURIComponent(row.date)}`);
      if (!isSessionResponse(body)) throw new ApiError(NOT_UNDERSTOOD);
      row.detail = detailView(body);
    } catch (error) {
      row.detail = pendingDetail('error', messageOf(error));
    }
    drawRow(row);
  }

  function toggle(row: SessionRow): void {
    row.expanded = !row.expanded;
    if (row.expanded && (row.detail.status === 'idle' || row.detail.status === 'error')) void loadDetail(row);
    else drawRow(row);
  }

  function watchChartWidth(): void {
    if (typeof ResizeObserver === 'undefined') {
      chartWidth = FALLBACK_CHART_WIDTH;
      return;
    }
    new ResizeObserver((entries) => {
      const width = Math.floor(entries[0]?.contentRect.width ?? 0);
      // A hidden chart measures 0: keep the last real width until it shows again.
      if (width === 0 || width === chartWidth) return;
      // Observers run after layout and before paint: drawing here would hold back the frame that
      // first shows the table. The chart follows on the next frame instead.
      if (chartFrame !== undefined) cancelAnimationFrame(chartFrame);
      chartFrame = requestAnimationFrame(() => {
        chartFrame = undefined;
        chartWidth = width;
        drawChart();
      });
    }).observe(parts.chart);
  }

  // Handlers on the containers, so rows drawn later need none of their own.
  parts.radios[0]?.closest('fieldset')?.addEventListener('change', (event) => {
    selectDays(Number((event.target as HTMLInputElement).value));
  });
  find(parts.error, 'button.retry').addEventListener('click', () => void retry());
  parts.table.addEventListener('click', (event) => {
    const button = (event.target as Element).closest<HTMLButtonElement>('button[data-date]');
    const row = rows.find((candidate) => candidate.date === button?.dataset.date);
    if (!button || !row) return;
    if (button.classList.contains('toggle')) toggle(row);
    else void loadDetail(row);
  });
  watchChartWidth();
  void load();
}
