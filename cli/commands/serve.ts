import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import {
  latestCompletedSession,
  messageOf,
  nextSession,
  sessionCloseTime,
  type Clock,
  type SyncSummary,
} from '../../core/index.ts';
import { TOKENS } from '../../adapters/composition/tokens.ts';
import type { GlobalOptions, Runtime } from '../runtime.ts';

interface ServeOptions extends GlobalOptions {
  port?: string;
  sync: boolean;
}

const WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));
const MINUTE_MS = 60_000;
/** When the newest session is not published yet, look again this often. */
const RETRY_NOT_YET_AVAILABLE_MS = 30 * MINUTE_MS;

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Serve the API and the dashboard locally, syncing at start and after each session close.')
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

/** Syncs now, then after each session's close, and every half hour while the newest session is unpublished. */
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

  private async run(): Promise<void> {
    const { logger, container, config } = this.runtime;
    let summary: SyncSummary | undefined;
    try {
      summary = await container
        .get(TOKENS.syncWinners)
        .execute({ window: { sessions: config.syncSessions }, signal: this.stopSignal });
      logger.info('sync finished', {
        stored: summary.stored.length,
        alreadyPresent: summary.alreadyPresent.length,
        notYetAvailable: summary.notYetAvailable.length,
        failed: summary.failed.length,
      });
      const { failureCauses } = await import('../../adapters/reporting/sync-report.ts');
      for (const cause of failureCauses(summary)) logger.error('sync failure', { cause });
    } catch (error) {
      logger.error('sync failed', { error: messageOf(error) });
    }
    if (this.stopSignal.aborted) return;
    const delay = this.nextDelay(summary);
    logger.info('next sync', { at: new Date(this.now() + delay).toISOString() });
    this.timer = setTimeout(() => void this.run(), delay);
  }

  private now(): number {
    return this.clock.now().getTime();
  }

  private nextDelay(summary: SyncSummary | undefined): number {
    if (!summary || summary.notYetAvailable.length > 0 || summary.failed.length > 0)
      return RETRY_NOT_YET_AVAILABLE_MS;
    const now = this.now();
    const latest = latestCompletedSession(new Date(now), this.runtime.config.publishDelayMinutes);
    const nextClose = sessionCloseTime(nextSession(latest)).getTime();
    return Math.max(
      MINUTE_MS,
      nextClose + this.runtime.config.publishDelayMinutes * MINUTE_MS + MINUTE_MS - now,
    );
  }
}
