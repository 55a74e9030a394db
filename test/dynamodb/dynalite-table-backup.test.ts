import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { exportTable } from '../../adapters/dynamodb/dynamodb-table-backup.ts';
import {
  WRITE_LEASE_SORT_KEY,
  writeLeasePartitionKey,
} from '../../adapters/dynamodb/dynamodb-write-lease.ts';
import { openDynamoRepositoryFixture } from '../support/dynamo-repository-fixture.ts';
import type { TestDynamoDbServer } from '../support/dynamo-servers.ts';
import { startDynaliteServer } from '../support/dynamo-servers.ts';
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
    await DynamoDBDocumentClient.from(fixture.client).send(
      new PutCommand({
        TableName: fixture.tableName,
        Item: {
          pk: writeLeasePartitionKey('default'),
          sk: WRITE_LEASE_SORT_KEY,
          owner: 'crashed-writer',
          expiresAt: 1,
        },
      }),
    );
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
