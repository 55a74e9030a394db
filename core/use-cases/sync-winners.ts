import {
  lastSessions,
  latestCompletedSession,
  nextSession,
  previousSession,
  sessionCloseTime,
  tradingSessions,
} from '../calendar.ts';
import { InvalidRangeError } from '../errors.ts';
import type { Basis, DailyBar, ExcludedSymbol, SessionResult } from '../movers.ts';
import { rankMovers } from '../movers.ts';
import type { Clock } from '../ports/clock.ts';
import type { FetchPlan, QuoteBatch, StockQuoteProvider } from '../ports/stock-quote-provider.ts';
import type { WinnerRepository } from '../ports/winner-repository.ts';
import { parseSessionDate } from '../session-date.ts';
import { assertNotAfterLatest } from './session-window.ts';

export interface SyncSettings {
  readonly symbols: readonly string[];
  readonly basis: Basis;
  /** Minutes after the close before a session counts as completed (the data source's publishing lag). */
  readonly publishDelayMinutes: number;
}

/** The last `sessions` sessions up to the latest completed one, or an explicit inclusive range (backfill). */
export type SyncWindow = { readonly sessions: number } | { readonly from: string; readonly to: string };

export type SessionOutcome = 'stored' | 'already-present' | 'no-data' | 'not-yet-available' | 'failed';

export interface SyncProgress {
  readonly session: string;
  readonly outcome: SessionOutcome;
  readonly done: number;
  readonly total: number;
}

export interface SyncRequest {
  readonly window: SyncWindow;
  /** Recompute and overwrite sessions that are already stored. */
  readonly force?: boolean;
  /** Plan only: report the sessions that would be fetched and the provider's call plan. */
  readonly dryRun?: boolean;
  /** Checked between writes: once aborted, the run stops after the current write and loses nothing. */
  readonly signal?: { readonly aborted: boolean };
  readonly onProgress?: (progress: SyncProgress) => void;
}

export interface SessionFailure {
  readonly session: string;
  readonly error: Error;
}

export interface SyncSummary {
  readonly from: string;
  readonly to: string;
  /** Sessions that lacked a result (all of the window when forced): what the provider was asked for. */
  readonly missing: readonly string[];
  readonly plan: FetchPlan | undefined;
  readonly stored: readonly string[];
  readonly alreadyPresent: readonly string[];
  readonly noData: readonly string[];
  readonly notYetAvailable: readonly string[];
  readonly failed: readonly SessionFailure[];
  /** Sessions not processed because the run was stopped. */
  readonly skipped: readonly string[];
  readonly dryRun: boolean;
}

/**
 * Fills the sessions of a window that the repository lacks: one provider request for all of them,
 * then one conditional write per session. Nothing missing means no provider call at all.
 */
export class SyncWinners {
  private readonly watched: ReadonlySet<string>;

  constructor(
    private readonly provider: StockQuoteProvider,
    private readonly repository: WinnerRepository,
    private readonly clock: Clock,
    private readonly settings: SyncSettings,
  ) {
    this.watched = new Set(settings.symbols);
  }

  async execute(request: SyncRequest): Promise<SyncSummary> {
    const sessions = this.sessionsOf(request.window);
    const from = sessions[0];
    const to = sessions[sessions.length - 1];
    if (from === undefined || to === undefined) {
      throw new InvalidRangeError('The requested window holds no trading session.');
    }
    const present = request.force
      ? new Set<string>()
      : new Set(await this.repository.storedSessions(from, to));
    const missing = sessions.filter((session) => !present.has(session));
    const summary = new SummaryBuilder(from, to, missing, request.dryRun ?? false);
    summary.alreadyPresent.push(...sessions.filter((session) => present.has(session)));
    if (missing.length === 0) return summary.build();

    const quoteRequest = {
      symbols: this.settings.symbols,
      sessions: missing,
      includePreviousSession: this.settings.basis === 'close-to-close',
    };
    summary.plan = this.provider.plan(quoteRequest);
    if (request.dryRun) return summary.build();
    if (request.signal?.aborted) {
      summary.skipped.push(...missing);
      return summary.build();
    }

    let batch: QuoteBatch;
    try {
      batch = await this.provider.fetchDailyBars(quoteRequest);
    } catch (error) {
      const cause = toError(error);
      summary.failed.push(...missing.map((session) => ({ session, error: cause })));
      return summary.build();
    }

    const barsBySession = groupBySession(batch.bars);
    const undelivered = new Map(batch.undelivered.map((entry) => [entry.session, entry]));
    let done = 0;
    for (const session of missing) {
      if (request.signal?.aborted) {
        summary.skipped.push(...missing.slice(done));
        break;
      }
      const outcome = await this.settle(session, barsBySession, undelivered, request.force ?? false, summary);
      done += 1;
      request.onProgress?.({ session, outcome, done, total: missing.length });
    }
    return summary.build();
  }

