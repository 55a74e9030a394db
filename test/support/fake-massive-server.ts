/**
 * A loopback stand-in for the Massive REST API (massive-api.md): aggregates range, grouped daily,
 * open-close and the paged reference tickers in their exact formats, from the simulated market's deterministic bars. It checks the
 * Bearer key, enforces a per-minute limit with real 429 bodies, adds latency, injects faults on demand
 * and counts calls and bytes, for in-process tests, whole-process tests (through MASSIVE_BASE_URL) and
 * benchmarks. This file holds the routes and the data; the faults and the control API are in
 * fake-massive-faults.ts, the reply bodies both share in fake-massive-replies.ts.
 *
 * Standalone: `node --import tsx test/support/fake-massive-server.ts --port 0` prints one JSON line
 * `{"baseUrl":...,"apiKey":...,"controlUrl":...}` and serves until SIGTERM. Other processes drive it
 * through the control routes: GET /__control/stats, POST|DELETE /__control/faults,
 * PUT /__control/settings, POST /__control/reset-stats (no key needed, never counted as calls).
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  CALENDAR_FIRST_DATE,
  CALENDAR_LAST_DATE,
  easternDateOf,
  easternTime,
  isSessionDate,
  isTradingDay,
  tradingSessions,
} from '../../core/index.ts';
import { DEFAULT_SIMULATION_SEED, simulatedDailyBar } from '../../adapters/simulated/simulated-market.ts';
import { simulatedListings, simulatedMarketBar } from '../../adapters/simulated/simulated-universe.ts';
import type { FakeFaultSpec, FakeMassiveEndpoint, FakeMassiveSettings } from './fake-massive-faults.ts';
import {
  answerWithFault,
  controlReply,
  FaultBook,
  faultReply,
  streamEndlessBody,
} from './fake-massive-faults.ts';
import type { Reply } from './fake-massive-replies.ts';
import { json, MassiveReplies, MESSAGES } from './fake-massive-replies.ts';
import { ReferenceTickers } from './fake-massive-reference.ts';

export type { FakeMassiveSettings } from './fake-massive-faults.ts';

export interface FakeMassiveServerOptions extends FakeMassiveSettings {
  readonly port?: number;
  readonly apiKey?: string;
  readonly seed?: number;
  /** Tickers with data; others answer like unknown tickers (no bars, 404 on open-close). */
  readonly tickers?: readonly string[];
  /** Extra rows in every grouped-daily body, so its size is closer to the real ~10k-row page. */
  readonly extraTickers?: number;
  /**
   * Serve the simulated market's universe (simulated-universe.ts, about 3 000 listings with types and
   * names) in grouped daily and the reference tickers, instead of the filler rows: what the market board
   * needs. The listed tickers keep their bars either way.
   */
  readonly marketUniverse?: boolean;
  /** Time source of the rate-limit window, in epoch ms; tests pass their fake clock. */
  readonly now?: () => number;
}

export interface FakeMassiveCalls {
  readonly range: number;
  readonly grouped: number;
  readonly openClose: number;
  readonly total: number;
}

export interface FakeMassiveRequest {
  readonly endpoint: FakeMassiveEndpoint | 'unknown';
  /** Path and query as received (the key travels in a header, never here, with a well-behaved client). */
  readonly path: string;
  readonly status: number;
}

export interface FakeMassiveServer {
  readonly baseUrl: string;
  readonly apiKey: string;
  /** Calls to the aggregates endpoints. */
  readonly calls: FakeMassiveCalls;
  /** Pages of the reference tickers asked for (apart from `calls`, whose shape the watchlist tests pin). */
  readonly referenceCalls: number;
  /** Response body bytes sent on API routes (what a client receives, before any compression). */
  readonly bytesSent: number;
  /** Most API requests open at once since the last reset: shows a client's concurrency. */
  readonly peakInFlight: number;
  readonly requests: readonly FakeMassiveRequest[];
  setFault(fault: FakeFaultSpec): void;
  clearFaults(): void;
  configure(settings: FakeMassiveSettings): void;
  resetStats(): void;
  close(): Promise<void>;
}

export const FAKE_MASSIVE_DEFAULT_API_KEY = 'fake-massive-key-0123456789abcdef';

