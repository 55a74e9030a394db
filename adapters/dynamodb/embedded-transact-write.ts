import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';

/**
 * TransactWriteItems of Puts for the embedded store. dynalite has no transactions, and without them a
 * backfill's conditional writes cost one request each, most of which is the request itself. This
 * gives it DynamoDB's semantics for what the app sends (Puts, conditional or not), so the DynamoDB
 * adapter runs one code path on every store:
 * - all or nothing: every condition is checked first; if any fails, nothing is written and the answer
 *   is DynamoDB's TransactionCanceledException, a reason per item (`ConditionalCheckFailed` or `None`);
 * - isolated: transactions run one at a time, and each holds dynalite's own lock on every item it
 *   touches from its reads to its write, so no PutItem, UpdateItem, DeleteItem or BatchWriteItem of
 *   those items can come between its checks and its write;
 * - atomic on disk: the items and their index entries are one LevelDB batch;
 * - idempotent: a repeated ClientRequestToken (an SDK retry) of a transaction that succeeded is
 *   answered as a success without writing again, as DynamoDB does for 10 minutes.
 * Update, Delete and ConditionCheck actions are refused with a ValidationException.
 */

/** The parts of dynalite's store (its `db.create`) that a transaction uses. */
export interface DynaliteStore {
  readonly db: { batch(operations: LevelOperation[], callback: (error?: Error | null) => void): void };
  getTable(name: string, callback: (error: Error | null, table?: DynaliteTable) => void): void;
  getItemDb(tableName: string): ItemDb;
}

interface ItemDb {
  get(key: string, callback: (error: Error | null, item?: DynamoDbItem) => void): void;
  lock(keys: string[], exec: (release: (done: () => void) => () => void) => void): void;
}

type DynamoDbItem = Record<string, unknown>;
type LevelOperation = { type: 'put'; key: string; value: unknown } | { type: 'del'; key: string };

interface DynaliteTable {
  readonly TableName: string;
  readonly LocalSecondaryIndexes?: unknown[];
  readonly GlobalSecondaryIndexes?: unknown[];
}

interface IndexActions {
  puts: { index: string; key: string; item: DynamoDbItem }[];
  deletes: { index: string; key: string }[];
}

/** dynalite's own item, key, condition and index code, so a transaction's Put means what a PutItem means. */
interface DynaliteInternals {
  db: {
    create(options: object): DynaliteStore;
    validateItem(item: DynamoDbItem, table: DynaliteTable): Error | null | undefined;
    createKey(item: DynamoDbItem, table: DynaliteTable): string;
    checkConditional(put: PutAction, existing: DynamoDbItem | undefined): Error | null | undefined;
    getIndexActions(
      indexes: unknown[],
      existing: DynamoDbItem | undefined,
      item: DynamoDbItem,
      table: DynaliteTable,
    ): IndexActions;
    capacityUnits(item: DynamoDbItem, isRead: boolean): number;
    /** DynamoDB's own size of an item (names plus values), as its 400 KB item limit counts it. */
    itemSize(item: DynamoDbItem): number;
    validationError(message: string): Error;
  };
  validations: {
    checkTypes(data: unknown, types: unknown): PutAction;
    checkValidations(data: unknown, types: unknown, custom: unknown, store: unknown): void;
  };
  putItem: { types: unknown; custom: unknown };
}

interface PutAction {
  readonly TableName: string;
  readonly Item: DynamoDbItem;
  readonly ReturnConsumedCapacity?: string;
}

/** An answer other than success: dynalite's errors carry the same two fields. */
interface DynamoDbErrorAnswer {
  readonly statusCode: number;
  readonly body: object;
}

export const TRANSACT_WRITE_TARGET = 'DynamoDB_20120810.TransactWriteItems';
/** DynamoDB's limits: 100 actions and 4 MB of items in one transaction. */
const MAX_ACTIONS = 100;
const MAX_TRANSACTION_BYTES = 4 * 1024 * 1024;
/** dynalite's own limit on a request body. */
const MAX_REQUEST_BYTES = 16 * 1024 * 1024;
/** How long and how many ClientRequestTokens are remembered: DynamoDB's 10 minutes, bounded in memory. */
const TOKEN_LIFETIME_MS = 10 * 60 * 1000;
const MAX_REMEMBERED_TOKENS = 1000;
const CANCELLED = 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException';

/** Loads dynalite's internals from the dynalite installation at `dynalitePath`. */
export function loadDynaliteInternals(dynalitePath: string): DynaliteInternals {
  const requireDynalite = createRequire(dynalitePath);
  return {
    db: requireDynalite('./db') as DynaliteInternals['db'],
    validations: requireDynalite('./validations') as DynaliteInternals['validations'],
    putItem: requireDynalite('./validations/putItem') as DynaliteInternals['putItem'],
  };
}

