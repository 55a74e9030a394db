/**
 * Cold start of the two Lambda bundles, measured on the exact files `cdk synth` produces.
 *
 * For each bundle: its size, and its module initialisation time (a fresh `node` process importing the
 * bundle, which builds the inversify container at module scope), median of RUNS. In the same run and
 * with the same esbuild settings: a minimal handler (the baseline) and a minimal handler holding the
 * AWS SDK DynamoDB clients (the SDK reference: the floor for any function that talks to DynamoDB).
 *
 *   npm run bench:cold-start            prints one JSON document on stdout
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { build } from 'esbuild';
import { findFunctionBundles } from '../infra/function-bundles.ts';
import { HOUSE_FUNCTION_DEFAULTS, HOUSE_NODE_OPTIONS, PROJECT_ROOT } from '../infra/house-function.ts';
import { buildStockWinnersApp } from '../infra/stock-winners-app.ts';
import { median } from './support/median.ts';

const RUNS = 10;
const TARGET_RATIO = 2;
const TARGET_MS = 100;

interface Subject {
  readonly name: string;
  readonly entryFile: string;
  readonly env: Record<string, string>;
}

const workDir = mkdtempSync(path.join(tmpdir(), 'stock-winners-cold-start-'));

/** The app synthesized in-process with bundling on: the same NodejsFunction bundles `cdk synth` writes. */
function synthesizeBundles() {
  const { context } = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  const site = path.join(workDir, 'site');
  mkdirSync(site);
  writeFileSync(path.join(site, 'index.html'), '<!doctype html>\n');
  const outdir = path.join(workDir, 'cdk.out');
  const app = new App({ outdir, context });
  buildStockWinnersApp(app, { siteDirectory: site });
  app.synth();
  return findFunctionBundles(outdir);
}

/** A reference handler bundled with the house esbuild settings. */
async function bundleReference(name: string, source: string): Promise<string> {
  const options = HOUSE_FUNCTION_DEFAULTS.bundling;
  const outfile = path.join(workDir, name, 'index.mjs');
  await build({
    stdin: { contents: source, resolveDir: PROJECT_ROOT, loader: 'ts', sourcefile: `${name}.ts` },
    bundle: true,
    outfile,
    format: 'esm',
    platform: 'node',
    target: options.target,
    mainFields: [...options.mainFields],
    banner: { js: options.banner },
    minify: options.minify,
    sourcemap: 'linked',
    sourcesContent: options.sourcesContent,
    logLevel: 'warning',
  });
  return outfile;
}

const RUNNER = `
const start = performance.now();
await import(new URL('file://' + process.argv[2]).href);
process.stdout.write(JSON.stringify({ initMs: performance.now() - start }));
`;

