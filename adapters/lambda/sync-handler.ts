import 'reflect-metadata';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import * as z from 'zod';
import { createContainer } from '../composition/container.ts';
import { TOKENS, type DailySync } from '../composition/tokens.ts';
import { loadConfig, requireSetting } from '../config/app-config.ts';
import { SETTINGS } from '../config/settings.ts';
import { createLambdaLogger } from '../observability/logger.ts';
import {
  failureCauses,
  toMarketSyncReport,
  toSyncWatchlistsReport,
  type MarketSyncReport,
  type SyncWatchlistsReport,
} from '../reporting/sync-report.ts';

/** The run's report: every list's, and the market board's beside them (issue 14). */
export type DailySyncReport = SyncWatchlistsReport & { readonly market: MarketSyncReport };

const sessions = SETTINGS.syncSessions.range;

/** The schedule's input: optional, and extra fields (EventBridge metadata) are ignored; SYNC_SESSIONS' range. */
const scheduledEvent = z
  .object({ sessions: z.number().int().min(sessions.min).max(sessions.max).optional() })
  .loose()
  .nullish();

export class SyncFailedError extends Error {
  constructor(readonly report: DailySyncReport) {
    const failed = [...report.watchlists.flatMap((list) => list.failed), ...report.market.failed];
    const first = failed[0]?.message ?? report.market.error?.message ?? 'unknown error';
    super(`Sync failed for ${failed.length} session(s): ${first}`);
    this.name = 'SyncFailedError';
  }
}

/** How long a key read from SSM is trusted: a rotated key reaches warm functions within this time. */
export const MASSIVE_KEY_MAX_AGE_SECONDS = 15 * 60;

const logger = createLambdaLogger();
const config = loadConfig(process.env);
requireSetting(config, 'tableName');
/**
 * The key lives in SSM (SecureString), never in the environment or the template. The provider caches it
 * for MASSIVE_KEY_MAX_AGE_SECONDS and reads it again once it is older, so a rotated key reaches warm
 * functions without waiting for a cold start. A key in the environment (local runs) is fixed.
 */
const keyParameter =
  config.massiveApiKey === undefined && config.massiveApiKeyParameter
    ? { name: config.massiveApiKeyParameter, provider: new SSMProvider() }
    : undefined;

async function currentMassiveKey(): Promise<string | undefined> {
  if (!keyParameter) return config.massiveApiKey;
  return keyParameter.provider.get(keyParameter.name, { decrypt: true, maxAge: MASSIVE_KEY_MAX_AGE_SECONDS });
}

let wired: { readonly key: string | undefined; readonly dailySync: DailySync } | undefined;

/**
 * The use case wired with the current key: built at cold start, rebuilt only when the key has changed.
 * A rebuild starts a fresh rate-limit window; rotations are rare, and Massive's 429 is retried anyway.
 */
async function syncWithCurrentKey(): Promise<DailySync> {
  const key = await currentMassiveKey();
  if (wired && wired.key === key) return wired.dailySync;
  if (!key) logger.warn('No Massive API key configured: syncing SIMULATED market data');
  if (wired) logger.info('Massive API key changed in SSM: using the new one');
  const dailySync = createContainer({ ...config, massiveApiKey: key }, { logger }).get(TOKENS.dailySync);
  wired = { key, dailySync };
  return dailySync;
}

// Read at cold start too: a missing or unreadable parameter fails the initialisation with SSM's error.
await syncWithCurrentKey();

/**
 * Runs the scheduled sync of every watchlist, from one fetch. Not-yet-available data is success; a failure
 * of any list throws so retries and the DLQ see it (the retry fetches nothing the archive already holds).
 */
export async function handler(event: unknown): Promise<DailySyncReport> {
  const input = scheduledEvent.safeParse(event);
  if (!input.success) throw new Error(`Unexpected schedule input: ${input.error.issues[0]?.message}`);
  const dailySync = await syncWithCurrentKey();
  // The market first: its one grouped-daily call a session covers every list's tickers too.
  const daily = await dailySync.execute(
    { window: { sessions: input.data?.sessions ?? config.syncSessions } },
    { includeMarket: true },
  );
  const summary = daily.lists;
  const report: DailySyncReport = {
    ...toSyncWatchlistsReport(summary),
    market: toMarketSyncReport(daily.market),
  };
  const causes = [
    ...new Set(summary.watchlists.flatMap((list) => failureCauses(list.summary))),
    ...report.market.failed.map((failure) => failure.message),
    ...(report.market.error ? [report.market.error.message] : []),
  ];
  if (causes.length > 0) {
    logger.error('sync failed', { ...report, causes });
    throw new SyncFailedError(report);
  }
  logger.info('sync finished', { ...report });
  return report;
}
