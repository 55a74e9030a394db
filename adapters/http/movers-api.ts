import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type {
  Clock,
  GetMarketBoard,
  GetSessionResult,
  ListMarketBoards,
  ListWatchlists,
  ListWinners,
  MarketFilters,
  Watchlist,
  WinnerRepository,
} from '../../core/index.ts';
import {
  latestCompletedSession,
  nextScheduledSync,
  nextSession,
  previousScheduledSync,
  sessionCloseTime,
  SYNC_SETTLE_MINUTES,
} from '../../core/index.ts';
import type { AppConfig } from '../config/app-config.ts';
import type { AppLogger } from '../observability/app-logger.ts';
import type { HealthResponse } from './api-contract.ts';
import {
  describeRoutes,
  matchRoute,
  parseQuery,
  truncate,
  type RouteMatch,
  type RouteName,
  type RouteQuery,
} from './api-routes.ts';
import { errorBody, errorHeaders, HttpError, JSON_CONTENT_TYPE, toHttpError } from './http-errors.ts';
import { marketMoversView, marketSessionView } from './market-views.ts';
import { moversView, sessionView, watchlistsView, type TickerNames } from './movers-views.ts';
import type { CachedAnswer, ResponseCache } from './response-cache.ts';

/** The slice of an API Gateway REST proxy event the API reads; the local server builds the same shape. */
export type ApiRequest = Pick<
  APIGatewayProxyEvent,
  'httpMethod' | 'path' | 'headers' | 'queryStringParameters' | 'multiValueQueryStringParameters'
>;

/** An answer before it meets a transport: the Lambda handler and the local server each send it their way. */
export interface ApiResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  /** The body a GET gets ('' for 204 and 304); a HEAD is told its length and gets none of it. */
  readonly body: string;
  /** The cached answer behind a 200 from /movers, for its gzip copy. */
  readonly answer?: CachedAnswer;
}

export interface RespondOptions {
  /**
   * Runs the work of a cache miss (store read, JSON) when the server has room for it; rejects when
   * the client has gone before its turn. Without it the work runs at once (Lambda: one request each).
   */
  readonly schedule?: <T>(work: () => Promise<T>) => Promise<T>;
}

/** What the API and `stocks-cli winners` read for one watchlist. */
export interface WatchlistReaders {
  readonly watchlist: Watchlist;
  readonly listWinners: ListWinners;
  readonly getSessionResult: GetSessionResult;
}

export interface MoversApiDependencies {
  /** A configured list's readers; throws UnknownWatchlistError for any other name. */
  readonly readersOf: (watchlist: string) => WatchlistReaders;
  readonly listWatchlists: ListWatchlists;
  /** The default list's store: what /health reads. */
  readonly repository: WinnerRepository;
  readonly cache: ResponseCache;
  readonly clock: Clock;
  readonly config: Pick<
    AppConfig,
    'corsOrigin' | 'syncTimesEt' | 'basis' | 'defaultWatchlist' | 'watchlists' | 'publishDelayMinutes'
  >;
  readonly logger: AppLogger;
  // The market board and the company names (issue 14).
  readonly market: {
    readonly listBoards: ListMarketBoards;
    readonly getBoard: GetMarketBoard;
    /** The filters this deployment applies to new sessions. */
    readonly filters: MarketFilters;
  };
  /** Company names by ticker, read once per process (CachedTickerNames), never once per request. */
  readonly names: () => Promise<TickerNames>;
}

const MAX_QUERY_LENGTH = 1024;
const MIN_CACHE_SECONDS = 60;
const ALLOWED_METHODS = 'GET, HEAD, OPTIONS';
const MINUTE_MS = 60_000;
/** How recent a successful store read must be for /health to report on it without reading again. */
const HEALTH_EVIDENCE_MS = 2_000;

/** The query as it arrived, each parameter once: a null-prototype map, so no key is inherited. */
type Query = Readonly<Record<string, string | undefined>>;

/** A cacheable request: its key names the normalized request, `compute` makes the body on a miss. */
interface Answerable {
  readonly key: string;
  readonly compute: () => Promise<string>;
}

/** A value worth keeping until an instant: the latest completed session, the next scheduled sync. */
interface Until<T> {
  readonly value: T;
  readonly from: number;
  readonly until: number;
}

/**
 * The HTTP API: the same code answers API Gateway in Lambda and `stocks-cli serve` locally.
 * It parses and validates the request, and answers from the response cache or from one use case;
 * errors go through the one mapping in http-errors.ts, so nothing a client sends can produce a 500.
 */
