import { nextSession, previousSession, sessionCloseTime } from '../calendar.ts';
import { InvalidRangeError } from '../errors.ts';
import type { Basis, DailyBar, ExcludedSymbol, PreviousClose, SessionResult } from '../movers.ts';
import { groupBars, previousClosesOf, rankMovers } from '../movers.ts';
import type { Clock } from '../ports/clock.ts';
import type {
  FetchPlan,
  QuoteRequest,
  StockQuoteProvider,
  UndeliveredSession,
} from '../ports/stock-quote-provider.ts';
import type { SaveOutcome, WinnerRepository } from '../ports/winner-repository.ts';
import type { SyncWindow } from './session-window.ts';
import { windowSessions } from './session-window.ts';

export type { SyncWindow } from './session-window.ts';

export interface SyncSettings {
  readonly symbols: readonly string[];
  readonly basis: Basis;
  /** Minutes after the close before a session counts as completed (the data source's publishing lag). */
  readonly publishDelayMinutes: number;
  /** Bars fetched, ranked and written per chunk; default BARS_PER_CHUNK. */
  readonly barsPerChunk?: number;
}

/** The most sessions a `{ sessions }` sync window looks back over (the SYNC_SESSIONS setting and `--sessions`). */
export const MAX_SYNC_SESSIONS = 365;

/**
 * A chunk's budget of bars (symbols x sessions). Memory then stays flat however long the range, but each
 * chunk costs its own calls: one range call per ticker, or one grouped-daily call per session, whichever
 * is fewer. The budget keeps narrow watchlists free of that cost: 7 tickers get 14 285 sessions per
 * chunk, more than the whole calendar, so any backfill stays one range call per ticker (15 tickers still
 * take 25 years in one chunk). Wide watchlists trade calls for memory: 500 tickers get 200 sessions per
 * chunk, which the provider serves with grouped-daily, one call per session (6 289 for 25 years; 500
 * range calls without chunks, or 6 289 with chunks of 500 sessions). bench:backfill measures the peak
 * RSS of 25 years x 500 tickers against the 400 MB goal, which a budget of 250 000 bars exceeded.
 */
export const BARS_PER_CHUNK = 100_000;

/**
 * Sessions per saveMany. A chunk's results are written in slices of this size so that a stop request
 * and the progress report land at least this often (a 7-ticker backfill is one chunk of thousands of
 * sessions); the slice is one full batch for the store (DynamoDB takes 100 writes per transaction).
 */
export const SESSIONS_PER_WRITE = 100;

/**
 * How far a session's open may gap from a stored previous close before that close is distrusted. A
 * stored close was split-adjusted when it was fetched; a split since then shows as a gap (2:1 is 50%,
 * 3:2 is 33%, 5:4 is 20%), and so does a bad stored value. 10% lets only stock splits and dividends
 * smaller than 10:9 through; a real gap above 10% (earnings) only costs the fallback call.
 */
export const STORED_CLOSE_MAX_GAP = 0.1;

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
  /** Checked before each fetch and each write: once aborted, the run stops after the current write and loses nothing. */
  readonly signal?: { readonly aborted: boolean };
  readonly onProgress?: (progress: SyncProgress) => void;
}

export interface SessionFailure {
  readonly session: string;
  readonly error: Error;
}

/** Where each session of a sync run ended up: the lists' sync and the market's report the same way. */
export interface SessionOutcomes {
  /** Sessions that lacked a stored item (all of the window when forced): what the provider was asked for. */
  readonly missing: readonly string[];
  readonly stored: readonly string[];
  readonly alreadyPresent: readonly string[];
  /** Delivered without a single bar: nothing to rank. */
  readonly noData: readonly string[];
  readonly notYetAvailable: readonly string[];
  readonly failed: readonly SessionFailure[];
  /** Sessions not processed because the run was stopped. */
  readonly skipped: readonly string[];
}

export interface SyncSummary extends SessionOutcomes {
  /** The provider's `source`: where the stored results came from. */
  readonly source: string;
  readonly from: string;
  readonly to: string;
  /** The provider's plan, summed over the chunks. */
  readonly plan: FetchPlan | undefined;
  readonly dryRun: boolean;
}