/** The handler of TransactWriteItems requests for one store. */
export function transactWriteHandler(
  internals: DynaliteInternals,
  store: DynaliteStore,
): (request: IncomingMessage, response: ServerResponse) => void {
  let queue: Promise<unknown> = Promise.resolve();
  const succeeded = new Map<string, { digest: string; at: number }>();
  const serially = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task);
    queue = run.catch(() => undefined);
    return run;
  };

  async function answer(body: string): Promise<object> {
    const request = parseRequest(body, internals, store);
    const token = request.ClientRequestToken;
    const digest = createHash('sha256').update(JSON.stringify(request.TransactItems)).digest('hex');
    return serially(async () => {
      const now = Date.now();
      for (const [key, entry] of succeeded) {
        if (now - entry.at < TOKEN_LIFETIME_MS && succeeded.size <= MAX_REMEMBERED_TOKENS) break;
        succeeded.delete(key);
      }
      const earlier = token === undefined ? undefined : succeeded.get(token);
      if (earlier) {
        if (earlier.digest === digest) return {};
        throw errorAnswer(
          'com.amazonaws.dynamodb.v20120810#IdempotentParameterMismatchException',
          'Request parameters do not match the earlier request that used this ClientRequestToken',
        );
      }
      const result = await commit(store, internals, request.puts, request.ReturnConsumedCapacity);
      if (token !== undefined) succeeded.set(token, { digest, at: now });
      return result;
    });
  }

  return (request, response) => {
    readBody(request)
      .then(answer)
      .then(
        (body) => send(response, 200, body),
        (error: unknown) => {
          const failure = isErrorAnswer(error)
            ? error
            : errorAnswer(
                'com.amazonaws.dynamodb.v20120810#InternalServerError',
                `embedded store: ${(error as Error).message}`,
                500,
              );
          send(response, failure.statusCode, failure.body);
        },
      );
  };
}

interface TransactRequest {
  readonly TransactItems: unknown[];
  readonly ClientRequestToken?: string;
  readonly ReturnConsumedCapacity?: string;
  readonly puts: PutAction[];
}

/** Checks the request's shape and each Put exactly as dynalite checks a PutItem. */
function parseRequest(body: string, internals: DynaliteInternals, store: DynaliteStore): TransactRequest {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(body) as Record<string, unknown>;
  } catch {
    throw errorAnswer('com.amazon.coral.service#SerializationException', 'The request is not JSON');
  }
  const actions = data?.TransactItems;
  if (!Array.isArray(actions) || actions.length === 0 || actions.length > MAX_ACTIONS) {
    throw internals.db.validationError(`TransactItems must hold 1 to ${MAX_ACTIONS} actions`);
  }
  const token = data.ClientRequestToken;
  if (token !== undefined && (typeof token !== 'string' || token.length === 0 || token.length > 36)) {
    throw internals.db.validationError('ClientRequestToken must be a string of 1 to 36 characters');
  }
  const capacity = typeof data.ReturnConsumedCapacity === 'string' ? data.ReturnConsumedCapacity : undefined;
  const puts = actions.map((action: unknown) => {
    const put = (action as { Put?: unknown } | null)?.Put;
    if (Object.keys(action ?? {}).length !== 1 || put === null || typeof put !== 'object') {
      throw internals.db.validationError(
        'The embedded store supports only Put actions in TransactWriteItems',
      );
    }
    const checked = internals.validations.checkTypes(
      { ...put, ReturnConsumedCapacity: capacity },
      internals.putItem.types,
    );
    internals.validations.checkValidations(checked, internals.putItem.types, internals.putItem.custom, store);
    return checked;
  });
  return { TransactItems: actions, ClientRequestToken: token, ReturnConsumedCapacity: capacity, puts };
}

