import type { DailyBar } from '../../core/index.ts';
import {
  CALENDAR_FIRST_DATE,
  CALENDAR_LAST_DATE,
  easternDateOf,
  easternTime,
  isSameBar,
  isTradingDay,
} from '../../core/index.ts';
import type { MassiveEndpoint } from './massive-errors.ts';
import { InvalidResponseError } from './massive-errors.ts';
import type { AggregateBar } from './massive-schemas.ts';

/** The session close every daily stamp lies at or before (early closes are earlier still). */
const CLOSE_HOUR = 16;

/**
 * A Massive bar as a DailyBar of its New York session. Range bars are stamped 00:00 and grouped rows
 * 16:00 New York of their session (massive-api.md): either way between the start of the New York day and
 * the close. A later stamp is what a bar stamped at midnight UTC looks like (19:00 or 20:00 New York the
 * evening before): read in New York it would credit the day before, so the whole answer is refused.
 */
export function toDailyBar(endpoint: MassiveEndpoint, symbol: string, row: AggregateBar): DailyBar {
  const { session, afterClose } = stampPlacement(row.t);
  if (afterClose) {
    throw new InvalidResponseError(
      endpoint,
      `the ${symbol} bar stamped ${new Date(row.t).toISOString()} lies after the close of its New York day ` +
        '(stamped at midnight UTC?), so its session cannot be told; nothing from this answer is used',
    );
  }
  return {
    symbol,
    session,
    open: row.o,
    high: row.h,
    low: row.l,
    close: row.c,
    volume: row.v,
  };
}

/** The last stamp placed: every row of a grouped-daily answer (12 000) carries the same one. */
let lastPlacement:
  { readonly stamp: number; readonly session: string; readonly afterClose: boolean } | undefined;

/**
 * The New York session of a bar's stamp, and whether the stamp lies after that day's close. Working out a
 * New York date is the costliest check of a grouped answer (bench:market), so it is done once per distinct
 * stamp rather than once per row.
 */
function stampPlacement(stamp: number): { readonly session: string; readonly afterClose: boolean } {
  if (lastPlacement?.stamp !== stamp) {
    const session = easternDateOf(new Date(stamp));
    lastPlacement = { stamp, session, afterClose: stamp > easternTime(session, CLOSE_HOUR).getTime() };
  }
  return lastPlacement;
}

export interface DroppedBar {
  readonly symbol: string;
  readonly session: string;
  readonly reason: string;
}

export interface ScreenedBars {
  readonly kept: DailyBar[];
  readonly dropped: DroppedBar[];
  /** `SYMBOL session` of tickers sent with copies that disagree: kept, for the ranking to exclude. */
  readonly conflicting: string[];
}

/**
 * Keeps the bars that can belong to an answer about `from .. to`: a bar dated outside it, or on a day
 * that is not a trading session, is dropped with its reason, and an identical copy of a kept bar counts
 * once. Copies that disagree are all kept: only the ranking can say that ticker is excluded, and why.
 */
export function screenBars(bars: readonly DailyBar[], from: string, to: string): ScreenedBars {
  const kept: DailyBar[] = [];
  const dropped: DroppedBar[] = [];
  const conflicting = new Set<string>();
  const keptByKey = new Map<string, DailyBar[]>();
  // One calendar check per distinct session, not per bar: a grouped answer is 12 000 bars of one session.
  const placements = new Map<string, string | undefined>();
  for (const bar of bars) {
    const key = `${bar.symbol} ${bar.session}`;
    const copies = keptByKey.get(key) ?? [];
    if (!placements.has(bar.session)) placements.set(bar.session, placementProblem(bar.session, from, to));
    const reason = placements.get(bar.session) ?? copyProblem(bar, copies);
    if (reason) {
      dropped.push({ symbol: bar.symbol, session: bar.session, reason });
      continue;
    }
    if (copies.length > 0) conflicting.add(key);
    copies.push(bar);
    keptByKey.set(key, copies);
    kept.push(bar);
  }
  return { kept, dropped, conflicting: [...conflicting] };
}

function placementProblem(session: string, from: string, to: string): string | undefined {
  if (session < from || session > to) return `outside the requested range ${from} .. ${to}`;
  if (session < CALENDAR_FIRST_DATE || session > CALENDAR_LAST_DATE) return 'outside the trading calendar';
  if (!isTradingDay(session)) return 'not a trading session';
  return undefined;
}

function copyProblem(bar: DailyBar, copies: readonly DailyBar[]): string | undefined {
  return copies.some((copy) => isSameBar(copy, bar)) ? 'an identical copy of another bar' : undefined;
}
