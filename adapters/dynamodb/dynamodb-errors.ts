/**
 * Failures of the DynamoDB store, as typed errors with a stable `code` and a message that says what
 * to do. They are infrastructure failures (the edges answer 5xx / a non-zero exit), never client
 * mistakes, so they do not extend the core's DomainError. Messages never carry credentials.
 */
export abstract class DynamoDbError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class WinnersTableNotFoundError extends DynamoDbError {
  readonly code = 'TABLE_NOT_FOUND';
  constructor(
    readonly tableName: string,
    cause?: unknown,
  ) {
    super(
      `DynamoDB table "${tableName}" does not exist. On AWS it is created by deploying the stacks ` +
        "(`npx cdk deploy --all`); set TABLE_NAME to the deployed table's name. The embedded local store, " +
        'and any DYNAMODB_ENDPOINT the CLI is pointed at, get it created automatically at start-up.',
      { cause },
    );
  }
}

export class WinnersTableNotReadyError extends DynamoDbError {
  readonly code = 'TABLE_NOT_READY';
  constructor(
    readonly tableName: string,
    readonly status: string | undefined,
    timeoutMs: number,
  ) {
    super(
      `DynamoDB table "${tableName}" is still ${status ?? 'missing'} after ${Math.round(timeoutMs / 1000)} s; ` +
        'try again in a minute.',
    );
  }
}

export class DynamoDbCredentialsError extends DynamoDbError {
  readonly code = 'DYNAMODB_CREDENTIALS';
  constructor(reason: 'missing' | 'rejected' | 'forbidden', cause?: unknown) {
    super(CREDENTIALS_MESSAGES[reason], { cause });
  }
}

const CREDENTIALS_MESSAGES = {
  missing:
    'No AWS credentials found for DynamoDB. Configure them (AWS_PROFILE, or AWS_ACCESS_KEY_ID and ' +
    'AWS_SECRET_ACCESS_KEY, or an SSO login), or unset TABLE_NAME and DYNAMODB_ENDPOINT to use the ' +
    'embedded local store.',
  rejected:
    'DynamoDB rejected the AWS credentials (unknown, expired or mistyped). Refresh them (e.g. `aws sso login`) ' +
    'or check AWS_PROFILE / AWS_ACCESS_KEY_ID.',
  forbidden:
    'The AWS credentials are valid but not allowed to use this DynamoDB table. Grant the caller read/write ' +
    'access to the table (the CDK stack grants it to the functions it deploys).',
} as const;

export class DynamoDbThrottledError extends DynamoDbError {
  readonly code = 'DYNAMODB_THROTTLED';
  constructor(
    readonly tableName: string,
    readonly attempts: number | undefined,
    cause?: unknown,
  ) {
    super(
      `DynamoDB throttled requests to table "${tableName}"` +
        (attempts ? ` and was still throttling after ${attempts} attempts` : '') +
        '. Retry later; if it persists, check the table is on on-demand capacity or raise its limits.',
      { cause },
    );
  }
}

export class DynamoDbUnreachableError extends DynamoDbError {
  readonly code = 'DYNAMODB_UNREACHABLE';
  constructor(detail: string, cause?: unknown) {
    super(
      `Could not reach DynamoDB (${detail}). If DYNAMODB_ENDPOINT is set, check a server listens there ` +
        '(e.g. `stocks-cli db`); otherwise check the network and AWS_REGION.',
      { cause },
    );
  }
}

/** Any other failure of a DynamoDB request, with the table and operation it concerned. */
export class DynamoDbRequestError extends DynamoDbError {
  readonly code = 'DYNAMODB_REQUEST_FAILED';
  constructor(tableName: string, detail: string, cause?: unknown) {
    super(`DynamoDB request on table "${tableName}" failed: ${detail}`, { cause });
  }
}

