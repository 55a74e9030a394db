import * as z from 'zod';
import type { DataSource, SessionResult } from '../../core/index.ts';
import { BASES } from '../../core/index.ts';
import { CorruptWinnerItemError } from './dynamodb-errors.ts';
import { watchlistPartitionKey } from './winners-table.ts';

/**
 * One session of one watchlist as stored: the keys, the winner (also `ranking[0]`, kept apart so a
 * person reading the table sees it at a glance), the whole ranking, and when and how it was made.
 */
export interface WinnerItem {
  readonly pk: string;
  readonly sk: string;
  readonly winner: SessionResult['winner'];
  readonly ranking: SessionResult['ranking'];
  readonly excluded: SessionResult['excluded'];
  readonly basis: SessionResult['basis'];
  readonly source: SessionResult['source'];
  readonly computedAt: string;
  /** ISO 8601 instant this item was written: tells a forced rewrite from the original. */
  readonly writtenAt: string;
}

export function toWinnerItem(result: SessionResult, watchlist: string, writtenAt: Date): WinnerItem {
  return {
    pk: watchlistPartitionKey(watchlist),
    sk: result.date,
    winner: result.winner,
    ranking: result.ranking,
    excluded: result.excluded,
    basis: result.basis,
    source: result.source,
    computedAt: result.computedAt,
    writtenAt: writtenAt.toISOString(),
  };
}

const SESSION_DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATA_SOURCES = ['massive', 'simulated'] as const satisfies readonly DataSource[];

const rankedMoverSchema = z.object({
  symbol: z.string().min(1),
  open: z.number(),
  close: z.number(),
  previousClose: z.number().optional(),
  changePercent: z.number(),
});

const winnerItemSchema = z.object({
  sk: z.string().regex(SESSION_DATE, 'sk must be a YYYY-MM-DD session date'),
  winner: rankedMoverSchema,
  ranking: z.array(rankedMoverSchema).min(1),
  excluded: z.array(z.object({ symbol: z.string(), reason: z.string() })),
  basis: z.enum(BASES),
  source: z.enum(DATA_SOURCES),
  computedAt: z.string().min(1),
});

/** Reads an item back into a SessionResult, or throws CorruptWinnerItemError saying what is wrong. */
export function fromWinnerItem(item: Record<string, unknown>, tableName: string): SessionResult {
  const parsed = winnerItemSchema.safeParse(item);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || 'item'}: ${issue.message}`,
    );
    throw new CorruptWinnerItemError(tableName, { pk: item.pk, sk: item.sk }, problems);
  }
  const { sk, ...rest } = parsed.data;
  return { date: sk, ...rest };
}

/** The sort key of a keys-only item, checked like any other read. */
export function sessionDateOf(item: Record<string, unknown>, tableName: string): string {
  const sk = item.sk;
  if (typeof sk === 'string' && SESSION_DATE.test(sk)) return sk;
  throw new CorruptWinnerItemError(tableName, { pk: item.pk, sk }, ['sk: must be a YYYY-MM-DD session date']);
}