/** The default watchlist plus well-known large caps, so custom watchlists in tests find data. */
// prettier-ignore
export const FAKE_MASSIVE_TICKERS: readonly string[] = [
  'AAPL', 'MSFT', 'GOOGL', 'AMZN', 'TSLA', 'NVDA', 'META', 'GOOG', 'NFLX', 'AMD', 'INTC', 'IBM', 'ORCL',
  'JPM', 'BAC', 'WFC', 'GS', 'KO', 'PEP', 'XOM', 'CVX', 'WMT', 'DIS', 'BRK.B', 'V', 'MA', 'JNJ', 'PFE',
  'UNH', 'HD',
];

const DEFAULT_RANGE_LIMIT = 5000;
const MAX_RANGE_LIMIT = 50_000;
const WINDOW_MS = 60_000;

interface ParsedRoute {
  readonly endpoint: FakeMassiveEndpoint;
  readonly ticker?: string;
  /** Raw path segments of a range, or the date of grouped / open-close. */
  readonly from?: string;
  readonly to?: string;
  readonly date?: string;
}

function routeOf(pathname: string): ParsedRoute | undefined {
  const segments = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  // /v2/aggs/ticker/{ticker}/range/1/day/{from}/{to}
  if (segments.length === 9 && segments[0] === 'v2' && segments[1] === 'aggs' && segments[2] === 'ticker') {
    if (segments[4] === 'range' && segments[5] === '1' && segments[6] === 'day') {
      return { endpoint: 'aggregates-range', ticker: segments[3], from: segments[7], to: segments[8] };
    }
  }
  // /v2/aggs/grouped/locale/us/market/stocks/{date}
  if (segments.length === 8 && segments.slice(0, 7).join('/') === 'v2/aggs/grouped/locale/us/market/stocks') {
    return { endpoint: 'grouped-daily', date: segments[7] };
  }
  if (segments.join('/') === 'v3/reference/tickers') return { endpoint: 'reference-tickers' };
  // /v1/open-close/{ticker}/{date}
  if (segments.length === 4 && segments[0] === 'v1' && segments[1] === 'open-close') {
    return { endpoint: 'open-close', ticker: segments[2], date: segments[3] };
  }
  return undefined;
}

/** `YYYY-MM-DD` or epoch milliseconds, as the range endpoint accepts; undefined when neither. */
function rangeBoundDate(value: string): string | undefined {
  if (/^\d{9,}$/.test(value)) return easternDateOf(new Date(Number(value)));
  return isSessionDate(value) ? value : undefined;
}

function clampToCalendar(date: string): string {
  if (date < CALENDAR_FIRST_DATE) return CALENDAR_FIRST_DATE;
  if (date > CALENDAR_LAST_DATE) return CALENDAR_LAST_DATE;
  return date;
}

function fillerTicker(index: number): string {
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  return `Z${letters[Math.floor(index / 676) % 26]}${letters[Math.floor(index / 26) % 26]}${letters[index % 26]}`;
}

