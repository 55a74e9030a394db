/**
 * Typed failures of the Massive API adapter. Each has a stable `code` for the edges (CLI exit codes,
 * HTTP statuses, alarms) and a message that tells a person what to do next. None of them ever
 * carries the API key: messages are built from the endpoint name, the HTTP status and Massive's own
 * error text (redacted again by the HTTP client before it reaches here).
 */

/** The endpoints this adapter calls, named as in massive-api.md. */
export type MassiveEndpoint = 'aggregates-range' | 'grouped-daily' | 'open-close' | 'reference-tickers';

const PRICING = 'https://massive.com/pricing';

/** "1 attempt", "4 attempts": the messages of this adapter count things. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

export abstract class MassiveApiError extends Error {
  abstract readonly code: string;
  constructor(
    message: string,
    readonly endpoint: MassiveEndpoint | undefined,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class MissingApiKeyError extends MassiveApiError {
  readonly code = 'MASSIVE_API_KEY_MISSING';
  constructor() {
    super(
      'No Massive API key is configured. Set MASSIVE_API_KEY (a free key is at https://massive.com), ' +
        'or unset it entirely to run on simulated market data.',
      undefined,
    );
  }
}

/** A key that cannot travel in an HTTP header: a configuration mistake, not a network error to retry. */
export class MalformedApiKeyError extends MassiveApiError {
  readonly code = 'MASSIVE_API_KEY_MALFORMED';
  constructor() {
    super(
      'MASSIVE_API_KEY holds characters that cannot go in an HTTP header (a line break, a control ' +
        'character or a non-Latin-1 letter, often from a copy and paste). Copy the key again from your ' +
        'Massive dashboard.',
      undefined,
    );
  }
}

export class RejectedApiKeyError extends MassiveApiError {
  readonly code = 'MASSIVE_API_KEY_REJECTED';
  constructor(endpoint: MassiveEndpoint, upstreamMessage: string) {
    super(
      `Massive rejected the API key on ${endpoint} (HTTP 401: ${upstreamMessage}). ` +
        'Check MASSIVE_API_KEY against the key shown in your Massive dashboard, and that no proxy strips ' +
        'the Authorization header.',
      endpoint,
    );
  }
}

export class NotEntitledError extends MassiveApiError {
  readonly code = 'MASSIVE_NOT_ENTITLED';
  constructor(endpoint: MassiveEndpoint, upstreamMessage: string) {
    super(
      `Your Massive plan does not include ${endpoint} data (HTTP 403: ${upstreamMessage}). ` +
        `Upgrade the plan at ${PRICING}, or use a key whose plan covers US stocks aggregates.`,
      endpoint,
    );
  }
}

export class OutsidePlanHistoryError extends MassiveApiError {
  readonly code = 'MASSIVE_OUTSIDE_PLAN_HISTORY';
  constructor(endpoint: MassiveEndpoint, upstreamMessage: string) {
    super(
      `The requested dates are outside your Massive plan's history window (HTTP 403 on ${endpoint}: ` +
        `${upstreamMessage}). The free plan covers about 2 years back: choose a later start date, or ` +
        `upgrade at ${PRICING}.`,
      endpoint,
    );
  }
}

/** The free plan refuses a session's bars until some time after the close: a normal, temporary state. */
export class NotYetAvailableError extends MassiveApiError {
  readonly code = 'MASSIVE_NOT_YET_AVAILABLE';
  constructor(endpoint: MassiveEndpoint, upstreamMessage: string) {
    super(
      `Massive has not published the latest session yet (HTTP 403 on ${endpoint}: ${upstreamMessage}). ` +
        'Nothing to fix: a later sync (after about 00:30 New York time on the free plan) fetches it.',
      endpoint,
    );
  }
}

