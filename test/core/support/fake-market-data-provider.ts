import type {
  DailyBar,
  MarketDataProvider,
  MarketSessionBars,
  TickerReference,
} from '../../../core/index.ts';

/** A MarketDataProvider from tables a test writes, counting the calls it is asked for. */
export class FakeMarketDataProvider implements MarketDataProvider {
  readonly source = 'simulated' as const;
  readonly sessionCalls: string[] = [];
  referenceCalls = 0;
  /** Sessions answered with this instead of bars. */
  readonly undelivered = new Map<string, 'not-yet-available' | 'failed'>();
  referenceFails = false;

  constructor(
    private readonly barsOf: (session: string) => DailyBar[],
    private readonly tickers: readonly TickerReference[],
  ) {}

  async fetchSessionBars(session: string): Promise<MarketSessionBars> {
    this.sessionCalls.push(session);
    const kind = this.undelivered.get(session);
    if (kind)
      return { kind: 'undelivered', undelivered: { session, kind, error: new Error(`${kind} ${session}`) } };
    return { kind: 'delivered', bars: this.barsOf(session) };
  }

  async fetchTickerReference(): Promise<readonly TickerReference[]> {
    this.referenceCalls += 1;
    if (this.referenceFails) throw new Error('reference endpoint down');
    return this.tickers;
  }
}
