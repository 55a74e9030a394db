import * as z from 'zod';

/**
 * The reference tickers answer (massive-api.md): one page of up to 1 000 listings and, when more
 * follow, `next_url`. Only what the market board uses is checked; `cik`, `primary_exchange` and the
 * FIGIs may be missing and are not read. Bounds keep a broken answer from filling the store: no real
 * ticker is longer than a dozen characters, no company name longer than a few hundred.
 */
export const MAX_REFERENCE_TICKER_LENGTH = 32;
export const MAX_REFERENCE_NAME_LENGTH = 500;

const referenceTickerSchema = z.object({
  ticker: z
    .string()
    .min(1)
    .max(MAX_REFERENCE_TICKER_LENGTH)
    .regex(/^[\x21-\x7e]+$/, 'ticker must be printable ASCII without spaces'),
  name: z.string().max(MAX_REFERENCE_NAME_LENGTH).optional(),
  /** A few listings carry no type: they can pass no type filter, and are kept so the count is honest. */
  type: z.string().max(MAX_REFERENCE_TICKER_LENGTH).optional(),
});

export const referenceTickersResponseSchema = z.object({
  status: z.string(),
  results: z
    .array(referenceTickerSchema)
    .nullish()
    .transform((results) => results ?? []),
  next_url: z.string().optional(),
});
export type ReferenceTickersResponse = z.infer<typeof referenceTickersResponseSchema>;