/** Checks every condition under the items' locks, then writes all of them in one batch, or none. */
async function commit(
  store: DynaliteStore,
  internals: DynaliteInternals,
  puts: PutAction[],
  returnCapacity: string | undefined,
): Promise<object> {
  const { db } = internals;
  const tables = new Map<string, DynaliteTable>();
  for (const put of puts) {
    if (!tables.has(put.TableName))
      tables.set(put.TableName, await callback((done) => store.getTable(put.TableName, done)));
  }
  const keys = puts.map((put) => {
    const table = tables.get(put.TableName)!;
    const invalid = db.validateItem(put.Item, table);
    if (invalid) throw invalid;
    return db.createKey(put.Item, table);
  });
  if (new Set(puts.map((put, index) => `${put.TableName}\u0000${keys[index]}`)).size !== puts.length) {
    throw db.validationError('Transaction request cannot include multiple operations on one item');
  }
  // DynamoDB's size, not the wire JSON: the typed JSON (`{"N":"1.5"}`) is about twice the item's size
  // and refused transactions that DynamoDB itself takes.
  const bytes = puts.reduce((sum, put) => sum + db.itemSize(put.Item), 0);
  if (bytes > MAX_TRANSACTION_BYTES) throw db.validationError('Transaction size exceeds the 4 MB limit');

  const releases = await Promise.all(
    [...tables.keys()].map((name) =>
      lockAll(
        store.getItemDb(name),
        keys.filter((_, index) => puts[index]!.TableName === name),
      ),
    ),
  );
  try {
    const existing = await Promise.all(
      puts.map((put, index) => missingAsUndefined(store.getItemDb(put.TableName), keys[index]!)),
    );
    const reasons = puts.map((put, index) =>
      db.checkConditional(put, existing[index]) ? 'ConditionalCheckFailed' : 'None',
    );
    if (reasons.includes('ConditionalCheckFailed')) {
      throw {
        statusCode: 400,
        body: {
          __type: CANCELLED,
          message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.join(', ')}]`,
          CancellationReasons: reasons.map((code) =>
            code === 'None' ? { Code: code } : { Code: code, Message: 'The conditional request failed' },
          ),
        },
      } satisfies DynamoDbErrorAnswer;
    }
    const operations = puts.flatMap((put, index) =>
      writeOperations(tables.get(put.TableName)!, keys[index]!, existing[index], put.Item, internals),
    );
    await callback<void>((done) => store.db.batch(operations, done));
    if (returnCapacity !== 'TOTAL' && returnCapacity !== 'INDEXES') return {};
    // A transactional write costs twice a plain one, as on DynamoDB.
    return {
      ConsumedCapacity: [...tables.keys()].map((name) => ({
        TableName: name,
        CapacityUnits: puts.reduce(
          (sum, put, index) =>
            put.TableName !== name
              ? sum
              : sum +
                2 *
                  Math.max(
                    db.capacityUnits(put.Item, false),
                    existing[index] ? db.capacityUnits(existing[index], false) : 0,
                  ),
          0,
        ),
      })),
    };
  } finally {
    for (const release of releases) release();
  }
}

/**
 * The item's and its index entries' writes, under dynalite's own LevelDB keys (`item-<table>~<key>`,
 * `index-<type>~<table>~<index>~<key>`, see its db/index.js getItemDb and getIndexDb), so dynalite
 * reads them as its own. Old index entries that the new item no longer has are deleted first.
 */
function writeOperations(
  table: DynaliteTable,
  key: string,
  existing: DynamoDbItem | undefined,
  item: DynamoDbItem,
  internals: DynaliteInternals,
): LevelOperation[] {
  const operations: LevelOperation[] = [];
  for (const type of ['Local', 'Global'] as const) {
    const indexes = table[`${type}SecondaryIndexes`] ?? [];
    const actions = internals.db.getIndexActions(indexes, existing, item, table);
    const prefix = (index: string) => `index-${type.toLowerCase()}~${table.TableName}~${index}~`;
    for (const entry of actions.deletes)
      operations.push({ type: 'del', key: prefix(entry.index) + entry.key });
    for (const entry of actions.puts) {
      operations.push({ type: 'put', key: prefix(entry.index) + entry.key, value: entry.item });
    }
  }
  operations.push({ type: 'put', key: `item-${table.TableName}~${key}`, value: item });
  return operations;
}

/** Takes dynalite's locks on all `keys` of one table at once; resolves to their release. */
function lockAll(itemDb: ItemDb, keys: string[]): Promise<() => void> {
  return new Promise((resolve) => itemDb.lock(keys, (release) => resolve(release(() => undefined))));
}

async function missingAsUndefined(itemDb: ItemDb, key: string): Promise<DynamoDbItem | undefined> {
  try {
    return await callback((done) => itemDb.get(key, done));
  } catch (error) {
    if ((error as Error).name === 'NotFoundError') return undefined;
    throw error;
  }
}

function callback<T>(call: (done: (error?: Error | null, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) =>
    call((error, value) => (error ? reject(error) : resolve(value as T))),
  );
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    request.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > MAX_REQUEST_BYTES) {
        request.destroy();
        reject(
          errorAnswer('com.amazon.coral.service#SerializationException', 'The request is too large', 413),
        );
      } else {
        chunks.push(chunk);
      }
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString()));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, statusCode: number, body: object): void {
  const text = JSON.stringify(body);
  response.statusCode = statusCode;
  response.setHeader('Content-Type', 'application/x-amz-json-1.0');
  response.setHeader('Content-Length', Buffer.byteLength(text));
  response.end(text);
}

function errorAnswer(type: string, message: string, statusCode = 400): DynamoDbErrorAnswer {
  return { statusCode, body: { __type: type, message } };
}

function isErrorAnswer(error: unknown): error is DynamoDbErrorAnswer {
  return (
    typeof (error as DynamoDbErrorAnswer | null)?.statusCode === 'number' &&
    typeof (error as DynamoDbErrorAnswer).body === 'object'
  );
}
