/**
 * The exact bundles `npm run synth` produces, loaded in fresh `node` processes from a directory with no
 * node_modules in reach: a missing module, an ESM/CommonJS mismatch or a decorator-metadata problem
 * fails here, where unit tests (running the TypeScript sources) cannot see it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLocalDynamoDbClient,
  startEmbeddedDynamoDb,
  type EmbeddedDynamoDb,
} from '../../adapters/dynamodb/embedded-dynamodb.ts';
import { MARKET_PARTITION_KEY } from '../../adapters/dynamodb/market-board-item.ts';
import { ensureWinnersTable, watchlistPartitionKey } from '../../adapters/dynamodb/winners-table.ts';
import { findFunctionBundles, type FunctionBundle } from '../../infra/function-bundles.ts';
import { PROJECT_ROOT } from '../../infra/house-function.ts';
import { DASHBOARD_FILES } from '../../web/build.ts';
import { apiGatewayEvent } from '../support/aws-events.ts';
import { startFakeMassiveServer, type FakeMassiveServer } from '../support/fake-massive-server.ts';
import { startFakeSsmServer, type FakeSsmServer } from '../support/fake-ssm-server.ts';

const TABLE_NAME = 'stock-winners-smoke';
const PARAMETER_NAME = '/stock-winners/massive-api-key';
const MASSIVE_KEY = 'smoke-key-from-ssm-7f3a91';
/** Two lists sharing a ticker: the synth deploys both, and one scheduled run must cover both. */
const WATCHLISTS = 'default=AAPL,MSFT,TSLA;ev=TSLA,RIVN';

interface Synth {
  readonly code: number | null;
  readonly output: string;
}

/**
 * `npm run synth` of two watchlists, with no AWS credentials or config in reach and every network call
 * sent to a dead proxy.
 */
function runSynth(outdir: string): Promise<Synth> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(AWS_|CDK_)/.test(key)) env[key] = value;
  }
  const nowhere = path.join(outdir, 'no-such-file');
  Object.assign(env, {
    AWS_CONFIG_FILE: nowhere,
    AWS_SHARED_CREDENTIALS_FILE: nowhere,
    AWS_EC2_METADATA_DISABLED: 'true',
    HTTPS_PROXY: 'http://127.0.0.1:9',
    HTTP_PROXY: 'http://127.0.0.1:9',
    https_proxy: 'http://127.0.0.1:9',
    http_proxy: 'http://127.0.0.1:9',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
  });
  return new Promise((resolve, reject) => {
    const args = ['--output', outdir, '--no-notices', '--context', `watchlists=${WATCHLISTS}`];
    const child = spawn('npm', ['run', '--silent', 'synth', '--', ...args], {
      cwd: PROJECT_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

interface Invocation {
  readonly ok: boolean;
  readonly result?: unknown;
  readonly error?: { readonly name: string; readonly message: string };
  readonly stderr: string;
}

/** Loads the bundle in a fresh process, the way the runtime does (`import` of index.mjs), and invokes it once. */
function invoke(runnerFile: string, bundle: FunctionBundle, event: unknown, env: Record<string, string>) {
  return new Promise<Invocation>((resolve, reject) => {
    const child = spawn(process.execPath, [runnerFile, bundle.entryFile], {
      cwd: bundle.directory,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', () => {
      const marker = stdout.lastIndexOf('\n@@result ');
      if (marker < 0)
        return reject(new Error(`No result from the bundle.\nstdout: ${stdout}\nstderr: ${stderr}`));
      resolve({ ...(JSON.parse(stdout.slice(marker + 10)) as Omit<Invocation, 'stderr'>), stderr });
    });
    child.stdin.end(JSON.stringify(event));
  });
}

const RUNNER = `
import { pathToFileURL } from 'node:url';
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const event = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const context = {
  functionName: 'smoke', functionVersion: '$LATEST', awsRequestId: 'c0ffee00-0000-4000-8000-000000000001',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:smoke', memoryLimitInMB: '512',
  logGroupName: '/aws/lambda/smoke', logStreamName: 'smoke', callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 600000,
};
let outcome;
try {
  const { handler } = await import(pathToFileURL(process.argv[2]).href);
  outcome = { ok: true, result: await handler(event, context) };
} catch (error) {
  outcome = { ok: false, error: { name: error?.name, message: String(error?.message ?? error) } };
}
process.stdout.write('\\n@@result ' + JSON.stringify(outcome) + '\\n');
process.exit(0);
`;

/** What Scheduler delivers: the schedule's Input from the template, its context attributes filled in. */
function scheduledEvent(outdir: string): unknown {
  const template = JSON.parse(
    readFileSync(path.join(outdir, 'StockWinnersServices.template.json'), 'utf8'),
  ) as {
    Resources: Record<string, { Type: string; Properties: { Target: { Input: string } } }>;
  };
  const schedule = Object.values(template.Resources).find(
    (resource) => resource.Type === 'AWS::Scheduler::Schedule',
  );
  if (!schedule) throw new Error('no schedule in the template');
  return JSON.parse(
    schedule.Properties.Target.Input.replaceAll(
      '<aws.scheduler.schedule-arn>',
      'arn:aws:scheduler:us-east-1:123456789012:schedule/default/SyncAt1630Et',
    )
      .replaceAll('<aws.scheduler.scheduled-time>', new Date().toISOString().replace(/\.\d+Z$/, 'Z'))
      .replaceAll('<aws.scheduler.execution-id>', 'd1e2f3a4-0000-4000-8000-000000000002')
      .replaceAll('<aws.scheduler.attempt-number>', '1'),
  );
}

let workDir: string;
let outdir: string;
let runnerFile: string;
let synth: Synth;
let bundles: ReturnType<typeof findFunctionBundles>;
let store: EmbeddedDynamoDb;
let massive: FakeMassiveServer;
let ssm: FakeSsmServer;

beforeAll(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), 'stock-winners-bundles-'));
  outdir = path.join(workDir, 'cdk.out');
  runnerFile = path.join(workDir, 'invoke.mjs');
  writeFileSync(runnerFile, RUNNER);
  synth = await runSynth(outdir);
  if (synth.code !== 0) throw new Error(`npm run synth failed (${synth.code}):\n${synth.output}`);
  bundles = findFunctionBundles(outdir);
  store = await startEmbeddedDynamoDb({ dataDir: path.join(workDir, 'store') });
  const client = createLocalDynamoDbClient(store.endpoint);
  await ensureWinnersTable(client, TABLE_NAME);
  client.destroy();
  massive = await startFakeMassiveServer({ apiKey: MASSIVE_KEY });
  ssm = await startFakeSsmServer({ name: PARAMETER_NAME, value: MASSIVE_KEY });
}, 180_000);