export class RateLimitedError extends MassiveApiError {
  readonly code = 'MASSIVE_RATE_LIMITED';
  /** `retryAfterSeconds` is set when the server asked for a wait longer than a run may spend. */
  constructor(endpoint: MassiveEndpoint, attempts: number, retryAfterSeconds?: number) {
    super(
      retryAfterSeconds === undefined
        ? `Massive kept refusing ${endpoint} for exceeding the rate limit (HTTP 429, ${plural(attempts, 'attempt')}). ` +
            'Lower MASSIVE_RATE_LIMIT_PER_MINUTE to match your plan (5 on the free plan), make sure no other ' +
            'process shares the key, and run again in a minute.'
        : `Massive refused ${endpoint} for exceeding the rate limit (HTTP 429): gave up after ` +
            `${plural(attempts, 'attempt')} because the server asked to wait ${retryAfterSeconds} seconds, ` +
            'longer than a run waits. Run again after that wait; if it recurs, lower ' +
            'MASSIVE_RATE_LIMIT_PER_MINUTE and make sure no other process shares the key.',
      endpoint,
    );
  }
}

export class UpstreamUnavailableError extends MassiveApiError {
  readonly code = 'MASSIVE_UPSTREAM_UNAVAILABLE';
  constructor(endpoint: MassiveEndpoint, attempts: number, lastProblem: string) {
    super(
      `Massive did not answer ${endpoint} after ${attempts} attempts (last: ${lastProblem}). ` +
        'Massive or the network is having trouble: run again later; if it persists, check MASSIVE_BASE_URL ' +
        'and your network connection.',
      endpoint,
    );
  }
}

export class InvalidResponseError extends MassiveApiError {
  readonly code = 'MASSIVE_INVALID_RESPONSE';
  constructor(endpoint: MassiveEndpoint, problem: string) {
    super(
      `Massive answered ${endpoint} with a body this adapter does not understand: ${problem}. ` +
        'If MASSIVE_BASE_URL points at a proxy, check it; otherwise the API format may have changed: ' +
        'report it with this message.',
      endpoint,
    );
  }
}

/** Any other 4xx (a bad parameter, not found): retrying the same request cannot help. */
export class RequestRejectedError extends MassiveApiError {
  readonly code = 'MASSIVE_REQUEST_REJECTED';
  constructor(
    endpoint: MassiveEndpoint,
    readonly status: number,
    upstreamMessage: string,
  ) {
    super(
      `Massive refused the ${endpoint} request (HTTP ${status}: ${upstreamMessage}). ` +
        'The request itself is wrong (a parameter or a ticker): check the dates and the watchlist tickers.',
      endpoint,
    );
  }
}

/** An answer about another ticker than the one asked for: never credited to the requested one. */
export class WrongTickerError extends MassiveApiError {
  readonly code = 'MASSIVE_WRONG_TICKER';
  constructor(
    endpoint: MassiveEndpoint,
    readonly requested: string,
    readonly answered: string,
    where: 'answer' | 'next_url',
  ) {
    super(
      (where === 'answer'
        ? `Massive answered the ${endpoint} request for ${requested} with bars of ${answered}`
        : `Massive's next page of ${requested} (next_url) points at ${answered}`) +
        ': refused, nothing from it is stored. If MASSIVE_BASE_URL points at a proxy or cache, check that it ' +
        'does not mix up answers; otherwise report it with this message.',
      endpoint,
    );
  }
}

/** A body longer than any real answer: read no further than the cap, so memory stays bounded. */
export class ResponseTooLargeError extends MassiveApiError {
  readonly code = 'MASSIVE_RESPONSE_TOO_LARGE';
  constructor(endpoint: MassiveEndpoint, limitBytes: number) {
    super(
      `Massive's ${endpoint} answer is larger than ${limitBytes} bytes, several times any real answer: ` +
        'refused without reading the rest. If MASSIVE_BASE_URL points at a proxy, check it; otherwise run ' +
        'again later.',
      endpoint,
    );
  }
}

/** Failures no other call of the same run can avoid: stop the whole fetch instead of failing each session. */
export function isFatalMassiveError(error: unknown): boolean {
  return (
    error instanceof MissingApiKeyError ||
    error instanceof MalformedApiKeyError ||
    error instanceof RejectedApiKeyError
  );
}
