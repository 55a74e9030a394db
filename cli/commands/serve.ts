import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { messageOf, nextScheduledSync, type Clock, type SyncWatchlistsSummary } from '../../core/index.ts';
import { TOKENS } from '../../adapters/composition/tokens.ts';
import type { GlobalOptions, Runtime } from '../runtime.ts';

interface ServeOptions extends GlobalOptions {
  port?: string;
  sync: boolean;
}

const WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));
const MINUTE_MS = 60_000;
/** A run that failed is tried again this soon, unless the next scheduled run comes first. */
const RETRY_FAILED_MS = 30 * MINUTE_MS;

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'Serve the API and the dashboard locally, syncing at start and at the scheduled sync times (SYNC_TIMES_ET).',
    )
    .option('--port <port>', 'port to listen on, 0 = any free port (default PORT or 3000)')
    .option('--no-sync', 'serve what is stored; never call the market-data provider')
    .addHelpText('after', '\nExamples:\n  $ stocks-cli serve\n  $ stocks-cli serve --port 8080 --no-sync')
    .action(async (_options, command: Command) => {
      const options = command.optsWithGlobals<ServeOptions>();
      // Loaded here, not at start: the store, the SDK and the HTTP adapter are what `--help` must not pay for.
      const [{ configFrom, openRuntime }, { createLocalServer }] = await Promise.all([
        import('../runtime.ts'),
        import('../../adapters/http/local-server.ts'),
      ]);
      // Other commands use this process's embedded store through its endpoint while it runs.
      const runtime = await openRuntime(configFrom(options, { port: options.port }), {}, { holdStore: true });
      let server: Server;
      try {
        await ensureDashboardBuilt(runtime);
        server = createLocalServer({
          api: runtime.container.get(TOKENS.moversApi),
          staticDir: WEB_DIST,
          logger: runtime.logger,
          maxInFlight: runtime.config.serveMaxInFlight,
        });
        await listen(server, runtime.config.port);
      } catch (error) {
        await runtime.close();
        throw error;
      }
      const { port } = server.address() as AddressInfo;
      process.stdout.write(
        `Stock Winners: dashboard and API on http://localhost:${port} (${runtime.storeDescription})\n`,
      );

      const syncer = options.sync ? new PeriodicSync(runtime) : undefined;
      syncer?.start();
      const shutdown = () => {
        runtime.logger.info('shutting down');
        syncer?.stop();
        server.close(() => void runtime.close().then(() => process.exit(0)));
        server.closeAllConnections();
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    });
}

/** Listens on 127.0.0.1; a port already taken is one line naming it, not a stack trace. */
function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`port ${port} is already in use on 127.0.0.1; choose another with --port or PORT.`)
          : error,
      );
    });
    server.listen(port, '127.0.0.1', resolve);
  });
}

async function ensureDashboardBuilt(runtime: Runtime): Promise<void> {
  if (existsSync(`${WEB_DIST}/index.html`)) return;
  try {
    const { buildDashboard } = await import('../../web/build.ts');
    await buildDashboard();
  } catch (error) {
    runtime.logger.warn('the dashboard could not be built; the API still works', {
      error: messageOf(error),
      fix: 'npm run build:web',
    });
  }
}

/**
 * When the local server syncs next: at the next scheduled sync, the instant the deployed schedule runs and
 * the API's Cache-Control lifetime ends. A session not published yet waits for it too, as in AWS (the
 * 00:30 run exists for late bars). A run that failed is tried again sooner, as Lambda retries a failed sync.
 */
export function nextLocalSync(now: Date, syncTimesEt: readonly string[], failed: boolean): Date {
  const scheduled = nextScheduledSync(now, syncTimesEt);
  return failed ? new Date(Math.min(scheduled.getTime(), now.getTime() + RETRY_FAILED_MS)) : scheduled;
}

/** Syncs now, then at each scheduled sync time. */
class PeriodicSync {
  private timer: NodeJS.Timeout | undefined;
  private readonly stopSignal = { aborted: false };

  /** The container's clock, resolved once: the same time source as the sync it schedules. */
  private readonly clock: Clock;

  constructor(private readonly runtime: Runtime) {
    this.clock = runtime.container.get(TOKENS.clock);
  }

  start(): void {
    void this.run();
  }

  stop(): void {
    this.stopSignal.aborted = true;
    clearTimeout(this.timer);
  }

  /** `due`: the scheduled instant this run is for; a timer that fires a moment early must not run it twice. */
  private async run(due = 0): Promise<void> {
    const { logger, container, config } = this.runtime;
    let summary: SyncWatchlistsSummary | undefined;
    let marketFailing = false;
    try {
      // The market first (its grouped answers cover every list's tickers), then every watchlist.
      const daily = await container
        .get(TOKENS.dailySync)
        .execute(
          { window: { sessions: config.syncSessions }, signal: this.stopSignal },
          { includeMarket: true },
        );
      summary = daily.lists;
      const { failureCauses, marketFailed, toMarketSyncReport } =
        await import('../../adapters/reporting/sync-report.ts');
      const market = toMarketSyncReport(daily.market);
      marketFailing = marketFailed(market);
      logger.info('market board synced', {
        calls: market.calls,
        stored: market.stored.length,
        notYetAvailable: market.notYetAvailable.length,
        failed: market.failed.length,
      });
      if (market.error) logger.error('market board not synced', { cause: market.error.message });
      for (const { watchlist, summary: list } of summary.watchlists) {
        logger.info('sync finished', {
          watchlist,
          stored: list.stored.length,
          alreadyPresent: list.alreadyPresent.length,
          notYetAvailable: list.notYetAvailable.length,
          failed: list.failed.length,
        });
        for (const cause of failureCauses(list)) logger.error('sync failure', { watchlist, cause });
      }
      logger.info('sync calls', { callsMade: summary.callsMade });
    } catch (error) {
      logger.error('sync failed', { error: messageOf(error) });
    }
    if (this.stopSignal.aborted) return;
    const now = this.clock.now().getTime();
    const failed =
      !summary || marketFailing || summary.watchlists.some((list) => list.summary.failed.length > 0);
    const next = nextLocalSync(new Date(Math.max(now, due)), config.syncTimesEt, failed).getTime();
    logger.info('next sync', { at: new Date(next).toISOString() });
    this.timer = setTimeout(() => void this.run(next), next - now);
  }
}
