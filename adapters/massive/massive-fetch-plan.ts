import type { FetchPlan, QuoteRequest } from '../../core/index.ts';
import { previousSession } from '../../core/index.ts';
import { plural } from './massive-errors.ts';

export type MassiveStrategy = 'aggregates-range' | 'grouped-daily' | 'none';

export interface MassiveFetchPlan extends FetchPlan {
  readonly strategy: MassiveStrategy;
  readonly symbols: readonly string[];
  /** The requested sessions, ascending and unique. */
  readonly sessions: readonly string[];
  /** Sessions whose bars are needed: the requested ones and, for close-to-close, each one's previous session. */
  readonly neededSessions: readonly string[];
  /** What each strategy would cost, so the log says why this one won. */
  readonly rangeCalls: number;
  readonly groupedCalls: number;
  /** The span a range call covers: the first needed session to the last requested one. */
  readonly span: { readonly from: string; readonly to: string } | undefined;
}

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
      span: undefined,
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
    span,
  };
}
