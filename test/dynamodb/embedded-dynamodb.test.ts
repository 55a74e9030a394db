import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { EmbeddedStoreLockedError } from '../../adapters/dynamodb/embedded-store-errors.ts';
import { DynamoDbWinnerRepository } from '../../adapters/dynamodb/dynamodb-winner-repository.ts';
import type { EmbeddedDynamoDb } from '../../adapters/dynamodb/embedded-dynamodb.ts';
import {
  createLocalDynamoDbClient,
  findEmbeddedStoreHolder,
  startEmbeddedDynamoDb,
} from '../../adapters/dynamodb/embedded-dynamodb.ts';
import { ensureWinnersTable } from '../../adapters/dynamodb/winners-table.ts';
import { temporaryDirectory } from '../support/dynamo-servers.ts';
import { aSessionResult } from '../support/session-result-builder.ts';

const run = promisify(execFile);
const READER = path.resolve(import.meta.dirname, '../support/dynamo-embedded-reader.ts');
const TABLE = 'stock-winners';

/** The `level` package dynalite builds its store from: the embedded store's Level class, once one is open. */
function dynaliteLevelClass(): { prototype: Record<'keys' | 'values', (...args: unknown[]) => unknown> } {
  const requireHere = createRequire(import.meta.url);
  return (createRequire(requireHere.resolve('dynalite'))('level') as { Level: never }).Level;
}

async function dataDirectory(): Promise<string> {
  const directory = await temporaryDirectory();
  onTestFinished(() => directory.remove());
  return directory.path;
}

async function open(
  dataDir: string,
): Promise<{ store: EmbeddedDynamoDb; repository: DynamoDbWinnerRepository }> {
  const store = await startEmbeddedDynamoDb({ dataDir });
  const client = createLocalDynamoDbClient(store.endpoint);
  onTestFinished(async () => {
    client.destroy();
    await store.close();
  });
  await ensureWinnersTable(client, TABLE);
  return {
    store,
    repository: new DynamoDbWinnerRepository({ client, tableName: TABLE, watchlist: 'default' }),
  };
}

describe('embedded DynamoDB store (dynalite over LevelDB)', () => {
  it('serves a local endpoint on a free port and keeps its LevelDB files in the data directory', async () => {
    const dataDir = await dataDirectory();

    const { store } = await open(dataDir);

    expect(store.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
    expect(await readdir(path.join(dataDir, 'dynamodb'))).toContain('LOCK');
  });

  it('keeps what was written after it is closed and reopened', async () => {
    const dataDir = await dataDirectory();
    const result = aSessionResult().on('2026-11-20').build();
    const first = await open(dataDir);
    await first.repository.save(result);
    await first.store.close();

    const second = await open(dataDir);

    expect(await second.repository.get('2026-11-20')).toEqual(result);
  });

  it('releases the directory on close, so another process can open it and read', async () => {
    const dataDir = await dataDirectory();
    const result = aSessionResult().on('2026-11-20').build();
    const { store, repository } = await open(dataDir);
    await repository.save(result);
    await store.close();

    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', READER, dataDir, TABLE, '2026-11-20'],
      {
        cwd: path.resolve(import.meta.dirname, '../..'),
      },
    );

    expect(JSON.parse(stdout)).toEqual(result);
  });

  it('refuses a second opener of a directory in use with a typed error, and keeps serving the first', async () => {
    const dataDir = await dataDirectory();
    const { repository } = await open(dataDir);
    await repository.save(aSessionResult().on('2026-11-20').build());

    const error = await startEmbeddedDynamoDb({ dataDir }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(EmbeddedStoreLockedError);
    expect(error).toMatchObject({ code: 'EMBEDDED_STORE_LOCKED', dataDir });
    expect((error as Error).message).toContain('is in use by another process');
    expect(await repository.storedSessions('2026-11-01', '2026-11-30')).toEqual(['2026-11-20']);
  });

  it('a sharing holder records its endpoint: a second opener is told where it is served, and close forgets it', async () => {
    const dataDir = await dataDirectory();
    const store = await startEmbeddedDynamoDb({ dataDir, share: true });

    const error = await startEmbeddedDynamoDb({ dataDir }).catch((caught: unknown) => caught);
    const holder = await findEmbeddedStoreHolder(dataDir);
    await store.close();

    expect(error).toMatchObject({ holder: { pid: process.pid, endpoint: store.endpoint } });
    expect((error as Error).message).toContain(store.endpoint);
    expect(holder).toEqual({ pid: process.pid, endpoint: store.endpoint });
    expect(await findEmbeddedStoreHolder(dataDir)).toBeUndefined();
    expect(await readdir(dataDir)).not.toContain('store-endpoint.json');
  });

  it('ignores a record left by a killed process, and one naming a live process whose endpoint is not the store', async () => {
    const dataDir = await dataDirectory();
    const { stdout: deadPid } = await run(process.execPath, [
      '-e',
      'process.stdout.write(String(process.pid))',
    ]);
    const record = (pid: number, endpoint: string) =>
      writeFile(path.join(dataDir, 'store-endpoint.json'), JSON.stringify({ pid, endpoint }));

    await record(Number(deadPid), 'http://127.0.0.1:9');
    const afterKill = await findEmbeddedStoreHolder(dataDir);
    await record(process.pid, 'http://127.0.0.1:9');
    const nothingListening = await findEmbeddedStoreHolder(dataDir);
    const store = await startEmbeddedDynamoDb({ dataDir });
    await store.close();

    expect(afterKill).toBeUndefined();
    expect(nothingListening).toBeUndefined();
  });

  it('listens on the port it is given, and close can be called twice', async () => {
    const dataDir = await dataDirectory();
    const probe = await startEmbeddedDynamoDb({ dataDir });
    const port = Number(new URL(probe.endpoint).port);
    await probe.close();

    const store = await startEmbeddedDynamoDb({ dataDir, port });
    const client = createLocalDynamoDbClient(store.endpoint);
    const tables = await client.send(new ListTablesCommand({}));
    client.destroy();
    await Promise.all([store.close(), store.close()]);

    expect(store.endpoint).toBe(`http://127.0.0.1:${port}`);
    expect(tables.TableNames).toEqual([]);
  });

  it('closes every LevelDB iterator its reads open: one stopped at its Limit, one read to the end', async () => {
    const { repository } = await open(await dataDirectory());
    const sessions = ['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20'];
    await repository.saveMany(sessions.map((date) => aSessionResult().on(date).build()));
    const level = dynaliteLevelClass();
    const opened = [vi.spyOn(level.prototype, 'keys'), vi.spyOn(level.prototype, 'values')];
    onTestFinished(() => opened.forEach((spy) => spy.mockRestore()));

    const stoppedAtLimit = await repository.latestWinners(2);
    const readToEnd = await repository.latestWinners(10);

    expect(stoppedAtLimit.rows.map((row) => row.date)).toEqual(['2026-11-20', '2026-11-19']);
    expect(readToEnd.rows).toHaveLength(5);
    const iterators = opened.flatMap((spy) =>
      spy.mock.results.map((result) => result.value as LevelIterator),
    );
    expect(iterators.length).toBeGreaterThanOrEqual(2);
    for (const iterator of iterators) await expect(iterator.next()).rejects.toThrow(/not open/);
  });
});

interface LevelIterator {
  next(): Promise<unknown>;
}
