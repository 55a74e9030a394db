import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Container, ContainerModule, type Bind } from 'inversify';
import type {
  BarArchive,
  Clock,
  MarketBoardRepository,
  MarketDataProvider,
  StockQuoteProvider,
  TickerReferenceCache,
  Watchlist,
  WinnerRepository,
} from '../../core/index.ts';
import {
  GetMarketBoard,
  GetSessionResult,
  ListMarketBoards,
  ListWatchlists,
  ListWinners,
  SyncMarketAndLists,
  SyncMarketBoard,
  SyncWatchlists,
  UnknownWatchlistError,
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
import { MoversApi, type WatchlistReaders } from '../http/movers-api.ts';
import { ResponseCache } from '../http/response-cache.ts';
import { CachedTickerNames } from '../memory/cached-ticker-names.ts';
import { InMemoryBarArchive } from '../memory/in-memory-bar-archive.ts';
import {
  InMemoryMarketBoardRepository,
  InMemoryTickerReferenceCache,
} from '../memory/in-memory-market-board-repository.ts';
import { WriteNotifyingMarketBoardRepository } from '../memory/write-notifying-market-board-repository.ts';
import { InMemoryWinnerRepository } from '../memory/in-memory-winner-repository.ts';
import { WriteNotifyingWinnerRepository } from '../memory/write-notifying-winner-repository.ts';
import { MassiveMarketDataProvider } from '../massive/massive-market-data-provider.ts';
import type { MassiveHttpClient } from '../massive/massive-http-client.ts';
import { massiveHttpClient, MassiveStockQuoteProvider } from '../massive/massive-stock-quote-provider.ts';
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
  /** The default watchlist's store. With any store override, what is not overridden is in memory. */
  readonly winnerRepository?: WinnerRepository;
  /** Each watchlist's store, by name (tests of several lists). */
  readonly winnerRepositoryOf?: (watchlist: string) => WinnerRepository | undefined;
  readonly barArchive?: BarArchive;
  /** The client of the store the CLI opened with `openWinnerStore`; the Lambda functions open theirs here. */
  readonly dynamoDbClient?: DynamoDBClient;
  // The market board (issue 14); in memory too when a store is overridden, unless given here.
  readonly marketDataProvider?: MarketDataProvider;
  readonly marketBoardRepository?: MarketBoardRepository;
  readonly tickerReferenceCache?: TickerReferenceCache;
}

