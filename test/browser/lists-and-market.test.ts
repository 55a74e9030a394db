import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MarketBoard, MarketMover } from '../../core/index.ts';
import { DEFAULT_MARKET_FILTERS, lastSessions, latestCompletedSession } from '../../core/index.ts';
import { CONTENT_SECURITY_POLICY } from '../../infra/web-stack.ts';
import { buildDashboard } from '../../web/build.ts';
import {
  ARTIFACTS_DIR,
  browserAvailability,
  launchChromium,
  openPage,
  scrollsSideways,
  serveWithPolicy,
  failOnce,
  firstPaintSeen,
  seedEmbeddedStore,
  seriousAxeViolations,
  serveEnvironment,
  watchFirstPaint,
} from '../support/browser.ts';
import { startServe, type ServeProcess } from '../support/cli-process.ts';
import { aSessionResult } from '../support/session-result-builder.ts';

const availability = browserAvailability();

const WATCHLISTS = 'default=AAPL,MSFT,TSLA,NVDA;ev=TSLA,RIVN,LCID';

/** A board's mover: `change` percent from an open of 1,000, with a long name: the widest a phone meets. */
function mover(symbol: string, change: number, name?: string): MarketMover {
  const close = Math.round(1000 * (1 + change / 100) * 100) / 100;
  const volume = 123_456;
  return {
    symbol,
    ...(name !== undefined && { name }),
    open: 1000,
    close,
    volume,
    dollarVolume: close * volume,
    changePercent: ((close - 1000) / 1000) * 100,
  };
}

function marketBoard(date: string): MarketBoard {
  const names = ['Zenith Quantum Propulsion Holdings Incorporated', undefined];
  return {
    date,
    gainers: Array.from({ length: 10 }, (_, index) =>
      mover(`UP${String.fromCharCode(65 + index)}`, 40 - index * 3, names[index % 2]),
    ),
    losers: Array.from({ length: 10 }, (_, index) =>
      mover(`DN${String.fromCharCode(65 + index)}`, -(30 - index * 2), names[index % 2]),
    ),
    universeSize: 3412,
    filters: DEFAULT_MARKET_FILTERS,
    basis: 'open-to-close',
    source: 'simulated',
    computedAt: `${date}T21:30:00.000Z`,
  };
}

