/**
 * The faults the fake Massive server (fake-massive-server.ts) injects on demand: refusals and broken
 * transports, and hostile data in an otherwise well-formed answer (duplicate bars, another ticker's
 * bars, midnight-UTC stamps, impossible numbers, an endless body). Which requests a fault hits, and
 * which bars it alters, is decided here; the server only asks.
 */
import type { ServerResponse } from 'node:http';

export type FakeMassiveEndpoint = 'aggregates-range' | 'grouped-daily' | 'open-close';

/** Faults that alter the bars of a normal answer: `ticker` and `session` choose the bars, not the request. */
export type FakeDataFault =
  /** Each chosen bar is sent twice: an identical copy, or (`conflicting`) a copy whose close is 50% above its open. */
  | { readonly kind: 'duplicate-bars'; readonly conflicting?: boolean }
  /** Chosen bars stamped 00:00 UTC of their session instead of the documented New York time. */
  | { readonly kind: 'midnight-utc' }
  /** A close and high of 1e20 on the chosen bars. */
  | { readonly kind: 'huge-numbers' };

export type FakeMassiveFault =
  /** A 5xx; the body is an nginx-like HTML page by default, or empty, or a JSON error. */
  | { readonly kind: 'server-error'; readonly status?: number; readonly body?: 'html' | 'empty' | 'json' }
  /** Wait before answering normally (trips client timeouts). */
  | { readonly kind: 'slow'; readonly delayMs: number }
  | { readonly kind: 'malformed-json' }
  /** A 200 whose body has the documented status but the wrong field types. */
  | { readonly kind: 'wrong-shape' }
  /** The 200-with-NOT_AUTHORIZED body that has been seen in the wild. */
  | { readonly kind: 'ok-not-authorized' }
  | { readonly kind: 'not-entitled' }
  | { readonly kind: 'outside-plan-history' }
  | { readonly kind: 'not-yet-available' }
  /** A 429; `retryAfterSeconds: 999999` is the giant Retry-After. */
  | { readonly kind: 'rate-limited'; readonly emptyBody?: boolean; readonly retryAfterSeconds?: number }
  /** Drop the socket without an answer: a network error on the client side. */
  | { readonly kind: 'connection-reset' }
  /** A range answered with `answerAs`'s bars, labelled `answerAs` (AAPL asked, MSFT answered). */
  | { readonly kind: 'wrong-ticker'; readonly answerAs: string }
  /** A range answered normally, but with a `next_url` to `answerAs`'s range. */
  | { readonly kind: 'next-url-to-other-ticker'; readonly answerAs: string }
  /** A 200 whose JSON body never ends: bars are streamed until the client hangs up. */
  | { readonly kind: 'endless-body' }
  | FakeDataFault;

/** Which requests a fault hits; omitted fields match everything. `times` defaults to every matching request. */
export interface FakeFaultTarget {
  readonly endpoint?: FakeMassiveEndpoint;
  /** The requested ticker; for a data fault on grouped-daily, the rows it alters. */
  readonly ticker?: string;
  /** For a range: any session inside it (and, for a data fault, the bar it alters). */
  readonly session?: string;
  readonly times?: number;
}

export type FakeFaultSpec = FakeMassiveFault & FakeFaultTarget;

/** What the server knows about a request when it asks for a fault. */
export interface FaultedRequest {
  readonly endpoint: FakeMassiveEndpoint;
  readonly ticker?: string;
  /** grouped-daily and open-close. */
  readonly date?: string;
  /** A range's bounds as dates. */
  readonly from?: string;
  readonly to?: string;
}

const DATA_FAULTS: ReadonlySet<FakeMassiveFault['kind']> = new Set([
  'duplicate-bars',
  'midnight-utc',
  'huge-numbers',
]);

export function isDataFault(fault: FakeMassiveFault): fault is FakeDataFault {
  return DATA_FAULTS.has(fault.kind);
}

/** The faults set on a server, each used up after `times` matching requests. */
export class FaultBook {
  private faults: { readonly spec: FakeFaultSpec; remaining: number }[] = [];

  add(spec: FakeFaultSpec): void {
    this.faults.push({ spec, remaining: spec.times ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.faults = [];
  }

  /** The first fault that hits this request, counted as used once. */
  take(request: FaultedRequest): FakeFaultSpec | undefined {
    const match = this.faults.find(({ spec }) => hits(spec, request));
    if (!match) return undefined;
    match.remaining -= 1;
    if (match.remaining <= 0) this.faults = this.faults.filter((fault) => fault !== match);
    return match.spec;
  }
}

function hits(spec: FakeFaultSpec, request: FaultedRequest): boolean {
  if (spec.endpoint !== undefined && spec.endpoint !== request.endpoint) return false;
  // A grouped answer holds every ticker: a data fault's ticker picks rows, not the request.
  const tickerPicksRows = request.endpoint === 'grouped-daily' && isDataFault(spec);
  if (spec.ticker !== undefined && spec.ticker !== request.ticker && !tickerPicksRows) return false;
  if (spec.session === undefined) return true;
  if (request.endpoint !== 'aggregates-range') return spec.session === request.date;
  const { from, to } = request;
  return from !== undefined && to !== undefined && spec.session >= from && spec.session <= to;
}

export interface BarRow {
  readonly T?: string;
  readonly o: number;
  readonly c: number;
  readonly h: number;
  readonly t: number;
  readonly [field: string]: unknown;
}

/**
 * The rows of an answer after a data fault. `sessionOf` gives a row's session (from its documented
 * stamp); a row is altered when it matches the fault's `ticker` (grouped rows) and `session`.
 */
export function alterBars(
  spec: FakeDataFault & FakeFaultTarget,
  rows: readonly BarRow[],
  sessionOf: (row: BarRow) => string,
): BarRow[] {
  const chosen = (row: BarRow): boolean =>
    (spec.ticker === undefined || row.T === undefined || row.T === spec.ticker) &&
    (spec.session === undefined || sessionOf(row) === spec.session);
  return rows.flatMap((row) => {
    if (!chosen(row)) return [row];
    switch (spec.kind) {
      case 'duplicate-bars':
        return [
          row,
          spec.conflicting ? { ...row, c: row.o * 1.5, h: Math.max(row.h, row.o * 1.5) } : { ...row },
        ];
      case 'midnight-utc':
        return [{ ...row, t: Date.parse(`${sessionOf(row)}T00:00:00.000Z`) }];
      case 'huge-numbers':
        return [{ ...row, c: 1e20, h: 1e20 }];
    }
  });
}

/**
 * Streams a 200 whose JSON never ends, one bar after another, honouring backpressure, until the client
 * hangs up or the server closes. Never buffered: the server's memory stays flat however long it runs.
 */
export function streamEndlessBody(response: ServerResponse, bar: Record<string, unknown>): void {
  const chunk = `${JSON.stringify(bar)},`.repeat(200);
  response.writeHead(200, { 'Content-Type': 'application/json' });
  response.write('{"status":"OK","request_id":"endless","results":[');
  const pump = (): void => {
    while (!response.destroyed && response.write(chunk));
    if (!response.destroyed) response.once('drain', pump);
  };
  response.once('close', () => response.removeAllListeners('drain'));
  pump();
}