  private sessionsOf(window: SyncWindow): string[] {
    const now = this.clock.now();
    const delay = this.settings.publishDelayMinutes;
    if ('sessions' in window) {
      if (!Number.isInteger(window.sessions) || window.sessions < 1) {
        throw new InvalidRangeError(
          `The number of sessions to sync must be a whole number >= 1, got ${window.sessions}.`,
        );
      }
      return lastSessions(window.sessions, latestCompletedSession(now, delay)).reverse();
    }
    const from = parseSessionDate(window.from);
    const to = parseSessionDate(window.to);
    if (from > to) throw new InvalidRangeError(`--from ${from} is after --to ${to}.`);
    assertNotAfterLatest(to, now, delay, 'The end date');
    return tradingSessions(from, to);
  }

  private async settle(
    session: string,
    barsBySession: ReadonlyMap<string, DailyBar[]>,
    undelivered: ReadonlyMap<string, { kind: 'not-yet-available' | 'failed'; error: Error }>,
    force: boolean,
    summary: SummaryBuilder,
  ): Promise<SessionOutcome> {
    const problem = undelivered.get(session);
    if (problem?.kind === 'not-yet-available') return summary.record(session, 'not-yet-available');
    if (problem) {
      summary.failed.push({ session, error: problem.error });
      return 'failed';
    }
    const bars = (barsBySession.get(session) ?? []).filter((bar) => this.watched.has(bar.symbol));
    if (bars.length === 0) {
      return summary.record(session, this.isStillPublishing(session) ? 'not-yet-available' : 'no-data');
    }
    const previousBars = barsBySession.get(previousSession(session)) ?? [];
    const { winner, ranking, excluded } = rankMovers(bars, this.settings.basis, previousBars);
    if (!winner) return summary.record(session, 'no-data');
    const traded = new Set(bars.map((bar) => bar.symbol));
    const absent: ExcludedSymbol[] = this.settings.symbols
      .filter((symbol) => !traded.has(symbol))
      .map((symbol) => ({ symbol, reason: 'no bar for this session' }));
    const result: SessionResult = {
      date: session,
      winner,
      ranking,
      excluded: [...excluded, ...absent],
      basis: this.settings.basis,
      source: this.provider.source,
      computedAt: this.clock.now().toISOString(),
    };
    const saved = await this.repository.save(result, { overwrite: force });
    return summary.record(session, saved === 'stored' ? 'stored' : 'already-present');
  }

  /** A session with no bars at all is "not yet published" until the next session has closed. */
  private isStillPublishing(session: string): boolean {
    return this.clock.now().getTime() < sessionCloseTime(nextSession(session)).getTime();
  }
}

class SummaryBuilder {
  plan: FetchPlan | undefined;
  readonly stored: string[] = [];
  readonly alreadyPresent: string[] = [];
  readonly noData: string[] = [];
  readonly notYetAvailable: string[] = [];
  readonly failed: SessionFailure[] = [];
  readonly skipped: string[] = [];

  constructor(
    private readonly from: string,
    private readonly to: string,
    private readonly missing: readonly string[],
    private readonly dryRun: boolean,
  ) {}

  record(session: string, outcome: Exclude<SessionOutcome, 'failed'>): SessionOutcome {
    const lists = {
      stored: this.stored,
      'already-present': this.alreadyPresent,
      'no-data': this.noData,
      'not-yet-available': this.notYetAvailable,
    };
    lists[outcome].push(session);
    return outcome;
  }

  build(): SyncSummary {
    return {
      from: this.from,
      to: this.to,
      missing: this.missing,
      plan: this.plan,
      stored: this.stored,
      alreadyPresent: [...this.alreadyPresent].sort(),
      noData: this.noData,
      notYetAvailable: this.notYetAvailable,
      failed: this.failed,
      skipped: this.skipped,
      dryRun: this.dryRun,
    };
  }
}

function groupBySession(bars: readonly DailyBar[]): Map<string, DailyBar[]> {
  const grouped = new Map<string, DailyBar[]>();
  for (const bar of bars) {
    const list = grouped.get(bar.session);
    if (list) list.push(bar);
    else grouped.set(bar.session, [bar]);
  }
  return grouped;
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
