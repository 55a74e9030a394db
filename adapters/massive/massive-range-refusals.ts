import type { UndeliveredSession } from '../../core/index.ts';
import { easternTime } from '../../core/index.ts';
import type { NotYetAvailableError } from './massive-errors.ts';

/** The free plan publishes a session's bars some hours after the close; a refusal can only concern these. */
const PUBLISHING_WINDOW_MS = 24 * 3_600_000;

/**
 * What "before end of day" refusals have taught the range calls of one fetch. The tickers in flight share
 * it, so each later call asks for less and the next ticker does not hit the same refusal again.
 */
export class RangeRefusals {
  /** The newest session still worth asking for. */
  private newestWanted: string;
  private readonly unpublished = new Set<string>();
  private lastRefusal: NotYetAvailableError | undefined;

  constructor(
    private readonly sessions: readonly string[],
    to: string,
  ) {
    this.newestWanted = to;
  }

  /** The end of the range the next call should ask for. */
  get to(): string {
    return this.newestWanted;
  }

  get notYetAvailable(): string[] {
    return [...this.unpublished];
  }

  isUnpublished(session: string): boolean {
    return this.unpublished.has(session);
  }

  /**
   * Marks the sessions a refusal of `.. to`, received at `nowMs`, is about. False when no requested
   * session is left to ask for (the range then stays as it was, for the calls still in flight).
   */
  learn(to: string, refusal: NotYetAvailableError, nowMs: number): boolean {
    for (const session of this.refusedSessions(to, nowMs)) this.unpublished.add(session);
    const remaining = this.sessions.filter((session) => !this.unpublished.has(session));
    const newest = remaining[remaining.length - 1];
    if (newest === undefined) return false;
    if (newest < this.newestWanted) this.newestWanted = newest;
    this.lastRefusal = refusal;
    return true;
  }

  /** The refused sessions, after a fetch that delivered the rest. */
  undelivered(): UndeliveredSession[] {
    return [...this.unpublished].sort().map((session) => ({
      session,
      kind: 'not-yet-available' as const,
      error: this.lastRefusal as Error,
    }));
  }

  /** Every requested session, after a fetch that failed: refused ones stay not-yet-available. */
  undeliveredAll(error: Error): UndeliveredSession[] {
    return this.sessions.map((session) => ({
      session,
      kind: this.unpublished.has(session) ? ('not-yet-available' as const) : ('failed' as const),
      error,
    }));
  }

  /**
   * The sessions a "before end of day" refusal can be about: requested sessions (up to `to`) that closed
   * less than a day ago. If the clock disagrees with Massive, the newest one, so the range always shrinks.
   */
  private refusedSessions(to: string, nowMs: number): string[] {
    const cutoff = nowMs - PUBLISHING_WINDOW_MS;
    const candidates = this.sessions.filter((session) => session <= to);
    const recent = candidates.filter((session) => easternTime(session, 16).getTime() > cutoff);
    return recent.length > 0 ? recent : candidates.slice(-1);
  }
}
