import type { ServiceIdentifier } from 'inversify';
import type {
  Clock,
  GetSessionResult,
  ListWinners,
  StockQuoteProvider,
  SyncWinners,
  WinnerRepository,
} from '../../core/index.ts';
import type { AppConfig } from '../config/app-config.ts';
import type { MoversApi } from '../http/movers-api.ts';
import type { ResponseCache } from '../http/response-cache.ts';
import type { AppLogger } from '../observability/app-logger.ts';

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
} as const;