function adaptersModule(config: AppConfig, overrides: ContainerOverrides): ContainerModule {
  // One Massive HTTP client for the lists' and the market's adapters: one rate limiter paces all calls.
  let massiveHttp: MassiveHttpClient | undefined;
  const sharedMassiveHttp = (clock: Clock, logger: AppLogger): MassiveHttpClient =>
    (massiveHttp ??= massiveHttpClient(
      {
        apiKey: config.massiveApiKey,
        baseUrl: config.massiveBaseUrl,
        rateLimitPerMinute: config.rateLimitPerMinute,
        clock,
      },
      logger,
    ));
  return new ContainerModule(({ bind }) => {
    bind(TOKENS.config).toConstantValue(config);
    bind(TOKENS.clock).toConstantValue(overrides.clock ?? new SystemClock());
    bind(TOKENS.logger).toConstantValue(overrides.logger ?? silentLogger);
    // Dynamic: the API function never builds a market-data provider, the sync function never serves HTTP.
    bind(TOKENS.quoteProvider)
      .toDynamicValue(
        (context) =>
          overrides.quoteProvider ??
          createQuoteProvider(config, context.get(TOKENS.clock), context.get(TOKENS.logger), () =>
            sharedMassiveHttp(context.get(TOKENS.clock), context.get(TOKENS.logger)),
          ),
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
    // Watchlists (issue 14): one store per configured list, one bar archive, all on one DynamoDB client.
    const inMemory = overrides.winnerRepository !== undefined || overrides.winnerRepositoryOf !== undefined;
    let client: DynamoDBClient | undefined;
    const dynamoDbClient = () => (client ??= overrides.dynamoDbClient ?? openRemoteStoreClient(config.store));
    bind(TOKENS.barArchive)
      .toDynamicValue(
        () =>
          overrides.barArchive ??
          (inMemory
            ? new InMemoryBarArchive()
            : new DynamoDbBarArchive({ client: dynamoDbClient(), tableName: config.store.tableName })),
      )
      .inSingletonScope();
    // Every write through the container (a sync inside `serve`) drops the API's cached answers at once.
    bind(TOKENS.winnerRepositories)
      .toDynamicValue((context) => {
        const cache = context.get(TOKENS.responseCache);
        const logger = context.get(TOKENS.logger);
        const storeOf = (watchlist: string): WinnerRepository =>
          overrides.winnerRepositoryOf?.(watchlist) ??
          (watchlist === config.defaultWatchlist.name ? overrides.winnerRepository : undefined) ??
          (inMemory
            ? new InMemoryWinnerRepository()
            : new DynamoDbWinnerRepository({
                client: dynamoDbClient(),
                tableName: config.store.tableName,
                watchlist,
                logger,
              }));
        return configuredLists(config, (watchlist) => {
          return new WriteNotifyingWinnerRepository(storeOf(watchlist), () => cache.clear());
        });
      })
      .inSingletonScope();
    bind(TOKENS.winnerRepository)
      .toDynamicValue((context) => context.get(TOKENS.winnerRepositories)(config.defaultWatchlist.name))
      .inSingletonScope();
    marketAdapters(config, overrides, bind, inMemory, dynamoDbClient, sharedMassiveHttp);
  });
}

/** The market board's adapters (issue 14): its provider, its stores and the company names. */
function marketAdapters(
  config: AppConfig,
  overrides: ContainerOverrides,
  bind: Bind,
  inMemory: boolean,
  dynamoDbClient: () => DynamoDBClient,
  sharedMassiveHttp: (clock: Clock, logger: AppLogger) => MassiveHttpClient,
): void {
  const table = () => ({ client: dynamoDbClient(), tableName: config.store.tableName });
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
              http: sharedMassiveHttp(context.get(TOKENS.clock), context.get(TOKENS.logger)),
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
  bind(TOKENS.tickerNames)
    .toDynamicValue(
      (context) =>
        new CachedTickerNames(context.get(TOKENS.tickerReferenceCache), context.get(TOKENS.clock), (error) =>
          context.get(TOKENS.logger).warn('company names unavailable: the ticker reference cannot be read', {
            error: error instanceof Error ? error.message : String(error),
          }),
        ),
    )
    .inSingletonScope();
}

/**
 * One `make(name)` per configured list, made on first use; any other name is UnknownWatchlistError, so
 * what is kept per name stays as bounded as the configuration.
 */
function configuredLists<T>(config: AppConfig, make: (watchlist: string) => T): (watchlist: string) => T {
  const made = new Map<string, T>();
  const names = config.watchlists.map((list) => list.name);
  return (watchlist) => {
    if (!names.includes(watchlist)) throw new UnknownWatchlistError(watchlist, names);
    const existing = made.get(watchlist);
    if (existing !== undefined) return existing;
    const value = make(watchlist);
    made.set(watchlist, value);
    return value;
  };
}

function createQuoteProvider(
  config: AppConfig,
  clock: Clock,
  logger: AppLogger,
  http: () => MassiveHttpClient,
): StockQuoteProvider {
  if (!config.massiveApiKey) return new SimulatedStockQuoteProvider({});
  return new MassiveStockQuoteProvider({
    apiKey: config.massiveApiKey,
    baseUrl: config.massiveBaseUrl,
    rateLimitPerMinute: config.rateLimitPerMinute,
    maxInFlight: config.massiveMaxInFlight,
    clock,
    logger,
    http: http(),
  });
}

/** Core classes carry no decorators: they are built here by factories from their ports. */
const useCasesModule = new ContainerModule(({ bind }) => {
  // Watchlists (issue 14): the sync of every list from one fetch, and each list's readers.
  bind(TOKENS.syncWatchlists)
    .toResolvedValue(
      (
        provider: StockQuoteProvider,
        archive: BarArchive,
        repositoryOf: (watchlist: string) => WinnerRepository,
        clock: Clock,
        config: AppConfig,
        logger: AppLogger,
      ) =>
        new SyncWatchlists(provider, archive, repositoryOf, clock, {
          watchlists: config.watchlists,
          basis: config.basis,
          publishDelayMinutes: config.publishDelayMinutes,
          onUnreadable: (unreadable) =>
            logger.warn('archived bars could not be read back; fetching them again', { unreadable }),
        }),
      [
        TOKENS.quoteProvider,
        TOKENS.barArchive,
        TOKENS.winnerRepositories,
        TOKENS.clock,
        TOKENS.config,
        TOKENS.logger,
      ],
    )
    .inSingletonScope();
  bind(TOKENS.watchlistReaders)
    .toResolvedValue(
      (repositoryOf: (watchlist: string) => WinnerRepository, clock: Clock, config: AppConfig) =>
        configuredLists(config, (name): WatchlistReaders => {
          const repository = repositoryOf(name);
          return {
            watchlist: config.watchlists.find((list) => list.name === name) as Watchlist,
            listWinners: new ListWinners(repository, clock, config.publishDelayMinutes),
            getSessionResult: new GetSessionResult(repository),
          };
        }),
      [TOKENS.winnerRepositories, TOKENS.clock, TOKENS.config],
    )
    .inSingletonScope();
  bind(TOKENS.listWatchlists)
    .toResolvedValue(
      (repositoryOf: (watchlist: string) => WinnerRepository, config: AppConfig) =>
        new ListWatchlists(config.watchlists, config.defaultWatchlist.name, repositoryOf),
      [TOKENS.winnerRepositories, TOKENS.config],
    )
    .inSingletonScope();
  bind(TOKENS.moversApi)
    .toResolvedValue(
      (
        readersOf: (watchlist: string) => WatchlistReaders,
        listWatchlists: ListWatchlists,
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
          readersOf,
          listWatchlists,
          repository,
          cache,
          clock,
          config,
          logger,
          market: { listBoards, getBoard, filters: marketFiltersOf(config) },
          names: () => names.names(),
        }),
      [
        TOKENS.watchlistReaders,
        TOKENS.listWatchlists,
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

/** The market board's use cases (issue 14) and the daily sync: the market first, then every list. */
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
          // Every list's tickers: each grouped answer archives their bars, so the lists' sync costs no call.
          tracked: { archive, tickers: [...new Set(config.watchlists.flatMap((list) => list.symbols))] },
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
      (market: SyncMarketBoard, lists: SyncWatchlists) => new SyncMarketAndLists(market, lists),
      [TOKENS.syncMarketBoard, TOKENS.syncWatchlists],
    )
    .inSingletonScope();
}

/** The composition root: the only place that knows concrete classes. */
export function createContainer(config: AppConfig, overrides: ContainerOverrides = {}): Container {
  const container = new Container();
  container.load(adaptersModule(config, overrides), useCasesModule);
  return container;
}
