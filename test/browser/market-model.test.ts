import { describe, expect, it } from 'vitest';
import type {
  MarketMoverRecord,
  MarketMoversResponse,
  MarketSessionRecord,
  WatchlistRecord,
} from '../../adapters/http/api-contract.ts';
import { DEFAULT_MARKET_FILTERS } from '../../core/index.ts';
import {
  filtersText,
  formatDollars,
  isMarketMoversResponse,
  marketMissingNote,
  marketSessionViews,
} from '../../web/src/market.ts';
import {
  isWatchlistsResponse,
  listChoices,
  listFromSearch,
  listParam,
  marketPath,
  moversPath,
  pageSearch,
  sessionPath,
  viewFromSearch,
} from '../../web/src/watchlists.ts';

function mover(symbol: string, changePercent: number, name?: string): MarketMoverRecord {
  return {
    symbol,
    ...(name !== undefined && { name }),
    changePercent,
    open: 10,
    close: 10 * (1 + changePercent / 100),
    volume: 5_000_000,
    dollarVolume: 50_000_000 * (1 + changePercent / 100),
  };
}

function board(date: string, source: 'simulated' | 'massive' = 'simulated'): MarketSessionRecord {
  return {
    date,
    gainers: [mover('ACME', 41.5, 'Acme Corp'), mover('BOLT', 12)],
    losers: [mover('CRSH', -30.25, 'Crash Holdings Inc')],
    universeSize: 3412,
    filters: DEFAULT_MARKET_FILTERS,
    basis: 'open-to-close',
    source,
  };
}

function market(sessions: string[], data: MarketSessionRecord[]): MarketMoversResponse {
  const stored = new Set(data.map((item) => item.date));
  return {
    range: `last_${sessions.length}_days`,
    days: sessions.length,
    count: data.length,
    data,
    missing: sessions.filter((date) => !stored.has(date)),
    unreadable: [],
    sessions,
    asOf: sessions[0] as string,
    asOfTime: `${sessions[0]}T21:00:00.000Z`,
    filters: DEFAULT_MARKET_FILTERS,
    source: 'simulated',
  };
}

const SESSIONS = ['2026-11-20', '2026-11-19', '2026-11-18', '2026-11-17'];

function list(name: string, symbols: string[], isDefault = false): WatchlistRecord {
  return { name, symbols, sessionsStored: 3, latestSession: '2026-11-20', isDefault };
}

describe('market view model', () => {
  it('shows each stored session with its gainers and losers ranked, and runs of unstored sessions as one gap', () => {
    const views = marketSessionViews(market(SESSIONS, [board('2026-11-20'), board('2026-11-17')]));
    expect(views.map((view) => [view.date, view.stored, view.gapOldestLongDate])).toEqual([
      ['2026-11-20', true, ''],
      ['2026-11-19', false, 'Wed, Nov 18, 2026'],
      ['2026-11-17', true, ''],
    ]);
    const [newest] = views;
    expect(newest?.gainers.map((row) => [row.rank, row.symbol, row.company, row.change.text])).toEqual([
      [1, 'ACME', 'Acme Corp', '+41.50%'],
      [2, 'BOLT', '', '+12.00%'],
    ]);
    expect(newest?.losers[0]).toMatchObject({
      symbol: 'CRSH',
      company: 'Crash Holdings Inc',
      change: { text: '\u221230.25%', direction: 'down' },
      close: '6.98',
      dollarVolume: '$34.9M',
    });
    expect(newest?.universe).toBe('Chosen from 3,412 stocks that passed the filters');
    expect(views[1]?.gapNote).toBe('No market boards stored for these 2 sessions');
  });

  it('marks simulated sessions only when the window mixes sources', () => {
    const mixed = { ...market(SESSIONS.slice(0, 2), [board('2026-11-20'), board('2026-11-19', 'massive')]) };
    const views = marketSessionViews({ ...mixed, source: 'mixed' });
    expect(views.map((view) => view.simulated)).toEqual([true, false]);
    expect(marketSessionViews(mixed).map((view) => view.simulated)).toEqual([false, false]);
  });

  it('states the filters and the sessions with no stored board in words', () => {
    expect(filtersText(DEFAULT_MARKET_FILTERS)).toBe(
      'Common stock and ADRs, close at least $5.00, dollar volume at least $20M',
    );
    expect(filtersText({ securityTypes: ['ETF'], minClose: 1, minDollarVolume: 1_500_000_000 })).toBe(
      'ETFs, close at least $1.00, dollar volume at least $1.5B',
    );
    expect(formatDollars(512_400)).toBe('$512.4K');
    expect(marketMissingNote(market(SESSIONS.slice(0, 2), [board('2026-11-20')]))).toBe(
      '1 session of 2 has no stored market board (Nov 19), shown as a gap below.',
    );
    expect(marketMissingNote(market(SESSIONS.slice(0, 1), [board('2026-11-20')]))).toBe('');
  });

  it('recognises a market answer and refuses a watchlist one', () => {
    expect(isMarketMoversResponse(market(SESSIONS, []))).toBe(true);
    expect(isMarketMoversResponse({ data: [], sessions: [], missing: [], asOf: '2026-11-20' })).toBe(false);
    expect(isMarketMoversResponse(null)).toBe(false);
  });
});

describe('list picker and views in the address', () => {
  it('reads the list and the view from the address, ignoring names the API could not hold', () => {
    expect(['?list=ev', '?list=EV', '?list=a/b', '', '?list='].map(listFromSearch)).toEqual([
      'ev',
      '',
      '',
      '',
      '',
    ]);
    expect(['?view=market', '?view=other', ''].map(viewFromSearch)).toEqual(['market', 'board', 'board']);
  });

  it("asks the default list's routes as before and a named list's under /watchlists", () => {
    expect(moversPath(7, '')).toBe('/movers?days=7');
    expect(moversPath(30, 'ev')).toBe('/watchlists/ev/movers?days=30');
    expect(sessionPath('2026-11-20', '')).toBe('/movers/2026-11-20');
    expect(sessionPath('2026-11-20', 'ev')).toBe('/watchlists/ev/movers/2026-11-20');
    expect(marketPath(90)).toBe('/market/movers?days=90');
  });

  it('offers every list, selects the one shown, and keeps the default list out of the address', () => {
    const lists = [list('default', ['AAPL', 'MSFT'], true), list('ev', ['TSLA'])];
    expect(listChoices(lists, '')).toEqual([
      { name: 'default', label: 'default (2 tickers)', selected: true },
      { name: 'ev', label: 'ev (1 ticker)', selected: false },
    ]);
    expect(listChoices(lists, 'ev').map((choice) => choice.selected)).toEqual([false, true]);
    expect([listParam(lists, 'default'), listParam(lists, 'ev')]).toEqual(['', 'ev']);
    expect(isWatchlistsResponse({ watchlists: lists })).toBe(true);
    expect(isWatchlistsResponse({ watchlists: [{}] })).toBe(false);
  });

  it('writes only what differs from the defaults into a view link', () => {
    expect(pageSearch({ view: 'board', list: '', days: 7, defaultDays: 7 })).toBe('');
    expect(pageSearch({ view: 'board', list: 'ev', days: 30, defaultDays: 7 })).toBe('?list=ev&days=30');
    expect(pageSearch({ view: 'market', list: 'ev', days: 7, defaultDays: 7 })).toBe('?view=market');
  });
});
