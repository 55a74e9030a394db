import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { exportTable } from '../../adapters/dynamodb/dynamodb-table-backup.ts';
import { openDynamoRepositoryFixture } from '../support/dynamo-repository-fixture.ts';
import type { TestDynamoDbServer } from '../support/dynamo-servers.ts';
import { startDynaliteServer } from '../support/dynamo-servers.ts';
import { plantWriteLease } from '../support/planted-write-lease.ts';
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