function measureOnce(runnerFile: string, subject: Subject): number {
  const result = spawnSync(process.execPath, [runnerFile, subject.entryFile], {
    cwd: path.dirname(subject.entryFile),
    env: { PATH: process.env.PATH ?? '', ...subject.env },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`${subject.name} failed to load:\n${result.stderr}`);
  return (JSON.parse(result.stdout) as { initMs: number }).initMs;
}

const round = (value: number, digits = 1) => Number(value.toFixed(digits));

function bytes(file: string): { bundleBytes: number; sourceMapBytes: number } {
  return { bundleBytes: statSync(file).size, sourceMapBytes: statSync(`${file}.map`).size };
}

async function main(): Promise<void> {
  const bundles = synthesizeBundles();
  const baseline = await bundleReference(
    'baseline',
    "export const handler = async () => ({ statusCode: 200, body: 'ok' });",
  );
  const sdkReference = await bundleReference(
    'sdk-reference',
    [
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
      "import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';",
      'const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));',
      'export const handler = async () => ({ statusCode: 200, body: typeof documents.send });',
    ].join('\n'),
  );
  const runnerFile = path.join(workDir, 'runner.mjs');
  writeFileSync(runnerFile, RUNNER);

  // What Lambda gives the process: the template's environment (source maps on), a region, credentials.
  const lambdaEnv = (environment: Readonly<Record<string, unknown>>, extra: Record<string, string> = {}) => ({
    ...Object.fromEntries(
      Object.entries(environment).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    ),
    TABLE_NAME: 'stock-winners-bench',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_LAMBDA_FUNCTION_NAME: 'bench',
    ...extra,
  });
  const referenceEnv = { AWS_REGION: 'us-east-1', NODE_OPTIONS: HOUSE_NODE_OPTIONS };
  // The sync function's key normally comes from SSM at init; a direct key keeps the network out of the figure.
  const syncEnv = lambdaEnv(bundles.sync.environment, { MASSIVE_API_KEY: 'bench-key' });
  const apiEnv = lambdaEnv(bundles.api.environment);
  const withoutSourceMaps = (env: Record<string, string>) => ({ ...env, NODE_OPTIONS: '' });

  const subjects: Subject[] = [
    { name: 'baseline', entryFile: baseline, env: referenceEnv },
    { name: 'sdkReference', entryFile: sdkReference, env: referenceEnv },
    { name: 'api', entryFile: bundles.api.entryFile, env: apiEnv },
    { name: 'sync', entryFile: bundles.sync.entryFile, env: syncEnv },
    { name: 'apiWithoutSourceMaps', entryFile: bundles.api.entryFile, env: withoutSourceMaps(apiEnv) },
    { name: 'syncWithoutSourceMaps', entryFile: bundles.sync.entryFile, env: withoutSourceMaps(syncEnv) },
  ];
  const samples = new Map<string, number[]>(subjects.map((subject) => [subject.name, []]));
  for (const subject of subjects) measureOnce(runnerFile, subject); // warm the OS file cache
  // Round-robin, so drift on the machine spreads over every subject alike.
  for (let run = 0; run < RUNS; run += 1) {
    for (const subject of subjects) samples.get(subject.name)?.push(measureOnce(runnerFile, subject));
  }
  const initMs = (name: string) => median(samples.get(name) ?? []);

  const baselineMs = initMs('baseline');
  const sdkMs = initMs('sdkReference');
  const describe = (name: 'api' | 'sync', file: string) => ({
    ...bytes(file),
    initMsMedian: round(initMs(name)),
    initMsMedianWithoutSourceMaps: round(initMs(`${name}WithoutSourceMaps`)),
    ratioToSdkReference: round(initMs(name) / sdkMs, 2),
    ratioToBaseline: round(initMs(name) / baselineMs, 2),
  });
  const api = describe('api', bundles.api.entryFile);
  const report = {
    benchmark: 'cold-start',
    method:
      `module initialisation (import of the bundle, which builds the container) in a fresh node process, ` +
      `median of ${RUNS}, subjects interleaved; bundles from an in-process cdk synth with the house esbuild settings`,
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    runs: RUNS,
    baseline: { description: 'minimal handler', ...bytes(baseline), initMsMedian: round(baselineMs) },
    sdkReference: {
      description: 'minimal handler + DynamoDBClient and DynamoDBDocumentClient (the AWS SDK alone)',
      ...bytes(sdkReference),
      initMsMedian: round(sdkMs),
    },
    functions: { api, sync: describe('sync', bundles.sync.entryFile) },
    targets: {
      apiInitWithin2xOfSdkReference: api.ratioToSdkReference <= TARGET_RATIO,
      apiInitUnder100ms: api.initMsMedian < TARGET_MS,
    },
    notes: [
      'NODE_OPTIONS=--enable-source-maps as in the deployed functions; the WithoutSourceMaps figures show its cost.',
      'The sync figure excludes the SSM GetParameter call its init makes on AWS (a direct key is given).',
      `Measured on ${process.version} here; Lambda runs nodejs24.x on Graviton, where absolute times differ.`,
    ],
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

try {
  await main();
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
