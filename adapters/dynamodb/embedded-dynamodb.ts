import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import { EmbeddedStoreLockedError } from './dynamodb-errors.ts';

export interface EmbeddedDynamoDbOptions {
  /** Directory of the store (`STOCKS_DATA_DIR`); the LevelDB files live in its `dynamodb/` folder. */
  readonly dataDir: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  readonly host?: string;
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

interface LevelDatabase {
  open(): Promise<void>;
  close(): Promise<void>;
}

const requireHere = createRequire(import.meta.url);
const dynalite = requireHere('dynalite') as (options: DynaliteOptions) => Server;
// The LevelDB binding dynalite itself depends on, resolved from dynalite so both are the same one.
const { Level } = createRequire(requireHere.resolve('dynalite'))('level') as {
  Level: new (location: string) => LevelDatabase;
};

/**
 * Runs dynalite (a DynamoDB-compatible server in pure JavaScript) in this process, persisted with
 * LevelDB under `dataDir`. The same DynamoDB adapter code then serves AWS and the laptop alike.
 */
export async function startEmbeddedDynamoDb(options: EmbeddedDynamoDbOptions): Promise<EmbeddedDynamoDb> {
  const location = path.join(options.dataDir, 'dynamodb');
  await mkdir(location, { recursive: true });
  await assertNotLocked(location, options.dataDir);
  // Tables become ACTIVE at once: the local store has nothing to provision.
  const server = dynalite({ path: location, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://${host}:${port}`,
    close() {
      closing ??= closeServer(server);
      return closing;
    },
  };
}

/** A client for a local endpoint: DynamoDB-compatible servers need credentials in the request, not real ones. */
export function createLocalDynamoDbClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/**
 * dynalite opens LevelDB lazily and, when the directory is locked by another process, throws from
 * inside its request handler and takes the whole process down. Opening it first turns that into an
 * error that says which process to stop.
 */
async function assertNotLocked(location: string, dataDir: string): Promise<void> {
  const probe = new Level(location);
  try {
    await probe.open();
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    if (cause?.code === 'LEVEL_LOCKED') throw new EmbeddedStoreLockedError(dataDir, error);
    throw error;
  }
  await probe.close();
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
