import 'reflect-metadata';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Container } from 'inversify';
import type { ContainerOverrides } from '../adapters/composition/container.ts';
import {
  DEFAULT_TABLE_NAME,
  loadConfig,
  type AppConfig,
  type ConfigKey,
} from '../adapters/config/app-config.ts';
import type { AppLogger } from '../adapters/observability/app-logger.ts';

/** Flags every command accepts; they override the environment. */
export interface GlobalOptions {
  watchlist?: string;
  watchlistName?: string;
  basis?: string;
  dataDir?: string;
  table?: string;
  endpoint?: string;
}

export interface Runtime {
  readonly config: AppConfig;
  readonly container: Container;
  readonly logger: AppLogger;
  /** Where winners are stored, for people: "embedded store in .stocks-data", "DynamoDB table x". */
  readonly storeDescription: string;
  /** The store's table and the client for it, for commands that work on whole tables (`db export`). */
  readonly table: { readonly client: DynamoDBClient; readonly name: string };
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /**
   * Hold the embedded store and share it with other commands while running (`serve`, `db`). Without
   * it, a store another process holds and shares is used through that process's endpoint.
   */
  readonly holdStore?: boolean;
}

export function configFrom(
  options: GlobalOptions,
  extra: Partial<Record<ConfigKey, unknown>> = {},
): AppConfig {
  return loadConfig(process.env, {
    watchlist: options.watchlist,
    watchlistName: options.watchlistName,
    basis: options.basis,
    dataDir: options.dataDir,
    tableName: options.table,
    dynamodbEndpoint: options.endpoint,
    ...extra,
  });
}

/**
 * Opens what a command needs: DynamoDB when TABLE_NAME or DYNAMODB_ENDPOINT is configured, otherwise
 * the embedded store under the data directory (started in-process, table created on first use), or
 * the endpoint of the `serve` / `db` process that holds it. Whatever fails after the store is open
 * closes it again: a start-up failure must end the process, not leave a server keeping it alive.
 */
export async function openRuntime(
  config: AppConfig,
  overrides: ContainerOverrides = {},
  options: RuntimeOptions = {},
): Promise<Runtime> {
  // Loaded here: the AWS SDK, dynalite and the container are what `--help` must not pay for.
  const [{ createContainer }, { createConsoleLogger }, { ensureWinnersTable }] = await Promise.all([
    import('../adapters/composition/container.ts'),
    import('../adapters/observability/logger.ts'),
    import('../adapters/dynamodb/winners-table.ts'),
  ]);
  const logger = overrides.logger ?? createConsoleLogger();
  if (!config.massiveApiKey && !overrides.quoteProvider) {
    logger.warn(
      'No MASSIVE_API_KEY: using SIMULATED market data (not real quotes). Set MASSIVE_API_KEY for live data.',
    );
  }
  const store = await openStore(config, options, logger);
  try {
    if (store.createsTable) await ensureWinnersTable(store.client, store.config.tableName as string);
    const container = createContainer(store.config, {
      ...overrides,
      logger,
      dynamoDbClient: store.client,
    });
    return {
      config: store.config,
      container,
      logger,
      storeDescription: store.description,
      table: { client: store.client, name: store.config.tableName as string },
      close: store.close,
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}

interface OpenStore {
  /** The configuration with the endpoint and table actually used. */
  readonly config: AppConfig;
  readonly client: DynamoDBClient;
  readonly description: string;
  /** Local stores get the table created on first use; on AWS the CDK stack owns it. */
  readonly createsTable: boolean;
  close(): Promise<void>;
}

async function openStore(config: AppConfig, options: RuntimeOptions, logger: AppLogger): Promise<OpenStore> {
  const { createDynamoDbClient } = await import('../adapters/composition/container.ts');
  const opened = (
    effective: AppConfig,
    description: string,
    credentials: 'configured' | 'embedded',
    closeStore: () => Promise<void> = async () => {},
  ): OpenStore => {
    const client = createDynamoDbClient(effective, credentials);
    return {
      config: effective,
      client,
      description,
      createsTable: effective.dynamodbEndpoint !== undefined,
      async close() {
        client.destroy();
        await closeStore();
      },
    };
  };
  if (config.tableName && !config.dynamodbEndpoint) {
    return opened(config, `DynamoDB table ${config.tableName} (${config.region})`, 'configured');
  }
  const local = { ...config, tableName: config.tableName ?? DEFAULT_TABLE_NAME };
  if (config.dynamodbEndpoint) {
    return opened(local, `DynamoDB endpoint ${config.dynamodbEndpoint}`, 'configured');
  }
  const { startEmbeddedDynamoDb } = await import('../adapters/dynamodb/embedded-dynamodb.ts');
  const { EmbeddedStoreLockedError } = await import('../adapters/dynamodb/embedded-store-errors.ts');
  try {
    const store = await startEmbeddedDynamoDb({ dataDir: config.dataDir, share: options.holdStore });
    return opened(
      { ...local, dynamodbEndpoint: store.endpoint },
      options.holdStore
        ? `embedded store in ${config.dataDir}, served to other commands at ${store.endpoint}`
        : `embedded store in ${config.dataDir}`,
      'embedded',
      () => store.close(),
    );
  } catch (error) {
    const holder = error instanceof EmbeddedStoreLockedError ? error.holder : undefined;
    if (!holder || options.holdStore) throw error;
    logger.info(`the embedded store is held by process ${holder.pid}: using it through ${holder.endpoint}`);
    return opened(
      { ...local, dynamodbEndpoint: holder.endpoint },
      `embedded store in ${config.dataDir}, served by process ${holder.pid} at ${holder.endpoint}`,
      'embedded',
    );
  }
}
