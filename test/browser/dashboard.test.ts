import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContextOptions, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastSessions, latestCompletedSession } from '../../core/index.ts';
import { CONTENT_SECURITY_POLICY } from '../../infra/web-stack.ts';
import { buildDashboard } from '../../web/build.ts';
import {
  ARTIFACTS_DIR,
  browserAvailability,
  collectPageErrors,
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
if (!availability.run) {
  console.warn(
    `\n${'!'.repeat(78)}\n!! SKIPPING the dashboard browser tests: ${availability.reason}.\n` +
      `!! They are mandatory in CI (REQUIRE_BROWSER=1).\n${'!'.repeat(78)}\n`,
  );
}

interface Seeded {
  readonly symbol: string;
  readonly text: string;
  readonly direction: 'up' | 'down';
  readonly moves: { symbol: string; open: number; close: number }[];
}

// Sessions counted back from the latest completed one: index 2 and 7 are left unstored (gaps).
const SEEDED: ReadonlyMap<number, Seeded> = new Map([
  [
    0,
    {
      symbol: 'TSLA',
      text: '\u221215.00%',
      direction: 'down',
      moves: [
        { symbol: 'AAPL', open: 100, close: 105 },
        { symbol: 'TSLA', open: 100, close: 85 },
        { symbol: 'NVDA', open: 100, close: 112 },
        { symbol: 'META', open: 100, close: 0 },
      ],
    },
  ],
  [
    1,
    {
      symbol: 'NVDA',
      text: '+12.00%',
      direction: 'up',
      moves: [
        { symbol: 'NVDA', open: 100, close: 112 },
        { symbol: 'MSFT', open: 100, close: 99 },
      ],
    },
  ],
  [
    3,
    {
      symbol: 'AAPL',
      text: '\u22125.00%',
      direction: 'down',
      moves: [{ symbol: 'AAPL', open: 200, close: 190 }],
    },
  ],
  [4, { symbol: 'TSLA', text: '+6.00%', direction: 'up', moves: [{ symbol: 'TSLA', open: 50, close: 53 }] }],
  [
    5,
    { symbol: 'MSFT', text: '+4.00%', direction: 'up', moves: [{ symbol: 'MSFT', open: 400, close: 416 }] },
  ],
  [
    6,
    {
      symbol: 'TSLA',
      text: '\u22125.00%',
      direction: 'down',
      moves: [{ symbol: 'TSLA', open: 20, close: 19 }],
    },
  ],
  [
    8,
    { symbol: 'META', text: '+10.00%', direction: 'up', moves: [{ symbol: 'META', open: 300, close: 330 }] },
  ],
]);

describe.skipIf(!availability.run)('dashboard in headless Chromium against stocks-cli serve', () => {
  let browser: Browser;
  let serve: ServeProcess;
  let emptyServe: ServeProcess;
  const dataDirs: string[] = [];
  /** Session date to what was stored for it. */
  const seededByDate = new Map<string, Seeded>();
  /** The 7-session window as the server sees it, newest first. */
  let window7: string[];

  beforeAll(async () => {
    // The browser first: without it (REQUIRE_BROWSER=1 in CI) this fails before any server starts.
    browser = await launchChromium();
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    await buildDashboard();
    const sessions = lastSessions(10, latestCompletedSession(new Date()));
    for (const [index, seeded] of SEEDED) seededByDate.set(sessions[index] as string, seeded);
    const dataDir = mkdtempSync(join(tmpdir(), 'dashboard-'));
    const emptyDir = mkdtempSync(join(tmpdir(), 'dashboard-empty-'));
    dataDirs.push(dataDir, emptyDir);
    await seedEmbeddedStore(
      dataDir,
      [...seededByDate].map(([date, seeded]) => aSessionResult().on(date).withMoves(seeded.moves).build()),
    );
    serve = await startServe(['--no-sync'], serveEnvironment(dataDir));
    emptyServe = await startServe(['--no-sync'], serveEnvironment(emptyDir));
    // Expectations follow the server's own window, so a session closing mid-run cannot break them.
    const body = (await (await fetch(`${serve.url}/movers?days=7`)).json()) as { sessions: string[] };
    window7 = body.sessions;
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([serve?.stop(), emptyServe?.stop()]);
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  function openBoard(path = '/', options: BrowserContextOptions = {}, origin = serve.url) {
    return openPage(browser, `${origin}${path}`, options);
  }

  function sessionRows(page: Page): Locator {
    return page.locator('table.winners tr.session');
  }

  async function waitForBoard(page: Page): Promise<void> {
    await sessionRows(page).first().waitFor();
  }

  /** One row per stored winner, one per run of consecutive unstored sessions (dated by its newest). */
  function expectedRowDates(sessions: readonly string[]): string[] {
    return sessions.filter((date, index) => {
      if (seededByDate.has(date)) return true;
      const newer = sessions[index - 1];
      return newer === undefined || seededByDate.has(newer);
    });
  }

  function rgb(color: string): [number, number, number] {
    const [r = 0, g = 0, b = 0] = (color.match(/\d+/g) ?? []).map(Number);
    return [r, g, b];
  }

  it('lists each session newest first: winner, signed and colored change, prices, and gaps', async () => {
    const { page, errors, close } = await openBoard();
    try {
      await waitForBoard(page);
      expect(await sessionRows(page).evaluateAll((rows) => rows.map((row) => row.dataset.date))).toEqual(
        expectedRowDates(window7),
      );
      for (const date of window7) {
        const seeded = seededByDate.get(date);
        const row = page.locator(`table.winners tr.session[data-date="${date}"]`);
        if (!seeded) continue;
        await expect.poll(() => row.locator('td.symbol .ticker').innerText()).toBe(seeded.symbol);
        const change = row.locator('td.change');
        expect(await change.locator('.pct').innerText()).toBe(seeded.text);
        expect(await change.locator('.arrow').innerText()).toBe(
          seeded.direction === 'up' ? '\u25B2' : '\u25BC',
        );
        const [red, green] = rgb(await change.evaluate((cell) => getComputedStyle(cell).color));
        if (seeded.direction === 'up') expect(green).toBeGreaterThan(red);
        else expect(red).toBeGreaterThan(green);
      }
      const newest = page.locator(`table.winners tr.session[data-date="${window7[0]}"]`);
      if (seededByDate.get(window7[0] as string)?.symbol === 'TSLA') {
        expect(await newest.locator('td.num').nth(1).innerText()).toBe('100.00');
        expect(await newest.locator('td.num').nth(2).innerText()).toBe('85.00');
      }
      const gaps = window7.filter((date) => !seededByDate.has(date));
      for (const date of gaps) {
        const gapRow = page.locator(`table.winners tr.session.missing[data-date="${date}"]`);
        expect(await gapRow.innerText()).toContain('No result stored for this session');
      }
      await expect
        .poll(() => page.locator('.missing-note').innerText())
        .toContain(`${gaps.length} session${gaps.length === 1 ? '' : 's'} of 7`);
      expect(await page.locator('.banner').isVisible()).toBe(true);
      expect(await page.locator('.banner').innerText()).toContain('Simulated data');
      expect(await page.locator('.meta').innerText()).toContain('open-to-close');

      const wins = new Map<string, number>();
      for (const date of window7) {
        const symbol = seededByDate.get(date)?.symbol;
        if (symbol) wins.set(symbol, (wins.get(symbol) ?? 0) + 1);
      }
      const tally = await page
        .locator('.tally li')
        .evaluateAll((items) => items.map((item) => item.textContent?.replace(/\s+/g, ' ').trim()));
      const [leader, leaderWins] = [...wins].sort((a, b) => b[1] - a[1])[0] ?? [];
      expect(tally[0]).toBe(`${leader} ${leaderWins} wins`);
      expect(tally).toHaveLength(wins.size);

      await page.screenshot({ path: join(ARTIFACTS_DIR, 'dashboard-desktop.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('charts one bar per session, up or down from the zero line, with a gap for unstored sessions', async () => {
    const { page, errors, close } = await openBoard();
    try {
      await waitForBoard(page);
      const bars = page.locator('.chart .bar');
      await expect.poll(() => bars.count()).toBe(window7.length);
      const zeroY = Number(await page.locator('.chart .zero-line').getAttribute('y1'));
      const drawn = await bars.evaluateAll((elements) =>
        elements.map((bar) => {
          const rect = bar.querySelector('rect') as SVGRectElement;
          return {
            date: bar.getAttribute('data-date'),
            direction: bar.getAttribute('data-direction'),
            label: bar.getAttribute('aria-label') ?? '',
            top: Number(rect.getAttribute('y')),
            bottom: Number(rect.getAttribute('y')) + Number(rect.getAttribute('height')),
          };
        }),
      );
      expect(drawn.map((bar) => bar.date)).toEqual([...window7].reverse());
      for (const bar of drawn) {
        const seeded = seededByDate.get(bar.date as string);
        expect(bar.direction).toBe(seeded?.direction ?? 'missing');
        if (seeded?.direction === 'up') expect(bar.bottom).toBeCloseTo(zeroY, 0);
        if (seeded?.direction === 'down') expect(bar.top).toBeCloseTo(zeroY, 0);
        expect(bar.label).toContain(seeded ? seeded.symbol : 'no stored result');
      }
      expect(await page.locator('.chart svg').innerHTML()).toContain('Session');
      expect(await page.locator('.chart svg').innerHTML()).toContain('Change (%)');
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('refetches when the window changes and keeps the choice in the URL', async () => {
    const { page, errors, close } = await openBoard();
    try {
      await waitForBoard(page);
      const refetch = page.waitForResponse((response) => response.url().includes('/movers?days=30'));
      await page.getByRole('radio', { name: '30 days' }).click();
      expect((await refetch).status()).toBe(200);
      await expect.poll(() => page.locator('.chart .bar').count()).toBe(30);
      expect(new URL(page.url()).searchParams.get('days')).toBe('30');
      await expect.poll(() => page.locator('input[name="days"][value="30"]').isChecked()).toBe(true);
      // A session only the longer window holds.
      const older = [...seededByDate.keys()].find((date) => !window7.includes(date)) as string;
      expect(
        await page.locator(`table.winners tr.session[data-date="${older}"] td.symbol .ticker`).innerText(),
      ).toBe('META');

      await page.reload();
      await waitForBoard(page);
      await expect.poll(() => page.locator('.chart .bar').count()).toBe(30);
      await expect.poll(() => page.locator('input[name="days"][value="30"]').isChecked()).toBe(true);

      // The radio group answers the arrow keys.
      await page.locator('input[name="days"][value="30"]').focus();
      await page.keyboard.press('ArrowLeft');
      await expect.poll(() => new URL(page.url()).searchParams.get('days')).toBe('7');
      await expect.poll(() => page.locator('.chart .bar').count()).toBe(window7.length);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it("expands a session to the whole watchlist's ranking, by mouse and keyboard", async () => {
    const { page, errors, close } = await openBoard();
    try {
      await waitForBoard(page);
      const date = [...seededByDate.keys()].find((day) => seededByDate.get(day)?.symbol === 'TSLA') as string;
      const toggle = page.locator(`table.winners tr.session[data-date="${date}"] button.toggle`);
      await expect.poll(() => toggle.getAttribute('aria-expanded')).toBe('false');
      await toggle.click();
      await expect.poll(() => toggle.getAttribute('aria-expanded')).toBe('true');
      const detail = page.locator(`#ranking-${date}`);
      const ranking = detail.locator('table.ranking tbody tr');
      await ranking.first().waitFor();
      const seeded = seededByDate.get(date) as Seeded;
      if (seeded.moves.length === 4) {
        expect(await ranking.locator('th .ticker').allInnerTexts()).toEqual(['TSLA', 'NVDA', 'AAPL']);
        expect(await ranking.locator('td.rank').allInnerTexts()).toEqual(['1', '2', '3']);
        expect(await ranking.locator('.pct').allInnerTexts()).toEqual(['\u221215.00%', '+12.00%', '+5.00%']);
        expect(await detail.locator('.excluded').innerText()).toContain('META');
      }

      await toggle.focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => toggle.getAttribute('aria-expanded')).toBe('false');
      await expect.poll(() => detail.isVisible()).toBe(false);

      const other = [...seededByDate.keys()].find((day) => day !== date && window7.includes(day)) as string;
      const otherToggle = page.locator(`table.winners tr.session[data-date="${other}"] button.toggle`);
      await otherToggle.focus();
      await page.keyboard.press('Space');
      await page.locator(`#ranking-${other} table.ranking tbody tr`).first().waitFor();
      expect(await page.locator(`#ranking-${other} table.ranking tbody th .ticker`).first().innerText()).toBe(
        seededByDate.get(other)?.symbol,
      );
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('asks for the winners without waiting for config.json, and keeps that answer on the same origin', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      const order: string[] = [];
      let release = () => {};
      const configHeld = new Promise<void>((resolve) => (release = resolve));
      await page.route('**/config.json', async (route) => {
        order.push('config asked');
        await configHeld;
        order.push('config answered');
        await route.continue();
      });
      page.on('request', (request) => {
        if (new URL(request.url()).pathname === '/movers') order.push('movers asked');
      });
      await page.goto(serve.url);
      await expect.poll(() => order.includes('movers asked')).toBe(true);
      release();
      await waitForBoard(page);

      expect(order.indexOf('movers asked')).toBeLessThan(order.indexOf('config answered'));
      expect(order.filter((step) => step === 'movers asked')).toHaveLength(1);
    } finally {
      await context.close();
    }
  });

  it('draws the first board, labelled, before Alpine starts; Alpine takes it over without redrawing or hiding it', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await watchFirstPaint(page, 'table.winners > tbody', '/movers');
      await page.goto(serve.url);
      await waitForBoard(page);
      // Alpine has started once the chart, which only the component draws, is there.
      await expect.poll(() => page.locator('.chart .bar').count()).toBe(7);

      const seen = await firstPaintSeen(page);
      expect(seen.cloakedWhenFirstShown).toBeGreaterThan(0);
      expect(seen.bannerWhenFirstShown).toContain('Simulated data.');
      // The meta above the table shows with it, so the table does not move down when Alpine starts.
      expect(seen.metaWhenFirstShown).toBe(await page.locator('.meta').innerText());
      expect(seen.metaWhenFirstShown).toContain('As of');
      // Nor do the chart and the tally beside it, drawn once Alpine has started.
      const top = await page
        .locator('table.winners > tbody')
        .first()
        .evaluate((body) => body.getBoundingClientRect().top + window.scrollY);
      expect(top).toBe(seen.topWhenFirstShown);
      expect(seen.removedAfterFirstShown).toBe(0);
      expect(seen.hiddenAfterFirstShown).toBe(false);
      expect(seen.firstStillShown).toBe(true);
      expect(await page.locator('[x-cloak]').count()).toBe(0);
      expect(await page.locator('.skeleton').isVisible()).toBe(false);
      // The adopted rows are the component's own: opening one shows its ranking.
      await page.locator('table.winners button.toggle').first().click();
      await page.locator('table.ranking tbody tr').first().waitFor();
    } finally {
      await context.close();
    }
  });

  it("asks the API that config.json names when it is not the page's origin", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      const elsewhere = `${serve.url}/elsewhere`;
      await page.route('**/config.json', (route) =>
        route.fulfill({
          contentType: 'application/json',
          body: JSON.stringify({ apiBaseUrl: `${elsewhere}/` }),
        }),
      );
      const asked: string[] = [];
      await page.route(`${elsewhere}/movers*`, async (route) => {
        asked.push(new URL(route.request().url()).pathname);
        const response = await route.fetch({ url: route.request().url().replace('/elsewhere', '') });
        await route.fulfill({ response });
      });
      await page.goto(serve.url);
      await waitForBoard(page);

      expect(asked).toEqual(['/elsewhere/movers']);
    } finally {
      await context.close();
    }
  });

  it('shows a skeleton while the API answers', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      let release = () => {};
      const gate = new Promise<void>((resolve) => (release = resolve));
      await page.route('**/movers?days=*', async (route) => {
        await gate;
        await route.continue();
      });
      await page.goto(serve.url);
      await page.locator('.skeleton').waitFor();
      expect(await page.locator('table.winners').isVisible()).toBe(false);
      release();
      await waitForBoard(page);
      await expect.poll(() => page.locator('.skeleton').isVisible()).toBe(false);
    } finally {
      await context.close();
    }
  });

  it("shows the API's error with a retry that recovers", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await failOnce(page, '**/movers?days=*', 'The store is not reachable.');
      await page.goto(serve.url);
      const error = page.locator('section.error');
      await error.waitFor();
      expect(await error.getAttribute('role')).toBe('alert');
      expect(await error.innerText()).toContain('The store is not reachable.');
      expect(await page.locator('table.winners').isVisible()).toBe(false);

      await page.getByRole('button', { name: 'Retry' }).click();
      await waitForBoard(page);
      await expect.poll(() => error.isVisible()).toBe(false);
      // Focus lands on the table's heading rather than on the vanished button.
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('winners-heading');

      await page.route('**/movers?days=*', (route) => route.abort('connectionrefused'), { times: 1 });
      await page.getByRole('radio', { name: '30 days' }).click();
      await error.waitFor();
      expect(await error.innerText()).toContain('Could not reach the API');
      await page.getByRole('button', { name: 'Retry' }).click();
      await expect.poll(() => page.locator('.chart .bar').count()).toBe(30);
    } finally {
      await context.close();
    }
  });

  it('says so when nothing is stored yet', async () => {
    const { page, errors, close } = await openBoard('/', {}, emptyServe.url);
    try {
      const empty = page.locator('section.empty');
      await empty.waitFor();
      expect(await empty.innerText()).toContain('No winners are stored for the last 7 sessions');
      expect(await page.locator('table.winners').isVisible()).toBe(false);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('fits a 360 px phone without sideways scrolling', async () => {
    const { page, errors, close } = await openBoard('/?days=30', { viewport: { width: 360, height: 780 } });
    try {
      await waitForBoard(page);
      await page.locator('table.winners button.toggle').first().click();
      await page.locator('table.ranking tbody tr').first().waitFor();
      expect(await scrollsSideways(page)).toBe(false);
      // The table fits its card too, rather than relying on its scroll container.
      expect(
        await page.locator('.table-scroll').evaluate((element) => element.scrollWidth <= element.clientWidth),
      ).toBe(true);
      await page.screenshot({ path: join(ARTIFACTS_DIR, 'dashboard-phone.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it("works under the deployed Content-Security-Policy (the web stack's header)", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    try {
      await serveWithPolicy(page, `${serve.url}/`, CONTENT_SECURITY_POLICY);
      await page.goto(`${serve.url}/`);
      await waitForBoard(page);
      await page.locator('table.winners button.toggle').first().click();
      await page.locator('table.ranking tbody tr').first().waitFor();
      expect(await page.locator('.chart .bar').count()).toBe(window7.length);
      // A blocked script, style or request shows up as a console error.
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it.each(['light', 'dark'] as const)(
    'has no serious or critical axe-core violations (%s)',
    async (scheme) => {
      const { page, errors, close } = await openBoard('/', { colorScheme: scheme });
      try {
        await waitForBoard(page);
        await page.locator('table.winners button.toggle').first().click();
        await page.locator('table.ranking tbody tr').first().waitFor();
        expect(await seriousAxeViolations(page)).toEqual([]);
        if (scheme === 'dark') {
          await page.screenshot({ path: join(ARTIFACTS_DIR, 'dashboard-dark.png'), fullPage: true });
        }
        expect(errors).toEqual([]);
      } finally {
        await close();
      }
    },
  );
});
