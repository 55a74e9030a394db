import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { WRITE_LEASE_PARTITION_PREFIX } from './dynamodb-write-lease.ts';

/**
 * What the embedded store knows about its own LevelDB files, to detect damage instead of serving a
 * silently shortened history. LevelDB tolerates a cut-off write-ahead log as if the last writes had
 * never happened, and skips unreadable log records with only a line in its info `LOG`. So:
 * - every clean close writes a seal beside the directory listing the stored item keys; an open that
 *   finds sealed items gone reports them (a truncated or garbled log, a lost table file);
 * - every open reads LevelDB's info log for records it dropped while recovering;
 * - a finding is kept in a damage record until `stocks-cli db verify --repair` accepts it, so the
 *   next command does not quietly carry on with what LevelDB recovered.
 */

/** The parts of a LevelDB database (abstract-level) this module uses. */
export interface LevelStore {
  open(): Promise<void>;
  close(): Promise<void>;
  keys(options?: { gte?: string; lt?: string }): AsyncIterable<string>;
}

export interface DamageRecord {
  readonly problems: readonly string[];
  /** Raw item keys stored at the last clean close and found gone. */
  readonly missing: readonly string[];
}

interface Seal {
  readonly items: readonly string[];
}

/** dynalite keeps each table's items under `item-<table>~<hash>/<hex hash key>/<hex range key>/`. */
export const ITEM_KEYS = { gte: 'item-', lt: 'item.' } as const;
const ITEM_KEY = /^item-([^~]+)~[0-9a-f]{6}\/([0-9a-f]*)\/([0-9a-f]*)\/$/;
/** ...and index entries under `index-<type>~<table>~<index>~<index key>`. */
export const INDEX_KEYS = { gte: 'index-', lt: 'index.' } as const;
const INDEX_KEY = /^index-[^~]+~([^~]+)~[^~]+~([0-9a-f]{6}\/[0-9a-f]*\/[0-9a-f]*\/)/;
/** File names LevelDB writes its data in; anything else in the directory is not the store's data. */
const DATA_FILE = /^(MANIFEST-\d+|\d+\.(log|ldb|sst))$/;

function sealPath(location: string): string {
  return `${location}.seal.json`;
}

function damagePath(location: string): string {
  return `${location}.damage.json`;
}

/** The classic-level class dynalite uses, unwrapped, for maintenance outside dynalite. */
export function classicLevel(): {
  new (
    location: string,
    options?: { createIfMissing?: boolean },
  ): LevelStore & {
    iterator(options?: { gte?: string; lt?: string }): AsyncIterable<[string, string]>;
    put(key: string, value: string): Promise<void>;
    del(key: string): Promise<void>;
  };
  repair(location: string): Promise<void>;
} {
  const dynalite = createRequire(import.meta.url).resolve('dynalite');
  const level = createRequire(dynalite).resolve('level');
  return (createRequire(level)('classic-level') as { ClassicLevel: ReturnType<typeof classicLevel> })
    .ClassicLevel;
}

/**
 * Before LevelDB touches anything: a recorded finding stops here, and whether the directory already
 * holds a database (then LevelDB must not create a new one over a lost CURRENT file, which would
 * discard every table file it no longer knows).
 */
export async function inspectBeforeOpen(
  location: string,
): Promise<{ hasData: boolean; damage?: DamageRecord }> {
  let files: string[];
  try {
    files = await readdir(location);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { hasData: false };
    throw error;
  }
  const damage = await readJson<DamageRecord>(damagePath(location));
  return { hasData: files.some((file) => DATA_FILE.test(file)), ...(damage && { damage }) };
}

/** LevelDB's own account of records it could not read while recovering, from this open's info log. */
export async function droppedRecords(location: string): Promise<string[]> {
  const log = await readFile(path.join(location, 'LOG'), 'utf8').catch(() => '');
  return log
    .split('\n')
    .filter((line) => /dropping|corruption/i.test(line))
    .map((line) => line.replace(/^\S+ \S+ (\(ignoring error\) )?/, '').trim());
}

export async function listItemKeys(level: LevelStore): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of level.keys(ITEM_KEYS)) keys.push(key);
  return keys;
}

/** Item keys and index entries: what a seal records, since a cut-off log can lose either alone. */
export async function listStoreKeys(level: LevelStore): Promise<string[]> {
  const keys = await listItemKeys(level);
  for await (const key of level.keys(INDEX_KEYS)) keys.push(key);
  return keys;
}

/**
 * The items whose key or index entry was sealed and is no longer stored (a session its index no
 * longer lists is as lost to a reader as one gone); undefined when no clean close was recorded.
 */