/** One chunk of missing sessions and how to fetch it. */
interface Chunk {
  readonly request: QuoteRequest;
  readonly plan: FetchPlan;
  /** Previous sessions whose stored closes stand in for fetched ones (close-to-close only). */
  readonly storedPrevious: readonly string[];
}

type Undelivered = Pick<UndeliveredSession, 'kind' | 'error'>;

/** How a session ended: an outcome, or the error that failed it. */
type Outcome = { readonly outcome: Exclude<SessionOutcome, 'failed'> } | { readonly error: Error };

/** What a session of a chunk came to before the write: a result to save, or already its outcome. */
type Settled = { readonly result: SessionResult } | Outcome;

/**
 * Fills the sessions of a window that the repository lacks, chunk by chunk: one provider request for a
 * chunk's sessions, then one batch write of its results, so memory does not grow with the range.
 * Nothing missing means no provider call at all.
 */
export class SyncWinners {
  private readonly watched: ReadonlySet<string>;
  private readonly sessionsPerChunk: number;

  constructor(
    private readonly provider: StockQuoteProvider,
    private readonly repository: WinnerRepository,
    private readonly clock: Clock,
    private readonly settings: SyncSettings,
  ) {
    this.watched = new Set(settings.symbols);
    const budget = settings.barsPerChunk ?? BARS_PER_CHUNK;
    this.sessionsPerChunk = Math.max(1, Math.floor(budget / Math.max(1, this.watched.size)));
  }

  async execute(request: SyncRequest): Promise<SyncSummary> {
    const sessions = this.sessionsOf(request.window);
    const from = sessions[0];
    const to = sessions[sessions.length - 1];
    if (from === undefined || to === undefined) {
      throw new InvalidRangeError('The requested window holds no trading session.');
    }
    const force = request.force ?? false;
    const present = force ? new Set<string>() : new Set(await this.repository.storedSessions(from, to));
    const missing = sessions.filter((session) => !present.has(session));
    const summary = new SummaryBuilder(this.provider.source, from, to, missing, request.dryRun ?? false);
    summary.alreadyPresent.push(...sessions.filter((session) => present.has(session)));
    if (missing.length === 0) return summary.build();

    const chunks: Chunk[] = [];
    for (let start = 0; start < missing.length; start += this.sessionsPerChunk) {
      chunks.push(await this.chunkOf(missing.slice(start, start + this.sessionsPerChunk), present));
    }
    summary.plan = totalPlan(chunks.map((chunk) => chunk.plan));
    if (request.dryRun) return summary.build();

    let done = 0;
    for (const chunk of chunks) {
      if (request.signal?.aborted) break;
      let settled: Settled[];
      try {
        settled = await this.settleChunk(chunk);
      } catch (error) {
        // The provider delivers nothing at all (a missing or rejected key): later chunks would fail alike.
        const failed: Outcome = { error: toError(error) };
        for (const session of missing.slice(done)) summary.record(session, failed);
        return summary.build();
      }
      const sessionsOfChunk = chunk.request.sessions;
      for (let start = 0; start < sessionsOfChunk.length; start += SESSIONS_PER_WRITE) {
        if (request.signal?.aborted) break;
        const end = start + SESSIONS_PER_WRITE;
        const outcomes = await this.write(settled.slice(start, end), request.force ?? false);
        for (const [index, session] of sessionsOfChunk.slice(start, end).entries()) {
          const reported = summary.record(session, outcomes[index] as Outcome);
          done += 1;
          request.onProgress?.({ session, outcome: reported, done, total: missing.length });
        }
      }
    }
    summary.skipped.push(...missing.slice(done));
    return summary.build();
  }

  /** Saves the results among `settled` in one batch; the outcomes are in the order of `settled`. */
  private async write(settled: readonly Settled[], overwrite: boolean): Promise<Outcome[]> {
    const results = settled.flatMap((entry) => ('result' in entry ? [entry.result] : []));
    const saved = await this.repository.saveMany(results, { overwrite });
    let next = 0;
    return settled.map((entry) => ('result' in entry ? { outcome: saved[next++] as SaveOutcome } : entry));
  }

