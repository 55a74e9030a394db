import { DynamoDbError } from './dynamodb-errors.ts';

/** The process that serves an embedded store to others (`stocks-cli serve` or `stocks-cli db`). */
export interface EmbeddedStoreHolder {
  readonly pid: number;
  readonly endpoint: string;
}

export class EmbeddedStoreLockedError extends DynamoDbError {
  readonly code = 'EMBEDDED_STORE_LOCKED';
  constructor(
    readonly dataDir: string,
    readonly holder?: EmbeddedStoreHolder,
    cause?: unknown,
  ) {
    super(
      holder
        ? `The embedded store in ${dataDir} is in use by process ${holder.pid}, which serves it at ` +
            `${holder.endpoint}. Stop that process, or use another STOCKS_DATA_DIR.`
        : `The embedded store in ${dataDir} is in use by another process (a running \`stocks-cli\` command?). ` +
            'Wait for it to finish or stop it, or use another STOCKS_DATA_DIR.',
      { cause },
    );
  }
}

/**
 * The store's files are damaged: named by path, with what is wrong. Raised before anything reads
 * the store, so no command works on a silently shortened history.
 */
export class EmbeddedStoreDamagedError extends DynamoDbError {
  readonly code = 'EMBEDDED_STORE_DAMAGED';
  constructor(
    readonly location: string,
    readonly problems: readonly string[],
    cause?: unknown,
  ) {
    super(
      `The embedded store in ${location} is damaged: ${problems.join('; ')}. ` +
        'Run `stocks-cli db verify` to see the sessions affected, then `stocks-cli db verify --repair` ' +
        'to keep what is readable (a backup is made first) and print the backfill that refetches the rest.',
      { cause },
    );
  }
}

/** The file system refused: a full disk, a read-only or unwritable directory. Names the path and the cause. */
export class EmbeddedStoreIoError extends DynamoDbError {
  readonly code = 'EMBEDDED_STORE_IO';
  constructor(
    readonly location: string,
    detail: string,
    cause?: unknown,
  ) {
    super(`The embedded store in ${location} cannot be used: ${detail}.`, { cause });
  }
}
