import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DynamoDbWinnerRepository } from '../../adapters/dynamodb/dynamodb-winner-repository.ts';
import { createLocalDynamoDbClient } from '../../adapters/dynamodb/embedded-dynamodb.ts';
import { ensureWinnersTable } from '../../adapters/dynamodb/winners-table.ts';
import { lastSessions, latestCompletedSession } from '../../core/index.ts';
import { apiGatewayEvent, schedulerEvent } from '../support/aws-events.ts';
import { startDynaliteServer, uniqueTableName, type TestDynamoDbServer } from '../support/dynamo-servers.ts';
import { startFakeMassiveServer } from '../support/fake-massive-server.ts';
import { startFakeSsmServer } from '../support/fake-ssm-server.ts';
import { aSessionResult } from '../support/session-result-builder.ts';

let server: TestDynamoDbServer;

beforeAll(async () => {
  server = await startDynaliteServer();
});

afterAll(async () => {
  await server.stop();
});

/** Lambda reads its configuration at cold start: each test gets a fresh module with its own table. */
async function coldStart(env: Record<string, string>): Promise<{ tableName: string }> {
  const tableName = uniqueTableName();
  const client = createLocalDynamoDbClient(server.endpoint);
  await ensureWinnersTable(client, tableName);
  client.destroy();
  vi.resetModules();
  vi.unstubAllEnvs();
  for (const [key, value] of Object.entries({
    TABLE_NAME: tableName,
    DYNAMODB_ENDPOINT: server.endpoint,
    AWS_REGION: 'us-east-1',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    MASSIVE_API_KEY: '',
    ...env,
  })) {
    vi.stubEnv(key, value);
  }
  return { tableName };
}

describe('API handler', () => {
  beforeEach(() => vi.unstubAllEnvs());

  it('answers a real-shaped API Gateway event from the table', async () => {
    const { tableName } = await coldStart({});
    const client = createLocalDynamoDbClient(server.endpoint);
    const repository = new DynamoDbWinnerRepository({ client, tableName, watchlist: 'default' });
    const [newest, previous] = lastSessions(2, latestCompletedSession(new Date()));
    await repository.save(
      aSessionResult()
        .on(newest as string)
        .build(),
    );
    await repository.save(
      aSessionResult()
        .on(previous as string)
        .build(),
    );
    const { handler } = await import('../../adapters/lambda/api-handler.ts');

    const response = await handler(apiGatewayEvent('GET', '/movers?days=5'));

    expect(response.statusCode).toBe(200);
    const body = JSON.parse(response.body);
    expect(body.data.map((row: { date: string }) => row.date)).toEqual([newest, previous]);
    expect(body.missing).toHaveLength(3);
    const ranking = await handler(apiGatewayEvent('GET', `/movers/${newest}`));
    expect(JSON.parse(ranking.body).ranking).toHaveLength(3);
    client.destroy();
  });

  it('refuses to start without TABLE_NAME', async () => {
    await coldStart({ TABLE_NAME: '' });

    await expect(import('../../adapters/lambda/api-handler.ts')).rejects.toThrow(/TABLE_NAME must be set/);
  });
});

