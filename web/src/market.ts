import type {
  MarketMoverRecord,
  MarketMoversResponse,
  MarketSessionRecord,
} from '../../adapters/http/api-contract.ts';
import type { ChangeView } from './board.ts';
import { changeCell, changeView, sessionRuns, symbolContent } from './board.ts';
import { element } from './dom.ts';
import { formatLongDate, formatPrice, listDates, plural } from './format.ts';

/** One ticker on a session's board, ready to show. */
export interface MarketMoverView {
  readonly rank: number;
  readonly symbol: string;
  /** The company's name; '' when the reference data has none. */
  readonly company: string;
  readonly change: ChangeView;
  readonly close: string;
  readonly dollarVolume: string;
}

/** One card of the market view: a stored session's gainers and losers, or a run of sessions with none. */
export interface MarketSessionView {
  readonly date: string;
  readonly longDate: string;
  readonly stored: boolean;
  readonly headingId: string;
  readonly gainers: readonly MarketMoverView[];
  readonly losers: readonly MarketMoverView[];
  /** `Chosen from 3,412 stocks that passed the filters`. */
  readonly universe: string;
  readonly simulated: boolean;
  /** For a gap: the oldest session of the run ('' for one session), and what to say. */
  readonly gapOldestLongDate: string;
  readonly gapNote: string;
}

const countFormat = new Intl.NumberFormat('en-US');
const dollarsFormat = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  notation: 'compact',
  minimumFractionDigits: 0,
  maximumFractionDigits: 1,
});

/** `$35.4M`, `$1.2B`: a session's close x volume, to the size that matters. */
export function formatDollars(amount: number): string {
  return dollarsFormat.format(amount);
}

/** Massive's type codes in words. */
const SECURITY_TYPE_WORDS: Readonly<Record<string, string>> = {
  CS: 'common stock',
  ADRC: 'ADRs',
  ETF: 'ETFs',
  PFD: 'preferred stock',
  WARRANT: 'warrants',
  RIGHT: 'rights',
  UNIT: 'units',
};

