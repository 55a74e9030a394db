import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SystemClock } from '../clock/system-clock.ts';
import { silentLogger } from '../observability/app-logger.ts';
import { toDynamoDbError } from './dynamodb-errors.ts';
import {
  DEFAULT_WRITE_LEASE_MS,
  DynamoDbWriteLease,
  WRITE_LEASE_PARTITION_PREFIX,
} from './dynamodb-write-lease.ts';
import { WATCHLIST_PARTITION_PREFIX, WINNERS_TABLE } from './winners-table.ts';

/**
 * Backups as JSON lines: one item per line in DynamoDB's own JSON (`{"pk":{"S":"..."},...}`, the
 * shape `aws dynamodb scan` prints), so numbers keep every digit and a round trip changes nothing.
 */
export type StoredItem = Record<string, AttributeValue>;

/** A backup line that is not an item of the winners table: named by line, nothing written. */
export class BackupFormatError extends Error {
  readonly code = 'BACKUP_FORMAT';
  constructor(
    readonly source: string,
    readonly line: number,
    reason: string,
  ) {
    super(`${source} line ${line}: ${reason}. Nothing was imported.`);
    this.name = 'BackupFormatError';
  }
}

/**
 * Writes every item of the table, one JSON line each, but write leases (a writer's passing claim, see
 * DynamoDbWriteLease: restored over a live one it would let two writers in); returns how many. A backup,
 * not a request path: a Scan is right here.
 */
export async function exportTable(
  client: DynamoDBClient,
  tableName: string,
  write: (line: string) => Promise<void>,
): Promise<number> {
  let count = 0;
  let start: StoredItem | undefined;
  do {
    const page = await client
      .send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: start }))
      .catch((error: unknown) => {
        throw toDynamoDbError(error, tableName);
      });
    for (const item of page.Items ?? []) {
      if (item[WINNERS_TABLE.partitionKey.name]?.S?.startsWith(WRITE_LEASE_PARTITION_PREFIX)) continue;
      await write(`${JSON.stringify(item, binaryAsBase64)}\n`);
      count += 1;
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
}

/** Parses a whole backup before anything is written, so a bad line never leaves half an import. */
export function parseBackup(text: string, source: string): StoredItem[] {
  const items: StoredItem[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let item: unknown;
    try {
      item = JSON.parse(line);
    } catch {
      throw new BackupFormatError(source, index + 1, 'not valid JSON');
    }
    const problem = itemProblem(item);
    if (problem) throw new BackupFormatError(source, index + 1, problem);
    items.push(fromJson(item as Record<string, unknown>));
  });
  return items;
}

/**
 * Writes the items. Without `overwrite`, an item whose key is already stored is kept as it is and
 * counted as skipped; with it, the backup's copy replaces it. A list's sessions are written holding
 * that list's write lease, as every writer of them does (DynamoDbWriteLease): a sync running at the same
 * time never batch-writes a session it has just read as missing while the import stores it.
 */
export async function importItems(
  client: DynamoDBClient,
  tableName: string,
  items: readonly StoredItem[],
  options: { overwrite: boolean; writeLeaseMs?: number },
): Promise<{ written: number; skipped: number }> {
  const counts = { written: 0, skipped: 0 };
  const put = async (item: StoredItem) => {
    try {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: item,
          ...(!options.overwrite && {
            ConditionExpression: `attribute_not_exists(${WINNERS_TABLE.partitionKey.name})`,
          }),
        }),
      );
      counts.written += 1;
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException')
        throw toDynamoDbError(error, tableName);
      counts.skipped += 1;
    }
  };
  const documents = DynamoDBDocumentClient.from(client);
  for (const [watchlist, listItems] of byWatchlist(items)) {
    if (watchlist === undefined) {
      for (const item of listItems) await put(item);
      continue;
    }
    const lease = new DynamoDbWriteLease({
      documents,
      tableName,
      watchlist,
      clock: new SystemClock(),
      logger: silentLogger,
      leaseMs: options.writeLeaseMs ?? DEFAULT_WRITE_LEASE_MS,
    });
    await lease.hold(async (held) => {
      for (const item of listItems) {
        await held.keep();
        await put(item);
      }
    });
  }
  return counts;
}