/** A stored item that does not have the shape this code writes: named by table and key, with what is wrong. */
export class CorruptWinnerItemError extends DynamoDbError {
  readonly code = 'CORRUPT_ITEM';
  constructor(
    readonly tableName: string,
    readonly key: { readonly pk: unknown; readonly sk: unknown },
    readonly problems: readonly string[],
  ) {
    super(
      `Item ${JSON.stringify(key)} in DynamoDB table "${tableName}" is not a valid session result ` +
        `(${problems.join('; ')}). Re-fetch the session with a forced backfill to replace it, or delete the item.`,
    );
  }
}

/** A session result holding a number DynamoDB cannot store: refused before any write, naming the session. */
export class UnstorableSessionResultError extends DynamoDbError {
  readonly code = 'UNSTORABLE_NUMBER';
  constructor(
    readonly session: string,
    readonly problems: readonly string[],
  ) {
    super(
      `The result of session ${session} was not stored: it holds numbers DynamoDB cannot store ` +
        `(${problems.join('; ')}). Nothing of it was written; the upstream bars of that session need checking.`,
    );
  }
}

/**
 * A write of a watchlist's sessions that could not hold the list's write lease (see DynamoDbWriteLease):
 * another writer held it past the wait (`held`), or this writer's lease ran out and another took it
 * part-way (`lost`). Nothing is half-written; a retry stores what is still missing.
 */
export class WriteLeaseUnavailableError extends DynamoDbError {
  readonly code: 'WRITE_LEASE_HELD' | 'WRITE_LEASE_LOST';
  constructor(
    readonly tableName: string,
    readonly watchlist: string,
    reason: 'held' | 'lost',
    leaseMs: number,
  ) {
    const lease = leaseMs < 1000 ? `${leaseMs} ms` : `${Math.round(leaseMs / 1000)} s`;
    super(
      reason === 'held'
        ? `Another writer holds the write lease of watchlist "${watchlist}" in DynamoDB table "${tableName}" ` +
            `and kept it for over ${lease}; nothing was written. Retry once the other sync or backfill ` +
            `has finished: a lease left by a writer that crashed expires ${lease} after it was taken.`
        : `The write lease of watchlist "${watchlist}" in DynamoDB table "${tableName}" ran out and another ` +
            'writer took it, so this write stopped part-way: the sessions it stored are whole, none is ' +
            'half-written. Retry to store the rest.',
    );
    this.code = reason === 'held' ? 'WRITE_LEASE_HELD' : 'WRITE_LEASE_LOST';
  }
}

const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
]);
const REJECTED_CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'ExpiredToken',
]);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
]);

/** Whether `error` is the AWS SDK's error of that name (its exception classes are not shared across clients). */
export function isNamed(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}

/** Maps an AWS SDK failure to the typed error that says what to do about it. */
export function toDynamoDbError(error: unknown, tableName: string): Error {
  if (error instanceof DynamoDbError || !(error instanceof Error)) {
    return error instanceof Error ? error : new DynamoDbRequestError(tableName, String(error));
  }
  const name = error.name;
  const networkCode = (error as { code?: unknown }).code;
  if (name === 'ResourceNotFoundException') return new WinnersTableNotFoundError(tableName, error);
  if (name === 'CredentialsProviderError') return new DynamoDbCredentialsError('missing', error);
  if (REJECTED_CREDENTIALS.has(name)) return new DynamoDbCredentialsError('rejected', error);
  if (name === 'AccessDeniedException') return new DynamoDbCredentialsError('forbidden', error);
  if (THROTTLING.has(name)) {
    const attempts = (error as { $metadata?: { attempts?: number } }).$metadata?.attempts;
    return new DynamoDbThrottledError(tableName, attempts, error);
  }
  if (typeof networkCode === 'string' && NETWORK_CODES.has(networkCode)) {
    return new DynamoDbUnreachableError(networkCode, error);
  }
  if (name === 'TimeoutError') return new DynamoDbUnreachableError('request timed out', error);
  return new DynamoDbRequestError(tableName, `${name}: ${error.message}`, error);
}
