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
 * The `code` every store gives a stored record it cannot read back (a damaged disk, a hand-edited item).
 * Matched by code so the edge needs no import of a store's error classes.
 */
const DAMAGED_RECORD_CODE = 'CORRUPT_ITEM';

/**
 * The one mapping from errors to HTTP: client mistakes (typed domain errors) are 400s, known
 * conditions keep their status, a damaged stored record is a 503 that says so (the client asked for
 * something that exists; the server cannot serve it until an operator repairs it), and anything else
 * is a 500. Details (table, key, the damage) stay in the log.
 */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof DomainError) return new HttpError(400, error.code, error.message);
  if (error instanceof Error && 'code' in error && error.code === DAMAGED_RECORD_CODE) {
    return new HttpError(
      503,
      'STORED_RECORD_DAMAGED',
      'The stored record for this request is damaged and cannot be served until it is repaired ' +
        '(`stocks-cli db verify --repair`, or a forced backfill of the session); the details are logged.',
    );
  }
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
