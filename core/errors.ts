/** Base of the core's typed errors: `code` is stable, `message` is for people. */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidSessionDateError extends DomainError {
  readonly code = 'INVALID_DATE';
  constructor(readonly value: unknown) {
    super(`Invalid date ${JSON.stringify(value)}: expected a real calendar date as YYYY-MM-DD.`);
  }
}

export class OutsideCalendarError extends DomainError {
  readonly code = 'OUTSIDE_CALENDAR';
  constructor(
    readonly value: string,
    readonly first: string,
    readonly last: string,
    message = `Date ${value} is outside the supported trading calendar (${first} to ${last}).`,
  ) {
    super(message);
  }
}

export class InvalidRangeError extends DomainError {
  readonly code = 'INVALID_RANGE';
  constructor(message: string) {
    super(message);
  }
}

/** A range whose start is after its end; the ends are kept so that an edge can name them in its own terms. */
export class ReversedRangeError extends InvalidRangeError {
  constructor(
    readonly from: string,
    readonly to: string,
  ) {
    super(`The range start ${from} is after its end ${to}.`);
  }
}

/** What a caught value says, for one line of output or a log field: anything can be thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
