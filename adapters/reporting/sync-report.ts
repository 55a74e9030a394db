import type { SyncSummary } from '../../core/index.ts';

export interface SyncReport {
  readonly from: string;
  readonly to: string;
  readonly plan: SyncSummary['plan'] | null;
  readonly stored: readonly string[];
  readonly alreadyPresent: number;
  readonly noData: readonly string[];
  readonly notYetAvailable: readonly string[];
  readonly failed: readonly { session: string; code: string; message: string }[];
  readonly skipped: readonly string[];
  readonly dryRun: boolean;
}

/** The JSON form of a sync summary, shared by the sync handler's log and result and `stocks-cli --json`. */
export function toSyncReport(summary: SyncSummary): SyncReport {
  return {
    from: summary.from,
    to: summary.to,
    plan: summary.plan ?? null,
    stored: summary.stored,
    alreadyPresent: summary.alreadyPresent.length,
    noData: summary.noData,
    notYetAvailable: summary.notYetAvailable,
    failed: summary.failed.map(({ session, error }) => ({
      session,
      code: errorCode(error),
      message: error.message,
    })),
    skipped: summary.skipped,
    dryRun: summary.dryRun,
  };
}

/** The distinct failure messages of a summary: one line per cause, not one per session. */
export function failureCauses(summary: SyncSummary): string[] {
  return [...new Set(summary.failed.map(({ error }) => error.message))];
}

function errorCode(error: Error): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : error.name;
}
