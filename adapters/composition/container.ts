import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Container, ContainerModule, type Bind } from 'inversify';
import type {
  BarArchive,
  Clock,
  MarketBoardRepository,
  MarketDataProvider,
  StockQuoteProvider,
  TickerReferenceCache,
  WinnerRepository,
} from '../../core/index.ts';
import {
  GetMarketBoard,
  GetSessionResult,
  ListMarketBoards,
  ListWinners,
  SyncMarketAndLists,
  SyncMarketBoard,
  SyncWatchlists,
  SyncWinners,
} from '../../core/index.ts';
import { SystemClock } from '../clock/system-clock.ts';
import { marketFiltersOf, type AppConfig } from '../config/app-config.ts';
import { DynamoDbBarArchive } from '../dynamodb/dynamodb-bar-archive.ts';
import {
  DynamoDbMarketBoardRepository,
  DynamoDbTickerReferenceCache,
} from '../dynamodb/dynamodb-market-board-repository.ts';
import { DynamoDbWinnerRepository } from '../dynamodb/dynamodb-winner-repository.ts';
import { openRemoteStoreClient } from '../dynamodb/dynamodb-client.ts';
import { MoversApi } from '../http/movers-api.ts';
import { ResponseCache } from '../http/response-cache.ts';
import { CachedTickerNames } from '../memory/cached-ticker-names.ts';
import { InMemoryBarArchive } from '../memory/in-memory-bar-archive.ts';
import {
  InMemoryMarketBoardRepository,
  InMemoryTickerReferenceCache,
} from '../memory/in-memory-market-board-repository.ts';
import { WriteNotifyingMarketBoardRepository } from '../memory/write-notifying-market-board-repository.ts';
import { WriteNotifyingWinnerRepository } from '../memory/write-notifying-winner-repository.ts';
import { MassiveMarketDataProvider } from '../massive/massive-market-data-provider.ts';
import { MassiveStockQuoteProvider } from '../massive/massive-stock-quote-provider.ts';
import type { AppLogger } from '../observability/app-logger.ts';
import { silentLogger } from '../observability/app-logger.ts';
import { SimulatedMarketDataProvider } from '../simulated/simulated-market-data-provider.ts';
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
  // The market board (issue 14). A test that gives `winnerRepository` gets in-memory market stores and
  // bar archive unless it gives its own: it has no DynamoDB client for them.
  readonly marketDataProvider?: MarketDataProvider;
  readonly marketBoardRepository?: MarketBoardRepository;
  readonly tickerReferenceCache?: TickerReferenceCache;
  readonly barArchive?: BarArchive;
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
    marketAdapters(config, overrides, bind);
  });
}

/** The market board's adapters (issue 14): its provider, its stores, the bar archive and the names. */
function marketAdapters(config: AppConfig, overrides: ContainerOverrides, bind: Bind): void {
  const inMemory = overrides.winnerRepository !== undefined && overrides.dynamoDbClient === undefined;
  const table = () => ({
    client: overrides.dynamoDbClient ?? openRemoteStoreClient(config.store),
    tableName: config.store.tableName,
  });
  bind(TOKENS.marketDataProvider)
    .toDynamicValue(
      (context) =>
        overrides.marketDataProvider ??
        (config.massiveApiKey
          ? new MassiveMarketDataProvider({
              apiKey: config.massiveApiKey,
              baseUrl: config.massiveBaseUrl,
              rateLimitPerMinute: config.rateLimitPerMinute,
              clock: context.get(TOKENS.clock),
              logger: context.get(TOKENS.logger),
            })
          : new SimulatedMarketDataProvider()),
    )
    .inSingletonScope();
  bind(TOKENS.marketBoardRepository)
    .toDynamicValue((context) => {
      const store =
        overrides.marketBoardRepository ??
        (inMemory
          ? new InMemoryMarketBoardRepository()
          : new DynamoDbMarketBoardRepository({ ...table(), logger: context.get(TOKENS.logger) }));
      const cache = context.get(TOKENS.responseCache);
      return new WriteNotifyingMarketBoardRepository(store, () => cache.clear());
    })
    .inSingletonScope();
  bind(TOKENS.tickerReferenceCache)
    .toDynamicValue(
      (context) =>
        overrides.tickerReferenceCache ??
        (inMemory
          ? new InMemoryTickerReferenceCache()
          : new DynamoDbTickerReferenceCache({ ...table(), logger: context.get(TOKENS.logger) })),
    )
    .inSingletonScope();
  bind(TOKENS.barArchive)
    .toDynamicValue(
      () => overrides.barArchive ?? (inMemory ? new InMemoryBarArchive() : new DynamoDbBarArchive(table())),
    )
    .inSingletonScope();
  bind(TOKENS.tickerNames)
    .toDynamicValue(
      (context) => new CachedTickerNames(context.get(TOKENS.tickerReferenceCache), context.get(TOKENS.clock)),
    )
    .inSingletonScope();
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
        listBoards: ListMarketBoards,
        getBoard: GetMarketBoard,
        names: CachedTickerNames,
      ) =>
        new MoversApi({
          listWinners,
          getSessionResult,
          repository,
          cache,
          clock,
          config,
          logger,
          market: { listBoards, getBoard, filters: marketFiltersOf(config) },
          names: () => names.names(),
        }),
      [
        TOKENS.listWinners,
        TOKENS.getSessionResult,
        TOKENS.winnerRepository,
        TOKENS.responseCache,
        TOKENS.clock,
        TOKENS.config,
        TOKENS.logger,
        TOKENS.listMarketBoards,
        TOKENS.getMarketBoard,
        TOKENS.tickerNames,
      ],
    )
    .inSingletonScope();
  marketUseCases(bind);
});

