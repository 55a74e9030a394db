import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { createContainer } from '../../adapters/composition/container.ts';
import { TOKENS } from '../../adapters/composition/tokens.ts';
import { loadConfig } from '../../adapters/config/app-config.ts';
import { MassiveMarketDataProvider } from '../../adapters/massive/massive-market-data-provider.ts';
import { MassiveStockQuoteProvider } from '../../adapters/massive/massive-stock-quote-provider.ts';

/** The HTTP client an adapter calls through (private: its rate limiter is what this test is about). */
function clientOf(adapter: object): unknown {
  return (adapter as { http?: unknown }).http;
}

describe('composition: Massive', () => {
  it('gives the lists and the market one HTTP client, so one rate limiter paces all their calls', () => {
    const config = loadConfig({ MASSIVE_API_KEY: 'test-key-123', MASSIVE_RATE_LIMIT_PER_MINUTE: '5' });
    const container = createContainer(config);

    const quotes = container.get(TOKENS.quoteProvider);
    const market = container.get(TOKENS.marketDataProvider);

    expect(quotes).toBeInstanceOf(MassiveStockQuoteProvider);
    expect(market).toBeInstanceOf(MassiveMarketDataProvider);
    expect(clientOf(quotes)).toBeDefined();
    expect(clientOf(quotes)).toBe(clientOf(market));
  });
});