  /** The window's sessions, checked once here against this clock. */
  private sessionsOf(window: SyncWindow): string[] {
    return windowSessions(window, this.clock.now(), this.settings.publishDelayMinutes);
  }

  /**
   * The request for a chunk. Close-to-close needs each session's previous close, which design.md wants
   * from the same fetch, split-adjusted together; that is the default, and free when the previous
   * session is inside the chunk or the range call merely starts one session earlier. Only when asking
   * for the previous sessions costs extra calls (the daily sync: grouped-daily for today plus yesterday,
   * 2 calls) and every one of them is already stored do the stored closes stand in, for 1 call. They are
   * checked against the fetched opens afterwards (see STORED_CLOSE_MAX_GAP), and any doubt fetches the
   * previous sessions fresh, so a ranking never mixes adjustments. Forced runs always fetch everything.
   */
  private async chunkOf(sessions: readonly string[], present: ReadonlySet<string>): Promise<Chunk> {
    const request: QuoteRequest = {
      symbols: this.settings.symbols,
      sessions,
      includePreviousSession: this.settings.basis === 'close-to-close',
    };
    const plan = await this.provider.plan(request);
    if (!request.includePreviousSession) return { request, plan, storedPrevious: [] };
    const inChunk = new Set(sessions);
    const outside = [...new Set(sessions.map((session) => previousSession(session)))].filter(
      (previous) => !inChunk.has(previous),
    );
    if (!outside.every((previous) => present.has(previous))) return { request, plan, storedPrevious: [] };
    const lean: QuoteRequest = { ...request, includePreviousSession: false };
    const leanPlan = await this.provider.plan(lean);
    if (leanPlan.calls >= plan.calls) return { request, plan, storedPrevious: [] };
    return { request: lean, plan: leanPlan, storedPrevious: outside };
  }

  /** Fetches and ranks one chunk's sessions; throws only when the provider can deliver nothing at all. */
  private async settleChunk(chunk: Chunk): Promise<Settled[]> {
    const batch = await this.provider.fetchDailyBars(chunk.request);
    const barsBySession = groupBySession(batch.bars.filter((bar) => this.watched.has(bar.symbol)));
    const undelivered = new Map<string, Undelivered>(
      batch.undelivered.map((entry) => [entry.session, entry]),
    );
    // Open-to-close ranks each bar alone: no previous closes to index.
    const closes =
      this.settings.basis === 'close-to-close'
        ? closesBySession(barsBySession)
        : new Map<string, Map<string, PreviousClose>>();
    if (chunk.storedPrevious.length > 0) {
      await this.addStoredCloses(chunk, barsBySession, closes, undelivered);
    }
    return chunk.request.sessions.map((session) =>
      this.settle(session, barsBySession.get(session) ?? [], closes, undelivered.get(session)),
    );
  }

  /**
   * Adds the previous closes of sessions whose previous session was not fetched: the stored ones where
   * every fetched open agrees with them, otherwise the previous session fetched now, in one more request.
   */
  private async addStoredCloses(
    chunk: Chunk,
    barsBySession: ReadonlyMap<string, DailyBar[]>,
    closes: Map<string, Map<string, PreviousClose>>,
    undelivered: Map<string, Undelivered>,
  ): Promise<void> {
    const doubtful: string[] = [];
    for (const session of chunk.request.sessions) {
      const previous = previousSession(session);
      if (!chunk.storedPrevious.includes(previous)) continue;
      const stored = await this.storedClosesOf(previous);
      const bars = barsBySession.get(session) ?? [];
      if (stored && bars.every((bar) => agreesWithStoredClose(bar, stored.get(bar.symbol)))) {
        closes.set(previous, new Map([...stored].map(([symbol, close]) => [symbol, { close }] as const)));
      } else if (bars.length > 0) {
        doubtful.push(session);
      }
    }
    if (doubtful.length === 0) return;
    const fresh = await this.provider.fetchDailyBars({
      symbols: this.settings.symbols,
      sessions: doubtful.map((session) => previousSession(session)),
      includePreviousSession: false,
    });
    for (const [previous, previousCloses] of closesBySession(
      groupBySession(fresh.bars.filter((bar) => this.watched.has(bar.symbol))),
    )) {
      closes.set(previous, previousCloses);
    }
    const lost = new Map(fresh.undelivered.map((entry) => [entry.session, entry]));
    for (const session of doubtful) {
      const problem = lost.get(previousSession(session));
      // Without its previous session the ranking would be empty, not right: the session is undelivered.
      if (problem && !undelivered.has(session)) undelivered.set(session, problem);
    }
  }