/** The market board's use cases (issue 14) and the daily sync of the market plus the lists. */
function marketUseCases(bind: Bind): void {
  bind(TOKENS.syncMarketBoard)
    .toResolvedValue(
      (
        provider: MarketDataProvider,
        boards: MarketBoardRepository,
        referenceCache: TickerReferenceCache,
        archive: BarArchive,
        clock: Clock,
        config: AppConfig,
      ) =>
        new SyncMarketBoard(provider, boards, referenceCache, clock, marketFiltersOf(config), {
          publishDelayMinutes: config.publishDelayMinutes,
          tracked: { archive, tickers: trackedTickers(config) },
        }),
      [
        TOKENS.marketDataProvider,
        TOKENS.marketBoardRepository,
        TOKENS.tickerReferenceCache,
        TOKENS.barArchive,
        TOKENS.clock,
        TOKENS.config,
      ],
    )
    .inSingletonScope();
  bind(TOKENS.listMarketBoards)
    .toResolvedValue(
      (boards: MarketBoardRepository, clock: Clock, config: AppConfig) =>
        new ListMarketBoards(boards, clock, config.publishDelayMinutes),
      [TOKENS.marketBoardRepository, TOKENS.clock, TOKENS.config],
    )
    .inSingletonScope();
  bind(TOKENS.getMarketBoard)
    .toResolvedValue(
      (boards: MarketBoardRepository) => new GetMarketBoard(boards),
      [TOKENS.marketBoardRepository],
    )
    .inSingletonScope();
  bind(TOKENS.dailySync)
    .toResolvedValue(
      (
        market: SyncMarketBoard,
        provider: StockQuoteProvider,
        archive: BarArchive,
        repository: WinnerRepository,
        clock: Clock,
        config: AppConfig,
      ) => {
        // The lists read the bars the market's grouped answers archived. One list until WATCHLISTS lands.
        const lists = new SyncWatchlists(provider, archive, () => repository, clock, {
          watchlists: [{ name: config.watchlistName, symbols: config.watchlist }],
          basis: config.basis,
          publishDelayMinutes: config.publishDelayMinutes,
        });
        return new SyncMarketAndLists(market, lists);
      },
      [
        TOKENS.syncMarketBoard,
        TOKENS.quoteProvider,
        TOKENS.barArchive,
        TOKENS.winnerRepository,
        TOKENS.clock,
        TOKENS.config,
      ],
    )
    .inSingletonScope();
}

/** Every ticker a list tracks: the market sync archives their bars from each grouped answer. */
function trackedTickers(config: AppConfig): readonly string[] {
  return config.watchlist;
}

/** The composition root: the only place that knows concrete classes. */
export function createContainer(config: AppConfig, overrides: ContainerOverrides = {}): Container {
  const container = new Container();
  container.load(adaptersModule(config, overrides), useCasesModule);
  return container;
}
