import type { Clock } from '../../core/index.ts';

export const RATE_WINDOW_MS = 60_000;

export type Sleep = (milliseconds: number) => Promise<void>;

export const realSleep: Sleep = (milliseconds) =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, milliseconds)));

/**
 * At most `callsPerWindow` call starts in any rolling 60 s window (0 = unlimited). Time comes from the
 * Clock and waiting from the injected sleep, so tests drive it with a fake clock and never wait.
 * Concurrent callers queue in arrival order, so two of them can never take the same free slot.
 */
export class RollingWindowRateLimiter {
  private readonly starts: number[] = [];
  /** Time known to have passed because we slept through it: keeps a frozen clock from waiting forever. */
  private sleptUntil = Number.NEGATIVE_INFINITY;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly callsPerWindow: number,
    private readonly clock: Clock,
    private readonly sleep: Sleep,
  ) {
    if (!Number.isInteger(callsPerWindow) || callsPerWindow < 0) {
      throw new RangeError(`The rate limit must be a whole number >= 0, got ${callsPerWindow}.`);
    }
  }

  /** Resolves when a call may start, and records that start. */
  acquire(): Promise<void> {
    const turn = this.queue.then(() => this.waitForSlot());
    // A failed sleep must not wedge every later caller.
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async waitForSlot(): Promise<void> {
    if (this.callsPerWindow === 0) return;
    for (;;) {
      const now = Math.max(this.clock.now().getTime(), this.sleptUntil);
      while (this.starts.length > 0 && (this.starts[0] as number) <= now - RATE_WINDOW_MS)
        this.starts.shift();
      if (this.starts.length < this.callsPerWindow) {
        this.starts.push(now);
        return;
      }
      const wakeAt = (this.starts[0] as number) + RATE_WINDOW_MS;
      await this.sleep(wakeAt - now);
      this.sleptUntil = wakeAt;
    }
  }
}
