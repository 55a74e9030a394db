import { describe, expect, it } from 'vitest';
import type { DailyBar, QuoteBatch, QuoteRequest, StockQuoteProvider } from '../../core/index.ts';
import { isTradingDay, previousSession, tradingSessions } from '../../core/index.ts';

/** What a test can see of the upstream a provider calls; absent when it calls none. */
export interface ObservedUpstream {
  /** Calls made since the provider was created. */
  calls(): number;
  /** The dates the provider asked the upstream about since it was created. */
  datesAsked(): string[];
}

export interface ProviderUnderTest {
  readonly provider: StockQuoteProvider;
  readonly upstream?: ObservedUpstream;
}

/** Returns a fresh provider (and its upstream, observed from zero); each call isolated from the others. */
export type StockQuoteProviderFactory = () => Promise<ProviderUnderTest>;

const FEW_TICKERS = ['AAPL', 'MSFT'];
const MANY_TICKERS = ['AAPL', 'MSFT', 'GOOGL', 'AMZN', 'TSLA', 'NVDA', 'META'];
/** A month with a holiday (Presidents' Day, 2025-02-17) and its weekends. */
const MONTH = tradingSessions('2025-02-01', '2025-02-28');
/** The Monday after Independence Day (a Friday): its previous session is the early close of Thursday. */
const AFTER_HOLIDAY = '2025-07-07';

function quoteRequest(
  symbols: readonly string[],
  sessions: readonly string[],
  includePreviousSession = false,
): QuoteRequest {
  return { symbols, sessions, includePreviousSession };
}

/** The requests every promise below is checked on: few tickers over many sessions, many over one. */
const REQUESTS: readonly (readonly [string, QuoteRequest])[] = [
  ['two tickers over a month', quoteRequest(FEW_TICKERS, MONTH)],
  ['two tickers over a month, with previous sessions', quoteRequest(FEW_TICKERS, MONTH, true)],
  ['seven tickers on one session', quoteRequest(MANY_TICKERS, ['2025-03-07'])],
  [
    'seven tickers after a holiday, with previous sessions',
    quoteRequest(MANY_TICKERS, [AFTER_HOLIDAY], true),
  ],
];

function allowedSessions(request: QuoteRequest): Set<string> {
  const previous = request.includePreviousSession ? request.sessions.map(previousSession) : [];
  return new Set([...request.sessions, ...previous]);
}

function sessionsBySymbol(bars: readonly DailyBar[]): Map<string, string[]> {
  const bySymbol = new Map<string, string[]>();
  for (const bar of bars) bySymbol.set(bar.symbol, [...(bySymbol.get(bar.symbol) ?? []), bar.session]);
  return bySymbol;
}

export function insaneBars(bars: readonly DailyBar[]): DailyBar[] {
  return bars.filter(
    (bar) =>
      ![bar.open, bar.high, bar.low, bar.close, bar.volume].every(Number.isFinite) ||
      !(bar.low > 0) ||
      bar.low > Math.min(bar.open, bar.close) ||
      bar.high < Math.max(bar.open, bar.close) ||
      bar.volume < 0,
  );
}

async function fetched(newProvider: StockQuoteProviderFactory, request: QuoteRequest): Promise<QuoteBatch> {
  const { provider } = await newProvider();
  return provider.fetchDailyBars(request);
}

/** The behaviour every StockQuoteProvider adapter shares. Run it from each adapter's test file. */
export function testStockQuoteProviderContract(name: string, newProvider: StockQuoteProviderFactory): void {
  describe(`StockQuoteProvider contract: ${name}`, () => {
    it('names its source', async () => {
      const { provider } = await newProvider();

      expect(['massive', 'simulated']).toContain(provider.source);
    });

    describe.each(REQUESTS)('%s', (_, request) => {
      it('returns bars only for the requested symbols and sessions (and their previous ones when asked)', async () => {
        const batch = await fetched(newProvider, request);
        const sessions = allowedSessions(request);

        expect(batch.bars.filter((bar) => !request.symbols.includes(bar.symbol))).toEqual([]);
        expect(batch.bars.filter((bar) => !sessions.has(bar.session))).toEqual([]);
      });

      it('delivers every session it does not report undelivered, for every symbol', async () => {
        const batch = await fetched(newProvider, request);
        const undelivered = new Set(batch.undelivered.map((entry) => entry.session));
        const bySymbol = sessionsBySymbol(batch.bars);

        for (const symbol of request.symbols) {
          const missing = [...allowedSessions(request)].filter(
            (session) => !undelivered.has(session) && !bySymbol.get(symbol)?.includes(session),
          );
          expect({ symbol, missing }).toEqual({ symbol, missing: [] });
        }
      });

      it('dates bars on trading sessions, ascending per symbol, with no symbol and session twice', async () => {
        const batch = await fetched(newProvider, request);

        expect(batch.bars.filter((bar) => !isTradingDay(bar.session))).toEqual([]);
        for (const [symbol, sessions] of sessionsBySymbol(batch.bars)) {
          const ascendingUnique = [...new Set(sessions)].sort();
          expect({ symbol, sessions }).toEqual({ symbol, sessions: ascendingUnique });
        }
      });

      it('sends sane prices: finite, positive, low <= open and close <= high', async () => {
        const batch = await fetched(newProvider, request);

        expect(batch.bars.length).toBeGreaterThan(0);
        expect(insaneBars(batch.bars)).toEqual([]);
      });

      it('reports each undelivered session once, typed, with its error', async () => {
        const batch = await fetched(newProvider, request);
        const sessions = batch.undelivered.map((entry) => entry.session);

        expect(new Set(sessions).size).toBe(sessions.length);
        for (const entry of batch.undelivered) {
          expect(request.sessions).toContain(entry.session);
          expect(['not-yet-available', 'failed']).toContain(entry.kind);
          expect(entry.error).toBeInstanceOf(Error);
        }
      });

      it('makes the calls it planned, and asks about trading sessions only', async () => {
        const { provider, upstream } = await newProvider();

        const plan = await provider.plan(request);
        await provider.fetchDailyBars(request);

        expect(upstream?.calls() ?? 0).toBe(plan.calls);
        expect((upstream?.datesAsked() ?? []).filter((date) => !isTradingDay(date))).toEqual([]);
      });
    });
  });
}
