/** The JSON the API serves, declared once beside the API; the board reads it through these names. */
export type {
  MoversResponse,
  RankedRecord,
  SessionResponse,
  WinnerRecord,
} from '../../adapters/http/api-contract.ts';
import type { MoversResponse, SessionResponse } from '../../adapters/http/api-contract.ts';

/** A failed request, with a message fit to show a person (the API's own message when it sent one). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function errorBody(body: unknown): { code?: string; message?: string } {
  if (!isRecord(body) || !isRecord(body.error)) return {};
  const { code, message } = body.error;
  return {
    code: typeof code === 'string' ? code : undefined,
    message: typeof message === 'string' ? message : undefined,
  };
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

/** GETs JSON; a network failure, an error status or a body that is not JSON becomes an `ApiError`. */
export function getJson(url: string, signal?: AbortSignal): Promise<unknown> {
  return answerOf(fetch(url, { signal, headers: { accept: 'application/json' } }), signal);
}

/** The JSON body of a request already sent, read as `getJson` reads it. */
async function answerOf(request: Promise<Response>, signal?: AbortSignal): Promise<unknown> {
  let response: Response;
  try {
    response = await request;
  } catch (error) {
    if (signal?.aborted) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new ApiError(`Could not reach the API (${reason}).`);
  }
  const body = await readJson(response);
  if (!response.ok) {
    const { code, message } = errorBody(body);
    throw new ApiError(
      message ?? `The API answered ${response.status} ${response.statusText}`.trim() + '.',
      response.status,
      code,
    );
  }
  if (body === undefined) throw new ApiError('The API answered with something that is not JSON.');
  return body;
}

export function isMoversResponse(body: unknown): body is MoversResponse {
  return (
    isRecord(body) &&
    Array.isArray(body.data) &&
    Array.isArray(body.sessions) &&
    Array.isArray(body.missing) &&
    typeof body.asOf === 'string'
  );
}

export function isSessionResponse(body: unknown): body is SessionResponse {
  return isRecord(body) && typeof body.date === 'string' && Array.isArray(body.ranking);
}

/**
 * The requests the page's inline script sent before this script had downloaded (see index.html):
 * `config.json`, and the winners for the window the address names. Each is used once.
 */
let sentEarly = (
  globalThis as {
    earlyRequests?: { moversPath: string; movers: Promise<Response>; config: Promise<Response> };
  }
).earlyRequests;

/** Reads `config.json` beside the page. Without one (or with no base set) the API is on the same origin. */
async function loadApiBase(): Promise<string> {
  try {
    const response = await (sentEarly?.config ?? fetch('config.json', { cache: 'no-cache' }));
    if (!response.ok) return '';
    const config: unknown = await response.json();
    const base = isRecord(config) && typeof config.apiBaseUrl === 'string' ? config.apiBaseUrl : '';
    return base.replace(/\/+$/, '');
  } catch {
    return '';
  }
}

/**
 * GETs API paths (`/movers?days=7`) from the base `config.json` names. The first request does not
 * wait for config.json: it asks the page's own origin at the same time (where `stocks-cli serve` and
 * the CloudFront site both answer /movers), and keeps that answer when the base is the same origin.
 */
export function apiClient(): (path: string, signal?: AbortSignal) => Promise<unknown> {
  let base: Promise<string> | undefined;
  return async (path, signal) => {
    if (base === undefined) {
      base = loadApiBase();
      const guess = new AbortController();
      signal?.addEventListener('abort', () => guess.abort(), { once: true });
      const sameOrigin =
        sentEarly?.moversPath === path ? answerOf(sentEarly.movers) : getJson(path, guess.signal);
      sentEarly = undefined;
      // Settled here so an abandoned guess is never an unhandled rejection.
      sameOrigin.catch(() => undefined);
      if ((await base) === '') return sameOrigin;
      guess.abort();
    }
    return getJson(`${await base}${path}`, signal);
  };
}
