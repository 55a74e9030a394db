import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { DynamoDbWinnerRepository } from '../../adapters/dynamodb/dynamodb-winner-repository.ts';
import {
  createLocalDynamoDbClient,
  startEmbeddedDynamoDb,
  storeLocation,
} from '../../adapters/dynamodb/embedded-dynamodb.ts';
import { EmbeddedStoreDamagedError } from '../../adapters/dynamodb/embedded-store-errors.ts';
import { classicLevel, listItemKeys, parseItemKey } from '../../adapters/dynamodb/embedded-store-files.ts';
import { verifyEmbeddedStore } from '../../adapters/dynamodb/embedded-store-verification.ts';
import { aSessionResult } from '../support/session-result-builder.ts';
import { temporaryDirectory } from '../support/dynamo-servers.ts';
import { DEFAULT_LIST_LEASE_KEY, plantWriteLease } from '../support/planted-write-lease.ts';
import {
  fillEmbeddedStore,
  garbleFile,
  reopenEmbeddedStore,
  STORE_TABLE,
  storeFile,
  truncateFile,
} from '../support/dynamo-store-damage.ts';

const NOW = new Date('2026-12-01T12:00:00Z');

async function dataDirectory(): Promise<string> {
  const directory = await temporaryDirectory();
  onTestFinished(() => directory.remove());
  return directory.path;
}

