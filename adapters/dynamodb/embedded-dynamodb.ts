import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mkdir, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createDynamoDbClient } from './dynamodb-client.ts';
import {
  EmbeddedStoreDamagedError,
  EmbeddedStoreIoError,
  EmbeddedStoreLockedError,
  type EmbeddedStoreHolder,
} from './embedded-store-errors.ts';
import {
  describeIoFailure,
  describeOpenFailure,
  describeItems,
  droppedRecords,
  inspectBeforeOpen,
  listStoreKeys,
  missingSinceSeal,
  readJson,
  recordDamage,
  sealStore,
  writeJson,
  type LevelStore,
} from './embedded-store-files.ts';

export interface EmbeddedDynamoDbOptions {
  /** Directory of the store (`STOCKS_DATA_DIR`); the LevelDB files live in its `dynamodb/` folder. */
  readonly dataDir: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /**
   * Record the endpoint in the data directory, so other commands use this process's store instead
   * of failing while it runs. Only for processes that keep serving (`serve`, `db`).
   */
  readonly share?: boolean;
}

export interface EmbeddedDynamoDb {
  /** `http://127.0.0.1:<port>`: any DynamoDB client (SDK, AWS CLI, NoSQL Workbench) can use it. */
  readonly endpoint: string;
  /** Stops serving and closes LevelDB, releasing its lock so another process can open the directory. */
  close(): Promise<void>;
}

interface DynaliteOptions {
  path: string;
  createTableMs: number;
  deleteTableMs: number;
  updateTableMs: number;
}

/** The LevelDB directory of a data directory's store. */
export function storeLocation(dataDir: string): string {
  return path.resolve(dataDir, 'dynamodb');
}

/** Where a sharing process records its endpoint: beside the LevelDB directory, never inside it. */
function holderRecordPath(dataDir: string): string {
  return path.resolve(dataDir, 'store-endpoint.json');
}

/**
 * Runs dynalite (a DynamoDB-compatible server in pure JavaScript) in this process, persisted with
 * LevelDB under `dataDir`. The same DynamoDB adapter code then serves AWS and the laptop alike.
 *
 * The store is opened exactly once, by dynalite itself, and awaited before anything is served: its
 * LevelDB lock is the one atomic test of "in use", and a failed open never reaches a request.
 */
export async function startEmbeddedDynamoDb(options: EmbeddedDynamoDbOptions): Promise<EmbeddedDynamoDb> {
  const location = storeLocation(options.dataDir);
  try {
    await mkdir(location, { recursive: true });
  } catch (error) {
    throw new EmbeddedStoreIoError(location, describeIoFailure(error), error);
  }
  const { hasData, damage } = await inspectBeforeOpen(location);
  if (damage) throw new EmbeddedStoreDamagedError(location, damage.problems);
  const { server, level } = createDynalite(
    // Tables become ACTIVE at once: the local store has nothing to provision.
    { path: location, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 },
    { createIfMissing: !hasData },
  );
  try {
    await level.open();
  } catch (error) {
    throw await openFailure(error, location, options.dataDir);
  }
  try {
    await checkAfterOpen(level, location);
    await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  } catch (error) {
    await level.close();
    throw error;
  }
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  const endpoint = `http://${host}:${port}`;
  if (options.share) await writeJson(holderRecordPath(options.dataDir), { pid: process.pid, endpoint });
  let closing: Promise<void> | undefined;
  return {
    endpoint,
    close() {
      closing ??= (async () => {
        if (options.share) await forgetHolder(options.dataDir);
        const items = await listStoreKeys(level).catch(() => undefined);
        await closeServer(server);
        // Without a new seal the next open compares with an older one, a subset of what is stored:
        // a store that cannot be listed or a seal that cannot be written must not fail the command.
        if (items) await sealStore(location, items).catch(() => undefined);
      })();
      return closing;
    },
  };
}

/**
 * What LevelDB recovered is compared with what the last clean close sealed; anything lost is
 * recorded, so this and every later command refuse the store until the loss is looked at.
 */
