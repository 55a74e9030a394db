import type Alpine from 'alpinejs';
import { DEFAULT_DAYS } from '../../adapters/http/api-contract.ts';
import type { MarketMoversResponse, WatchlistRecord } from '../../adapters/http/api-contract.ts';
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
import {
  filtersText,
  isMarketMoversResponse,
  marketMissingNote,
  marketSessionElement,
  marketSessionViews,
} from './market.ts';
import type { View } from './watchlists.ts';
import {
  isWatchlistsResponse,
  listChoices,
  listFromSearch,
  listParam,
  marketPath,
  moversPath,
  pageSearch,
  sessionPath,
  viewFromSearch,
} from './watchlists.ts';

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

/** The first window's request, when main.ts started it before Alpine walked the page. */
let firstLoad:
  | {
      readonly path: string;
      readonly answer: Promise<unknown>;
      /** The answer, when paintFirstAnswer put it on the page before Alpine started: the component adopts it. */
      painted?: unknown;
    }
  | undefined;

/** What the page asks first: the market's boards or a list's winners, for the window the address names. */
export function firstPath(search: string): string {
  const days = daysFromSearch(search);
  return viewFromSearch(search) === 'market' ? marketPath(days) : moversPath(days, listFromSearch(search));
}

/** Starts the page's first request at once, rather than after Alpine has started. */
export function startFirstLoad(search: string): void {
  const path = firstPath(search);
  firstLoad = { path, answer: api(path) };
  // Settled here: the component reads it (or drops it) later.
  firstLoad.answer.catch(() => undefined);
}

/**
 * Shows the first answer before Alpine is evaluated, when it comes within `waitMs`. Evaluating Alpine's
 * CSP build (it reads every global) and starting it take 100 to 150 ms of main thread on a small machine;
 * the board no longer waits for them. The component's own code draws it, on a copy of the component
 * outside Alpine, and every `x-text` and `x-show` of the page gets the value Alpine will give it, so the
 * table, the banner that labels simulated data, and the meta show together and nothing moves when
 * Alpine starts. The component then adopts the drawn answer (load), without drawing it again. A slower
 * answer or an error is left to the component, as before: Alpine starts after `waitMs` at the latest,
 * so a slow API never holds back the page's controls for longer. Returns whether it drew.
 */
export async function paintFirstAnswer(waitMs: number): Promise<boolean> {
  const load = firstLoad;
  if (!load) return false;
  const body = await Promise.race([
    load.answer.catch(() => undefined),
    new Promise<undefined>((resolve) => setTimeout(resolve, waitMs)),
  ]);
  const page = Object.assign(
    dashboard((change) => change()),
    { $refs: pageRefs() },
  );
  page.readAddress(window.location.search);
  if (!page.show(body)) return false;
  paintBindings(page);
  load.painted = body;
  return true;
}

/** The page's `x-ref` elements, by name, as Alpine's `$refs` gives them to the component. */
function pageRefs(): Record<string, HTMLElement> {
  const refs: Record<string, HTMLElement> = {};
  for (const element of Array.from(document.querySelectorAll<HTMLElement>('[x-ref]')))
    refs[element.getAttribute('x-ref') ?? ''] = element;
  return refs;
}

/**
 * Gives each `x-text` and `x-show` outside templates what Alpine will give it: in the CSP build every
 * such expression names one of the component's properties. Shown elements lose `x-cloak`; hidden ones
 * get `display: none` through the CSSOM, as x-show does (the Content-Security-Policy refuses style
 * attributes).
 */
