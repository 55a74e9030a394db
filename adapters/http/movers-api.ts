import { createHash } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type {
  Clock,
  GetSessionResult,
  ListWinners,
  RankedMover,
  SessionResult,
  WinnerRepository,
  WinnersList,
} from '../../core/index.ts';
import { addDays, easternDateOf, easternTime, MAX_LIST_DAYS, sessionCloseTime } from '../../core/index.ts';
import type { AppConfig } from '../config/app-config.ts';
import type { AppLogger } from '../observability/app-logger.ts';
import { HttpError, toHttpError, type HttpErrorBody } from './http-errors.ts';

/** The slice of an API Gateway REST proxy event the API reads; the local server builds the same shape. */
export type ApiRequest = Pick<
  APIGatewayProxyEvent,
  'httpMethod' | 'path' | 'headers' | 'queryStringParameters' | 'multiValueQueryStringParameters'
>;

export interface MoversApiDependencies {
  readonly listWinners: ListWinners;
  readonly getSessionResult: GetSessionResult;
  readonly repository: WinnerRepository;
  readonly clock: Clock;
  readonly config: Pick<AppConfig, 'corsOrigin' | 'syncTimesEt' | 'basis' | 'watchlist'>;
  readonly logger: AppLogger;
}

export const DEFAULT_DAYS = 7;
const MAX_QUERY_LENGTH = 1024;
const MIN_CACHE_SECONDS = 60;
const ALLOWED_METHODS = 'GET, HEAD, OPTIONS';

interface Route {
  readonly parameters: readonly string[];
  readonly handle: (query: Record<string, string>, pathDate?: string) => Promise<unknown>;
}

/**
 * The HTTP API: the same code answers API Gateway in Lambda and `stocks-cli serve` locally.
 * It parses and validates the request, calls one use case, and shapes the JSON; errors go through
 * the one mapping in http-errors.ts, so nothing a client sends can produce a 500.
 */
export class MoversApi {
  constructor(private readonly deps: MoversApiDependencies) {}

