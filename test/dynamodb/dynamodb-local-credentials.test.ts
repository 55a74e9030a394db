import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWinnersTable, watchlistPartitionKey } from '../../adapters/dynamodb/winners-table.ts';
import { tradingSessions } from '../../core/index.ts';
import { runCli } from '../support/cli-process.ts';
import type { TestDynamoDbServer } from '../support/dynamo-servers.ts';
import {
  javaIsAvailable,
  REQUIRE_DYNAMODB_LOCAL,
  startDynamoDbLocalServer,
  uniqueTableName,
} from '../support/dynamo-servers.ts';

/**
 * DynamoDB Local started WITHOUT -sharedDb keeps one database per access key and region, as a
 * user's AWS CLI sees it. stocks-cli must sign with the same credentials the AWS CLI would use.
 */
const hasJava = javaIsAvailable();
const MARCH = tradingSessions('2025-03-03', '2025-03-07');

describe.skipIf(!hasJava && !REQUIRE_DYNAMODB_LOCAL)(
  'DYNAMODB_ENDPOINT uses the AWS credentials of the environment',
  () => {
    let server: TestDynamoDbServer;
    const home = mkdtempSync(join(tmpdir(), 'stocks-aws-'));
    const dataDir = mkdtempSync(join(tmpdir(), 'stocks-unused-'));

    beforeAll(async () => {
      if (!hasJava)
        throw new Error('REQUIRE_DYNAMODB_LOCAL=1 but `java` is not on the PATH: install Java 17+.');
      server = await startDynamoDbLocalServer();
    });
    afterAll(async () => {
      await server?.stop();
      rmSync(home, { recursive: true, force: true });
      rmSync(dataDir, { recursive: true, force: true });
    });

    /** No credentials anywhere unless a test gives some: no shared files, no instance metadata. */
    function environment(extra: Record<string, string>): Record<string, string> {
      return {
        STOCKS_DATA_DIR: dataDir,
        MASSIVE_API_KEY: '',
        DYNAMODB_ENDPOINT: server.endpoint,
        AWS_CONFIG_FILE: join(home, 'none-config'),
        AWS_SHARED_CREDENTIALS_FILE: join(home, 'none-credentials'),
        AWS_EC2_METADATA_DISABLED: 'true',
        ...extra,
      };
    }

    function clientAs(accessKeyId: string, region: string): DynamoDBClient {
      return new DynamoDBClient({
        endpoint: server.endpoint,
        region,
        credentials: { accessKeyId, secretAccessKey: `${accessKeyId}-secret` },
      });
    }

    async function storedCount(client: DynamoDBClient, table: string): Promise<number | undefined> {
      const answer = await client.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: watchlistPartitionKey('default') } },
          Select: 'COUNT',
        }),
      );
      return answer.Count;
    }

    it(
      'a table created with the environment credentials is the one backfill fills, and they read the items back',
      { timeout: 90_000 },
      async () => {
        const table = uniqueTableName();
        const user = clientAs('AKIDUSER', 'eu-west-1');
        const placeholder = clientAs('local', 'eu-west-1');
        try {
          await ensureWinnersTable(user, table);

          const backfill = await runCli(
            ['backfill', '--from', '2025-03-03', '--to', '2025-03-07'],
            environment({
              TABLE_NAME: table,
              AWS_ACCESS_KEY_ID: 'AKIDUSER',
              AWS_SECRET_ACCESS_KEY: 'AKIDUSER-secret',
              AWS_REGION: 'eu-west-1',
            }),
          );

          expect(backfill.code).toBe(0);
          expect(await storedCount(user, table)).toBe(MARCH.length);
          expect((await placeholder.send(new ListTablesCommand({}))).TableNames).not.toContain(table);
        } finally {
          user.destroy();
          placeholder.destroy();
        }
      },
    );

    it("a profile's credentials and region, as the AWS CLI reads them", { timeout: 90_000 }, async () => {
      const table = uniqueTableName();
      const config = join(home, 'config');
      writeFileSync(
        config,
        '[profile dev]\nregion = ap-south-1\naws_access_key_id = AKIDDEV\naws_secret_access_key = AKIDDEV-secret\n',
      );
      const dev = clientAs('AKIDDEV', 'ap-south-1');
      try {
        await ensureWinnersTable(dev, table);

        const backfill = await runCli(
          ['backfill', '--from', '2025-03-03', '--to', '2025-03-07'],
          environment({ TABLE_NAME: table, AWS_CONFIG_FILE: config, AWS_PROFILE: 'dev' }),
        );

        expect(backfill.code).toBe(0);
        expect(await storedCount(dev, table)).toBe(MARCH.length);
      } finally {
        dev.destroy();
      }
    });

    it('placeholder credentials and us-east-1 only when none resolve', { timeout: 90_000 }, async () => {
      const table = uniqueTableName();
      const placeholder = clientAs('local', 'us-east-1');
      try {
        const backfill = await runCli(
          ['backfill', '--from', '2025-03-03', '--to', '2025-03-07'],
          environment({ TABLE_NAME: table }),
        );

        expect(backfill.code).toBe(0);
        expect(await storedCount(placeholder, table)).toBe(MARCH.length);
      } finally {
        placeholder.destroy();
      }
    });
  },
);
