import type { z } from 'zod';
import { messageOf, type Clock } from '../../core/index.ts';
import type { AppLogger } from '../observability/app-logger.ts';
import type { MassiveApiError, MassiveEndpoint } from './massive-errors.ts';
import {
  InvalidResponseError,
  MalformedApiKeyError,
  MissingApiKeyError,
  NotEntitledError,
  NotYetAvailableError,
  OutsidePlanHistoryError,
  RateLimitedError,
  RejectedApiKeyError,
  RequestRejectedError,
  ResponseTooLargeError,
  UpstreamUnavailableError,
} from './massive-errors.ts';
import { errorBodySchema } from './massive-schemas.ts';
import type { Sleep } from './rolling-window-rate-limiter.ts';
import { RATE_WINDOW_MS, RollingWindowRateLimiter } from './rolling-window-rate-limiter.ts';

export interface MassiveHttpSettings {
  readonly apiKey: string | undefined;
  readonly baseUrl: string;
  /** Calls per rolling minute, 0 = unlimited. */
  readonly rateLimitPerMinute: number;
  readonly timeoutMs: number;
  /** Attempts per request, the first one included. */
  readonly maxAttempts: number;
  /** A longer body fails the call unread past this many bytes (after decompression); default 16 MiB. */
  readonly maxBodyBytes?: number;
  readonly clock: Clock;
  readonly sleep: Sleep;
  /** Uniform in [0, 1): the jitter source, injectable so tests are deterministic. */
  readonly random: () => number;
  readonly logger: AppLogger;
}

const BACKOFF_BASE_MS = 1_000;
const BACKOFF_CAP_MS = 30_000;
/** A Retry-After longer than this means "not today": give up instead of hanging a scheduled run. */
const LONGEST_RETRY_AFTER_MS = 5 * 60_000;
const UPSTREAM_TEXT_LIMIT = 200;
/** Enough for any ticker. */
const QUOTED_TEXT_LIMIT = 24;
/**
 * The largest real answers: a 50 000-bar range page is about 6 MB of JSON, a grouped-daily answer of
 * 12 500 rows about 1.6 MB. 16 MiB leaves a wide margin and still bounds memory per call.
 */
export const MASSIVE_DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

type AttemptOutcome =
  | { readonly kind: 'success'; readonly body: unknown }
  | { readonly kind: 'fatal'; readonly error: MassiveApiError }
  | {
      readonly kind: 'retry';
      readonly problem: string;
      readonly rateLimited: boolean;
      readonly retryAfterMs?: number;
    };

/**
 * GET requests to Massive: Bearer auth, a timeout per attempt, the client-side rate limiter before every
 * attempt, retries with exponential backoff and full jitter on 429 / 5xx / network errors / timeouts,
 * and zod validation of every body. Everything it logs or throws is redacted of the API key.
 */
export class MassiveHttpClient {
  private readonly limiter: RollingWindowRateLimiter;
  private readonly origin: string;
  private readonly pathPrefix: string;
  private readonly maxBodyBytes: number;

  constructor(private readonly settings: MassiveHttpSettings) {
    this.maxBodyBytes = settings.maxBodyBytes ?? MASSIVE_DEFAULT_MAX_BODY_BYTES;
    if (!Number.isInteger(settings.maxAttempts) || settings.maxAttempts < 1) {
      throw new RangeError(`maxAttempts must be a whole number >= 1, got ${settings.maxAttempts}.`);
    }
    this.limiter = new RollingWindowRateLimiter(settings.rateLimitPerMinute, settings.clock, settings.sleep);
    const base = new URL(settings.baseUrl);
    this.origin = base.origin;
    this.pathPrefix = base.pathname.replace(/\/+$/, '');
  }

  /** Fails fast, before any call, when no key is configured or it cannot go in a header. */
  assertKeyConfigured(): string {
    const key = this.settings.apiKey?.trim();
    if (!key) throw new MissingApiKeyError();
    if (!isValidHeaderValue(key)) throw new MalformedApiKeyError();
    return key;
  }