describe.skipIf(!availability.run)('list picker and market view in headless Chromium', () => {
  let browser: Browser;
  let serve: ServeProcess;
  let dataDir: string;
  /** The 7-session window, newest first. */
  let sessions: string[];

  beforeAll(async () => {
    browser = await launchChromium();
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    await buildDashboard();
    sessions = lastSessions(7, latestCompletedSession(new Date()));
    const [newest, previous] = sessions as [string, string];
    dataDir = mkdtempSync(join(tmpdir(), 'dashboard-lists-'));
    await seedEmbeddedStore(
      dataDir,
      [
        aSessionResult()
          .on(newest)
          .withMoves([
            { symbol: 'AAPL', open: 100, close: 103 },
            { symbol: 'TSLA', open: 100, close: 90 },
          ])
          .build(),
      ],
      {
        lists: new Map([
          [
            'ev',
            [
              aSessionResult()
                .on(newest)
                .withMoves([
                  { symbol: 'RIVN', open: 10, close: 12 },
                  { symbol: 'LCID', open: 5, close: 5.1 },
                ])
                .build(),
              aSessionResult()
                .on(previous)
                .withMoves([{ symbol: 'LCID', open: 4, close: 3 }])
                .build(),
            ],
          ],
        ]),
        // The third session is left unstored: the market view shows a gap for it.
        market: [marketBoard(newest), marketBoard(previous)],
      },
    );
    serve = await startServe(['--no-sync'], { ...serveEnvironment(dataDir), WATCHLISTS });
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  function open(
    path: string,
    options: BrowserContextOptions = {},
    prepare?: (page: Page) => Promise<unknown>,
  ) {
    return openPage(browser, `${serve.url}${path}`, options, prepare);
  }

  function winnerOf(page: Page, date: string) {
    return page.locator(`table.winners tr.session[data-date="${date}"] td.symbol`);
  }

  async function marketCards(page: Page): Promise<string[]> {
    await page.locator('.market-session').first().waitFor();
    return page
      .locator('.market-session')
      .evaluateAll((cards) => cards.map((card) => card.dataset.date ?? ''));
  }

  it('picks a list, keeps it in the address, and asks that list for its rankings', async () => {
    const { page, errors, close } = await open('/');
    try {
      const picker = page.getByLabel('Watchlist', { exact: true });
      await picker.waitFor();
      expect(await picker.locator('option').allInnerTexts()).toEqual([
        'default (4 tickers)',
        'ev (3 tickers)',
      ]);
      await expect.poll(() => winnerOf(page, sessions[0] as string).innerText()).toContain('TSLA');

      const asked = page.waitForResponse((response) =>
        response.url().includes('/watchlists/ev/movers?days=7'),
      );
      await picker.selectOption('ev');
      expect((await asked).status()).toBe(200);
      await expect.poll(() => winnerOf(page, sessions[0] as string).innerText()).toContain('RIVN');
      expect(new URL(page.url()).searchParams.get('list')).toBe('ev');
      expect(await page.locator('.meta').innerText()).toContain('TSLA, RIVN, LCID');

      await page.reload();
      await expect.poll(() => winnerOf(page, sessions[1] as string).innerText()).toContain('LCID');
      await expect.poll(() => picker.inputValue()).toBe('ev');
      const ranking = page.waitForResponse((response) =>
        response.url().endsWith(`/watchlists/ev/movers/${sessions[0]}`),
      );
      await page.locator(`table.winners tr.session[data-date="${sessions[0]}"] button.toggle`).click();
      expect((await ranking).status()).toBe(200);
      await page.locator('table.ranking tbody tr').first().waitFor();
      expect(await page.locator('table.ranking tbody th .ticker').allInnerTexts()).toEqual(['RIVN', 'LCID']);

      // The default list leaves the address clean, and the keyboard reaches the picker.
      await picker.focus();
      await picker.selectOption('default');
      await expect.poll(() => winnerOf(page, sessions[0] as string).innerText()).toContain('TSLA');
      expect(new URL(page.url()).search).toBe('');
      expect(await seriousAxeViolations(page)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('shows no picker when only one list is configured', async () => {
    let answered: Promise<unknown> = Promise.resolve();
    const { page, errors, close } = await open('/', {}, async (page) => {
      await page.route('**/watchlists', async (route) => {
        const response = await route.fetch();
        const body = (await response.json()) as { watchlists: { isDefault: boolean }[] };
        await route.fulfill({
          response,
          json: { watchlists: body.watchlists.filter((list) => list.isDefault) },
        });
      });
      answered = page.waitForResponse((response) => response.url().endsWith('/watchlists'));
    });
    try {
      await answered;
      await winnerOf(page, sessions[0] as string).waitFor();
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
      expect(await page.locator('.picker').isVisible()).toBe(false);
      expect(new URL(page.url()).search).toBe('');
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it("shows the market's gainers and losers side by side per session, names beside tickers, gaps shown", async () => {
    const { page, errors, close } = await open('/?list=ev');
    try {
      await page.getByRole('link', { name: 'Market' }).click();
      await page.waitForURL((url) => url.searchParams.get('view') === 'market');
      // A gap card stands for the unstored third session onward.
      expect(await marketCards(page)).toEqual([sessions[0], sessions[1], sessions[2]]);
      expect(await page.getByRole('link', { name: 'Market' }).getAttribute('aria-current')).toBe('page');
      expect(await page.locator('.picker').isVisible()).toBe(false);

      const newest = page.locator(`.market-session[data-date="${sessions[0]}"]`);
      const gainers = newest.locator('table.gainers');
      const losers = newest.locator('table.losers');
      expect(await gainers.locator('tbody tr').count()).toBe(10);
      expect(await losers.locator('tbody tr').count()).toBe(10);
      const [gainersBox, losersBox] = [await gainers.boundingBox(), await losers.boundingBox()];
      expect(gainersBox?.y).toBe(losersBox?.y);
      expect(gainersBox?.x ?? 0).toBeLessThan(losersBox?.x ?? 0);

      const top = gainers.locator('tbody tr').first();
      expect(await top.locator('.ticker').innerText()).toBe('UPA');
      expect(await top.locator('.company').innerText()).toBe(
        'Zenith Quantum Propulsion Holdings Incorporated',
      );
      expect(await top.locator('.pct').innerText()).toBe('+40.00%');
      expect(await losers.locator('tbody tr').first().locator('.pct').innerText()).toBe('\u221230.00%');
      const [upColor, downColor] = await Promise.all(
        [gainers, losers].map((table) =>
          table
            .locator('td.change')
            .first()
            .evaluate((cell) => getComputedStyle(cell).color),
        ),
      );
      expect(upColor).not.toBe(downColor);
      expect(await newest.innerText()).toContain('Chosen from 3,412 stocks');

      const meta = await page.locator('.meta').innerText();
      expect(meta).toContain('Common stock and ADRs, close at least $5.00, dollar volume at least $20M');
      expect(await page.locator('.banner').innerText()).toContain('Simulated data');
      expect(await page.locator(`.market-session.missing[data-date="${sessions[2]}"]`).innerText()).toContain(
        'No market boards stored for these 5 sessions',
      );
      await page.screenshot({ path: join(ARTIFACTS_DIR, 'market-desktop.png'), fullPage: true });

      // The window applies to the market too, and back on the board the list is the one left.
      const refetch = page.waitForResponse((response) => response.url().includes('/market/movers?days=30'));
      await page.getByRole('radio', { name: '30 days' }).click();
      expect((await refetch).status()).toBe(200);
      expect(new URL(page.url()).searchParams.get('days')).toBe('30');
      await page.getByRole('link', { name: 'Watchlist' }).click();
      await page.waitForURL((url) => url.searchParams.get('view') === null);
      expect(new URL(page.url()).searchParams.get('days')).toBe('30');
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('draws the first market board, labelled, before Alpine starts; Alpine takes it over without redrawing it', async () => {
    const { page, errors, close } = await open('/?view=market', {}, (page) =>
      watchFirstPaint(page, '.market-session', '/market/movers'),
    );
    try {
      expect(await marketCards(page)).toEqual([sessions[0], sessions[1], sessions[2]]);
      // Alpine has started once the window's choices, which only its x-for makes, are there.
      await page.getByRole('radio', { name: '30 days' }).waitFor();
      const seen = await firstPaintSeen(page);
      expect(seen.cloakedWhenFirstShown).toBeGreaterThan(0);
      expect(seen.bannerWhenFirstShown).toContain('Simulated data.');
      expect(seen.metaWhenFirstShown).toContain('Common stock and ADRs');
      expect(seen.metaWhenFirstShown).toBe(await page.locator('.meta').innerText());
      expect(seen.removedAfterFirstShown).toBe(0);
      expect(seen.hiddenAfterFirstShown).toBe(false);
      expect(seen.firstStillShown).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('fits a 360 px phone: gainers above losers, no sideways scrolling', async () => {
    const { page, errors, close } = await open('/?view=market', { viewport: { width: 360, height: 780 } });
    try {
      await marketCards(page);
      const newest = page.locator('.market-session').first();
      const [gainersBox, losersBox] = [
        await newest.locator('table.gainers').boundingBox(),
        await newest.locator('table.losers').boundingBox(),
      ];
      expect(losersBox?.y ?? 0).toBeGreaterThan((gainersBox?.y ?? 0) + (gainersBox?.height ?? 0) - 1);
      expect(await scrollsSideways(page)).toBe(false);
      // The tables fit their cards too, rather than relying on their scroll containers.
      expect(
        await page
          .locator('.market .table-scroll')
          .evaluateAll((boxes) => boxes.every((box) => box.scrollWidth <= box.clientWidth)),
      ).toBe(true);
      await page.screenshot({ path: join(ARTIFACTS_DIR, 'market-phone.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it.each(['light', 'dark'] as const)(
    'has no serious or critical axe-core violations (%s)',
    async (scheme) => {
      const { page, errors, close } = await open('/?view=market', { colorScheme: scheme });
      try {
        await marketCards(page);
        expect(await seriousAxeViolations(page)).toEqual([]);
        if (scheme === 'dark') {
          await page.screenshot({ path: join(ARTIFACTS_DIR, 'market-dark.png'), fullPage: true });
        }
        expect(errors).toEqual([]);
      } finally {
        await close();
      }
    },
  );

  it('works under the deployed Content-Security-Policy', async () => {
    const { page, errors, close } = await open('/?view=market', {}, (page) =>
      serveWithPolicy(page, `${serve.url}/?view=market`, CONTENT_SECURITY_POLICY),
    );
    try {
      expect(await marketCards(page)).toHaveLength(3);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it("shows the market's error with a retry that recovers, and says so when no board is stored", async () => {
    const { page, close } = await open('/?view=market', {}, (page) =>
      failOnce(page, '**/market/movers?days=*', 'The store is not reachable.'),
    );
    try {
      const error = page.locator('section.error');
      await error.waitFor();
      expect(await error.innerText()).toContain('The market board could not be loaded');
      expect(await error.innerText()).toContain('The store is not reachable.');
      await page.getByRole('button', { name: 'Retry' }).click();
      await marketCards(page);
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('market-heading');

      await page.route('**/market/movers?days=*', async (route) => {
        const response = await route.fetch();
        const body = (await response.json()) as { sessions: string[] };
        await route.fulfill({
          response,
          json: { ...body, data: [], count: 0, missing: body.sessions, source: null },
        });
      });
      await page.getByRole('radio', { name: '30 days' }).click();
      const empty = page.locator('section.market-empty');
      await empty.waitFor();
      expect(await empty.innerText()).toContain('No market boards are stored for the last 30 sessions');
      expect(await page.locator('.market').isVisible()).toBe(false);
    } finally {
      await close();
    }
  });
});
