import type { FetchPlan, QuoteRequest } from '../../core/index.ts';
import { previousSession } from '../../core/index.ts';
import { plural } from './massive-errors.ts';

interface MassivePlanBasis extends FetchPlan {
  readonly symbols: readonly string[];
  /** The requested sessions, ascending and unique. */
  readonly sessions: readonly string[];
  /** Sessions whose bars are needed: the requested ones and, for close-to-close, each one's previous session. */
  readonly neededSessions: readonly string[];
  /** What each strategy would cost, so the log says why this one won. */
  readonly rangeCalls: number;
  readonly groupedCalls: number;
}

/** One aggregates-range call per ticker over `span`: the first needed session to the last requested one. */
export interface MassiveRangePlan extends MassivePlanBasis {
  readonly strategy: 'aggregates-range';
  readonly span: { readonly from: string; readonly to: string };
}

/** One grouped-daily call per needed session. No span (read as undefined on any plan that is not a range). */
export interface MassiveGroupedPlan extends MassivePlanBasis {
  readonly strategy: 'grouped-daily';
  readonly span?: undefined;
}

/** No ticker or no session requested: no call. */
export interface MassiveNoFetchPlan extends MassivePlanBasis {
  readonly strategy: 'none';
  readonly span?: undefined;
}

export type MassiveFetchPlan = MassiveRangePlan | MassiveGroupedPlan | MassiveNoFetchPlan;

function uniqueSorted(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

function describeSessions(sessions: readonly string[]): string {
  if (sessions.length <= 3) return sessions.join(', ');
  return `${sessions[0]} .. ${sessions[sessions.length - 1]}`;
}

/**
 * Aggregates-range costs one call per ticker for any span of sessions; grouped-daily costs one call
 * per session for every ticker. The cheaper one wins; a tie goes to range, whose pages are a few KB
 * where a grouped page is the whole market (about 1.3 MB).
 */
export function planMassiveFetch(request: QuoteRequest): MassiveFetchPlan {
  const symbols = uniqueSorted(request.symbols);
  const sessions = uniqueSorted(request.sessions);
  const first = sessions[0];
  const last = sessions[sessions.length - 1];
  if (symbols.length === 0 || first === undefined || last === undefined) {
    return {
      strategy: 'none',
      calls: 0,
      description: 'nothing to fetch (no ticker or no session requested)',
      symbols,
      sessions,
      neededSessions: [],
      rangeCalls: 0,
      groupedCalls: 0,
    };
  }
  const neededSessions = request.includePreviousSession
    ? uniqueSorted([...sessions, ...sessions.map((session) => previousSession(session))])
    : sessions;
  const span = { from: neededSessions[0] as string, to: last };
  const rangeCalls = symbols.length;
  const groupedCalls = neededSessions.length;
  const previousNote = request.includePreviousSession
    ? ', previous sessions included for close-to-close'
    : '';
  if (rangeCalls <= groupedCalls) {
    return {
      strategy: 'aggregates-range',
      calls: rangeCalls,
      description:
        `aggregates-range: ${plural(rangeCalls, 'call')}, one per ticker over ${span.from} .. ${span.to}` +
        `${previousNote} (grouped-daily would take ${groupedCalls})`,
      symbols,
      sessions,
      neededSessions,
      rangeCalls,
      groupedCalls,
      span,
    };
  }
  return {
    strategy: 'grouped-daily',
    calls: groupedCalls,
    description:
      `grouped-daily: ${plural(groupedCalls, 'call')}, one per session (${describeSessions(neededSessions)})` +
      `${previousNote} (aggregates-range would take ${rangeCalls})`,
    symbols,
    sessions,
    neededSessions,
    rangeCalls,
    groupedCalls,
  };
}
