import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { WriteLeaseUnavailableError } from '../../adapters/dynamodb/dynamodb-errors.ts';
import type { StoredItem } from '../../adapters/dynamodb/dynamodb-table-backup.ts';
import { exportTable, importItems } from '../../adapters/dynamodb/dynamodb-table-backup.ts';
import { openDynamoRepositoryFixture } from '../support/dynamo-repository-fixture.ts';
import type { TestDynamoDbServer } from '../support/dynamo-servers.ts';
import { startDynaliteServer } from '../support/dynamo-servers.ts';
import { DEFAULT_LIST_LEASE_KEY, plantWriteLease } from '../support/planted-write-lease.ts';
import { aSessionResult } from '../support/session-result-builder.ts';

let server: TestDynamoDbServer;
beforeAll(async () => {
  server = await startDynaliteServer();
});
afterAll(() => server?.stop());

describe('exportTable on dynalite', () => {
  it('leaves out a write lease left in the table: restored over a live one, it would let two writers in', async () => {
    const fixture = await openDynamoRepositoryFixture(server.endpoint);
    onTestFinished(() => fixture.destroy());
    await fixture.repository().save(aSessionResult().on('2026-11-20').build());
    await plantWriteLease(fixture.client, fixture.tableName, { owner: 'crashed-writer', expiresAt: 1 });
    const lines: string[] = [];

    const count = await exportTable(fixture.client, fixture.tableName, async (line) => {
      lines.push(line);
    });

    expect(count).toBe(1);
    expect(lines.map((line) => JSON.parse(line) as Record<string, { S: string }>)).toEqual([
      expect.objectContaining({ pk: { S: 'WATCHLIST#default' }, sk: { S: '2026-11-20' } }),
    ]);
  });
});

describe('importItems on dynalite', () => {
  it("writes a list's sessions only holding that list's write lease, and releases it", async () => {
    const fixture = await openDynamoRepositoryFixture(server.endpoint);
    onTestFinished(() => fixture.destroy());
    const items: StoredItem[] = [];
    await fixture.repository().save(aSessionResult().on('2026-11-20').build());
    await exportTable(fixture.client, fixture.tableName, async (line) => {
      items.push(JSON.parse(line) as StoredItem);
    });
    await plantWriteLease(fixture.client, fixture.tableName, {
      owner: 'a-running-sync',
      expiresAt: Date.now() + 60_000,
    });

    // Held by another writer for longer than the import waits: it fails, having written nothing.
    const held = importItems(fixture.client, fixture.tableName, items, {
      overwrite: true,
      writeLeaseMs: 200,
    });
    await expect(held).rejects.toBeInstanceOf(WriteLeaseUnavailableError);

    // Once that lease has ended, the import takes it, writes, and leaves the lease free again.
    await plantWriteLease(fixture.client, fixture.tableName, { owner: 'a-running-sync', expiresAt: 1 });
    await expect(
      importItems(fixture.client, fixture.tableName, items, { overwrite: true, writeLeaseMs: 200 }),
    ).resolves.toEqual({ written: 1, skipped: 0 });
    const lease = await fixture.client.send(
      new GetItemCommand({
        TableName: fixture.tableName,
        Key: { pk: { S: DEFAULT_LIST_LEASE_KEY.pk }, sk: { S: DEFAULT_LIST_LEASE_KEY.sk } },
      }),
    );
    expect(lease.Item).toBeUndefined();
  });
});
