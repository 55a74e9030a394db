import * as z from 'zod';

/**
 * The open-close response (massive-api.md), for bench:backfill's baseline only: the old system's one call
 * per ticker per session. The provider never calls this endpoint, so its schema lives here.
 */
export const openCloseResponseSchema = z.object({
  status: z.string(),
  from: z.string(),
  symbol: z.string(),
  open: z.number(),
  high: z.number(),
  low: z.number(),
  close: z.number(),
  volume: z.number(),
  afterHours: z.number().optional(),
  preMarket: z.number().optional(),
});
