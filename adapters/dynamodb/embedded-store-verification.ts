import { cp, readdir } from 'node:fs/promises';
import { EmbeddedStoreDamagedError, EmbeddedStoreLockedError } from './embedded-store-errors.ts';
import { findEmbeddedStoreHolder, storeLocation } from './embedded-dynamodb.ts';
import {
  classicLevel,
  clearDamage,
  describeOpenFailure,
  droppedRecords,
  INDEX_KEYS,
  ITEM_KEYS,
  itemKeyOfIndexEntry,
  listStoreKeys,
  parseItemKey,
  missingSinceSeal,
  readDamage,
  recordDamage,
  sealStore,
} from './embedded-store-files.ts';

export interface StoreVerification {
  /** The LevelDB directory checked. */
  readonly location: string;
  /** What is wrong, each naming the file or the record; empty when the store is sound. */
  readonly problems: readonly string[];
  /** Item keys stored at the last clean close that are gone; undefined when that cannot be told. */
  readonly lost: readonly string[] | undefined;
  /** Item keys whose stored value cannot be read back (deleted by a repair, so a backfill refetches them). */
  readonly unreadable: readonly string[];
  /** Item keys readable now. */
  readonly stored: readonly string[];
  /** Set by a repair: where the damaged files were copied before anything was changed. */
  readonly backup?: string;
}

/**
 * Reads every item of the embedded store directly from LevelDB and reports what is lost or
 * unreadable. With `repair`, first copies the files aside, lets LevelDB rebuild what it can (a lost
 * CURRENT, a corrupt MANIFEST, unreadable tables), deletes unreadable items, and accepts the result
 * as the new baseline, so the store opens again and a backfill refetches what is missing.
 */
export async function verifyEmbeddedStore(
  dataDir: string,
  options: { repair: boolean; now: Date },
): Promise<StoreVerification> {
  const location = storeLocation(dataDir);
  const files = await readdir(location).catch(() => [] as string[]);
  if (!files.some((file) => file !== 'LOCK')) {
    return { location, problems: [], lost: [], unreadable: [], stored: [] };
  }
  const damage = await readDamage(location);
  const problems = [...(damage?.problems ?? [])];
  let backup: string | undefined;
  if (options.repair) {
    backup = `${location}-backup-${options.now.toISOString().replace(/[:.]/g, '-')}`;
    await cp(location, backup, { recursive: true });
  }
  const read = await readAll(location, dataDir, options.repair, problems);
  if (!read) return { location, problems, lost: undefined, unreadable: [], stored: [], backup };
  const sinceSeal = await missingSinceSeal(location, [...read.stored, ...read.indexEntries]);
  const lost =
    sinceSeal || damage ? [...new Set([...(damage?.missing ?? []), ...(sinceSeal ?? [])])] : undefined;
  if (options.repair) {
    await deleteItems(location, read.unreadable, read.orphans);
    await sealStore(location, await storeKeys(location));
    await clearDamage(location);
  } else if (problems.length > 0 || (lost?.length ?? 0) > 0) {
    await recordDamage(location, { problems, missing: lost ?? [] });
  }
  return { location, problems, lost, unreadable: read.unreadable, stored: read.stored, backup };
}

/**
 * Reads every item, adding what goes wrong to `problems`. Undefined when the store cannot be opened
 * or read; with `repair`, LevelDB's repair runs then and the read is tried once more.
 */
async function readAll(
  location: string,
  dataDir: string,
  repair: boolean,
  problems: string[],
): Promise<ItemsRead | undefined> {
  const ClassicLevel = classicLevel();
  const first = await tryRead(location, dataDir, problems);
  if (first || !repair) return first;
  await ClassicLevel.repair(location);
  const second = await tryRead(location, dataDir, problems);
  if (!second) throw new EmbeddedStoreDamagedError(location, problems);
  return second;
}

interface ItemsRead {
  readonly stored: string[];
  readonly unreadable: string[];
  readonly indexEntries: string[];
  /** Index entries whose item is gone. */
  readonly orphans: string[];
}

async function tryRead(
  location: string,
  dataDir: string,
  problems: string[],
): Promise<ItemsRead | undefined> {
  const level = new (classicLevel())(location, { createIfMissing: false });
  try {
    await level.open();
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    if (cause?.code === 'LEVEL_LOCKED') {
      throw new EmbeddedStoreLockedError(dataDir, await findEmbeddedStoreHolder(dataDir), error);
    }
    problems.push(describeOpenFailure(location, cause?.message ?? (error as Error).message));
    return undefined;
  }
  try {
    problems.push(...(await droppedRecords(location)));
    const read: ItemsRead = { stored: [], unreadable: [], indexEntries: [], orphans: [] };
    for await (const [key, value] of level.iterator(ITEM_KEYS)) {
      read.stored.push(key);
      if (!isJson(value)) read.unreadable.push(key);
    }
    // Index entries are written apart from their item: a cut-off log can keep one without the other.
    // An item its index does not list (or lists unreadably) is refetched; an entry without its item goes.
    const stored = new Set(read.stored);
    const indexed = new Set<string>();
    const indexedTables = new Set<string>();
    for await (const [key, value] of level.iterator(INDEX_KEYS)) {
      read.indexEntries.push(key);
      const item = itemKeyOfIndexEntry(key);
      if (item === undefined) continue;
      indexedTables.add(parseItemKey(item)?.table ?? '');
      if (!stored.has(item)) read.orphans.push(key);
      else if (isJson(value)) indexed.add(item);
    }
    for (const item of read.stored) {
      const unlisted = indexedTables.has(parseItemKey(item)?.table ?? '') && !indexed.has(item);
      if (unlisted && !read.unreadable.includes(item)) read.unreadable.push(item);
    }
    return read;
  } catch (error) {
    problems.push(`reading it failed (${(error as Error).message})`);
    return undefined;
  } finally {
    await level.close();
  }
}

async function storeKeys(location: string): Promise<string[]> {
  const level = new (classicLevel())(location, { createIfMissing: false });
  await level.open();
  try {
    return await listStoreKeys(level);
  } finally {
    await level.close();
  }
}

/** Deletes the items, their index entries and the orphaned entries, so a backfill stores them afresh. */
async function deleteItems(
  location: string,
  keys: readonly string[],
  orphans: readonly string[],
): Promise<void> {
  if (keys.length === 0 && orphans.length === 0) return;
  const items = new Set(keys);
  const level = new (classicLevel())(location, { createIfMissing: false });
  await level.open();
  try {
    const entries: string[] = [];
    for await (const key of level.keys(INDEX_KEYS)) {
      if (items.has(itemKeyOfIndexEntry(key) ?? '')) entries.push(key);
    }
    for (const key of [...keys, ...entries, ...orphans]) await level.del(key);
  } finally {
    await level.close();
  }
}

function isJson(value: string): boolean {
  try {
    JSON.parse(value);
    return true;
  } catch {
    return false;
  }
}