export async function missingSinceSeal(
  location: string,
  present: readonly string[],
): Promise<string[] | undefined> {
  const seal = await readJson<Seal>(sealPath(location));
  if (!seal) return undefined;
  const stored = new Set(present);
  const missing = seal.items
    .filter((key) => !stored.has(key))
    .map((key) => (key.startsWith(INDEX_KEYS.gte) ? itemKeyOfIndexEntry(key) : key));
  return [...new Set(missing.filter((key): key is string => key !== undefined))];
}

/**
 * Write leases are taken and released in normal use (see DynamoDbWriteLease): a seal listing one would
 * report its release as a loss after a close that was not clean, so the seal leaves them out.
 */
export async function sealStore(location: string, items: readonly string[]): Promise<void> {
  await writeJson(sealPath(location), { items: items.filter((key) => !isWriteLeaseKey(key)) } satisfies Seal);
}

function isWriteLeaseKey(key: string): boolean {
  const item = key.startsWith(INDEX_KEYS.gte) ? itemKeyOfIndexEntry(key) : key;
  return parseItemKey(item ?? '')?.partition.startsWith(WRITE_LEASE_PARTITION_PREFIX) ?? false;
}

export async function recordDamage(location: string, damage: DamageRecord): Promise<void> {
  await writeJson(damagePath(location), damage);
}

export async function readDamage(location: string): Promise<DamageRecord | undefined> {
  return readJson<DamageRecord>(damagePath(location));
}

export async function clearDamage(location: string): Promise<void> {
  await rm(damagePath(location), { force: true });
}

export interface ItemKey {
  readonly table: string;
  readonly partition: string;
  readonly sort: string;
}

/** Table, partition and sort key of a dynalite item key (string keys), or undefined for other shapes. */
export function parseItemKey(key: string): ItemKey | undefined {
  const match = ITEM_KEY.exec(key);
  if (!match) return undefined;
  const [, table, partition, sort] = match as unknown as [string, string, string, string];
  return {
    table,
    partition: Buffer.from(partition, 'hex').toString('utf8'),
    sort: Buffer.from(sort, 'hex').toString('utf8'),
  };
}

/**
 * The item an index entry belongs to, for an index keyed like its table (the winner-rows index is):
 * its key starts with the item's own key.
 */
export function itemKeyOfIndexEntry(key: string): string | undefined {
  const match = INDEX_KEY.exec(key);
  return match ? `item-${match[1]}~${match[2]}` : undefined;
}

/** "2 sessions of WATCHLIST#default (2025-03-03 to 2025-03-04)": what a finding means to a user. */
export function describeItems(keys: readonly string[]): string {
  const byPartition = new Map<string, string[]>();
  for (const key of keys) {
    const parsed = parseItemKey(key);
    const partition = parsed ? parsed.partition : 'unrecognised keys';
    byPartition.set(partition, [...(byPartition.get(partition) ?? []), parsed?.sort ?? key]);
  }
  return [...byPartition]
    .map(([partition, sorts]) => {
      const sorted = sorts.toSorted();
      const range = sorted.length === 1 ? sorted[0] : `${sorted[0]} to ${sorted.at(-1)}`;
      return `${sorted.length} session${sorted.length === 1 ? '' : 's'} of ${partition} (${range})`;
    })
    .join(', ');
}

/** LevelDB's reason an existing store did not open, in the words a user needs. */
export function describeOpenFailure(location: string, detail: string): string {
  return /does not exist \(create_if_missing is false\)/.test(detail)
    ? `${path.join(location, 'CURRENT')} is missing`
    : detail;
}

/** One line for a file-system failure: the path and the cause, in words. */
export function describeIoFailure(error: unknown): string {
  const failure = error as NodeJS.ErrnoException;
  const causes: Record<string, string> = {
    ENOSPC: 'no space left on the device',
    EROFS: 'the file system is read-only',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    ENOTDIR: 'a file stands where a directory should be',
    EEXIST: 'a file stands where a directory should be',
    // What a recursive mkdir reports on a read-only file system as well as under a missing parent.
    ENOENT: 'cannot be created (a read-only file system, or a parent that cannot be made)',
  };
  const cause = (failure.code && causes[failure.code]) ?? failure.message;
  return failure.path ? `${failure.path}: ${cause}` : cause;
}

export async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

export async function writeJson(file: string, value: unknown): Promise<void> {
  // Written whole, then renamed: a reader never sees half a file.
  await writeFile(`${file}.${process.pid}`, `${JSON.stringify(value)}\n`);
  await rename(`${file}.${process.pid}`, file);
}
