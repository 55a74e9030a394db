import type { ServiceIdentifier } from 'inversify';
import type {
  BarArchive,
  Clock,
  GetMarketBoard,
  GetSessionResult,
  ListMarketBoards,
  ListWinners,
  MarketBoardRepository,
  MarketDataProvider,
  StockQuoteProvider,
  SyncMarketAndLists,
  SyncMarketBoard,
  SyncRequest,
  SyncWatchlistsSummary,
  SyncWinners,
  TickerReferenceCache,
  WinnerRepository,
} from '../../core/index.ts';
import type { AppConfig } from '../config/app-config.ts';
import type { MoversApi } from '../http/movers-api.ts';
import type { ResponseCache } from '../http/response-cache.ts';
import type { CachedTickerNames } from '../memory/cached-ticker-names.ts';
import type { AppLogger } from '../observability/app-logger.ts';

/** The daily sync: the market, then every list (SyncWatchlists), from one grouped-daily call per session. */
export type DailySync = SyncMarketAndLists<SyncRequest, SyncWatchlistsSummary>;

/** Every service the container knows, in one place. */
export const TOKENS = {
  config: Symbol.for('AppConfig') as ServiceIdentifier<AppConfig>,
  clock: Symbol.for('Clock') as ServiceIdentifier<Clock>,
  logger: Symbol.for('AppLogger') as ServiceIdentifier<AppLogger>,
  quoteProvider: Symbol.for('StockQuoteProvider') as ServiceIdentifier<StockQuoteProvider>,
  winnerRepository: Symbol.for('WinnerRepository') as ServiceIdentifier<WinnerRepository>,
  syncWinners: Symbol.for('SyncWinners') as ServiceIdentifier<SyncWinners>,
  listWinners: Symbol.for('ListWinners') as ServiceIdentifier<ListWinners>,
  getSessionResult: Symbol.for('GetSessionResult') as ServiceIdentifier<GetSessionResult>,
  moversApi: Symbol.for('MoversApi') as ServiceIdentifier<MoversApi>,
  responseCache: Symbol.for('ResponseCache') as ServiceIdentifier<ResponseCache>,
  // The market board (issue 14).
  barArchive: Symbol.for('BarArchive') as ServiceIdentifier<BarArchive>,
  marketDataProvider: Symbol.for('MarketDataProvider') as ServiceIdentifier<MarketDataProvider>,
  marketBoardRepository: Symbol.for('MarketBoardRepository') as ServiceIdentifier<MarketBoardRepository>,
  tickerReferenceCache: Symbol.for('TickerReferenceCache') as ServiceIdentifier<TickerReferenceCache>,
  tickerNames: Symbol.for('CachedTickerNames') as ServiceIdentifier<CachedTickerNames>,
  syncMarketBoard: Symbol.for('SyncMarketBoard') as ServiceIdentifier<SyncMarketBoard>,
  listMarketBoards: Symbol.for('ListMarketBoards') as ServiceIdentifier<ListMarketBoards>,
  getMarketBoard: Symbol.for('GetMarketBoard') as ServiceIdentifier<GetMarketBoard>,
  dailySync: Symbol.for('DailySync') as ServiceIdentifier<DailySync>,
} as const;
