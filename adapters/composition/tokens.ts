import type { ServiceIdentifier } from 'inversify';
import type {
  BarArchive,
  Clock,
  GetMarketBoard,
  ListMarketBoards,
  ListWatchlists,
  MarketBoardRepository,
  MarketDataProvider,
  StockQuoteProvider,
  SyncMarketAndLists,
  SyncMarketBoard,
  SyncWatchlists,
  SyncWatchlistsRequest,
  SyncWatchlistsSummary,
  TickerReferenceCache,
  WinnerRepository,
} from '../../core/index.ts';
import type { AppConfig } from '../config/app-config.ts';
import type { MoversApi, WatchlistReaders } from '../http/movers-api.ts';
import type { ResponseCache } from '../http/response-cache.ts';
import type { CachedTickerNames } from '../memory/cached-ticker-names.ts';
import type { AppLogger } from '../observability/app-logger.ts';

/** The daily sync: the market, then every list (SyncWatchlists), from one grouped-daily call per session. */
export type DailySync = SyncMarketAndLists<SyncWatchlistsRequest, SyncWatchlistsSummary>;

/** Every service the container knows, in one place. */
export const TOKENS = {
  config: Symbol.for('AppConfig') as ServiceIdentifier<AppConfig>,
  clock: Symbol.for('Clock') as ServiceIdentifier<Clock>,
  logger: Symbol.for('AppLogger') as ServiceIdentifier<AppLogger>,
  quoteProvider: Symbol.for('StockQuoteProvider') as ServiceIdentifier<StockQuoteProvider>,
  /** The default watchlist's store. */
  winnerRepository: Symbol.for('WinnerRepository') as ServiceIdentifier<WinnerRepository>,
  moversApi: Symbol.for('MoversApi') as ServiceIdentifier<MoversApi>,
  responseCache: Symbol.for('ResponseCache') as ServiceIdentifier<ResponseCache>,
  // Watchlists (issue 14)
  barArchive: Symbol.for('BarArchive') as ServiceIdentifier<BarArchive>,
  /** Each configured list's store (`WATCHLIST#<name>`); an unknown name throws UnknownWatchlistError. */
  winnerRepositories: Symbol.for('WinnerRepositories') as ServiceIdentifier<
    (watchlist: string) => WinnerRepository
  >,
  /** Each configured list's readers; an unknown name throws UnknownWatchlistError. */
  watchlistReaders: Symbol.for('WatchlistReaders') as ServiceIdentifier<
    (watchlist: string) => WatchlistReaders
  >,
  /** Sync and backfill of every list (or one): what `sync`, `backfill`, `serve` and the sync Lambda run. */
  syncWatchlists: Symbol.for('SyncWatchlists') as ServiceIdentifier<SyncWatchlists>,
  listWatchlists: Symbol.for('ListWatchlists') as ServiceIdentifier<ListWatchlists>,
  // The market board (issue 14)
  marketDataProvider: Symbol.for('MarketDataProvider') as ServiceIdentifier<MarketDataProvider>,
  marketBoardRepository: Symbol.for('MarketBoardRepository') as ServiceIdentifier<MarketBoardRepository>,
  tickerReferenceCache: Symbol.for('TickerReferenceCache') as ServiceIdentifier<TickerReferenceCache>,
  tickerNames: Symbol.for('CachedTickerNames') as ServiceIdentifier<CachedTickerNames>,
  syncMarketBoard: Symbol.for('SyncMarketBoard') as ServiceIdentifier<SyncMarketBoard>,
  listMarketBoards: Symbol.for('ListMarketBoards') as ServiceIdentifier<ListMarketBoards>,
  getMarketBoard: Symbol.for('GetMarketBoard') as ServiceIdentifier<GetMarketBoard>,
  /** The market first, then every list (or one): what `sync`, `backfill`, `serve` and the sync Lambda run. */
  dailySync: Symbol.for('DailySync') as ServiceIdentifier<DailySync>,
} as const;