  async handle(request: ApiRequest): Promise<APIGatewayProxyResult> {
    const method = request.httpMethod.toUpperCase();
    try {
      if (method === 'OPTIONS') return this.preflight();
      const { route, pathDate } = this.route(request.path);
      if (method !== 'GET' && method !== 'HEAD') {
        throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed here; use GET.`, {
          Allow: ALLOWED_METHODS,
        });
      }
      const query = this.query(request, route.parameters);
      const body = JSON.stringify(await route.handle(query, pathDate));
      return this.ok(body, request, method === 'HEAD');
    } catch (error) {
      return this.failure(error, request);
    }
  }

  private route(rawPath: string): { route: Route; pathDate?: string } {
    const path = rawPath.length > 1 ? rawPath.replace(/\/+$/, '') : rawPath;
    if (path === '/movers')
      return { route: { parameters: ['days', 'asOf'], handle: (query) => this.movers(query) } };
    if (path === '/health') return { route: { parameters: [], handle: () => this.health() } };
    const match = /^\/movers\/([^/]+)$/.exec(path);
    if (match) {
      return {
        route: { parameters: [], handle: (_query, date) => this.session(date as string) },
        pathDate: decodePathSegment(match[1] as string),
      };
    }
    throw new HttpError(
      404,
      'NOT_FOUND',
      `No route for ${truncate(path)}. Try GET /movers, /movers/{date} or /health.`,
    );
  }

  private query(request: ApiRequest, allowed: readonly string[]): Record<string, string> {
    const single = request.queryStringParameters ?? {};
    const multi = request.multiValueQueryStringParameters ?? {};
    const length = Object.entries(single).reduce(
      (sum, [key, value]) => sum + key.length + (value?.length ?? 0),
      0,
    );
    if (length > MAX_QUERY_LENGTH) {
      throw new HttpError(
        400,
        'INVALID_PARAMETER',
        `The query string is too long (over ${MAX_QUERY_LENGTH} characters).`,
      );
    }
    const query: Record<string, string> = {};
    for (const [key, value] of Object.entries(single)) {
      if (!allowed.includes(key)) {
        const accepted = allowed.length > 0 ? `accepted: ${allowed.join(', ')}` : 'this route takes none';
        throw new HttpError(
          400,
          'INVALID_PARAMETER',
          `Unknown query parameter "${truncate(key)}" (${accepted}).`,
        );
      }
      if ((multi[key]?.length ?? 1) > 1) {
        throw new HttpError(400, 'INVALID_PARAMETER', `Query parameter "${key}" was given more than once.`);
      }
      query[key] = value ?? '';
    }
    return query;
  }

  private async movers(query: Record<string, string>): Promise<unknown> {
    const days = parseDays(query.days);
    const list = await this.deps.listWinners.execute({
      days,
      ...(query.asOf !== undefined && { asOf: query.asOf }),
    });
    return this.moversBody(days, list);
  }

  private moversBody(days: number, list: WinnersList) {
    const data = list.results.map((result) => ({
      date: result.date,
      ...moverView(result.winner),
      basis: result.basis,
      source: result.source,
    }));
    const sources = new Set(list.results.map((result) => result.source));
    return {
      range: `last_${days}_days`,
      days,
      count: data.length,
      data,
      missing: list.missing,
      sessions: list.sessions,
      asOf: list.asOf,
      // The close of the as-of session: stable for a given answer, so the ETag only changes with the data.
      asOfTime: sessionCloseTime(list.asOf).toISOString(),
      basis: this.deps.config.basis,
      source: sources.size === 0 ? null : sources.size === 1 ? [...sources][0] : 'mixed',
      watchlist: this.deps.config.watchlist,
    };
  }

  private async session(date: string): Promise<unknown> {
    const result = await this.deps.getSessionResult.execute(date);
    if (!result) {
      throw new HttpError(
        404,
        'NOT_FOUND',
        `No result is stored for ${date}. It may not be synced yet, or not be a session.`,
      );
    }
    return sessionView(result);
  }

  private async health(): Promise<unknown> {
    try {
      await this.deps.repository.latestWinners(1);
    } catch (error) {
      this.deps.logger.error('health check: storage unavailable', { error: describe(error) });
      throw new HttpError(503, 'STORAGE_UNAVAILABLE', 'The winners store cannot be read right now.');
    }
    return { status: 'ok', time: this.deps.clock.now().toISOString() };
  }

  private ok(body: string, request: ApiRequest, headOnly: boolean): APIGatewayProxyResult {
    const etag = `"${createHash('sha1').update(body).digest('base64url')}"`;
    const headers = {
      ...this.commonHeaders(),
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': `public, max-age=${this.secondsUntilNextSync()}`,
      ETag: etag,
    };
    if (matchesEtag(header(request, 'if-none-match'), etag)) return { statusCode: 304, headers, body: '' };
    return { statusCode: 200, headers, body: headOnly ? '' : body };
  }

  private failure(error: unknown, request: ApiRequest): APIGatewayProxyResult {
    const httpError = toHttpError(error);
    if (httpError.status >= 500) {
      this.deps.logger.error('request failed', {
        method: request.httpMethod,
        path: truncate(request.path),
        error: describe(error),
      });
    }
    const body: HttpErrorBody = {
      error: { code: httpError.code, message: httpError.message },
    };
    return {
      statusCode: httpError.status,
      headers: {
        ...this.commonHeaders(),
        ...httpError.headers,
        'Content-Type': 'application/json; charset=utf-8',
        'Cache-Control': 'no-store',
      },
      body: JSON.stringify(body),
    };
  }

  private preflight(): APIGatewayProxyResult {
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

  private commonHeaders(): Record<string, string> {
    const origin = this.deps.config.corsOrigin;
    return {
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Expose-Headers': 'ETag',
      'X-Content-Type-Options': 'nosniff',
      ...(origin !== '*' && { Vary: 'Origin' }),
    };
  }

  /** Responses only change when a sync runs: caches may keep them until the next scheduled one. */
  private secondsUntilNextSync(): number {
    const now = this.deps.clock.now();
    const today = easternDateOf(now);
    const upcoming = [0, 1].flatMap((offset) =>
      this.deps.config.syncTimesEt.map((time) => {
        const [hour, minute] = time.split(':').map(Number) as [number, number];
        return easternTime(addDays(today, offset), hour, minute).getTime();
      }),
    );
    const next = Math.min(...upcoming.filter((instant) => instant > now.getTime()));
    return Math.max(MIN_CACHE_SECONDS, Math.floor((next - now.getTime()) / 1000));
  }
}

function parseDays(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_DAYS;
  const days = /^\d{1,3}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(days >= 1 && days <= MAX_LIST_DAYS)) {
    throw new HttpError(
      400,
      'INVALID_PARAMETER',
      `days must be a whole number from 1 to ${MAX_LIST_DAYS}, got "${truncate(raw)}".`,
    );
  }
  return days;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function moverView(mover: RankedMover) {
  return {
    symbol: mover.symbol,
    changePercent: round2(mover.changePercent),
    open: mover.open,
    close: mover.close,
    ...(mover.previousClose !== undefined && { previousClose: mover.previousClose }),
  };
}

function sessionView(result: SessionResult) {
  return {
    date: result.date,
    basis: result.basis,
    source: result.source,
    computedAt: result.computedAt,
    winner: moverView(result.winner),
    ranking: result.ranking.map((mover, index) => ({ rank: index + 1, ...moverView(mover) })),
    excluded: result.excluded,
  };
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

function truncate(text: string, max = 64): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
