import { HttpError } from './http-errors.ts';

/**
 * Runs at most `concurrency` pieces of work at once; the rest wait in arrival order. Work whose
 * client has gone (its signal aborted) while waiting never starts: it rejects with a 499, which
 * nobody is left to receive.
 */
export class WorkQueue {
  private running = 0;
  /** A Set keeps arrival order and lets a departed client leave from the middle of the line. */
  private readonly waiting = new Set<() => void>();

  constructor(private readonly concurrency: number) {}

  /** Work running or waiting now. */
  get size(): { readonly running: number; readonly waiting: number } {
    return { running: this.running, waiting: this.waiting.size };
  }

  async run<T>(work: () => Promise<T>, signal: AbortSignal): Promise<T> {
    await this.turn(signal);
    try {
      return await work();
    } finally {
      this.running -= 1;
      this.startNext();
    }
  }

  private turn(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(clientGone());
    if (this.running < this.concurrency) {
      this.running += 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const start = () => {
        signal.removeEventListener('abort', leave);
        this.running += 1;
        resolve();
      };
      const leave = () => {
        this.waiting.delete(start);
        reject(clientGone());
      };
      this.waiting.add(start);
      signal.addEventListener('abort', leave, { once: true });
    });
  }

  private startNext(): void {
    const [next] = this.waiting;
    if (!next) return;
    this.waiting.delete(next);
    next();
  }
}

function clientGone(): HttpError {
  return new HttpError(499, 'CLIENT_CLOSED_REQUEST', 'The client closed the connection before its turn.');
}