  /** The closes of a stored session, if it is readable and came from this provider's source. */
  private async storedClosesOf(session: string): Promise<Map<string, number> | undefined> {
    let stored: SessionResult | undefined;
    try {
      stored = await this.repository.get(session);
    } catch {
      return undefined; // an unreadable item: fetch the session instead
    }
    if (!stored || stored.source !== this.provider.source) return undefined;
    return new Map(stored.ranking.map((mover) => [mover.symbol, mover.close] as const));
  }

  private settle(
    session: string,
    bars: readonly DailyBar[],
    closes: ReadonlyMap<string, ReadonlyMap<string, PreviousClose>>,
    problem: Undelivered | undefined,
  ): Settled {
    if (problem?.kind === 'not-yet-available') return { outcome: 'not-yet-available' };
    if (problem) return { error: problem.error };
    if (bars.length === 0) {
      return { outcome: this.isStillPublishing(session) ? 'not-yet-available' : 'no-data' };
    }
    // Only close-to-close asks for the previous session: the calendar's first session has none.
    const previousCloses =
      this.settings.basis === 'close-to-close' ? closes.get(previousSession(session)) : undefined;
    const { winner, ranking, excluded } = rankMovers(bars, this.settings.basis, previousCloses);
    if (!winner) return { outcome: 'no-data' };
    const traded = new Set(bars.map((bar) => bar.symbol));
    const absent: ExcludedSymbol[] = this.settings.symbols
      .filter((symbol) => !traded.has(symbol))
      .map((symbol) => ({ symbol, reason: 'no bar for this session' }));
    return {
      result: {
        date: session,
        winner,
        ranking,
        excluded: [...excluded, ...absent],
        basis: this.settings.basis,
        source: this.provider.source,
        computedAt: this.clock.now().toISOString(),
      },
    };
  }

  /** A session with no bars at all is "not yet published" until the next session has closed. */
  private isStillPublishing(session: string): boolean {
    return this.clock.now().getTime() < sessionCloseTime(nextSession(session)).getTime();
  }
}

/** A bar with an unusable open says nothing about the stored close; rankMovers excludes it anyway. */
function agreesWithStoredClose(bar: DailyBar, storedClose: number | undefined): boolean {
  if (storedClose === undefined) return false;
  if (!(Number.isFinite(bar.open) && bar.open > 0)) return true;
  return Math.abs(bar.open / storedClose - 1) <= STORED_CLOSE_MAX_GAP;
}

/** The chunks' plans as one: the strategy they share (or "mixed"), the calls they add up to. */
function totalPlan(plans: readonly FetchPlan[]): FetchPlan | undefined {
  const [first] = plans;
  if (plans.length <= 1 || first === undefined) return first;
  const strategies = new Set(plans.map((plan) => plan.strategy));
  const calls = plans.reduce((sum, plan) => sum + plan.calls, 0);
  return {
    strategy: strategies.size === 1 ? first.strategy : 'mixed',
    calls,
    description: `${plans.length} chunks, ${calls} calls in all; the first: ${first.description}`,
  };
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
    private readonly source: string,
    private readonly from: string,
    private readonly to: string,
    private readonly missing: readonly string[],
    private readonly dryRun: boolean,
  ) {}

  /** Files the session under its outcome, a failure with its error; returns the outcome to report. */
  record(session: string, settled: Outcome): SessionOutcome {
    if ('error' in settled) {
      this.failed.push({ session, error: settled.error });
      return 'failed';
    }
    const { outcome } = settled;
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
      source: this.source,
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
  return groupBars(bars, (bar) => bar.session);
}

function closesBySession(
  barsBySession: ReadonlyMap<string, DailyBar[]>,
): Map<string, Map<string, PreviousClose>> {
  const closes = new Map<string, Map<string, PreviousClose>>();
  for (const [session, bars] of barsBySession) closes.set(session, previousClosesOf(bars));
  return closes;
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
