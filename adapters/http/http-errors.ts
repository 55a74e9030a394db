import { DomainError } from '../../core/index.ts';
import type { ErrorResponse } from './api-contract.ts';

/** An error the edge answers with a specific HTTP status (bad parameter, unknown route, ...). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * The one mapping from errors to HTTP: client mistakes (typed domain errors) are 400s, known
 * conditions keep their status, anything else is a 500 whose details stay in the log.
 */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof DomainError) return new HttpError(400, error.code, error.message);
  return new HttpError(500, 'INTERNAL', 'Something went wrong on our side; the error has been logged.');
}

/** The headers of every error answer, from the API or from the local server's own refusals. */
export function errorHeaders(error: HttpError): Record<string, string> {
  return { ...error.headers, 'Content-Type': JSON_CONTENT_TYPE, 'Cache-Control': 'no-store' };
}

export function errorBody(error: HttpError): string {
  const body: ErrorResponse = { error: { code: error.code, message: error.message } };
  return JSON.stringify(body);
}
