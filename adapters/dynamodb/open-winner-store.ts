import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { StoreSelection } from '../config/app-config.ts';
import type { AppLogger } from '../observability/app-logger.ts';
import { createDynamoDbClient, remoteTarget, type DynamoDbTarget } from './dynamodb-client.ts';
import { startEmbeddedDynamoDb } from './embedded-dynamodb.ts';
import { EmbeddedStoreLockedError } from './embedded-store-errors.ts';
import { ensureWinnersTable } from './winners-table.ts';

export interface OpenWinnerStoreOptions {
  readonly logger: AppLogger;
  /**
   * Embedded store: hold it and share it with other commands while running (`serve`, `db`). Without
   * it, a store another process holds and shares is used through that process's endpoint.
   */
  readonly holdStore?: boolean;
  /** Embedded store held here: the port to serve it on (`db --port`); any free port otherwise. */
  readonly port?: number;
}

/** An open store: the one client for it, and how to close both. */
export interface OpenWinnerStore {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** Where the requests go, for a local store (`db` prints it). */
  readonly endpoint?: string;
  /** Where winners are stored, for people: "embedded store in .stocks-data", "DynamoDB table x". */
  readonly description: string;
  close(): Promise<void>;
}

/**
 * Opens the selected store with one client: a table on AWS as it is (the CDK stack owns it), any
 * other endpoint with the table created on first use, and the embedded store started in-process or
 * reached through the process that holds it. A failure after the store started closes it again.
 */
export async function openWinnerStore(
  store: StoreSelection,
  options: OpenWinnerStoreOptions,
): Promise<OpenWinnerStore> {
  if (store.mode === 'embedded') return withTable(await openEmbedded(store, options));
  const description =
    store.mode === 'aws'
      ? `DynamoDB table ${store.tableName} (${store.region})`
      : `DynamoDB endpoint ${store.endpoint}`;
  const remote = opened(store, remoteTarget(store), description);
  return store.mode === 'aws' ? remote : withTable(remote);
}

function opened(
  store: StoreSelection,
  target: DynamoDbTarget,
  description: string,
  closeStore: () => Promise<void> = async () => {},
): OpenWinnerStore {
  const client = createDynamoDbClient(target);
  return {
    client,
    tableName: store.tableName,
    endpoint: target.mode === 'aws' ? undefined : target.endpoint,
    description,
    async close() {
      client.destroy();
      await closeStore();
    },
  };
}

async function withTable(store: OpenWinnerStore): Promise<OpenWinnerStore> {
  try {
    await ensureWinnersTable(store.client, store.tableName);
    return store;
  } catch (error) {
    await store.close();
    throw error;
  }
}

async function openEmbedded(
  store: Extract<StoreSelection, { mode: 'embedded' }>,
  options: OpenWinnerStoreOptions,
): Promise<OpenWinnerStore> {
  try {
    const embedded = await startEmbeddedDynamoDb({
      dataDir: store.dataDir,
      port: options.port,
      share: options.holdStore,
    });
    return opened(
      store,
      { mode: 'embedded', endpoint: embedded.endpoint },
      options.holdStore
        ? `embedded store in ${store.dataDir}, served to other commands at ${embedded.endpoint}`
        : `embedded store in ${store.dataDir}`,
      () => embedded.close(),
    );
  } catch (error) {
    const holder = error instanceof EmbeddedStoreLockedError ? error.holder : undefined;
    if (!holder || options.holdStore) throw error;
    options.logger.info(
      `the embedded store is held by process ${holder.pid}: using it through ${holder.endpoint}`,
    );
    return opened(
      store,
      { mode: 'embedded', endpoint: holder.endpoint },
      `embedded store in ${store.dataDir}, served by process ${holder.pid} at ${holder.endpoint}`,
    );
  }
}
