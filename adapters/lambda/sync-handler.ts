import 'reflect-metadata';
import { getParameter } from '@aws-lambda-powertools/parameters/ssm';
import * as z from 'zod';
import { createContainer } from '../composition/container.ts';
import { TOKENS } from '../composition/tokens.ts';
import { loadConfig, requireSetting } from '../config/app-config.ts';
import { createLambdaLogger } from '../observability/logger.ts';
import { failureCauses, toSyncReport, type SyncReport } from '../reporting/sync-report.ts';

/** The schedule's input: optional, and extra fields (EventBridge metadata) are ignored. */
const scheduledEvent = z
  .object({ sessions: z.number().int().min(1).max(365).optional() })
  .loose()
  .nullish();

export class SyncFailedError extends Error {
  constructor(readonly report: SyncReport) {
    super(
      `Sync failed for ${report.failed.length} session(s): ${report.failed[0]?.message ?? 'unknown error'}`,
    );
    this.name = 'SyncFailedError';
  }
}

const logger = createLambdaLogger();
const config = loadConfig(process.env);
requireSetting(config, 'tableName');
// The key lives in SSM (SecureString), fetched once per cold start: never in the environment or the template.
const massiveApiKey =
  config.massiveApiKey ??
  (config.massiveApiKeyParameter
    ? await getParameter(config.massiveApiKeyParameter, { decrypt: true, maxAge: 900 })
    : undefined);
if (!massiveApiKey) logger.warn('No Massive API key configured: syncing SIMULATED market data');
const syncWinners = createContainer({ ...config, massiveApiKey }, { logger }).get(TOKENS.syncWinners);

/** Runs the scheduled sync. Not-yet-available data is success; a failure throws so retries and the DLQ see it. */
export async function handler(event: unknown): Promise<SyncReport> {
  const input = scheduledEvent.safeParse(event);
  if (!input.success) throw new Error(`Unexpected schedule input: ${input.error.issues[0]?.message}`);
  const summary = await syncWinners.execute({
    window: { sessions: input.data?.sessions ?? config.syncSessions },
  });
  const report = toSyncReport(summary);
  if (summary.failed.length > 0) {
    logger.error('sync failed', { ...report, causes: failureCauses(summary) });
    throw new SyncFailedError(report);
  }
  logger.info('sync finished', { ...report });
  return report;
}