afterAll(async () => {
  await Promise.all([store?.close(), massive?.close(), ssm?.close()]);
  rmSync(workDir, { recursive: true, force: true });
});

/** The function's own environment from the template, pointed at the local stand-ins. */
function lambdaEnvironment(
  bundle: FunctionBundle,
  overrides: Record<string, string> = {},
): Record<string, string> {
  const fromTemplate = Object.fromEntries(
    Object.entries(bundle.environment).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
  return {
    ...fromTemplate,
    TABLE_NAME,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'smoke',
    AWS_SECRET_ACCESS_KEY: 'smoke',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_LAMBDA_FUNCTION_NAME: 'smoke',
    DYNAMODB_ENDPOINT: store.endpoint,
    ...overrides,
  };
}

function syncEnvironment(overrides: Record<string, string> = {}): Record<string, string> {
  return lambdaEnvironment(bundles.sync, {
    AWS_ENDPOINT_URL_SSM: ssm.url,
    MASSIVE_BASE_URL: massive.baseUrl,
    MASSIVE_RATE_LIMIT_PER_MINUTE: '0',
    ...overrides,
  });
}

async function storedSessions(watchlist: string): Promise<string[]> {
  return sortKeysOf(watchlistPartitionKey(watchlist));
}

async function sortKeysOf(partition: string): Promise<string[]> {
  const client = createLocalDynamoDbClient(store.endpoint);
  const { Items = [] } = await client.send(
    new QueryCommand({
      TableName: TABLE_NAME,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: partition } },
    }),
  );
  client.destroy();
  return Items.map((item) => item.sk?.S ?? '').sort();
}

