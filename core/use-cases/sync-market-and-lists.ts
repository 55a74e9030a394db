import type { SyncMarketBoard, SyncMarketBoardSummary } from './sync-market-board.ts';
import type { SyncRequest } from './sync-winners.ts';

/** What the market's part of a run needs from the lists' request: the same window, force, dry run and stop. */
export type MarketAndListsRequest = Pick<SyncRequest, 'window' | 'force' | 'dryRun' | 'signal'>;

/** The lists' sync (SyncWatchlists, or SyncWinners for one list): run after the market, on the same request. */
export interface ListsSync<Request extends MarketAndListsRequest, Summary> {
  execute(request: Request): Promise<Summary>;
}

/** The market's part of a run: its summary, or why it could not run at all (the lists still ran). */
export type MarketOutcome =
  | { readonly kind: 'synced'; readonly summary: SyncMarketBoardSummary }
  | { readonly kind: 'failed'; readonly error: Error }
  | { readonly kind: 'not-included' };

export interface MarketAndListsSummary<Summary> {
  readonly market: MarketOutcome;
  readonly lists: Summary;
}

/**
 * The daily sync of every list plus the market, for one grouped-daily call per session. The market goes
 * first: its grouped answer covers every US stock, so SyncMarketBoard records the tracked tickers' bars
 * in the bar archive, and the lists' sync that follows finds them there and makes no call.
 *
 * A market that cannot be synced at all (no reference data, a store error) does not stop the lists:
 * they fetch what the archive lacks themselves, and the failure is reported beside their summary.
 */
export class SyncMarketAndLists<Request extends MarketAndListsRequest, Summary> {
  constructor(
    private readonly market: SyncMarketBoard,
    private readonly lists: ListsSync<Request, Summary>,
  ) {}

  async execute(
    request: Request,
    options: { readonly includeMarket: boolean },
  ): Promise<MarketAndListsSummary<Summary>> {
    const market = options.includeMarket ? await this.syncMarket(request) : { kind: 'not-included' as const };
    return { market, lists: await this.lists.execute(request) };
  }

  private async syncMarket(request: MarketAndListsRequest): Promise<MarketOutcome> {
    try {
      const summary = await this.market.execute({
        sessions: request.window,
        force: request.force,
        dryRun: request.dryRun,
        signal: request.signal,
      });
      return { kind: 'synced', summary };
    } catch (error) {
      return { kind: 'failed', error: error instanceof Error ? error : new Error(String(error)) };
    }
  }
}
