import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { open, readdir, stat, truncate } from 'node:fs/promises';
import path from 'node:path';
import { tradingSessions } from '../../core/index.ts';
import { DynamoDbWinnerRepository } from '../../adapters/dynamodb/dynamodb-winner-repository.ts';
import {
  createLocalDynamoDbClient,
  startEmbeddedDynamoDb,
  storeLocation,
} from '../../adapters/dynamodb/embedded-dynamodb.ts';
import { ensureWinnersTable } from '../../adapters/dynamodb/winners-table.ts';
import { aSessionResult } from './session-result-builder.ts';

export const STORE_TABLE = 'stock-winners';

/** Stores one result per trading session from `from` to `to` in the embedded store, then closes it cleanly. */
export async function fillEmbeddedStore(dataDir: string, from: string, to: string): Promise<string[]> {
  const sessions = tradingSessions(from, to);
  const store = await startEmbeddedDynamoDb({ dataDir });
  const client = createLocalDynamoDbClient(store.endpoint);
  try {
    await ensureWinnersTable(client, STORE_TABLE);
    const repository = new DynamoDbWinnerRepository({ client, tableName: STORE_TABLE, watchlist: 'default' });
    for (const date of sessions) await repository.save(aSessionResult().on(date).withSymbols(20).build());
  } finally {
    client.destroy();
    await store.close();
  }
  return sessions;
}

/** Opens and closes the store once: LevelDB then moves the write-ahead log into a table file. */
export async function reopenEmbeddedStore(dataDir: string): Promise<void> {
  const store = await startEmbeddedDynamoDb({ dataDir });
  await store.close();
}

/** The one file of the store's LevelDB directory whose name matches. */
export async function storeFile(dataDir: string, name: RegExp): Promise<string> {
  const location = storeLocation(dataDir);
  const matches = (await readdir(location)).filter((file) => name.test(file));
  if (matches.length !== 1)
    throw new Error(`expected one file matching ${name} in ${location}, found ${matches}`);
  return path.join(location, matches[0] as string);
}

/** Cuts the file to `fraction` of its size, as a failed copy or a full disk would. */
export async function truncateFile(file: string, fraction: number): Promise<void> {
  await truncate(file, Math.floor((await stat(file)).size * fraction));
}

/** Overwrites `count` bytes at `fraction` of the file with random ones. */
export async function garbleFile(file: string, fraction: number, count = 100): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    const { size } = await handle.stat();
    await handle.write(randomBytes(count), 0, count, Math.floor(size * fraction));
  } finally {
    await handle.close();
  }
}

/**
 * Mounts a small tmpfs at `directory` (for a full disk or a read-only file system), where this
 * process may mount: root, as in the development container. Undefined where it may not.
 */
export function mountTmpfs(directory: string, options: string): (() => void) | undefined {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', directory], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  return () => execFileSync('umount', [directory], { stdio: 'ignore' });
}
