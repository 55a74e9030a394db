import * as z from 'zod';

/**
 * The documented response shapes (massive-api.md). Unknown fields are accepted and dropped, because
 * Massive adds fields (`count`, `otc`, ...) without notice; what we rely on is checked strictly.
 */

const price = z.number();
/** Epoch milliseconds a Date can hold (±100 million days): anything else is not a stamp. */
const MAX_STAMP_MS = 8.64e15;

/** One aggregate bar. Volume can be fractional; `vw` and `n` are optional. */
export const aggregateBarSchema = z.object({
  o: price,
  h: price,
  l: price,
  c: price,
  v: z.number(),
  t: z.number().int().min(-MAX_STAMP_MS).max(MAX_STAMP_MS),
  vw: z.number().optional(),
  n: z.number().optional(),
});

export type AggregateBar = z.infer<typeof aggregateBarSchema>;

/** `results` may be missing (current API) or `null` (older responses) when a window holds no session. */
function optionalResults<T extends z.ZodType>(bar: T) {
  return z
    .array(bar)
    .nullish()
    .transform((results) => results ?? []);
}

export const aggregatesRangeResponseSchema = z.object({
  status: z.string(),
  ticker: z.string().optional(),
  resultsCount: z.number().optional(),
  results: optionalResults(aggregateBarSchema),
  next_url: z.string().optional(),
});
export type AggregatesRangeResponse = z.infer<typeof aggregatesRangeResponseSchema>;

export const groupedDailyResponseSchema = z.object({
  status: z.string(),
  resultsCount: z.number().optional(),
  results: optionalResults(aggregateBarSchema.extend({ T: z.string() })),
});
export type GroupedDailyResponse = z.infer<typeof groupedDailyResponseSchema>;

/** Error bodies: the text is in `error` for status ERROR, in `message` for NOT_AUTHORIZED / NOT_FOUND. */
export const errorBodySchema = z.object({
  status: z.string().optional(),
  error: z.string().optional(),
  message: z.string().optional(),
});
