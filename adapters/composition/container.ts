import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Container, ContainerModule } from 'inversify';
import type { Clock, StockQuoteProvider, WinnerRepository } from '../../core/index.ts';
import { GetSessionResult, ListWinners, SyncWinners } from '../../core/index.ts';
import { SystemClock } from '../clock/system-clock.ts';
import type { AppConfig } from '../config/app-config.ts';
import { DynamoDbWinnerRepository } from '../dynamodb/dynamodb-winner-repository.ts';
import { openRemoteStoreClient } from '../dynamodb/dynamodb-client.ts';
import { MoversApi } from '../http/movers-api.ts';
import { ResponseCache } from '../http/response-cache.ts';
import { WriteNotifyingWinnerRepository } from '../memory/write-notifying-winner-repository.ts';
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
  /** The client of the store the CLI opened with `openWinnerStore`; the Lambda functions open theirs here. */
  readonly dynamoDbClient?: DynamoDBClient;
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
    bind(TOKENS.responseCache)
      .toDynamicValue(
        (context) =>
          new ResponseCache({
            clock: context.get(TOKENS.clock),
            ttlMs: config.readCacheSeconds * 1000,
            maxBytes: config.readCacheMaxMb * 1024 * 1024,
          }),
      )
      .inSingletonScope();
    // Every write through the container (a sync inside `serve`) drops the API's cached answers at once.
    bind(TOKENS.winnerRepository)
      .toDynamicValue((context) => {
        const store =
          overrides.winnerRepository ??
          new DynamoDbWinnerRepository({
            client: overrides.dynamoDbClient ?? openRemoteStoreClient(config.store),
            tableName: config.store.tableName,
            watchlist: config.watchlistName,
            logger: context.get(TOKENS.logger),
          });
        const cache = context.get(TOKENS.responseCache);
        return new WriteNotifyingWinnerRepository(store, () => cache.clear());
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
        cache: ResponseCache,
        clock: Clock,
        config: AppConfig,
        logger: AppLogger,
      ) => new MoversApi({ listWinners, getSessionResult, repository, cache, clock, config, logger }),
      [
        TOKENS.listWinners,
        TOKENS.getSessionResult,
        TOKENS.winnerRepository,
        TOKENS.responseCache,
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
