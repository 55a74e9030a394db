import * as z from 'zod';
import type { DataSource, SessionResult, UnreadableSession, WinnerRow } from '../../core/index.ts';
import { BASES } from '../../core/index.ts';
import { CorruptWinnerItemError, UnstorableSessionResultError } from './dynamodb-errors.ts';
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

/** The item for `result`; throws UnstorableSessionResultError, before anything is sent, if a number cannot be stored. */
export function toWinnerItem(result: SessionResult, watchlist: string, writtenAt: Date): WinnerItem {
  const unstorable = unstorableNumbers(result, '');
  if (unstorable.length > 0) throw new UnstorableSessionResultError(result.date, unstorable);
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

const winnerRowSchema = winnerItemSchema.pick({ sk: true, winner: true, basis: true, source: true });

/** Reads an item back into a SessionResult, or throws CorruptWinnerItemError saying what is wrong. */
export function fromWinnerItem(item: Record<string, unknown>, tableName: string): SessionResult {
  const parsed = winnerItemSchema.safeParse(item);
  if (!parsed.success) {
    throw new CorruptWinnerItemError(tableName, { pk: item.pk, sk: item.sk }, problemsOf(parsed.error));
  }
  const { sk, ...rest } = parsed.data;
  return { date: sk, ...rest };
}

/**
 * Reads the winner attributes of an item (an entry of the winner-rows index, or an item read with
 * those attributes projected) into a WinnerRow, or says why it cannot: one damaged session is
 * reported by the list that meets it, never fatal to it.
 */
export function toWinnerRow(
  item: Record<string, unknown>,
): { row: WinnerRow } | { unreadable: UnreadableSession } {
  const parsed = winnerRowSchema.safeParse(item);
  if (!parsed.success) {
    return { unreadable: { date: String(item.sk), reason: problemsOf(parsed.error).join('; ') } };
  }
  const { sk, winner, basis, source } = parsed.data;
  return { row: { date: sk, winner, basis, source } };
}

export function problemsOf(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.') || 'item'}: ${issue.message}`);
}

/**
 * DynamoDB stores numbers from 1e-130 to 9.9e125 in magnitude, and the document client refuses to
 * marshal a JavaScript number beyond +-2^53 (it would lose precision), failing the whole request with
 * a message that names neither the item nor the session. No price or percent change is that large or
 * that small, so such a number is a defect upstream: found here, it is named with its session instead.
 */
export function unstorableNumbers(value: unknown, path: string): string[] {
  if (typeof value === 'number') {
    const magnitude = Math.abs(value);
    const storable =
      Number.isFinite(value) &&
      magnitude <= Number.MAX_SAFE_INTEGER &&
      (magnitude === 0 || magnitude >= 1e-130);
    return storable ? [] : [`${path || 'value'} = ${value}`];
  }
  if (Array.isArray(value))
    return value.flatMap((entry, index) => unstorableNumbers(entry, `${path}[${index}]`));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([name, entry]) =>
      unstorableNumbers(entry, path ? `${path}.${name}` : name),
    );
  }
  return [];
}

/** The sort key of a keys-only item, checked like any other read. */
export function sessionDateOf(item: Record<string, unknown>, tableName: string): string {
  const sk = item.sk;
  if (typeof sk === 'string' && SESSION_DATE.test(sk)) return sk;
  throw new CorruptWinnerItemError(tableName, { pk: item.pk, sk }, ['sk: must be a YYYY-MM-DD session date']);
}
