import type { TickerReference } from '../../core/index.ts';
import type { MassiveReplies, Reply } from './fake-massive-replies.ts';
import { json } from './fake-massive-replies.ts';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

/**
 * The fake server's `/v3/reference/tickers`: every ticker it serves bars for, ordered by ticker, in the
 * documented row format, paged by `limit` (default 100, at most 1 000) with an opaque `cursor` in an
 * absolute `next_url` on Massive's own host (a client must re-issue it against its base URL). A ticker
 * outside the simulated universe is listed as common stock. `type` filters, as upstream.
 */
export class ReferenceTickers {
  private readonly rows: readonly Record<string, unknown>[];

  constructor(
    symbols: readonly string[],
    universe: readonly TickerReference[],
    private readonly replies: MassiveReplies,
  ) {
    const known = new Map(universe.map((listing) => [listing.symbol, listing]));
    this.rows = [...symbols].sort().map((symbol, index) => {
      const listing = known.get(symbol) ?? { symbol, name: `${symbol} Holdings Inc.`, type: 'CS' };
      const row: Record<string, unknown> = {
        ticker: listing.symbol,
        name: listing.name,
        market: 'stocks',
        locale: 'us',
        type: listing.type,
        active: true,
        currency_name: 'usd',
        last_updated_utc: '2025-01-02T00:00:00Z',
      };
      // cik, primary_exchange and composite_figi are missing on some rows upstream.
      if (index % 4 !== 0) row.primary_exchange = index % 2 === 0 ? 'XNAS' : 'XNYS';
      if (index % 5 !== 0) row.composite_figi = `BBG00${String(index).padStart(7, '0')}`;
      return row;
    });
  }

  page(query: URLSearchParams): Reply {
    const cursor = query.get('cursor');
    const params = cursor === null ? query : new URLSearchParams(Buffer.from(cursor, 'base64url').toString());
    const limit = Number(params.get('limit') ?? DEFAULT_LIMIT);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      return this.replies.error(400, `Could not parse the limit parameter: must be 1 to ${MAX_LIMIT}.`);
    }
    const offset = Number(params.get('offset') ?? 0);
    const market = params.get('market');
    const type = params.get('type');
    const matching = this.rows.filter(
      (row) => (market === null || row.market === market) && (type === null || row.type === type),
    );
    const results = matching.slice(offset, offset + limit);
    const body: Record<string, unknown> = {
      results,
      status: 'OK',
      request_id: this.replies.requestId(),
      count: results.length,
    };
    if (offset + limit < matching.length) {
      const next = new URLSearchParams({ offset: String(offset + limit), limit: String(limit) });
      if (market !== null) next.set('market', market);
      if (type !== null) next.set('type', type);
      body.next_url = `https://api.massive.com/v3/reference/tickers?cursor=${Buffer.from(next.toString()).toString('base64url')}`;
    }
    return json(200, body);
  }
}
