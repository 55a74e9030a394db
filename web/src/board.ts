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

/** A stored session, or a run of consecutive sessions (newest first) with nothing stored. */
export type SessionRun<T> =
  { readonly stored: T; readonly gap?: undefined } | { readonly stored?: undefined; readonly gap: string[] };

/** The window's sessions, newest first, each stored one on its own and each run of unstored ones together. */
export function sessionRuns<T>(sessions: readonly string[], stored: ReadonlyMap<string, T>): SessionRun<T>[] {
  const runs: SessionRun<T>[] = [];
  let gap: string[] = [];
  for (const date of sessions) {
    const item = stored.get(date);
    if (item === undefined) {
      gap.push(date);
      continue;
    }
    if (gap.length > 0) runs.push({ gap });
    gap = [];
    runs.push({ stored: item });
  }
  if (gap.length > 0) runs.push({ gap });
  return runs;
}

/**
 * The window's sessions, newest first: one row per stored winner, and one gap row for each run of
 * consecutive sessions with no stored result, so gaps are shown, not hidden, without drowning the winners.
 */
export function sessionRows(movers: MoversResponse): SessionRow[] {
  const mixed = movers.source === 'mixed';
  return sessionRuns(movers.sessions, new Map(movers.data.map((winner) => [winner.date, winner]))).map(
    (run) => (run.stored ? winnerRow(run.stored, mixed) : gapRow(run.gap)),
  );
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
