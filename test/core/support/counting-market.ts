import { planMassiveFetch } from '../../../adapters/massive/massive-fetch-plan.ts';
import { simulatedDailyBar } from '../../../adapters/simulated/simulated-market.ts';
import type {
  DailyBar,
  FetchPlan,
  QuoteBatch,
  QuoteRequest,
  StockQuoteProvider,
  UndeliveredSession,
} from '../../../core/index.ts';
import { isTradingDay } from '../../../core/index.ts';

/**
 * A market priced like Massive (one range call per ticker or one grouped-daily call per session, the
 * fewer) that counts the calls it serves. Bars are the simulated market's, but for those overridden
 * (a split re-adjusting history) and for sessions not published yet.
 */
export class CountingMarket implements StockQuoteProvider {
  readonly source = 'massive' as const;
  calls = 0;
  readonly fetches: QuoteRequest[] = [];
  private readonly unpublished = new Set<string>();
  private readonly overrides = new Map<string, DailyBar>();

  notYetAvailable(session: string): this {
    this.unpublished.add(session);
    return this;
  }

  published(session: string): this {
    this.unpublished.delete(session);
    return this;
  }

  /** From now on the market answers `bar` for its ticker and session. */
  override(bar: DailyBar): this {
    this.overrides.set(`${bar.session}#${bar.symbol}`, bar);
    return this;
  }

  async plan(request: QuoteRequest): Promise<FetchPlan> {
    return planMassiveFetch(request);
  }

  async fetchDailyBars(request: QuoteRequest): Promise<QuoteBatch> {
    const plan = planMassiveFetch(request);
    this.calls += plan.calls;
    this.fetches.push(request);
    const bars: DailyBar[] = [];
    const undelivered: UndeliveredSession[] = [];
    for (const session of plan.neededSessions) {
      if (!isTradingDay(session)) continue;
      if (this.unpublished.has(session)) {
        if (request.sessions.includes(session)) {
          undelivered.push({
            session,
            kind: 'not-yet-available',
            error: new Error(`${session} is not published yet`),
          });
        }
        continue;
      }
      for (const symbol of plan.symbols) {
        bars.push(this.overrides.get(`${session}#${symbol}`) ?? simulatedDailyBar(symbol, session));
      }
    }
    return { bars, undelivered };
  }
}