async function checkAfterOpen(level: LevelStore, location: string): Promise<void> {
  const problems = await droppedRecords(location);
  let items: string[] = [];
  try {
    items = await listStoreKeys(level);
  } catch (error) {
    problems.push(`reading it failed (${(error as Error).message})`);
  }
  const missing = (await missingSinceSeal(location, items)) ?? [];
  if (missing.length > 0) {
    problems.push(`${describeItems(missing)} stored when it was last closed are gone`);
  }
  if (problems.length === 0) return;
  await recordDamage(location, { problems, missing });
  throw new EmbeddedStoreDamagedError(location, problems);
}

/** A client for a local endpoint that ignores credentials (this store, tests' servers). */
export function createLocalDynamoDbClient(endpoint: string): DynamoDBClient {
  return createDynamoDbClient({ mode: 'embedded', endpoint });
}

/**
 * The process serving this data directory's store, if one is running: its record names a live
 * process whose endpoint answers. A record left by a killed process is ignored.
 */
export async function findEmbeddedStoreHolder(dataDir: string): Promise<EmbeddedStoreHolder | undefined> {
  const holder = await readHolder(dataDir);
  if (!holder || !processIsAlive(holder.pid)) return undefined;
  return (await answersAsDynamoDb(holder.endpoint)) ? holder : undefined;
}

async function openFailure(error: unknown, location: string, dataDir: string): Promise<Error> {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const detail = describeOpenFailure(location, cause?.message ?? (error as Error).message);
  if (cause?.code === 'LEVEL_LOCKED') {
    return new EmbeddedStoreLockedError(dataDir, await waitForHolder(dataDir), error);
  }
  // A file LevelDB's own records name but cannot find is damage; a refusal by the file system is not.
  if (cause?.code === 'LEVEL_IO_ERROR' && !/No such file or directory/.test(detail)) {
    return new EmbeddedStoreIoError(location, detail, error);
  }
  return new EmbeddedStoreDamagedError(location, [detail], error);
}

