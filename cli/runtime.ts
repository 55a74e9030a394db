import 'reflect-metadata';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Container } from 'inversify';
import type { ContainerOverrides } from '../adapters/composition/container.ts';
import { loadConfig, type AppConfig, type ConfigKey } from '../adapters/config/app-config.ts';
import { GLOBAL_FLAG_SETTINGS, optionAttribute } from '../adapters/config/settings.ts';
import type { AppLogger } from '../adapters/observability/app-logger.ts';

/** Flags every command accepts, by commander's name (`--data-dir` is `dataDir`); they override the environment. */
export interface GlobalOptions {
  readonly [attribute: string]: unknown;
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
  const flags = Object.fromEntries(GLOBAL_FLAG_SETTINGS.map((key) => [key, options[optionAttribute(key)]]));
  return loadConfig(process.env, { ...flags, ...extra });
}

/**
 * Opens what a command needs: the store the configuration selects (`openWinnerStore`) and the
 * container wired to its one client. Whatever fails after the store is open closes it again: a
 * start-up failure must end the process, not leave a server keeping it alive.
 */
export async function openRuntime(
  config: AppConfig,
  overrides: ContainerOverrides = {},
  options: RuntimeOptions = {},
): Promise<Runtime> {
  // Loaded here: the AWS SDK, dynalite and the container are what `--help` must not pay for.
  const [{ createContainer }, { createConsoleLogger }, { openWinnerStore }] = await Promise.all([
    import('../adapters/composition/container.ts'),
    import('../adapters/observability/logger.ts'),
    import('../adapters/dynamodb/open-winner-store.ts'),
  ]);
  const logger = overrides.logger ?? createConsoleLogger(config.logLevel);
  if (!config.massiveApiKey && !overrides.quoteProvider) {
    logger.warn(
      'No MASSIVE_API_KEY: using SIMULATED market data (not real quotes). Set MASSIVE_API_KEY for live data.',
    );
  }
  const store = await openWinnerStore(config.store, { logger, holdStore: options.holdStore });
  try {
    const container = createContainer(config, { ...overrides, logger, dynamoDbClient: store.client });
    return {
      config,
      container,
      logger,
      storeDescription: store.description,
      table: { client: store.client, name: store.tableName },
      close: store.close,
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
