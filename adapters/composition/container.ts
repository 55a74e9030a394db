import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Container, ContainerModule } from 'inversify';
import type { Clock, StockQuoteProvider, WinnerRepository } from '../../core/index.ts';
import { GetSessionResult, ListWinners, SyncWinners } from '../../core/index.ts';
import { SystemClock } from '../clock/system-clock.ts';
import type { AppConfig } from '../config/app-config.ts';
import { DEFAULT_TABLE_NAME } from '../config/app-config.ts';
import { DynamoDbWinnerRepository } from '../dynamodb/dynamodb-winner-repository.ts';
import { MoversApi } from '../http/movers-api.ts';
import { CachingWinnerRepository } from '../memory/caching-winner-repository.ts';
import { MassiveStockQuoteProvider } from '../massive/massive-stock-quote-provider.ts';
import type { AppLogger } from '../observability/app-logger.ts';
import { silentLogger } from '../observability/app-logger.ts';
import { SimulatedStockQuoteProvider } from '../simulated/simulated-stock-quote-provider.ts';
import { TOKENS } from './tokens.ts';

/** Replacements for tests and for edges that already hold an instance (the CLI's logger, a fixed clock). */
export interface ContainerOverrides {
  readonly clock?: Clock;
  readonly logger?: AppLogger;
  readonly quoteProvider?: StockQuoteProvider;
  readonly winnerRepository?: WinnerRepository;
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The DynamoDB client for the configured endpoint; local endpoints need no real credentials. */
export function createDynamoDbClient(config: AppConfig): DynamoDBClient {
  const endpoint = config.dynamodbEndpoint;
  const isLocal = endpoint !== undefined && LOCAL_HOSTS.has(new URL(endpoint).hostname);
  return new DynamoDBClient({
    region: config.region,
    ...(endpoint && { endpoint }),
    ...(isLocal && { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  });
}

function adaptersModule(config: AppConfig, overrides: ContainerOverrides): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(TOKENS.config).toConstantValue(config);
    bind(TOKENS.clock).toConstantValue(overrides.clock ?? new SystemClock());
    bind(TOKENS.logger).toConstantValue(overrides.logger ?? silentLogger);
    // Dynamic: the API function never builds a market-data provider, the sync function never serves HTTP.
    bind(TOKENS.quoteProvider)
      .toDynamicValue(
        (context) =>
          overrides.quoteProvider ??
          createQuoteProvider(config, context.get(TOKENS.clock), context.get(TOKENS.logger)),
      )
      .inSingletonScope();
    bind(TOKENS.winnerRepository)
      .toDynamicValue((context) => {
        const store =
          overrides.winnerRepository ??
          new DynamoDbWinnerRepository({
            client: createDynamoDbClient(config),
            tableName: config.tableName ?? DEFAULT_TABLE_NAME,
            watchlist: config.watchlistName,
            logger: context.get(TOKENS.logger),
          });
        return config.readCacheSeconds > 0
          ? new CachingWinnerRepository(store, context.get(TOKENS.clock), config.readCacheSeconds * 1000)
          : store;
      })
      .inSingletonScope();
  });
}

function createQuoteProvider(config: AppConfig, clock: Clock, logger: AppLogger): StockQuoteProvider {
  if (!config.massiveApiKey) return new SimulatedStockQuoteProvider({});
  return new MassiveStockQuoteProvider({
    apiKey: config.massiveApiKey,
    baseUrl: config.massiveBaseUrl,
    rateLimitPerMinute: config.rateLimitPerMinute,
    maxInFlight: config.massiveMaxInFlight,
    clock,
    logger,
  });
}

/** Core classes carry no decorators: they are built here by factories from their ports. */
const useCasesModule = new ContainerModule(({ bind }) => {
  bind(TOKENS.syncWinners)
    .toResolvedValue(
      (provider: StockQuoteProvider, repository: WinnerRepository, clock: Clock, config: AppConfig) =>
        new SyncWinners(provider, repository, clock, {
          symbols: config.watchlist,
          basis: config.basis,
          publishDelayMinutes: config.publishDelayMinutes,
        }),
      [TOKENS.quoteProvider, TOKENS.winnerRepository, TOKENS.clock, TOKENS.config],
    )
    .inSingletonScope();
  bind(TOKENS.listWinners)
    .toResolvedValue(
      (repository: WinnerRepository, clock: Clock, config: AppConfig) =>
        new ListWinners(repository, clock, config.publishDelayMinutes),
      [TOKENS.winnerRepository, TOKENS.clock, TOKENS.config],
    )
    .inSingletonScope();
  bind(TOKENS.getSessionResult)
    .toResolvedValue(
      (repository: WinnerRepository) => new GetSessionResult(repository),
      [TOKENS.winnerRepository],
    )
    .inSingletonScope();
  bind(TOKENS.moversApi)
    .toResolvedValue(
      (
        listWinners: ListWinners,
        getSessionResult: GetSessionResult,
        repository: WinnerRepository,
        clock: Clock,
        config: AppConfig,
        logger: AppLogger,
      ) => new MoversApi({ listWinners, getSessionResult, repository, clock, config, logger }),
      [
        TOKENS.listWinners,
        TOKENS.getSessionResult,
        TOKENS.winnerRepository,
        TOKENS.clock,
        TOKENS.config,
        TOKENS.logger,
      ],
    )
    .inSingletonScope();
});

/** The composition root: the only place that knows concrete classes. */
export function createContainer(config: AppConfig, overrides: ContainerOverrides = {}): Container {
  const container = new Container();
  container.load(adaptersModule(config, overrides), useCasesModule);
  return container;
}