/** A sharing process records its endpoint a moment after it takes the lock: give it that moment. */
async function waitForHolder(dataDir: string): Promise<EmbeddedStoreHolder | undefined> {
  const deadline = Date.now() + 1_000;
  for (;;) {
    const holder = await findEmbeddedStoreHolder(dataDir);
    if (holder || Date.now() > deadline) return holder;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function forgetHolder(dataDir: string): Promise<void> {
  if ((await readHolder(dataDir))?.pid === process.pid) await rm(holderRecordPath(dataDir), { force: true });
}

async function readHolder(dataDir: string): Promise<EmbeddedStoreHolder | undefined> {
  const record = await readJson<Partial<EmbeddedStoreHolder>>(holderRecordPath(dataDir));
  const valid =
    Number.isSafeInteger(record?.pid) &&
    typeof record?.endpoint === 'string' &&
    /^http:\/\/(127\.0\.0\.1|\[::1\]|localhost):\d+$/.test(record.endpoint);
  return valid ? (record as EmbeddedStoreHolder) : undefined;
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, owned by someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** dynalite answers a plain GET with its health line; a reused pid or port answers something else. */
async function answersAsDynamoDb(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(endpoint, { signal: AbortSignal.timeout(1_000) });
    return (await response.text()).startsWith('healthy: dynamodb');
  } catch {
    return false;
  }
}

interface Dynalite {
  readonly server: Server;
  readonly level: LevelStore;
}

let dynaliteFactory: ((options: DynaliteOptions, open: LevelOpenOptions) => Dynalite) | undefined;

/**
 * dynalite builds its LevelDB itself and, when opening it fails (locked, damaged, unwritable),
 * throws from inside a request handler and takes the whole process down. It takes `Level` from the
 * `level` package when first loaded, so a subclass installed there first hands us the instance to
 * await before serving, and turns storage failures during requests into DynamoDB 500 answers that
 * name the file and the cause instead of crashes.
 */
function createDynalite(options: DynaliteOptions, open: LevelOpenOptions): Dynalite {
  dynaliteFactory ??= loadDynalite();
  return dynaliteFactory(options, open);
}

interface LevelOpenOptions {
  /** False when the directory already holds a database: a lost CURRENT file must fail, not start afresh. */
  readonly createIfMissing: boolean;
}

function loadDynalite(): (options: DynaliteOptions, open: LevelOpenOptions) => Dynalite {
  const requireHere = createRequire(import.meta.url);
  const dynalitePath = requireHere.resolve('dynalite');
  const levelModule = createRequire(dynalitePath)('level') as { Level: LevelClass };
  let created: LevelStore | undefined;
  let openOptions: LevelOpenOptions = { createIfMissing: true };
  const Base = levelModule.Level;
  levelModule.Level = class ServedLevel extends Base {
    constructor(location: unknown, options: object) {
      super(location, { ...options, ...openOptions });
      created = this as unknown as LevelStore;
    }
    override put(...args: unknown[]) {
      return super.put(...args).catch(asInternalServerError);
    }
    override get(...args: unknown[]) {
      return super.get(...args).catch(asInternalServerError);
    }
    override del(...args: unknown[]) {
      return super.del(...args).catch(asInternalServerError);
    }
    override batch(...args: unknown[]) {
      return super.batch(...args).catch(asInternalServerError);
    }
    override keys(...args: unknown[]) {
      return closingIterator(super.keys(...args));
    }
    override values(...args: unknown[]) {
      return closingIterator(super.values(...args));
    }
  } as unknown as LevelClass;
  const dynalite = requireHere(dynalitePath) as (options: DynaliteOptions) => Server;
  return (options, open) => {
    created = undefined;
    openOptions = open;
    const server = dynalite(options);
    if (!created) throw new Error('dynalite did not open its store through the level package');
    return { server, level: created };
  };
}

type LevelClass = new (...args: unknown[]) => {
  put(...args: unknown[]): Promise<unknown>;
  get(...args: unknown[]): Promise<unknown>;
  del(...args: unknown[]): Promise<unknown>;
  batch(...args: unknown[]): Promise<unknown>;
  keys(...args: unknown[]): LevelIterator;
  values(...args: unknown[]): LevelIterator;
};

interface LevelIterator {
  next(...args: unknown[]): Promise<unknown>;
  close(): Promise<void>;
  return?: () => Promise<void>;
}

/**
 * dynalite reads through Node streams over level iterators and, when a stream ends or is destroyed,
 * only calls the iterator's `return()`, which abstract-level 3 iterators lack. Unclosed, every
 * iterator stays registered with the database for its lifetime, holding LevelDB's native iterator
 * and the table version it reads: bench:hostile saw RSS grow by about 150 KB per 365-session query. So the iterator closes
 * itself once it has nothing more to give or fails, and `return()` closes one a stream stops early.
 * Storage failures become DynamoDB 500 answers (see asInternalServerError).
 */
function closingIterator(iterator: LevelIterator): LevelIterator {
  const next = iterator.next.bind(iterator);
  // A failed close leaves nothing to retry, and must not turn a complete answer into an error.
  const close = () => iterator.close().catch(() => undefined);
  iterator.next = async (...args: unknown[]) => {
    try {
      const item = await next(...args);
      if (item === undefined) await close();
      return item;
    } catch (error) {
      await close();
      return asInternalServerError(error);
    }
  };
  iterator.return = close;
  return iterator;
}

/** dynalite answers errors carrying a status and a body; any other error it throws, crashing the process. */
function asInternalServerError(error: unknown): never {
  const message =
    error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
  throw Object.assign(new Error(message, { cause: error }), {
    statusCode: 500,
    body: {
      __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
      message: `embedded store: ${message}`,
    },
  });
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    // dynalite's close stops the HTTP server, waits for pending writes, then closes LevelDB.
    server.close((error) => (error ? reject(error) : resolve()));
    // Clients keep connections alive; without this, close would wait for them to time out.
    server.closeIdleConnections();
  });
}
