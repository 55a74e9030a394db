/**
 * The faults the fake Massive server (fake-massive-server.ts) injects on demand, and the control API
 * through which other processes set them: refusals and broken transports, and hostile data in an
 * otherwise well-formed answer (duplicate bars, another ticker's bars, midnight-UTC stamps, impossible
 * numbers, an endless body). Which requests a fault hits, what it answers and which bars it alters is
 * decided here; the server only asks.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { easternDateOf } from '../../core/index.ts';
import type { MassiveReplies, Reply } from './fake-massive-replies.ts';
import { GATEWAY_HTML, json, MESSAGES, rewritten } from './fake-massive-replies.ts';

/** What the control API can change on a running server. */
export interface FakeMassiveSettings {
  /** Sessions on or after this date are refused "before end of day" (the free plan's today). */
  unpublishedFrom?: string | undefined;
  /** Sessions before this date are refused as outside the plan's history window. */
  historyStart?: string | undefined;
  /** Accepted calls per rolling 60 s; 0 = unlimited. */
  rateLimitPerMinute?: number;
  /** Bars per range page before `next_url` kicks in (the real page holds `limit`, up to 50 000). */
  rangePageSize?: number | undefined;
  /** Added before every API answer (faults included), like a network round trip; default 0. */
  latencyMs?: number;
}

/** What the control API drives on a server. */
export interface ControlledServer {
  readonly calls: unknown;
  readonly bytesSent: number;
  readonly peakInFlight: number;
  readonly requests: readonly unknown[];
  setFault(fault: FakeFaultSpec): void;
  clearFaults(): void;
  configure(settings: FakeMassiveSettings): void;
  resetStats(): void;
}

export type FakeMassiveEndpoint = 'aggregates-range' | 'grouped-daily' | 'open-close' | 'reference-tickers';

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

/** A refusal or broken transport instead of the answer; undefined for faults that alter a normal answer. */
export function faultReply(fault: FakeMassiveFault, replies: MassiveReplies): Reply | 'reset' | undefined {
  switch (fault.kind) {
    case 'server-error': {
      const status = fault.status ?? 502;
      if (fault.body === 'empty') return { status, body: '' };
      if (fault.body === 'json') return replies.error(status, 'Internal server error');
      return { status, body: GATEWAY_HTML, contentType: 'text/html' };
    }
    case 'malformed-json':
      return { status: 200, body: '{"status":"OK","request_id":"x","results":[{"o":1.5,"c":' };
    case 'wrong-shape':
      return json(200, {
        status: 'OK',
        request_id: replies.requestId(),
        results: [{ o: 'abc', t: 'yesterday' }],
      });
    case 'ok-not-authorized':
      return replies.forbidden(MESSAGES.notEntitled, 200);
    case 'not-entitled':
      return replies.forbidden(MESSAGES.notEntitled);
    case 'outside-plan-history':
      return replies.forbidden(MESSAGES.outsideHistory);
    case 'not-yet-available':
      return replies.forbidden(MESSAGES.notYetAvailable);
    case 'rate-limited': {
      const headers: Record<string, string> | undefined =
        fault.retryAfterSeconds === undefined
          ? undefined
          : { 'Retry-After': String(fault.retryAfterSeconds) };
      return fault.emptyBody
        ? { status: 429, body: '', headers }
        : replies.error(429, MESSAGES.rateLimited, headers);
    }
    case 'connection-reset':
      return 'reset';
    default:
      // Slow answers and hostile data are normal answers, delayed or altered by answerWithFault.
      return undefined;
  }
}

/** The route of an answered request, as answerWithFault needs it: range bounds as received. */
export interface AnsweredRoute {
  readonly endpoint: FakeMassiveEndpoint;
  readonly from?: string;
  readonly to?: string;
}

/**
 * The documented answer, or what a data fault makes of it. `answer` gives the documented answer about
 * a ticker (undefined: the requested one).
 */
export function answerWithFault(
  route: AnsweredRoute,
  fault: FakeFaultSpec | undefined,
  answer: (ticker?: string) => Reply,
): Reply {
  const isRange = route.endpoint === 'aggregates-range';
  if (fault?.kind === 'wrong-ticker' && isRange) return answer(fault.answerAs);
  const reply = answer();
  if (fault === undefined || reply.status !== 200) return reply;
  if (fault.kind === 'next-url-to-other-ticker' && isRange) {
    const cursor = Buffer.from('limit=50000&sort=asc').toString('base64url');
    return rewritten(reply, (body) => ({
      ...body,
      next_url:
        `https://api.massive.com/v2/aggs/ticker/${encodeURIComponent(fault.answerAs)}/range/1/day/` +
        `${route.from}/${route.to}?cursor=${cursor}`,
    }));
  }
  if (isDataFault(fault)) {
    return rewritten(reply, (body) => ({
      ...body,
      results: alterBars(fault, (body.results as BarRow[] | undefined) ?? [], (row) =>
        easternDateOf(new Date(row.t)),
      ),
    }));
  }
  return reply;
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? {} : (JSON.parse(text) as unknown);
}

/**
 * The control API, for processes that drive a standalone server: GET /__control/stats,
 * POST|DELETE /__control/faults, PUT /__control/settings, POST /__control/reset-stats.
 */
export async function controlReply(
  request: IncomingMessage,
  pathname: string,
  server: ControlledServer,
): Promise<Reply> {
  const route = `${request.method} ${pathname}`;
  if (route === 'GET /__control/stats') {
    const { calls, bytesSent, peakInFlight, requests } = server;
    return json(200, { calls, bytesSent, peakInFlight, requests });
  }
  if (route === 'POST /__control/faults') {
    server.setFault((await readBody(request)) as FakeFaultSpec);
    return json(200, {});
  }
  if (route === 'DELETE /__control/faults') {
    server.clearFaults();
    return json(200, {});
  }
  if (route === 'PUT /__control/settings') {
    const body = (await readBody(request)) as Record<string, unknown>;
    server.configure({
      ...('unpublishedFrom' in body
        ? { unpublishedFrom: (body.unpublishedFrom as string | null) ?? undefined }
        : {}),
      ...('historyStart' in body ? { historyStart: (body.historyStart as string | null) ?? undefined } : {}),
      ...('rateLimitPerMinute' in body ? { rateLimitPerMinute: Number(body.rateLimitPerMinute) } : {}),
      ...('rangePageSize' in body
        ? { rangePageSize: (body.rangePageSize as number | null) ?? undefined }
        : {}),
      ...('latencyMs' in body ? { latencyMs: Number(body.latencyMs) } : {}),
    });
    return json(200, {});
  }
  if (route === 'POST /__control/reset-stats') {
    server.resetStats();
    return json(200, {});
  }
  return json(404, { error: `unknown control route ${route}` });
}