export class MoversApi {
  private latestSession: Until<string> | undefined;
  private lastGoodRead = Number.NEGATIVE_INFINITY;
  private common: Readonly<Record<string, string>> | undefined;
  private nextSync: Until<number> | undefined;

  constructor(private readonly deps: MoversApiDependencies) {}

  /** API Gateway's proxy result: a HEAD gets the headers of the GET and no body. */
  async handle(request: ApiRequest): Promise<APIGatewayProxyResult> {
    const response = await this.respond(request);
    const headOnly = request.httpMethod.toUpperCase() === 'HEAD';
    return {
      statusCode: response.statusCode,
      headers: response.headers,
      body: headOnly ? '' : response.body,
    };
  }

  async respond(request: ApiRequest, options: RespondOptions = {}): Promise<ApiResponse> {
    const method = request.httpMethod.toUpperCase();
    try {
      if (method === 'OPTIONS') return this.preflight();
      const route = matchRoute(request.path);
      if (!route) {
        throw new HttpError(
          404,
          'NOT_FOUND',
          `No route for ${truncate(request.path)}. Try ${describeRoutes()}.`,
        );
      }
      if (method !== 'GET' && method !== 'HEAD') {
        throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed here; use GET.`, {
          Allow: ALLOWED_METHODS,
        });
      }
      return await this.route(route, this.query(request), request, options);
    } catch (error) {
      return this.failure(error, request);
    }
  }

  private async route(
    route: RouteMatch,
    query: Query,
    request: ApiRequest,
    options: RespondOptions,
  ): Promise<ApiResponse> {
    switch (route.name) {
      case 'health':
        this.validated('health', query);
        return this.health();
      case 'movers':
        return this.answer(
          this.movers(this.deps.config.defaultWatchlist.name, this.validated('movers', query)),
          request,
          options,
        );
      case 'session':
        this.validated('session', query);
        return this.answer(
          this.session(
            this.deps.config.defaultWatchlist.name,
            decodePathSegment(route.parameters.date ?? ''),
          ),
          request,
          options,
        );
      case 'watchlists':
        this.validated('watchlists', query);
        return this.answer(this.watchlists(), request, options);
      case 'watchlistMovers': {
        const name = this.watchlistName(route);
        return this.answer(this.movers(name, this.validated('watchlistMovers', query)), request, options);
      }
      case 'watchlistSession': {
        const name = this.watchlistName(route);
        this.validated('watchlistSession', query);
        return this.answer(
          this.session(name, decodePathSegment(route.parameters.date ?? '')),
          request,
          options,
        );
      }
      case 'marketMovers':
        return this.answer(this.marketMovers(this.validated('marketMovers', query)), request, options);
      case 'marketSession':
        this.validated('marketSession', query);
        return this.answer(
          this.marketSession(decodePathSegment(route.parameters.date ?? '')),
          request,
          options,
        );
    }
  }

  /** From the response cache, or by the work behind it when the server has room for it. */
  private async answer(
    { key, compute }: Answerable,
    request: ApiRequest,
    options: RespondOptions,
  ): Promise<ApiResponse> {
    const cache = this.deps.cache;
    const answer =
      cache.lookup(key) ??
      (await (options.schedule ?? run)(() => cache.answer(key, () => this.readingStore(compute))));
    return this.ok(answer, request);
  }

  /** The transport's part of the query: bounded, each parameter once, in a map that inherits no key. */
  private query(request: ApiRequest): Query {
    const single = request.queryStringParameters ?? {};
    const multi = request.multiValueQueryStringParameters ?? {};
    const entries = Object.entries(single);
    const length = entries.reduce((sum, [key, value]) => sum + key.length + (value?.length ?? 0), 0);
    if (length > MAX_QUERY_LENGTH) {
      throw new HttpError(
        400,
        'INVALID_PARAMETER',
        `The query string is too long (over ${MAX_QUERY_LENGTH} characters).`,
      );
    }
    const query: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [key, value] of entries) {
      const values = Object.hasOwn(multi, key) ? multi[key] : undefined;
      if ((values?.length ?? 1) > 1) {
        throw new HttpError(
          400,
          'INVALID_PARAMETER',
          `Query parameter "${truncate(key)}" was given more than once.`,
        );
      }
      query[key] = value ?? '';
    }
    return query;
  }

  /** The route's own rules for its query (api-routes.ts): the one validation, the one error code. */
  private validated<Name extends RouteName>(name: Name, query: Query): RouteQuery<Name> {
    const outcome = parseQuery(name, query);
    if ('problem' in outcome) throw new HttpError(400, 'INVALID_PARAMETER', outcome.problem);
    return outcome.query;
  }

  /**
   * Keyed by the list and the window after defaulting: `/movers`, `/movers?days=7&asOf=<latest>` and
   * `/watchlists/default/movers` share one answer, and no two lists ever share one.
   */
  private movers(watchlist: string, { days, asOf: requested }: RouteQuery<'movers'>): Answerable {
    const asOf = requested ?? this.latestCompleted();
    return {
      key: `${watchlist}/movers?days=${days}&asOf=${asOf}`,
      compute: async () => {
        const readers = this.deps.readersOf(watchlist);
        const [list, names] = await Promise.all([
          readers.listWinners.execute({ days, asOf }),
          this.deps.names(),
        ]);
        return JSON.stringify(moversView(days, list, this.deps.config.basis, readers.watchlist, names));
      },
    };
  }

  private session(watchlist: string, date: string): Answerable {
    return {
      key: `${watchlist}/movers/${date}`,
      compute: async () => {
        const [result, names] = await Promise.all([
          this.deps.readersOf(watchlist).getSessionResult.execute(date),
          this.deps.names(),
        ]);
        if (!result) {
          throw new HttpError(
            404,
            'NOT_FOUND',
            `No result is stored for ${date}. It may not be synced yet, or not be a session.`,
          );
        }
        return JSON.stringify(sessionView(result, names));
      },
    };
  }

  /** Keyed like a list's movers, under `MARKET#`, which no list name can be. */
  private marketMovers({ days, asOf: requested }: RouteQuery<'marketMovers'>): Answerable {
    const asOf = requested ?? this.latestCompleted();
    return {
      key: `MARKET#movers?days=${days}&asOf=${asOf}`,
      compute: async () => {
        const list = await this.deps.market.listBoards.execute({ days, asOf });
        return JSON.stringify(marketMoversView(days, list, this.deps.market.filters));
      },
    };
  }

  private marketSession(date: string): Answerable {
    return {
      key: `MARKET#movers/${date}`,
      compute: async () => {
        const board = await this.deps.market.getBoard.execute(date);
        if (!board) {
          throw new HttpError(
            404,
            'NOT_FOUND',
            `No market board is stored for ${date}. It may not be synced yet, or not be a session.`,
          );
        }
        return JSON.stringify(marketSessionView(board));
      },
    };
  }

  private watchlists(): Answerable {
    return {
      key: 'watchlists',
      compute: async () => JSON.stringify(watchlistsView(await this.deps.listWatchlists.execute())),
    };
  }

  /**
   * The `{name}` of a watchlist route, when it names a configured list. A name that breaks the naming
   * rule (or is not even valid URL encoding) cannot name a list either: 404 UNKNOWN_WATCHLIST like any
   * unknown name, not 400, since the path names a resource that does not exist.
   */
  private watchlistName(route: RouteMatch): string {
    const raw = route.parameters.name ?? '';
    const name = safely(() => decodeURIComponent(raw)) ?? raw;
    const known = this.deps.config.watchlists.map((list) => list.name);
    if (known.includes(name)) return name;
    throw new HttpError(
      404,
      'UNKNOWN_WATCHLIST',
      `No watchlist is named "${truncate(name)}"; the watchlists are ${known.join(', ')}.`,
    );
  }

  /** Runs a store read, and notes when one last succeeded: /health's evidence. */
  private async readingStore<T>(read: () => Promise<T>): Promise<T> {
    const value = await read();
    this.lastGoodRead = this.deps.clock.now().getTime();
    return value;
  }

  /**
   * Never cached, by us or anyone: it says whether the store can be read now. A read that succeeded
   * within HEALTH_EVIDENCE_MS is the answer, so under load /health does not wait behind busy reads.
   */
  private async health(): Promise<ApiResponse> {
    if (this.deps.clock.now().getTime() - this.lastGoodRead >= HEALTH_EVIDENCE_MS) {
      try {
        await this.readingStore(() => this.deps.repository.latestWinners(1));
      } catch (error) {
        this.deps.logger.error('health check: storage unavailable', { error: describe(error) });
        throw new HttpError(503, 'STORAGE_UNAVAILABLE', 'The winners store cannot be read right now.');
      }
    }
    return {
      statusCode: 200,
      headers: { ...this.commonHeaders(), 'Content-Type': JSON_CONTENT_TYPE, 'Cache-Control': 'no-store' },
      body: JSON.stringify({
        status: 'ok',
        time: this.deps.clock.now().toISOString(),
      } satisfies HealthResponse),
    };
  }

  private ok(answer: CachedAnswer, request: ApiRequest): ApiResponse {
    const headers = {
      ...this.commonHeaders(),
      'Content-Type': JSON_CONTENT_TYPE,
      'Cache-Control': `public, max-age=${this.secondsUntilNextSync()}`,
      ETag: answer.etag,
    };
    if (matchesEtag(header(request, 'if-none-match'), answer.etag)) {
      return { statusCode: 304, headers, body: '' };
    }
    return { statusCode: 200, headers, body: answer.body, answer };
  }

  private failure(error: unknown, request: ApiRequest): ApiResponse {
    const httpError = toHttpError(error);
    if (httpError.status >= 500) {
      this.deps.logger.error('request failed', {
        method: request.httpMethod,
        path: truncate(request.path),
        error: describe(error),
      });
    }
    return {
      statusCode: httpError.status,
      headers: { ...this.commonHeaders(), ...errorHeaders(httpError) },
      body: errorBody(httpError),
    };
  }

  private preflight(): ApiResponse {
    return {
      statusCode: 204,
      headers: {
        ...this.commonHeaders(),
        'Access-Control-Allow-Methods': ALLOWED_METHODS,
        'Access-Control-Allow-Headers': 'Content-Type, If-None-Match',
        'Access-Control-Max-Age': '86400',
      },
      body: '',
    };
  }

  private commonHeaders(): Readonly<Record<string, string>> {
    const origin = this.deps.config.corsOrigin;
    return (this.common ??= {
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Expose-Headers': 'ETag',
      'X-Content-Type-Options': 'nosniff',
      ...(origin !== '*' && { Vary: 'Origin' }),
    });
  }

  /** The default `asOf`, worked out once per session close rather than on every request. */
  private latestCompleted(): string {
    const now = this.deps.clock.now().getTime();
    this.latestSession = current(this.latestSession, now, () => {
      const delayMs = this.deps.config.publishDelayMinutes * MINUTE_MS;
      const session = latestCompletedSession(new Date(now), this.deps.config.publishDelayMinutes);
      const from = sessionCloseTime(session).getTime() + delayMs;
      // At the calendar's very end there is no next session: work it out again on every request.
      const until = safely(() => sessionCloseTime(nextSession(session)).getTime() + delayMs) ?? now;
      return { value: session, from, until };
    });
    return this.latestSession.value;
  }

  /**
   * Responses only change when a sync runs: caches may keep them until the next scheduled one, the same
   * instant the deployed schedule and `stocks-cli serve` run it. While a run may still be writing
   * (SYNC_SETTLE_MINUTES after its start), and in the minute before one, they are kept MIN_CACHE_SECONDS.
   */
  private secondsUntilNextSync(): number {
    const now = this.deps.clock.now().getTime();
    this.nextSync = current(this.nextSync, now, () => {
      const times = this.deps.config.syncTimesEt;
      const settled = previousScheduledSync(new Date(now), times).getTime() + SYNC_SETTLE_MINUTES * MINUTE_MS;
      if (now < settled) return { value: now, from: now, until: settled };
      const next = nextScheduledSync(new Date(now), times).getTime();
      return { value: next, from: now, until: next };
    });
    return Math.max(MIN_CACHE_SECONDS, Math.floor((this.nextSync.value - now) / 1000));
  }
}

/** The remembered value while `now` is inside its interval, else a fresh one. */
function current<T>(held: Until<T> | undefined, now: number, fresh: () => Until<T>): Until<T> {
  return held && now >= held.from && now < held.until ? held : fresh();
}

function safely<T>(compute: () => T): T | undefined {
  try {
    return compute();
  } catch {
    return undefined;
  }
}

function run<T>(work: () => Promise<T>): Promise<T> {
  return work();
}

function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, 'INVALID_DATE', 'The date in the path is not valid URL encoding.');
  }
}

function header(request: ApiRequest, name: string): string | undefined {
  const entry = Object.entries(request.headers ?? {}).find(([key]) => key.toLowerCase() === name);
  return entry?.[1] ?? undefined;
}

function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === etag || tag === '*');
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
