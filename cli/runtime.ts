import 'reflect-metadata';
import type { Container } from 'inversify';
import {
  createContainer,
  createDynamoDbClient,
  type ContainerOverrides,
} from '../adapters/composition/container.ts';
import {
  DEFAULT_TABLE_NAME,
  loadConfig,
  type AppConfig,
  type ConfigKey,
} from '../adapters/config/app-config.ts';
import { startEmbeddedDynamoDb } from '../adapters/dynamodb/embedded-dynamodb.ts';
import { ensureWinnersTable } from '../adapters/dynamodb/winners-table.ts';
import type { AppLogger } from '../adapters/observability/app-logger.ts';
import { createConsoleLogger } from '../adapters/observability/logger.ts';

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
  close(): Promise<void>;
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
 * the embedded store under the data directory (started in-process, table created on first use).
 */
export async function openRuntime(config: AppConfig, overrides: ContainerOverrides = {}): Promise<Runtime> {
  const logger = overrides.logger ?? createConsoleLogger();
  if (!config.massiveApiKey && !overrides.quoteProvider) {
    logger.warn(
      'No MASSIVE_API_KEY: using SIMULATED market data (not real quotes). Set MASSIVE_API_KEY for live data.',
    );
  }
  let closeStore = async () => {};
  let effective = config;
  let storeDescription: string;
  if (config.tableName && !config.dynamodbEndpoint) {
    storeDescription = `DynamoDB table ${config.tableName} (${config.region})`;
  } else {
    if (!config.dynamodbEndpoint) {
      const store = await startEmbeddedDynamoDb({ dataDir: config.dataDir });
      closeStore = () => store.close();
      effective = { ...config, dynamodbEndpoint: store.endpoint };
      storeDescription = `embedded store in ${config.dataDir}`;
    } else {
      storeDescription = `DynamoDB endpoint ${config.dynamodbEndpoint}`;
    }
    effective = { ...effective, tableName: effective.tableName ?? DEFAULT_TABLE_NAME };
    const client = createDynamoDbClient(effective);
    try {
      await ensureWinnersTable(client, effective.tableName as string);
    } finally {
      client.destroy();
    }
  }
  const container = createContainer(effective, { ...overrides, logger });
  return {
    config: effective,
    container,
    logger,
    storeDescription,
    async close() {
      await closeStore();
    },
  };
}