  /** `pathAndQuery` starts with `/` and is resolved against our base URL (also for Massive's `next_url`). */
  async get<T>(endpoint: MassiveEndpoint, pathAndQuery: string, schema: z.ZodType<T>): Promise<T> {
    const key = this.assertKeyConfigured();
    const { maxAttempts } = this.settings;
    let last: Extract<AttemptOutcome, { kind: 'retry' }> | undefined;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      await this.limiter.acquire();
      const outcome = await this.attempt(endpoint, pathAndQuery, key, attempt);
      if (outcome.kind === 'success') return this.validate(endpoint, outcome.body, schema);
      if (outcome.kind === 'fatal') throw outcome.error;
      last = outcome;
      if (outcome.retryAfterMs !== undefined && outcome.retryAfterMs > LONGEST_RETRY_AFTER_MS) {
        throw new RateLimitedError(endpoint, attempt, Math.ceil(outcome.retryAfterMs / 1000));
      }
      if (attempt === maxAttempts) break;
      const delayMs = outcome.rateLimited
        ? (outcome.retryAfterMs ?? RATE_WINDOW_MS)
        : Math.round(this.settings.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1)));
      this.settings.logger.warn('massive request will be retried', {
        endpoint,
        path: this.redact(pathAndQuery),
        attempt,
        maxAttempts,
        problem: outcome.problem,
        delayMs,
      });
      await this.settings.sleep(delayMs);
    }
    if (last?.rateLimited) throw new RateLimitedError(endpoint, maxAttempts);
    throw new UpstreamUnavailableError(endpoint, maxAttempts, last?.problem ?? 'no attempt made');
  }

  private async attempt(
    endpoint: MassiveEndpoint,
    pathAndQuery: string,
    key: string,
    attempt: number,
  ): Promise<AttemptOutcome> {
    const startedAt = performance.now();
    let status: number;
    let text: string;
    let retryAfter: string | null;
    try {
      // One signal covers the headers and the body: a server that stalls mid-body times out too.
      const response = await fetch(`${this.origin}${this.pathPrefix}${pathAndQuery}`, {
        headers: { Authorization: `Bearer ${key}`, Accept: 'application/json' },
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
      status = response.status;
      retryAfter = response.headers.get('retry-after');
      const body = await readCappedText(response, this.maxBodyBytes);
      if (body === undefined) {
        this.logRequest(endpoint, pathAndQuery, attempt, startedAt, { status, problem: 'body too large' });
        return fatal(new ResponseTooLargeError(endpoint, this.maxBodyBytes));
      }
      text = body;
    } catch (error) {
      const problem = this.describeFetchFailure(error);
      this.logRequest(endpoint, pathAndQuery, attempt, startedAt, { problem });
      // The original error is not kept as a cause on purpose: its text could echo request details.
      return { kind: 'retry', problem, rateLimited: false };
    }
    this.logRequest(endpoint, pathAndQuery, attempt, startedAt, { status, bodyLength: text.length });
    return this.classify(endpoint, status, text, retryAfter);
  }

  private classify(
    endpoint: MassiveEndpoint,
    status: number,
    text: string,
    retryAfter: string | null,
  ): AttemptOutcome {
    const json = parseJsonSafely(text);
    const upstream = this.upstreamText(json, text);
    if (status >= 200 && status < 300) {
      if (json === undefined) {
        return fatal(new InvalidResponseError(endpoint, `HTTP ${status} with a body that is not JSON`));
      }
      const bodyStatus = isRecord(json) ? json.status : undefined;
      // A 200 whose body says NOT_AUTHORIZED has been seen: it means the same as the 403.
      if (bodyStatus === 'NOT_AUTHORIZED') return fatal(forbidden(endpoint, upstream));
      if (typeof bodyStatus === 'string' && bodyStatus !== 'OK' && bodyStatus !== 'DELAYED') {
        return fatal(
          new InvalidResponseError(
            endpoint,
            `HTTP ${status} with status "${this.redact(bodyStatus).slice(0, 40)}" (${upstream})`,
          ),
        );
      }
      return { kind: 'success', body: json };
    }
    if (status === 401) return fatal(new RejectedApiKeyError(endpoint, upstream));
    if (status === 403) return fatal(forbidden(endpoint, upstream));
    if (status === 429) {
      return {
        kind: 'retry',
        problem: 'HTTP 429 rate limited',
        rateLimited: true,
        retryAfterMs: this.parseRetryAfter(retryAfter),
      };
    }
    if (status >= 500) return { kind: 'retry', problem: `HTTP ${status}`, rateLimited: false };
    return fatal(new RequestRejectedError(endpoint, status, upstream));
  }

  private validate<T>(endpoint: MassiveEndpoint, body: unknown, schema: z.ZodType<T>): T {
    const parsed = schema.safeParse(body);
    if (parsed.success) return parsed.data;
    const issues = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`)
      .join('; ');
    throw new InvalidResponseError(endpoint, this.redact(issues));
  }

  /** Seconds or an HTTP date; undefined when absent or unreadable. */
  private parseRetryAfter(header: string | null): number | undefined {
    if (header === null || header.trim() === '') return undefined;
    const seconds = Number(header);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(header);
    if (Number.isNaN(date)) return undefined;
    return Math.max(0, date - this.settings.clock.now().getTime());
  }

  private upstreamText(json: unknown, text: string): string {
    const body = errorBodySchema.safeParse(json);
    const message = body.success ? (body.data.error ?? body.data.message) : undefined;
    // Redact before cutting: a cut through the key would leave a piece of it that no longer matches.
    if (message) return this.redact(message).slice(0, UPSTREAM_TEXT_LIMIT);
    return text.trim() === '' ? 'empty body' : 'a body that is not the documented JSON';
  }

  private describeFetchFailure(error: unknown): string {
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
      return `timed out after ${this.settings.timeoutMs} ms`;
    }
    const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
    const code = typeof cause?.code === 'string' ? cause.code : undefined;
    const detail = code ?? messageOf(error);
    return this.redact(`network error (${detail})`);
  }

  private logRequest(
    endpoint: MassiveEndpoint,
    pathAndQuery: string,
    attempt: number,
    startedAt: number,
    details: Record<string, unknown>,
  ): void {
    this.settings.logger.debug('massive request', {
      endpoint,
      path: this.redact(pathAndQuery),
      attempt,
      durationMs: Math.round(performance.now() - startedAt),
      ...details,
    });
  }

  /** Upstream text to name in an error or log line: redacted of the key, and short. */
  quote(text: string): string {
    return this.redact(text).slice(0, QUOTED_TEXT_LIMIT);
  }

  /** Belt and braces: the key only ever travels in a header, but nothing we emit may contain it. */
  private redact(text: string): string {
    const key = this.settings.apiKey?.trim();
    return key ? text.split(key).join('[redacted]') : text;
  }
}

/**
 * Whether `value` can be sent as an HTTP header value as is: tab, visible ASCII, space and Latin-1 only
 * (RFC 9110 field-value); fetch throws on anything else. Surrounding whitespace is not allowed either.
 */
export function isValidHeaderValue(value: string): boolean {
  return /^[\t\x20-\x7e\x80-\xff]*$/.test(value) && value.trim() === value;
}

function fatal(error: MassiveApiError): AttemptOutcome {
  return { kind: 'fatal', error };
}

/** The three 403s differ only in their message text (massive-api.md, error table). */
function forbidden(endpoint: MassiveEndpoint, upstream: string): MassiveApiError {
  if (/before end of day/i.test(upstream)) return new NotYetAvailableError(endpoint, upstream);
  if (/timeframe/i.test(upstream)) return new OutsidePlanHistoryError(endpoint, upstream);
  return new NotEntitledError(endpoint, upstream);
}

/**
 * The body as text, read as a stream with a byte count: undefined as soon as it passes `limitBytes`, and
 * the rest is never read (the connection is cancelled), so an endless body cannot fill the memory.
 */
async function readCappedText(response: Response, limitBytes: number): Promise<string | undefined> {
  if (Number(response.headers.get('content-length')) > limitBytes) {
    await response.body?.cancel();
    return undefined;
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks).toString('utf8');
    total += value.byteLength;
    if (total > limitBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
}

function parseJsonSafely(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