describe('npm run synth', () => {
  it('synthesizes all three stacks offline, with no AWS credentials, cdk-nag included', () => {
    expect(synth.code).toBe(0);
    expect(synth.output).not.toMatch(/AwsSolutions-\w+/);
    for (const stack of ['StockWinnersData', 'StockWinnersServices', 'StockWinnersWeb']) {
      expect(() => readFileSync(path.join(outdir, `${stack}.template.json`))).not.toThrow();
    }
  });

  it('stages each function as one minified ESM file with its source map, and nothing else', () => {
    for (const bundle of [bundles.api, bundles.sync]) {
      expect(readdirSync(bundle.directory).sort()).toEqual(['index.mjs', 'index.mjs.map']);
      const code = readFileSync(bundle.entryFile, 'utf8');
      expect(code.startsWith('import { createRequire')).toBe(true);
      expect(code.trimEnd().endsWith('//# sourceMappingURL=index.mjs.map')).toBe(true);
      // Minified: long lines (template literals keep a few newlines), not the formatted sources.
      expect(code.length / code.split('\n').length).toBeGreaterThan(1000);
    }
  });
  it('stages the dashboard it just built, with config.json generated for the deployment', () => {
    const template = JSON.parse(readFileSync(path.join(outdir, 'StockWinnersWeb.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: { SourceObjectKeys?: string[] } }>;
    };
    const deployment = Object.values(template.Resources).find(
      (resource) => resource.Type === 'Custom::CDKBucketDeployment',
    );
    const [site, config] = (deployment?.Properties.SourceObjectKeys ?? []).map((key) =>
      readdirSync(path.join(outdir, `asset.${key.replace(/\.zip$/, '')}`)).sort(),
    );
    expect(site).toEqual(DASHBOARD_FILES.filter((file) => file !== 'config.json').sort());
    expect(config).toEqual(['config.json']);
  });
});

describe('sync bundle', () => {
  it('runs a real-shaped Scheduler event over every list and the market: key from SSM, bars from Massive, into DynamoDB', async () => {
    expect(bundles.sync.environment.WATCHLISTS).toBe(WATCHLISTS);

    const outcome = await invoke(runnerFile, bundles.sync, scheduledEvent(outdir), syncEnvironment());

    expect(outcome.error, outcome.stderr).toBeUndefined();
    const report = outcome.result as {
      watchlists: { watchlist: string; stored: string[]; failed: unknown[] }[];
      market: { stored: string[]; failed: unknown[]; error: unknown };
    };
    expect(report.market).toMatchObject({ failed: [], error: null });
    expect(report.market.stored.length).toBeGreaterThan(0);
    expect(await sortKeysOf(MARKET_PARTITION_KEY)).toEqual([...report.market.stored].sort());
    expect(report.watchlists.map((list) => list.watchlist)).toEqual(['default', 'ev']);
    for (const list of report.watchlists) {
      expect(list.failed).toEqual([]);
      expect(list.stored.length).toBeGreaterThan(0);
      expect(await storedSessions(list.watchlist)).toEqual([...list.stored].sort());
    }
    // The key came from the parameter the template names, decrypted, read once for this invocation.
    expect(ssm.requests).toEqual([
      expect.objectContaining({
        target: 'AmazonSSM.GetParameter',
        Name: PARAMETER_NAME,
        WithDecryption: true,
      }),
    ]);
    expect(massive.calls.total).toBeGreaterThan(0);
    expect(massive.requests.every((request) => request.status === 200)).toBe(true);
    expect(outcome.stderr).not.toContain(MASSIVE_KEY);
  });

  it('throws when the provider fails, so Lambda retries and dead-letters the run', async () => {
    massive.setFault({ kind: 'not-entitled' });
    try {
      const outcome = await invoke(
        runnerFile,
        bundles.sync,
        scheduledEvent(outdir),
        // A ticker no list holds: its bars are not in the archive the first run filled, so Massive is asked.
        syncEnvironment({ WATCHLISTS: 'smoke-failure=NFLX' }),
      );
      expect(outcome.ok).toBe(false);
      expect(outcome.error?.name).toBe('SyncFailedError');
      expect(await storedSessions('smoke-failure')).toEqual([]);
    } finally {
      massive.clearFaults();
    }
  });
});

describe('API bundle', () => {
  async function get(pathWithQuery: string): Promise<APIGatewayProxyResult> {
    const event: APIGatewayProxyEvent = apiGatewayEvent('GET', pathWithQuery);
    const outcome = await invoke(runnerFile, bundles.api, event, lambdaEnvironment(bundles.api));
    expect(outcome.error, outcome.stderr).toBeUndefined();
    return outcome.result as APIGatewayProxyResult;
  }

  it('answers GET /movers from what the sync stored', async () => {
    const stored = await storedSessions('default');
    expect(stored.length).toBeGreaterThan(0);

    const response = await get('/movers?days=5');

    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': expect.stringMatching(/^public, max-age=\d+$/),
      'Access-Control-Allow-Origin': '*',
    });
    const body = JSON.parse(response.body) as { days: number; count: number; data: Array<{ date: string }> };
    expect(body.days).toBe(5);
    expect(body.data.length).toBe(body.count);
    expect(body.data.map((winner) => winner.date)).toEqual(stored.slice(-5).reverse().slice(0, body.count));
  });

  it('answers GET /movers/{date} with the session’s ranking, and GET /health', async () => {
    const [latest] = (await storedSessions('default')).slice(-1);
    const session = await get(`/movers/${latest}`);
    expect(session.statusCode).toBe(200);
    expect(JSON.parse(session.body)).toMatchObject({ date: latest });

    const health = await get('/health');
    expect(health.statusCode).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok' });
  });
});