/** The items by the list whose session they are (`WATCHLIST#<name>`); every other item under undefined. */
function byWatchlist(items: readonly StoredItem[]): Map<string | undefined, StoredItem[]> {
  const groups = new Map<string | undefined, StoredItem[]>();
  for (const item of items) {
    const pk = item[WINNERS_TABLE.partitionKey.name]?.S ?? '';
    const watchlist = pk.startsWith(WATCHLIST_PARTITION_PREFIX)
      ? pk.slice(WATCHLIST_PARTITION_PREFIX.length)
      : undefined;
    const group = groups.get(watchlist);
    if (group) group.push(item);
    else groups.set(watchlist, [item]);
  }
  return groups;
}

const SCALAR_TYPES: Record<string, (value: unknown) => boolean> = {
  S: (value) => typeof value === 'string',
  N: (value) => typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)),
  B: (value) => typeof value === 'string',
  BOOL: (value) => typeof value === 'boolean',
  NULL: (value) => value === true,
  SS: (value) => Array.isArray(value) && value.every((entry) => typeof entry === 'string'),
  NS: (value) => Array.isArray(value) && value.every((entry) => SCALAR_TYPES.N!(entry)),
  BS: (value) => Array.isArray(value) && value.every((entry) => typeof entry === 'string'),
};

function itemProblem(item: unknown): string | undefined {
  if (!isObject(item)) return 'not a JSON object';
  for (const key of [WINNERS_TABLE.partitionKey.name, WINNERS_TABLE.sortKey.name]) {
    const value = item[key];
    if (!isObject(value) || typeof value.S !== 'string' || value.S === '') {
      return `no string key "${key}"`;
    }
  }
  for (const [name, value] of Object.entries(item)) {
    const problem = attributeProblem(value);
    if (problem) return `attribute "${name}" ${problem}`;
  }
  return undefined;
}

function attributeProblem(value: unknown): string | undefined {
  if (!isObject(value) || Object.keys(value).length !== 1) {
    return 'is not a DynamoDB attribute value (one of S, N, B, BOOL, NULL, SS, NS, BS, L, M)';
  }
  const [type, inner] = Object.entries(value)[0] as [string, unknown];
  if (type === 'L') {
    if (!Array.isArray(inner)) return 'has an L that is not a list';
    return inner.map(attributeProblem).find(Boolean);
  }
  if (type === 'M') {
    if (!isObject(inner)) return 'has an M that is not an object';
    return Object.values(inner).map(attributeProblem).find(Boolean);
  }
  const check = SCALAR_TYPES[type];
  if (!check) return `has unknown type "${type}"`;
  return check(inner) ? undefined : `has a ${type} value of the wrong form`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Binary attributes travel as base64, as in the AWS CLI's JSON. */
function binaryAsBase64(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value;
}

function fromJson(item: Record<string, unknown>): StoredItem {
  return Object.fromEntries(
    Object.entries(item).map(([name, value]) => [name, attributeFromJson(value as Record<string, unknown>)]),
  );
}

function attributeFromJson(value: Record<string, unknown>): AttributeValue {
  const [type, inner] = Object.entries(value)[0] as [string, unknown];
  if (type === 'B') return { B: Buffer.from(inner as string, 'base64') };
  if (type === 'BS') return { BS: (inner as string[]).map((entry) => Buffer.from(entry, 'base64')) };
  if (type === 'L') return { L: (inner as Record<string, unknown>[]).map(attributeFromJson) };
  if (type === 'M') return { M: fromJson(inner as Record<string, unknown>) };
  return value as unknown as AttributeValue;
}