function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** `Common stock and ADRs, close at least $5.00, dollar volume at least $20M`. */
export function filtersText(filters: MarketMoversResponse['filters']): string {
  const types = joinWords(filters.securityTypes.map((type) => SECURITY_TYPE_WORDS[type] ?? type));
  const text =
    `${types}, close at least $${formatPrice(filters.minClose)}, ` +
    `dollar volume at least ${formatDollars(filters.minDollarVolume)}`;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function moverView(mover: MarketMoverRecord, index: number): MarketMoverView {
  return {
    rank: index + 1,
    symbol: mover.symbol,
    company: mover.name ?? '',
    change: changeView(mover.changePercent),
    close: formatPrice(mover.close),
    dollarVolume: formatDollars(mover.dollarVolume),
  };
}

function storedView(session: MarketSessionRecord, mixed: boolean): MarketSessionView {
  return {
    date: session.date,
    longDate: formatLongDate(session.date),
    stored: true,
    headingId: `market-${session.date}`,
    gainers: session.gainers.map(moverView),
    losers: session.losers.map(moverView),
    universe: `Chosen from ${countFormat.format(session.universeSize)} ${
      session.universeSize === 1 ? 'stock' : 'stocks'
    } that passed the filters`,
    simulated: mixed && session.source === 'simulated',
    gapOldestLongDate: '',
    gapNote: '',
  };
}

function gapView(dates: readonly string[]): MarketSessionView {
  const newest = dates[0] as string;
  const oldest = dates[dates.length - 1] as string;
  const several = dates.length > 1;
  return {
    date: newest,
    longDate: formatLongDate(newest),
    stored: false,
    headingId: `market-${newest}`,
    gainers: [],
    losers: [],
    universe: '',
    simulated: false,
    gapOldestLongDate: several ? formatLongDate(oldest) : '',
    gapNote: several
      ? `No market boards stored for these ${dates.length} sessions`
      : 'No market board stored for this session',
  };
}

/** The window's sessions, newest first: a card per stored board, one gap card per run of sessions with none. */
export function marketSessionViews(market: MarketMoversResponse): MarketSessionView[] {
  const mixed = market.source === 'mixed';
  return sessionRuns(market.sessions, new Map(market.data.map((session) => [session.date, session]))).map(
    (run) => (run.stored ? storedView(run.stored, mixed) : gapView(run.gap)),
  );
}

export function marketMissingNote(market: MarketMoversResponse): string {
  const count = market.missing.length;
  if (count === 0) return '';
  const one = count === 1;
  return (
    `${plural(count, 'session')} of ${market.sessions.length} ${one ? 'has' : 'have'} no stored market board ` +
    `(${listDates(market.missing)}), shown as ${one ? 'a gap' : 'gaps'} below.`
  );
}

export function isMarketMoversResponse(body: unknown): body is MarketMoversResponse {
  if (typeof body !== 'object' || body === null) return false;
  const candidate = body as Partial<Record<keyof MarketMoversResponse, unknown>>;
  return (
    Array.isArray(candidate.data) &&
    Array.isArray(candidate.sessions) &&
    Array.isArray(candidate.missing) &&
    typeof candidate.asOf === 'string' &&
    typeof candidate.filters === 'object' &&
    candidate.filters !== null
  );
}

function sideTable(side: 'gainers' | 'losers', movers: readonly MarketMoverView[]): HTMLElement {
  const title = side === 'gainers' ? 'Gainers' : 'Losers';
  const head = element(
    'tr',
    {},
    element('th', { scope: 'col', class: 'num rank' }, '#'),
    element('th', { scope: 'col' }, 'Symbol'),
    element('th', { scope: 'col', class: 'num' }, 'Change'),
    element('th', { scope: 'col', class: 'num' }, 'Close'),
    element('th', { scope: 'col', class: 'num' }, element('abbr', { title: 'Dollar volume' }, '$ Vol')),
  );
  const rows = movers.map((mover) =>
    element(
      'tr',
      { 'data-symbol': mover.symbol },
      element('td', { class: 'num rank' }, String(mover.rank)),
      element('th', { scope: 'row', class: 'symbol' }, ...symbolContent(mover.symbol, mover.company)),
      changeCell(mover.change),
      element('td', { class: 'num' }, mover.close),
      element('td', { class: 'num' }, mover.dollarVolume),
    ),
  );
  if (rows.length === 0) {
    const none = side === 'gainers' ? 'No stock rose this session.' : 'No stock fell this session.';
    rows.push(element('tr', {}, element('td', { colspan: '5', class: 'gap-note' }, none)));
  }
  return element(
    'table',
    { class: `movers ${side}` },
    element('caption', {}, title),
    element('thead', {}, head),
    element('tbody', {}, ...rows),
  );
}

function dateHeading(view: MarketSessionView): HTMLElement {
  const heading = element(
    'h3',
    { id: view.headingId },
    element('time', { datetime: view.date }, view.longDate),
  );
  if (view.gapOldestLongDate !== '') heading.append(' to ', view.gapOldestLongDate);
  if (view.simulated) heading.append(' ', element('span', { class: 'badge' }, 'sim'));
  return heading;
}

/** One session's card: its gainers and losers side by side (stacked on a phone), or its gap. */
export function marketSessionElement(view: MarketSessionView): HTMLElement {
  const attributes = {
    class: view.stored ? 'card market-session' : 'card market-session missing',
    'aria-labelledby': view.headingId,
    'data-date': view.date,
  };
  if (!view.stored) {
    return element(
      'section',
      attributes,
      dateHeading(view),
      element('p', { class: 'gap-note' }, view.gapNote),
    );
  }
  return element(
    'section',
    attributes,
    dateHeading(view),
    element('p', { class: 'subtle' }, view.universe),
    element(
      'div',
      { class: 'sides' },
      // A safety net, as on the board: a table too wide scrolls inside its card, never the page.
      element('div', { class: 'table-scroll' }, sideTable('gainers', view.gainers)),
      element('div', { class: 'table-scroll' }, sideTable('losers', view.losers)),
    ),
  );
}
