import type Alpine from 'alpinejs';
import { DEFAULT_DAYS } from '../../adapters/http/api-contract.ts';
import type { MoversResponse } from './api.ts';
import { ApiError, apiClient, isMoversResponse, isSessionResponse } from './api.ts';
import type { SessionRow, TallyEntry } from './board.ts';
import {
  basisLabel,
  detailView,
  detailRowElement,
  pendingDetail,
  missingNote,
  sessionBodyElement,
  sessionRows,
  sourceBanner,
  sourceLabel,
  tallyWinners,
} from './board.ts';
import type { ChartPoint } from './chart.ts';
import { renderChart } from './chart.ts';
import { formatLongDate, formatMarketTime, formatShortDate, plural } from './format.ts';

export const DAY_CHOICES: readonly number[] = [7, 30, 90];
/** The chart's width where the browser cannot measure it (no ResizeObserver). */
const FALLBACK_CHART_WIDTH = 640;

type Status = 'loading' | 'error' | 'empty' | 'ready';

/** The window named by `?days=`, when it is one of the choices; otherwise the default. */
export function daysFromSearch(search: string): number {
  const days = Number(new URLSearchParams(search).get('days'));
  return DAY_CHOICES.includes(days) ? days : DEFAULT_DAYS;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Gives an object literal Alpine's `this` (its own state plus `$refs`, `$watch`, ...), as `Alpine.data` does. */
function component<T extends { [key in keyof T]: T[key] }>(definition: Alpine.AlpineComponent<T>) {
  return definition;
}

const api = apiClient();

function moversPath(days: number): string {
  return `/movers?days=${days}`;
}

/** The first window's request, when main.ts started it before Alpine walked the page. */
let firstLoad: { readonly path: string; readonly answer: Promise<unknown> } | undefined;

/** Starts the winners request for the page's window at once, rather than after Alpine has started. */
export function startFirstLoad(search: string): void {
  const path = moversPath(daysFromSearch(search));
  firstLoad = { path, answer: api(path) };
  // Settled here: the component reads it (or drops it) later.
  firstLoad.answer.catch(() => undefined);
}

/**
 * Runs a DOM change Alpine should not walk (`Alpine.mutateDom`): the rows the builders of board.ts
 * make carry no directives, and Alpine's walk of 30 added tbodies was main-thread time before the
 * table showed.
 */
type Unwatched = <T>(change: () => T) => T;

/** The whole board: one component, so every state and every fetch lives here and not in the markup. */
export function dashboard(unwatched: Unwatched) {
  // Not reactive state: the in-flight request, the chart's size watcher and its pending redraw, and the
  // table's rows, which drawTable and drawRow put on the page themselves (see sessionBodyElement).
  let inFlight: AbortController | undefined;
  let rows: SessionRow[] = [];
  let resizeObserver: ResizeObserver | undefined;
  let chartFrame: number | undefined;

  return component({
    days: DEFAULT_DAYS,
    status: 'loading' as Status,
    errorMessage: '',
    movers: null as MoversResponse | null,
    tally: [] as TallyEntry[],
    /** 0 until the chart's box has been measured: the chart is drawn at its real width, once. */
    chartWidth: 0,

    init() {
      this.days = daysFromSearch(window.location.search);
      this.watchChartWidth();
      void this.load();
    },

    destroy() {
      inFlight?.abort();
      resizeObserver?.disconnect();
      if (chartFrame !== undefined) cancelAnimationFrame(chartFrame);
    },

    get isLoading(): boolean {
      return this.status === 'loading';
    },
    get isError(): boolean {
      return this.status === 'error';
    },
    get isEmpty(): boolean {
      return this.status === 'empty';
    },
    get isReady(): boolean {
      return this.status === 'ready';
    },
    get hasMeta(): boolean {
      return this.movers !== null && (this.isReady || this.isEmpty);
    },

    get dayChoices() {
      return DAY_CHOICES.map((value) => ({
        value,
        id: `days-${value}`,
        label: `${value} days`,
        checked: value === this.days,
      }));
    },

    get bannerTitle(): string {
      return this.hasMeta ? (sourceBanner(this.movers?.source ?? null)?.title ?? '') : '';
    },
    get banner(): string {
      return this.hasMeta ? (sourceBanner(this.movers?.source ?? null)?.text ?? '') : '';
    },
    get hasBanner(): boolean {
      return this.banner !== '';
    },
    get asOfLabel(): string {
      const movers = this.movers;
      if (!movers) return '';
      return movers.asOfTime
        ? `${formatMarketTime(movers.asOfTime)} (session close)`
        : formatLongDate(movers.asOf);
    },
    get watchlistText(): string {
      return this.movers?.watchlist?.join(', ') ?? '';
    },
    get hasWatchlist(): boolean {
      return this.watchlistText !== '';
    },
    get basisText(): string {
      return basisLabel(this.movers?.basis ?? null);
    },
    get sourceText(): string {
      return sourceLabel(this.movers?.source ?? null);
    },
    get missingText(): string {
      return this.movers ? missingNote(this.movers) : '';
    },
    get hasMissing(): boolean {
      return this.missingText !== '';
    },
    get windowText(): string {
      const sessions = this.movers?.sessions ?? [];
      const newest = sessions[0];
      const oldest = sessions[sessions.length - 1];
      if (!newest || !oldest) return '';
      return `${plural(sessions.length, 'session')}, ${formatShortDate(oldest)} to ${formatShortDate(newest)}`;
    },
    get emptyText(): string {
      return `No winners are stored for the last ${plural(this.days, 'session')} yet.`;
    },
    get statusMessage(): string {
      if (this.isLoading) return `Loading the last ${plural(this.days, 'session')}…`;
      if (this.isEmpty) return this.emptyText;
      if (this.isReady) return `Showing ${this.windowText}.`;
      return '';
    },

    get chartSvg(): string {
      const movers = this.movers;
      if (!movers || !this.isReady || this.chartWidth === 0) return '';
      const winners = new Map(movers.data.map((winner) => [winner.date, winner]));
      const points: ChartPoint[] = movers.sessions.map((date) => {
        const winner = winners.get(date);
        return winner ? { date, symbol: winner.symbol, changePercent: winner.changePercent } : { date };
      });
      return renderChart(points, this.chartWidth);
    },

    /** Alpine's CSP build has no x-html: the chart's SVG (built by renderChart, which escapes text) is set here. */
    drawChart() {
      const chart = this.$refs.chart;
      if (chart) chart.innerHTML = this.chartSvg;
    },

    watchChartWidth() {
      const chart = this.$refs.chart;
      if (!chart || typeof ResizeObserver === 'undefined') {
        this.chartWidth = FALLBACK_CHART_WIDTH;
        return;
      }
      resizeObserver = new ResizeObserver((entries) => {
        const width = Math.floor(entries[0]?.contentRect.width ?? 0);
        // A hidden chart measures 0: keep the last real width until it shows again.
        if (width === 0 || width === this.chartWidth) return;
        // Observers run after layout and before paint: drawing here would hold back the frame that
        // first shows the table. The chart follows on the next frame instead.
        if (chartFrame !== undefined) cancelAnimationFrame(chartFrame);
        chartFrame = requestAnimationFrame(() => {
          chartFrame = undefined;
          this.chartWidth = width;
        });
      });
      resizeObserver.observe(chart);
    },

    async load() {
      inFlight?.abort();
      const request = new AbortController();
      inFlight = request;
      this.status = 'loading';
      this.errorMessage = '';
      try {
        const path = moversPath(this.days);
        const started = firstLoad?.path === path ? firstLoad.answer : undefined;
        firstLoad = undefined;
        const body = await (started ?? api(path, request.signal));
        if (!isMoversResponse(body))
          throw new ApiError('The API answered with data this page does not understand.');
        if (request.signal.aborted) return;
        this.movers = body;
        rows = sessionRows(body);
        this.drawTable();
        this.tally = tallyWinners(body.data);
        this.status = body.data.length === 0 ? 'empty' : 'ready';
      } catch (error) {
        // A newer request replaced this one: its outcome no longer matters.
        if (request.signal.aborted) return;
        this.errorMessage = messageOf(error);
        this.status = 'error';
      }
    },

    /** Loads again; on success, focus moves to what replaced the Retry button, not back to the page top. */
    async retry() {
      await this.load();
      const heading = this.isReady ? 'winners-heading' : this.isEmpty ? 'empty-heading' : 'error-heading';
      await this.$nextTick();
      document.getElementById(heading)?.focus();
    },

    /** The days radio buttons' change handler: the window is the chosen input's value. */
    chooseDays(event: Event) {
      this.selectDays(Number((event.target as HTMLInputElement).value));
    },

    selectDays(days: number) {
      if (!DAY_CHOICES.includes(days)) return;
      this.days = days;
      const url = new URL(window.location.href);
      url.searchParams.set('days', String(days));
      window.history.replaceState(window.history.state, '', url);
      void this.load();
    },

    /** The table's sessions, one tbody each, replacing the previous window's. */
    drawTable() {
      const table = this.$refs.winners;
      if (!table) return;
      unwatched(() => {
        for (const body of Array.from(table.querySelectorAll(':scope > tbody'))) body.remove();
        table.append(...rows.map(sessionBodyElement));
      });
    },

    /** Redraws one session's ranking in place (its button, so the focus, stays), after it was opened, closed or loaded. */
    drawRow(row: SessionRow) {
      // A ranking that arrives after the window changed belongs to a table no longer shown.
      if (!rows.includes(row)) return;
      const toggle = this.$refs.winners?.querySelector(`button.toggle[data-date="${row.date}"]`);
      const body = toggle?.closest('tbody');
      if (!toggle || !body) return;
      unwatched(() => {
        toggle.setAttribute('aria-expanded', String(row.expanded));
        body.querySelector('tr.detail')?.remove();
        if (row.expanded) body.append(detailRowElement(row));
      });
    },

    /** One handler for the whole table: a session's toggle, or the Retry of its ranking, names its date. */
    onTableClick(event: Event) {
      const control = (event.target as Element | null)?.closest<HTMLElement>('button[data-date]');
      const row = rows.find((candidate) => candidate.date === control?.dataset.date);
      if (!control || !row) return;
      if (control.classList.contains('toggle')) this.toggle(row);
      else void this.loadDetail(row);
    },

    toggle(row: SessionRow) {
      row.expanded = !row.expanded;
      if (row.expanded && (row.detail.status === 'idle' || row.detail.status === 'error')) {
        void this.loadDetail(row);
      } else {
        this.drawRow(row);
      }
    },

    async loadDetail(row: SessionRow) {
      row.detail = pendingDetail('loading');
      this.drawRow(row);
      try {
        const body = await api(`/movers/${encodeURIComponent(row.date)}`);
        if (!isSessionResponse(body))
          throw new ApiError('The API answered with data this page does not understand.');
        row.detail = detailView(body);
      } catch (error) {
        row.detail = pendingDetail('error', messageOf(error));
      }
      this.drawRow(row);
    },
  });
}