function paintBindings(component: object): void {
  const valueOf = (element: Element, directive: string): { value: unknown } | undefined => {
    const name = element.getAttribute(directive) ?? '';
    return name in component ? { value: (component as Record<string, unknown>)[name] } : undefined;
  };
  for (const element of Array.from(document.querySelectorAll<HTMLElement>('[x-text]'))) {
    const binding = valueOf(element, 'x-text');
    if (binding) element.textContent = String(binding.value ?? '');
  }
  for (const element of Array.from(document.querySelectorAll<HTMLElement>('[x-show]'))) {
    const binding = valueOf(element, 'x-show');
    if (!binding) continue;
    if (binding.value) element.removeAttribute('x-cloak');
    else element.style.display = 'none';
  }
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
  let watchlistsAsked = false;

  return component({
    days: DEFAULT_DAYS,
    /** Fixed for the page's life: the views are links, so each has its own address and history entry. */
    view: 'board' as View,
    /** The list shown; '' for the default one. */
    list: '',
    /** Every configured list, once `GET /watchlists` has answered (after the first table shows). */
    watchlists: [] as WatchlistRecord[],
    status: 'loading' as Status,
    errorMessage: '',
    movers: null as MoversResponse | null,
    market: null as MarketMoversResponse | null,
    tally: [] as TallyEntry[],
    /** 0 until the chart's box has been measured: the chart is drawn at its real width, once. */
    chartWidth: 0,

    init() {
      this.readAddress(window.location.search);
      this.watchChartWidth();
      void this.load();
    },

    /** The window, view and list the address names. */
    readAddress(search: string) {
      this.days = daysFromSearch(search);
      this.view = viewFromSearch(search);
      this.list = listFromSearch(search);
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
    get isMarket(): boolean {
      return this.view === 'market';
    },
    get isEmpty(): boolean {
      return !this.isMarket && this.status === 'empty';
    },
    get isReady(): boolean {
      return !this.isMarket && this.status === 'ready';
    },
    get isMarketEmpty(): boolean {
      return this.isMarket && this.status === 'empty';
    },
    get isMarketReady(): boolean {
      return this.isMarket && this.status === 'ready';
    },
    get hasAnswer(): boolean {
      return this.status === 'ready' || this.status === 'empty';
    },
    get hasMeta(): boolean {
      return this.hasAnswer && (this.isMarket ? this.market : this.movers) !== null;
    },

    get tagline(): string {
      return this.isMarket
        ? "Each US trading session's biggest gainers and losers across the whole market."
        : "The watchlist's biggest mover of each US trading session, up or down.";
    },
    get errorHeading(): string {
      return this.isMarket ? 'The market board could not be loaded' : 'The winners could not be loaded';
    },
    get boardHref(): string {
      const search = pageSearch({
        view: 'board',
        list: this.list,
        days: this.days,
        defaultDays: DEFAULT_DAYS,
      });
      return search === '' ? window.location.pathname : search;
    },
    get marketHref(): string {
      return pageSearch({ view: 'market', list: '', days: this.days, defaultDays: DEFAULT_DAYS });
    },
    get boardCurrent(): string | undefined {
      return this.isMarket ? undefined : 'page';
    },
    get marketCurrent(): string | undefined {
      return this.isMarket ? 'page' : undefined;
    },

    /** The picker shows only with a choice to make: one list needs no picker (its tickers are in the meta). */
    get hasListChoice(): boolean {
      return !this.isMarket && this.watchlists.length > 1;
    },
    get listChoices() {
      return listChoices(this.watchlists, this.list);
    },

    get dayChoices() {
      return DAY_CHOICES.map((value) => ({
        value,
        id: `days-${value}`,
        label: `${value} days`,
        checked: value === this.days,
      }));
    },

    /** Where the shown window's numbers come from. */
    get windowSource(): MoversResponse['source'] {
      return (this.isMarket ? this.market?.source : this.movers?.source) ?? null;
    },
    get bannerTitle(): string {
      return this.hasAnswer ? (sourceBanner(this.windowSource)?.title ?? '') : '';
    },
    get banner(): string {
      return this.hasAnswer ? (sourceBanner(this.windowSource)?.text ?? '') : '';
    },
    get hasBanner(): boolean {
      return this.banner !== '';
    },
    get asOfLabel(): string {
      const answer = this.isMarket ? this.market : this.movers;
      if (!answer) return '';
      return answer.asOfTime
        ? `${formatMarketTime(answer.asOfTime)} (session close)`
        : formatLongDate(answer.asOf);
    },
    get watchlistText(): string {
      return this.movers?.watchlist?.join(', ') ?? '';
    },
    get hasWatchlist(): boolean {
      return this.watchlistText !== '';
    },
    get basisText(): string {
      return basisLabel((this.isMarket ? this.market?.data[0]?.basis : this.movers?.basis) ?? null);
    },
    get sourceText(): string {
      return sourceLabel(this.windowSource);
    },
    get missingText(): string {
      return this.movers ? missingNote(this.movers) : '';
    },
    get hasMissing(): boolean {
      return this.missingText !== '';
    },
    get filtersText(): string {
      return this.market ? filtersText(this.market.filters) : '';
    },
    get hasFilters(): boolean {
      return this.filtersText !== '';
    },
    get marketMissingText(): string {
      return this.market ? marketMissingNote(this.market) : '';
    },
    get hasMarketMissing(): boolean {
      return this.marketMissingText !== '';
    },
    get windowText(): string {
      const sessions = (this.isMarket ? this.market?.sessions : this.movers?.sessions) ?? [];
      const newest = sessions[0];
      const oldest = sessions[sessions.length - 1];
      if (!newest || !oldest) return '';
      return `${plural(sessions.length, 'session')}, ${formatShortDate(oldest)} to ${formatShortDate(newest)}`;
    },
    get emptyText(): string {
      return `No winners are stored for the last ${plural(this.days, 'session')} yet.`;
    },
    get marketEmptyText(): string {
      return `No market boards are stored for the last ${plural(this.days, 'session')} yet.`;
    },
    get statusMessage(): string {
      if (this.isLoading) return `Loading the last ${plural(this.days, 'session')}…`;
      if (this.isEmpty) return this.emptyText;
      if (this.isMarketEmpty) return this.marketEmptyText;
      if (this.hasAnswer) return `Showing ${this.windowText}.`;
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
        const path = this.isMarket ? marketPath(this.days) : moversPath(this.days, this.list);
        const started = firstLoad?.path === path ? firstLoad : undefined;
        firstLoad = undefined;
        const drawn = started?.painted !== undefined;
        // Adopted without an await: init runs this before Alpine evaluates the markup's directives, so
        // the drawn board is never hidden behind the loading state, even for a frame.
        const body = drawn ? started.painted : await (started?.answer ?? api(path, request.signal));
        if (request.signal.aborted) return;
        if (!this.show(body, drawn))
          throw new ApiError('The API answered with data this page does not understand.');
      } catch (error) {
        // A newer request replaced this one: its outcome no longer matters.
        if (request.signal.aborted) return;
        this.errorMessage = messageOf(error);
        this.status = 'error';
      }
      // The picker's lists are asked once the first table (or its error) shows, off its path.
      if (!this.isMarket && !watchlistsAsked) {
        watchlistsAsked = true;
        void this.loadWatchlists();
      }
    },

    /**
     * Shows the view's answer; false when the body is not one. `drawn`: paintFirstAnswer has put this
     * answer on the page already, so only the state is taken up.
     */
    show(body: unknown, drawn = false): boolean {
      if (this.isMarket && isMarketMoversResponse(body)) this.showMarket(body, drawn);
      else if (!this.isMarket && isMoversResponse(body)) this.showMovers(body, drawn);
      else return false;
      return true;
    },

    showMovers(body: MoversResponse, drawn = false) {
      this.movers = body;
      rows = sessionRows(body);
      if (!drawn) this.drawTable();
      this.tally = tallyWinners(body.data);
      this.status = body.data.length === 0 ? 'empty' : 'ready';
    },

    showMarket(body: MarketMoversResponse, drawn = false) {
      this.market = body;
      const sessions = this.$refs.market;
      if (sessions && !drawn)
        unwatched(() => sessions.replaceChildren(...marketSessionViews(body).map(marketSessionElement)));
      this.status = body.data.length === 0 ? 'empty' : 'ready';
    },

    /** Fills the list picker; without an answer the page keeps the list it shows, and no picker. */
    async loadWatchlists() {
      try {
        const body = await api('/watchlists');
        if (isWatchlistsResponse(body)) this.watchlists = [...body.watchlists];
      } catch {
        // The board itself does not depend on the picker: it stays as it is.
      }
    },

    /** The picker's change handler: the chosen list is kept in the address (none for the default list). */
    chooseList(event: Event) {
      const chosen = (event.target as HTMLSelectElement).value;
      this.list = listParam(this.watchlists, chosen);
      const url = new URL(window.location.href);
      if (this.list === '') url.searchParams.delete('list');
      else url.searchParams.set('list', this.list);
      window.history.replaceState(window.history.state, '', url);
      void this.load();
    },

    /** Loads again; on success, focus moves to what replaced the Retry button, not back to the page top. */
    async retry() {
      await this.load();
      const heading = this.isReady
        ? 'winners-heading'
        : this.isMarketReady
          ? 'market-heading'
          : this.isMarketEmpty
            ? 'market-empty-heading'
            : this.isEmpty
              ? 'empty-heading'
              : 'error-heading';
      await this.$nextTick();
      // x-show reveals on the next animation frame: a hidden heading cannot take focus before it.
      await new Promise((resolve) => requestAnimationFrame(resolve));
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
        const body = await api(sessionPath(row.date, this.list));
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
