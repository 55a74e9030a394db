import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import type { MarketBoard, SessionResult } from '../../core/index.ts';
import { DynamoDbMarketBoardRepository } from '../../adapters/dynamodb/dynamodb-market-board-repository.ts';
import { DynamoDbWinnerRepository } from '../../adapters/dynamodb/dynamodb-winner-repository.ts';
import {
  createLocalDynamoDbClient,
  startEmbeddedDynamoDb,
} from '../../adapters/dynamodb/embedded-dynamodb.ts';
import { ensureWinnersTable } from '../../adapters/dynamodb/winners-table.ts';
import { DEFAULT_TABLE_NAME } from '../../adapters/config/app-config.ts';

/** Debian's chromium, installed by apt-get (`.ci/run` does it): a browser is never downloaded. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Browser tests and screenshots write here (git-ignored). */
export const ARTIFACTS_DIR = 'test-artifacts';

/**
 * Whether the browser tests can run. Without chromium they skip loudly, except where
 * REQUIRE_BROWSER=1 (CI): there a missing browser must fail, never pass silently.
 */
export function browserAvailability(): { readonly run: boolean; readonly reason?: string } {
  if (existsSync(CHROMIUM_PATH)) return { run: true };
  const reason = `${CHROMIUM_PATH} is missing (apt-get install chromium)`;
  if (process.env.REQUIRE_BROWSER === '1') return { run: true, reason };
  return { run: false, reason };
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `REQUIRE_BROWSER=1 but ${CHROMIUM_PATH} is missing: install it with apt-get install chromium.`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/**
 * Stores session results (the default list's, and `others` by list name) and market boards in the
 * embedded store under `dataDir`, the way `stocks-cli serve` will read them, then closes it (LevelDB
 * allows one process at a time).
 */
export async function seedEmbeddedStore(
  dataDir: string,
  results: readonly SessionResult[],
  others: { lists?: ReadonlyMap<string, readonly SessionResult[]>; market?: readonly MarketBoard[] } = {},
): Promise<void> {
  const store = await startEmbeddedDynamoDb({ dataDir });
  const client = createLocalDynamoDbClient(store.endpoint);
  try {
    await ensureWinnersTable(client, DEFAULT_TABLE_NAME);
    const lists = new Map([['default', results], ...(others.lists ?? [])]);
    for (const [watchlist, listResults] of lists) {
      const repository = new DynamoDbWinnerRepository({ client, tableName: DEFAULT_TABLE_NAME, watchlist });
      for (const result of listResults) await repository.save(result);
    }
    const boards = new DynamoDbMarketBoardRepository({ client, tableName: DEFAULT_TABLE_NAME });
    for (const board of others.market ?? []) await boards.save(board);
  } finally {
    client.destroy();
    await store.close();
  }
}

/** The environment of a `stocks-cli serve` on that store: simulated source, nothing inherited that changes it. */
export function serveEnvironment(dataDir: string): Record<string, string> {
  return {
    STOCKS_DATA_DIR: dataDir,
    NO_COLOR: '1',
    MASSIVE_API_KEY: '',
    MASSIVE_API_KEY_PARAMETER: '',
    TABLE_NAME: '',
    DYNAMODB_ENDPOINT: '',
    WATCHLIST_NAME: 'default',
    PUBLISH_DELAY_MINUTES: '0',
  };
}

/**
 * Every console error or warning and uncaught exception of the page, as text. Warnings count: Alpine
 * reports a failed expression (a typo, a CSP block) as `console.warn('Alpine Expression Error ...')`.
 */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') {
      errors.push(`console.${message.type()}: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => errors.push(`exception: ${error.message}`));
  return errors;
}

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: string[];
}

const requireHere = createRequire(import.meta.url);
let axeSource: Promise<string> | undefined;

/** Runs axe-core inside the page and returns its violations of at least `serious` impact. */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFile(requireHere.resolve('axe-core/axe.min.js'), 'utf8');
  await page.addScriptTag({ content: await axeSource });
  return page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (context: Document, options: object) => Promise<AxeResults> } }
    ).axe;
    interface AxeResults {
      violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
    }
    const results = await axe.run(document, { resultTypes: ['violations'] });
    return results.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => ({
        id: violation.id,
        impact: violation.impact,
        help: violation.help,
        targets: violation.nodes.map((node) => node.target.join(' ')),
      }));
  });
}

/**
 * Opens `url` in a new browser context (a desktop viewport unless `options` say otherwise), collecting
 * the page's errors from the start; `prepare` routes requests before the page loads.
 */
export async function openPage(
  browser: Browser,
  url: string,
  options: BrowserContextOptions = {},
  prepare: (page: Page) => Promise<unknown> = async () => undefined,
): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  const errors = collectPageErrors(page);
  await prepare(page);
  await page.goto(url);
  return { page, errors, close: () => context.close() };
}

/** Serves `url` with the deployed Content-Security-Policy header, as CloudFront does. */
export async function serveWithPolicy(page: Page, url: string, policy: string): Promise<void> {
  await page.route(url, async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': policy } });
  });
}

/** The next request matching `pattern` gets the API's 503 JSON error instead of its answer. */
export async function failOnce(page: Page, pattern: string, message: string): Promise<void> {
  await page.route(
    pattern,
    (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'UNAVAILABLE', message } }),
      }),
    { times: 1 },
  );
}

/** True when the page is wider than its viewport (sideways scrolling). */
export function scrollsSideways(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
}

/** What watchFirstPaint saw. */
export interface FirstPaintSeen {
  /** Elements still `x-cloak`ed when the first match appeared: Alpine uncloaks every one when it starts. */
  readonly cloakedWhenFirstShown: number;
  readonly bannerWhenFirstShown: string;
  readonly metaWhenFirstShown: string;
  /** The first match's distance from the page's top when it appeared, in CSS pixels. */
  readonly topWhenFirstShown: number;
  /** Matches removed from the page after the first one appeared (a redraw removes them). */
  readonly removedAfterFirstShown: number;
  /** Whether the first match was ever hidden (`display: none` on it or an ancestor) after it appeared. */
  readonly hiddenAfterFirstShown: boolean;
  /** Whether the first match is still on the page (read when firstPaintSeen is called). */
  readonly firstStillShown: boolean;
}

/**
 * Watches, from before any page script runs, the first element matching `selector` to appear: what
 * the page showed around it then, and whether it was later removed or hidden. Read with firstPaintSeen.
 * `app.js` is held until the page's first answer (`answerPath`) and config.json have arrived, so that
 * the page draws it before Alpine starts however slowly a loaded machine serves them.
 */
export async function watchFirstPaint(page: Page, selector: string, answerPath: string): Promise<void> {
  const answered = Promise.all(
    [answerPath, '/config.json'].map((path) =>
      page.waitForEvent('requestfinished', (request) => new URL(request.url()).pathname === path),
    ),
  );
  await page.route('**/app.js', async (route) => {
    await answered;
    await route.continue();
  });
  await page.addInitScript((watched) => {
    const seen = {
      cloakedWhenFirstShown: -1,
      bannerWhenFirstShown: '',
      metaWhenFirstShown: '',
      topWhenFirstShown: -1,
      removedAfterFirstShown: 0,
      hiddenAfterFirstShown: false,
      firstStillShown: false,
    };
    let first: HTMLElement | null = null;
    Object.assign(window, {
      firstPaintSeen: () => ({ ...seen, firstStillShown: Boolean(first?.isConnected) }),
    });
    new MutationObserver((records) => {
      if (first) {
        for (const record of records)
          for (const node of Array.from(record.removedNodes))
            if (node instanceof Element && node.matches(watched)) seen.removedAfterFirstShown++;
        if (first.isConnected && first.offsetParent === null) seen.hiddenAfterFirstShown = true;
        return;
      }
      first = document.querySelector<HTMLElement>(watched);
      if (!first) return;
      seen.cloakedWhenFirstShown = document.querySelectorAll('[x-cloak]').length;
      seen.bannerWhenFirstShown = document.querySelector<HTMLElement>('.banner')?.innerText ?? '';
      seen.metaWhenFirstShown = document.querySelector<HTMLElement>('.meta')?.innerText ?? '';
      seen.topWhenFirstShown = first.getBoundingClientRect().top + window.scrollY;
    }).observe(document, { subtree: true, childList: true, attributes: true });
  }, selector);
}

export function firstPaintSeen(page: Page): Promise<FirstPaintSeen> {
  return page.evaluate(() => (window as unknown as { firstPaintSeen(): FirstPaintSeen }).firstPaintSeen());
}