export async function startFakeMassiveServer(
  options: FakeMassiveServerOptions = {},
): Promise<FakeMassiveServer> {
  const apiKey = options.apiKey ?? FAKE_MASSIVE_DEFAULT_API_KEY;
  const seed = options.seed ?? DEFAULT_SIMULATION_SEED;
  const now = options.now ?? (() => Date.now());
  const listed = new Set(options.tickers ?? FAKE_MASSIVE_TICKERS);
  const universe = options.marketUniverse ? simulatedListings(seed) : [];
  const fillers = options.marketUniverse
    ? universe.map((listing) => listing.symbol)
    : Array.from({ length: options.extraTickers ?? 300 }, (_, index) => fillerTicker(index));
  const groupedTickers = [...new Set([...listed, ...fillers])].sort();
  // Outside the universe a filler could share a generated listing's symbol: it keeps its plain bars.
  const barOf = options.marketUniverse ? simulatedMarketBar : simulatedDailyBar;
  const settings: {
    unpublishedFrom: string | undefined;
    historyStart: string | undefined;
    rateLimitPerMinute: number;
    rangePageSize: number | undefined;
    latencyMs: number;
  } = {
    unpublishedFrom: options.unpublishedFrom,
    historyStart: options.historyStart,
    rateLimitPerMinute: options.rateLimitPerMinute ?? 0,
    rangePageSize: options.rangePageSize,
    latencyMs: options.latencyMs ?? 0,
  };
  const faults = new FaultBook();
  const replies = new MassiveReplies();
  const references = new ReferenceTickers(groupedTickers, universe, replies);
  let acceptedStarts: number[] = [];
  let rateLimitReplies = 0;
  let counts = { range: 0, grouped: 0, openClose: 0 };
  let referenceCalls = 0;
  let bytesSent = 0;
  let inFlight = 0;
  let peakInFlight = 0;
  let requests: FakeMassiveRequest[] = [];
  const pendingTimers = new Set<NodeJS.Timeout>();

  function authorize(request: IncomingMessage, query: URLSearchParams): Reply | undefined {
    const header = request.headers.authorization;
    const presented = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : query.get('apiKey');
    if (!presented) return replies.error(401, MESSAGES.noKey);
    if (presented !== apiKey) return replies.error(401, MESSAGES.badKey);
    return undefined;
  }

  /** Rolling window over accepted calls; refused calls do not count, so a patient client always gets in. */
  function rateLimit(): Reply | undefined {
    if (settings.rateLimitPerMinute === 0) return undefined;
    const at = now();
    acceptedStarts = acceptedStarts.filter((start) => start > at - WINDOW_MS);
    if (acceptedStarts.length < settings.rateLimitPerMinute) {
      acceptedStarts.push(at);
      return undefined;
    }
    rateLimitReplies += 1;
    // The real API sometimes sends the 429 with an empty body.
    return rateLimitReplies % 2 === 0 ? { status: 429, body: '' } : replies.error(429, MESSAGES.rateLimited);
  }

  /** The plan's window: history start and the not-yet-published sessions, for any endpoint. */
  function planWindowReply(from: string, to: string): Reply | undefined {
    if (settings.historyStart !== undefined && from < settings.historyStart)
      return replies.forbidden(MESSAGES.outsideHistory);
    if (settings.unpublishedFrom !== undefined && to >= settings.unpublishedFrom) {
      return replies.forbidden(MESSAGES.notYetAvailable);
    }
    return undefined;
  }

  function rangeBar(symbol: string, session: string): Record<string, number> {
    const bar = simulatedDailyBar(symbol, session, seed);
    const vw = Math.round(((bar.open + bar.high + bar.low + bar.close) / 4) * 10_000) / 10_000;
    return {
      v: bar.volume,
      vw,
      o: bar.open,
      c: bar.close,
      h: bar.high,
      l: bar.low,
      t: easternTime(session, 0).getTime(),
      n: Math.max(1, Math.round(bar.volume / 900)),
    };
  }

  function aggregatesRange(route: ParsedRoute, query: URLSearchParams, from: string, to: string): Reply {
    const ticker = route.ticker as string;
    const cursor = query.get('cursor');
    const cursorQuery = cursor
      ? new URLSearchParams(Buffer.from(cursor, 'base64url').toString('utf8'))
      : undefined;
    const limitText = cursorQuery?.get('limit') ?? query.get('limit');
    const limit = Math.min(
      MAX_RANGE_LIMIT,
      Math.max(1, Number(limitText ?? DEFAULT_RANGE_LIMIT) || DEFAULT_RANGE_LIMIT),
    );
    const pageSize = Math.min(limit, settings.rangePageSize ?? MAX_RANGE_LIMIT);
    const sessions = listed.has(ticker) ? tradingSessions(clampToCalendar(from), clampToCalendar(to)) : [];
    const page = sessions.slice(0, pageSize);
    const results = page.map((session) => rangeBar(ticker, session));
    const body: Record<string, unknown> = {
      ticker,
      queryCount: sessions.length,
      resultsCount: results.length,
      adjusted: true,
    };
    if (results.length > 0) body.results = results;
    body.status = 'OK';
    body.request_id = replies.requestId();
    body.count = results.length;
    const nextSession = sessions[pageSize];
    if (nextSession !== undefined) {
      const nextCursor = Buffer.from(`limit=${limit}&sort=asc`).toString('base64url');
      // Like the real API: Massive's own host, the next bar's epoch ms as `from`, a cursor, and no key.
      body.next_url =
        `https://api.massive.com/v2/aggs/ticker/${encodeURIComponent(ticker)}/range/1/day/` +
        `${easternTime(nextSession, 0).getTime()}/${route.to}?cursor=${nextCursor}`;
    }
    return json(200, body);
  }

  function groupedDaily(date: string): Reply {
    if (!isTradingDay(date)) {
      return json(200, {
        queryCount: 0,
        resultsCount: 0,
        adjusted: true,
        status: 'OK',
        request_id: replies.requestId(),
      });
    }
    const t = easternTime(date, 16).getTime();
    const results = groupedTickers.map((ticker, index) => {
      const bar = barOf(ticker, date, seed);
      const row: Record<string, unknown> = {
        T: ticker,
        // Fractional volume happens (odd-lot adjustments); an `otc` flag on some rows too.
        v: index % 7 === 3 ? bar.volume + 0.25 : bar.volume,
        vw: Math.round(((bar.open + bar.high + bar.low + bar.close) / 4) * 10_000) / 10_000,
        o: bar.open,
        c: bar.close,
        h: bar.high,
        l: bar.low,
        t,
        n: Math.max(1, Math.round(bar.volume / 900)),
      };
      if (index % 50 === 49 && !listed.has(ticker)) row.otc = true;
      return row;
    });
    return json(200, {
      queryCount: results.length,
      resultsCount: results.length,
      adjusted: true,
      results,
      status: 'OK',
      request_id: replies.requestId(),
      count: results.length,
    });
  }

  function openClose(ticker: string, date: string): Reply {
    if (!listed.has(ticker) || !isTradingDay(date)) {
      return json(404, { status: 'NOT_FOUND', request_id: replies.requestId(), message: MESSAGES.notFound });
    }
    const bar = simulatedDailyBar(ticker, date, seed);
    return json(200, {
      status: 'OK',
      from: date,
      symbol: ticker,
      open: bar.open,
      high: bar.high,
      low: bar.low,
      close: bar.close,
      volume: bar.volume,
      afterHours: Math.round(bar.close * 1.001 * 100) / 100,
      preMarket: Math.round(bar.open * 0.999 * 100) / 100,
    });
  }

  /** Everything after auth, rate limit and faults: the documented answers. */
  function answer(route: ParsedRoute, query: URLSearchParams, from?: string, to?: string): Reply {
    if (route.endpoint === 'aggregates-range') {
      if (from === undefined || to === undefined) {
        return replies.error(
          400,
          "Could not parse the time parameter: use 'YYYY-MM-DD' or Unix MS timestamps.",
        );
      }
      if (to < from) return replies.error(400, MESSAGES.toBeforeFrom);
      return planWindowReply(from, to) ?? aggregatesRange(route, query, from, to);
    }
    if (route.endpoint === 'reference-tickers') return references.page(query);
    const date = route.date as string;
    if (!isSessionDate(date) || date < CALENDAR_FIRST_DATE || date > CALENDAR_LAST_DATE) {
      return replies.error(400, `Could not parse the date parameter '${date}': use 'YYYY-MM-DD'.`);
    }
    const windowReply = planWindowReply(date, date);
    if (windowReply) return windowReply;
    return route.endpoint === 'grouped-daily' ? groupedDaily(date) : openClose(route.ticker as string, date);
  }

  function send(response: ServerResponse, reply: Reply, counted: boolean): void {
    const bytes = Buffer.byteLength(reply.body);
    if (counted) bytesSent += bytes;
    response.writeHead(reply.status, {
      'Content-Type': reply.contentType ?? 'application/json',
      'Content-Length': String(bytes),
      ...reply.headers,
    });
    response.end(reply.body);
  }

  function handle(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://fake-massive.local');
    if (url.pathname.startsWith('/__control/')) {
      controlReply(request, url.pathname, api).then(
        (reply) => send(response, reply, false),
        (error: unknown) => send(response, json(400, { error: String(error) }), false),
      );
      return;
    }
    const route = routeOf(url.pathname);
    const path = `${url.pathname}${url.search}`;
    inFlight += 1;
    peakInFlight = Math.max(peakInFlight, inFlight);
    response.once('close', () => {
      inFlight -= 1;
    });
    const finish = (reply: Reply): void => {
      requests.push({ endpoint: route?.endpoint ?? 'unknown', path, status: reply.status });
      send(response, reply, true);
    };
    if (!route || request.method !== 'GET') {
      finish(json(404, { status: 'NOT_FOUND', request_id: replies.requestId(), message: 'Not found' }));
      return;
    }
    if (route.endpoint === 'aggregates-range') counts.range += 1;
    else if (route.endpoint === 'grouped-daily') counts.grouped += 1;
    else if (route.endpoint === 'reference-tickers') referenceCalls += 1;
    else counts.openClose += 1;

    const refusal = authorize(request, url.searchParams) ?? rateLimit();
    if (refusal) return later(settings.latencyMs, () => finish(refusal));
    const from = route.from === undefined ? undefined : rangeBoundDate(route.from);
    const to = route.to === undefined ? undefined : rangeBoundDate(route.to);
    const fault = faults.take({ endpoint: route.endpoint, ticker: route.ticker, date: route.date, from, to });
    if (fault?.kind === 'endless-body') {
      return later(settings.latencyMs, () => {
        requests.push({ endpoint: route.endpoint, path, status: 200 });
        streamEndlessBody(response, rangeBar(route.ticker ?? 'AAPL', from ?? CALENDAR_FIRST_DATE));
      });
    }
    const faulted = fault ? faultReply(fault, replies) : undefined;
    if (faulted === 'reset') {
      return later(settings.latencyMs, () => {
        requests.push({ endpoint: route.endpoint, path, status: 0 });
        request.socket.destroy();
      });
    }
    const reply =
      faulted ??
      answerWithFault(route, fault, (ticker = route.ticker) =>
        answer({ ...route, ticker }, url.searchParams, from, to),
      );
    const delayMs = settings.latencyMs + (fault?.kind === 'slow' ? fault.delayMs : 0);
    later(delayMs, () => {
      if (!response.destroyed) finish(reply);
    });
  }

  /** Runs `action` now, or after `delayMs` on a timer that close() cancels. */
  function later(delayMs: number, action: () => void): void {
    if (delayMs <= 0) return action();
    const timer = setTimeout(() => {
      pendingTimers.delete(timer);
      action();
    }, delayMs);
    pendingTimers.add(timer);
  }

  function callSnapshot(): FakeMassiveCalls {
    return { ...counts, total: counts.range + counts.grouped + counts.openClose };
  }

  const server = createServer(handle);
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  const { port } = server.address() as AddressInfo;

  const api: FakeMassiveServer = {
    baseUrl: `http://127.0.0.1:${port}`,
    apiKey,
    get calls() {
      return callSnapshot();
    },
    get referenceCalls() {
      return referenceCalls;
    },
    get bytesSent() {
      return bytesSent;
    },
    get peakInFlight() {
      return peakInFlight;
    },
    get requests() {
      return [...requests];
    },
    setFault(spec) {
      faults.add(spec);
    },
    clearFaults() {
      faults.clear();
    },
    configure(update) {
      // An absent key keeps its setting; an explicit undefined clears the optional ones.
      const { rateLimitPerMinute, latencyMs, ...rest } = update;
      Object.assign(settings, rest);
      if (rateLimitPerMinute !== undefined) settings.rateLimitPerMinute = rateLimitPerMinute;
      if (latencyMs !== undefined) settings.latencyMs = latencyMs;
      acceptedStarts = [];
    },
    resetStats() {
      counts = { range: 0, grouped: 0, openClose: 0 };
      referenceCalls = 0;
      bytesSent = 0;
      peakInFlight = inFlight;
      requests = [];
    },
    async close() {
      for (const timer of pendingTimers) clearTimeout(timer);
      pendingTimers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
    },
  };
  return api;
}

async function runStandalone(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      'api-key': { type: 'string' },
      seed: { type: 'string' },
      'rate-limit': { type: 'string' },
      'range-page-size': { type: 'string' },
      'extra-tickers': { type: 'string' },
      'unpublished-from': { type: 'string' },
      'history-start': { type: 'string' },
      'latency-ms': { type: 'string' },
    },
  });
  const numberOf = (value: string | undefined): number | undefined =>
    value === undefined ? undefined : Number(value);
  const server = await startFakeMassiveServer({
    port: Number(values.port),
    apiKey: values['api-key'],
    seed: numberOf(values.seed),
    rateLimitPerMinute: numberOf(values['rate-limit']),
    rangePageSize: numberOf(values['range-page-size']),
    extraTickers: numberOf(values['extra-tickers']),
    unpublishedFrom: values['unpublished-from'],
    historyStart: values['history-start'],
    latencyMs: numberOf(values['latency-ms']),
  });
  process.stdout.write(
    `${JSON.stringify({ baseUrl: server.baseUrl, apiKey: server.apiKey, controlUrl: `${server.baseUrl}/__control` })}\n`,
  );
  const stop = (): void => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await runStandalone();
}
