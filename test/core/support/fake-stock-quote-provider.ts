import type {
  DailyBar,
  DataSource,
  FetchPlan,
  QuoteBatch,
  QuoteRequest,
  StockQuoteProvider,
  UndeliveredSession,
} from '../../../core/index.ts';
import { previousSession } from '../../../core/index.ts';

export interface Move {
  readonly symbol: string;
  readonly open: number;
  readonly close: number;
}

/**
 * A StockQuoteProvider that serves the bars it was given and records every request. It returns the bars
 * of the requested sessions (and of the session before each, when asked) for every symbol it knows, as
 * the grouped-daily endpoint does: the use case must ignore symbols outside the watchlist itself.
 */
export class FakeStockQuoteProvider implements StockQuoteProvider {
  readonly source: DataSource = 'simulated';
  readonly fetches: QuoteRequest[] = [];
  readonly plans: QuoteRequest[] = [];
  private readonly bars: DailyBar[] = [];
  private readonly undelivered = new Map<string, UndeliveredSession>();
  private failure: Error | undefined;
  private waitBeforeAnswering: () => Promise<void> = async () => {};
  private callsPerTicker = false;

  /** Adds a session's bars, one per move. */
  withSession(session: string, moves: readonly Move[]): this {
    for (const { symbol, open, close } of moves) {
      this.bars.push({
        symbol,
        session,
        open,
        close,
        high: Math.max(open, close),
        low: Math.min(open, close),
        volume: 1_000,
      });
    }
    return this;
  }

  /** Adds the same moves for every one of `sessions`. */
  withSessions(sessions: readonly string[], moves: readonly Move[]): this {
    for (const session of sessions) this.withSession(session, moves);
    return this;
  }

  notYetAvailable(session: string): this {
    this.undelivered.set(session, {
      session,
      kind: 'not-yet-available',
      error: new Error(`${session} is not published yet`),
    });
    return this;
  }

  failing(session: string, error: Error): this {
    this.undelivered.set(session, { session, kind: 'failed', error });
    return this;
  }

  /** Every fetch throws `error`, as an adapter does when nothing at all can be delivered. */
  throwing(error: Error): this {
    this.failure = error;
    return this;
  }

  /** Each fetch awaits `wait()` before answering. */
  holdUntil(wait: () => Promise<void>): this {
    this.waitBeforeAnswering = wait;
    return this;
  }

  /** Plans cost one call per ticker, like aggregates-range, instead of one per session fetched. */
  pricedPerTicker(): this {
    this.callsPerTicker = true;
    return this;
  }

  async plan(request: QuoteRequest): Promise<FetchPlan> {
    this.plans.push(request);
    const fetched = this.sessionsFetchedFor(request);
    return {
      strategy: 'fake',
      calls: this.callsPerTicker ? request.symbols.length : fetched.size,
      description: `${fetched.size} sessions`,
    };
  }

  async fetchDailyBars(request: QuoteRequest): Promise<QuoteBatch> {
    this.fetches.push(request);
    await this.waitBeforeAnswering();
    if (this.failure) throw this.failure;
    const wanted = this.sessionsFetchedFor(request);
    return {
      bars: this.bars.filter((bar) => wanted.has(bar.session)),
      undelivered: request.sessions.flatMap((session) => this.undelivered.get(session) ?? []),
    };
  }

  /** The requested sessions and, when asked, the session before each: one grouped-daily call apiece. */
  private sessionsFetchedFor(request: QuoteRequest): Set<string> {
    const wanted = new Set(request.sessions);
    if (request.includePreviousSession) {
      for (const session of request.sessions) wanted.add(previousSession(session));
    }
    return wanted;
  }
}