describe('sync handler', () => {
  beforeEach(() => vi.unstubAllEnvs());

  it('stores the last K sessions from a Scheduler event, then finds nothing missing', async () => {
    await coldStart({ SYNC_SESSIONS: '4' });
    const { handler } = await import('../../adapters/lambda/sync-handler.ts');

    const first = await handler(schedulerEvent());
    const second = await handler(schedulerEvent());

    expect(first.watchlists[0]?.stored).toEqual(
      lastSessions(4, latestCompletedSession(new Date())).reverse(),
    );
    expect(second.watchlists[0]?.stored).toEqual([]);
    expect(second.watchlists[0]?.alreadyPresent).toBe(4);
  });

  it('syncs every watchlist of WATCHLISTS into its own partition', async () => {
    const { tableName } = await coldStart({
      SYNC_SESSIONS: '3',
      WATCHLISTS: 'default=AAPL,MSFT;ev=TSLA,RIVN',
    });
    const { handler } = await import('../../adapters/lambda/sync-handler.ts');

    const report = await handler(schedulerEvent());

    expect(report.watchlists.map((list) => [list.watchlist, list.stored.length])).toEqual([
      ['default', 3],
      ['ev', 3],
    ]);
    const client = createLocalDynamoDbClient(server.endpoint);
    const ev = new DynamoDbWinnerRepository({ client, tableName, watchlist: 'ev' });
    const newest = await ev.latestWinners(3);
    client.destroy();
    expect(newest.rows.every((row) => ['TSLA', 'RIVN'].includes(row.winner.symbol))).toBe(true);
    expect(newest.rows).toHaveLength(3);
  });

  it('takes the number of sessions from the schedule input and rejects malformed input', async () => {
    await coldStart({});
    const { handler } = await import('../../adapters/lambda/sync-handler.ts');

    expect((await handler(schedulerEvent({ sessions: 2 }))).watchlists[0]?.stored).toHaveLength(2);
    await expect(handler(schedulerEvent({ sessions: 'many' }))).rejects.toThrow(/Unexpected schedule input/);
  });

  it('throws when the provider fails, so the scheduler retries and the DLQ sees it', async () => {
    await coldStart({
      MASSIVE_API_KEY: 'sk-canary-handler',
      MASSIVE_BASE_URL: 'http://127.0.0.1:9',
      SYNC_SESSIONS: '1',
      // The market's and the lists' retries share one rate limiter: unlimited, so the failure is not paced.
      MASSIVE_RATE_LIMIT_PER_MINUTE: '0',
    });
    const { handler } = await import('../../adapters/lambda/sync-handler.ts');

    const failure = handler(schedulerEvent());

    await expect(failure).rejects.toThrow(/Sync failed for 1 session/);
    await expect(failure).rejects.not.toThrow(/sk-canary-handler/);
  });

  it('re-reads a rotated Massive key from SSM once the cached one is older than 15 minutes', async () => {
    const parameterName = '/stock-winners/massive-api-key';
    const ssm = await startFakeSsmServer({ name: parameterName, value: 'revoked-key' });
    // Massive has already switched to the new key: only a run with the new key gets data.
    const massive = await startFakeMassiveServer({ apiKey: 'rotated-key' });
    const start = Date.now();
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(start);
      await coldStart({
        MASSIVE_API_KEY_PARAMETER: parameterName,
        AWS_ENDPOINT_URL_SSM: ssm.url,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        MASSIVE_BASE_URL: massive.baseUrl,
        MASSIVE_RATE_LIMIT_PER_MINUTE: '0',
        SYNC_SESSIONS: '1',
      });
      const { handler, MASSIVE_KEY_MAX_AGE_SECONDS } = await import('../../adapters/lambda/sync-handler.ts');
      expect(MASSIVE_KEY_MAX_AGE_SECONDS).toBe(15 * 60);
      await expect(handler(schedulerEvent())).rejects.toThrow(/rejected the API key/);
      ssm.setValue('rotated-key');

      vi.setSystemTime(start + 14 * 60_000);
      await expect(handler(schedulerEvent())).rejects.toThrow(/rejected the API key/);
      expect(ssm.requests).toHaveLength(1);

      vi.setSystemTime(start + MASSIVE_KEY_MAX_AGE_SECONDS * 1000 + 1_000);
      const report = await handler(schedulerEvent());

      expect(ssm.requests).toHaveLength(2);
      expect(report.watchlists[0]?.stored).toHaveLength(1);
      expect(massive.requests.at(-1)?.status).toBe(200);
    } finally {
      vi.useRealTimers();
      await Promise.all([ssm.close(), massive.close()]);
    }
  });
});