async function openFailure(dataDir: string): Promise<EmbeddedStoreDamagedError> {
  const error = await startEmbeddedDynamoDb({ dataDir }).then(
    async (store) => {
      await store.close();
      throw new Error('the damaged store opened');
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(EmbeddedStoreDamagedError);
  return error as EmbeddedStoreDamagedError;
}

async function storedSessions(dataDir: string): Promise<string[]> {
  const store = await startEmbeddedDynamoDb({ dataDir });
  const client = createLocalDynamoDbClient(store.endpoint);
  try {
    const repository = new DynamoDbWinnerRepository({ client, tableName: STORE_TABLE, watchlist: 'default' });
    return await repository.storedSessions('2000-01-01', '2050-12-31');
  } finally {
    client.destroy();
    await store.close();
  }
}

const datesOf = (keys: readonly string[] | undefined) =>
  (keys ?? []).map((key) => parseItemKey(key)?.sort).toSorted();

describe('embedded store damage: detected on open, never silent', () => {
  it('a truncated write-ahead log: names the lost sessions, keeps refusing until repaired, and the repair keeps the rest', async () => {
    const dataDir = await dataDirectory();
    const sessions = await fillEmbeddedStore(dataDir, '2025-01-02', '2025-03-31');
    await truncateFile(await storeFile(dataDir, /\.log$/), 0.5);

    const error = await openFailure(dataDir);
    const again = await openFailure(dataDir);
    const report = await verifyEmbeddedStore(dataDir, { repair: false, now: NOW });
    const lost = datesOf(report.lost);

    expect(error.location).toBe(storeLocation(dataDir));
    expect(error.message).toContain(storeLocation(dataDir));
    expect(error.message).toMatch(
      /\d+ sessions of WATCHLIST#default \(\d{4}-\d\d-\d\d to 2025-03-31\) stored when it was last closed are gone/,
    );
    expect(again.message).toBe(error.message);
    expect(lost.length).toBeGreaterThan(10);
    expect(lost).toEqual(sessions.slice(sessions.length - lost.length));

    const repaired = await verifyEmbeddedStore(dataDir, { repair: true, now: NOW });

    expect(repaired.backup).toBeDefined();
    expect(await readdir(repaired.backup as string)).toContain('CURRENT');
    expect(await storedSessions(dataDir)).toEqual(sessions.slice(0, sessions.length - lost.length));
  });

  it('garbage in the write-ahead log: names the log file, what LevelDB dropped, and the sessions lost', async () => {
    const dataDir = await dataDirectory();
    await fillEmbeddedStore(dataDir, '2025-01-02', '2025-03-31');
    const log = await storeFile(dataDir, /\.log$/);
    await garbleFile(log, 0.3);

    const error = await openFailure(dataDir);

    expect(error.message).toContain(`${log}: dropping`);
    expect(error.message).toMatch(/\d+ sessions? of WATCHLIST#default .* are gone/);
  });

  it('a missing CURRENT file: refuses to start an empty store over the old one, and the repair rebuilds it whole', async () => {
    const dataDir = await dataDirectory();
    const sessions = await fillEmbeddedStore(dataDir, '2025-01-02', '2025-02-28');
    await reopenEmbeddedStore(dataDir);
    await rm(path.join(storeLocation(dataDir), 'CURRENT'));

    const error = await openFailure(dataDir);
    const report = await verifyEmbeddedStore(dataDir, { repair: false, now: NOW });

    expect(error.problems).toEqual([`${path.join(storeLocation(dataDir), 'CURRENT')} is missing`]);
    expect(report.lost).toBeUndefined();
    await verifyEmbeddedStore(dataDir, { repair: true, now: NOW });
    expect(await storedSessions(dataDir)).toEqual(sessions);
  });

  it('a corrupt MANIFEST: one message naming the store, and the repair rebuilds it whole', async () => {
    const dataDir = await dataDirectory();
    const sessions = await fillEmbeddedStore(dataDir, '2025-01-02', '2025-02-28');
    await reopenEmbeddedStore(dataDir);
    await garbleFile(await storeFile(dataDir, /^MANIFEST-/), 0.2, 30);

    const error = await openFailure(dataDir);

    expect(error.message).toContain(storeLocation(dataDir));
    expect(error.problems.join()).toMatch(/corruption/i);
    await verifyEmbeddedStore(dataDir, { repair: true, now: NOW });
    expect(await storedSessions(dataDir)).toEqual(sessions);
  });

  it('a missing table file: names the file', async () => {
    const dataDir = await dataDirectory();
    await fillEmbeddedStore(dataDir, '2025-01-02', '2025-02-28');
    await reopenEmbeddedStore(dataDir);
    const table = await storeFile(dataDir, /\.ldb$/);
    await rm(table);

    const error = await openFailure(dataDir);

    expect(error.message).toContain(table);
  });

  it('a truncated table file: detected on open, with the sessions that are gone', async () => {
    const dataDir = await dataDirectory();
    await fillEmbeddedStore(dataDir, '2025-01-02', '2025-02-28');
    await reopenEmbeddedStore(dataDir);
    await truncateFile(await storeFile(dataDir, /\.ldb$/), 0.5);

    const error = await openFailure(dataDir);

    expect(error.message).toMatch(/reading it failed|are gone/);
  });

  it('an item that cannot be decoded: verify names it, the repair deletes it so a backfill refetches it', async () => {
    const dataDir = await dataDirectory();
    const sessions = await fillEmbeddedStore(dataDir, '2025-01-02', '2025-01-31');
    const level = new (classicLevel())(storeLocation(dataDir), { createIfMissing: false });
    await level.open();
    const [key] = await listItemKeys(level);
    await level.put(key as string, '{"pk": {"S": "WATCHLIST#def');
    await level.close();

    const report = await verifyEmbeddedStore(dataDir, { repair: false, now: NOW });
    await verifyEmbeddedStore(dataDir, { repair: true, now: NOW });

    expect(datesOf(report.unreadable)).toEqual([sessions[0]]);
    expect(await storedSessions(dataDir)).toEqual(sessions.slice(1));
  });

  it('a sound store verifies as sound, and opening and closing it never raises a false alarm', async () => {
    const dataDir = await dataDirectory();
    const sessions = await fillEmbeddedStore(dataDir, '2025-01-02', '2025-01-31');
    await reopenEmbeddedStore(dataDir);
    await reopenEmbeddedStore(dataDir);

    const report = await verifyEmbeddedStore(dataDir, { repair: false, now: NOW });

    expect(report).toMatchObject({ problems: [], lost: [], unreadable: [] });
    expect(datesOf(report.stored)).toEqual(sessions);
  });

  it('a write lease left by a crashed writer, and its release before a close that was not clean, are no damage', async () => {
    const dataDir = await dataDirectory();
    const sessions = await fillEmbeddedStore(dataDir, '2025-01-02', '2025-01-10');
    await withEmbeddedStore(dataDir, (_documents, client) =>
      plantWriteLease(client, STORE_TABLE, { owner: 'crashed-writer', expiresAt: NOW.getTime() - 1 }),
    );
    expect(await verifyEmbeddedStore(dataDir, { repair: false, now: NOW })).toMatchObject({
      problems: [],
      lost: [],
      unreadable: [],
    });
    const sealedWithLeaseStored = await readFile(sealFile(dataDir), 'utf8');

    // A writer takes the ended lease over and releases it; then the process dies before a clean close
    // (the seal is put back as that close found it).
    await withEmbeddedStore(dataDir, async (documents, client) => {
      const repository = new DynamoDbWinnerRepository({
        client,
        tableName: STORE_TABLE,
        watchlist: 'default',
        clock: { now: () => NOW },
      });
      expect(await repository.save(aSessionResult().on('2025-01-13').build())).toBe('stored');
      expect(
        await documents.send(new GetCommand({ TableName: STORE_TABLE, Key: DEFAULT_LIST_LEASE_KEY })),
      ).not.toHaveProperty('Item');
    });
    await writeFile(sealFile(dataDir), sealedWithLeaseStored);

    expect(await verifyEmbeddedStore(dataDir, { repair: false, now: NOW })).toMatchObject({
      problems: [],
      lost: [],
      unreadable: [],
    });
    expect(await storedSessions(dataDir)).toEqual([...sessions, '2025-01-13']);
  });
});

async function withEmbeddedStore(
  dataDir: string,
  use: (documents: DynamoDBDocumentClient, client: DynamoDBClient) => Promise<unknown>,
): Promise<void> {
  const store = await startEmbeddedDynamoDb({ dataDir });
  const client = createLocalDynamoDbClient(store.endpoint);
  try {
    await use(DynamoDBDocumentClient.from(client), client);
  } finally {
    client.destroy();
    await store.close();
  }
}

function sealFile(dataDir: string): string {
  return `${storeLocation(dataDir)}.seal.json`;
}
