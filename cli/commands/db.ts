import { once } from 'node:events';
import type { Command } from 'commander';
import { SETTINGS } from '../../adapters/config/settings.ts';
import type { StoreVerification } from '../../adapters/dynamodb/embedded-store-verification.ts';
import { EXIT_FAILURE, UsageError } from '../output.ts';
import type { GlobalOptions } from '../runtime.ts';

interface DbOptions extends GlobalOptions {
  port: string;
}

export function registerDb(program: Command): void {
  const db = program
    .command('db')
    .description(
      'Run the embedded store as a standalone DynamoDB endpoint, to inspect it with any DynamoDB client; ' +
        'check it, back it up and restore it.',
    )
    .option('--port <port>', 'port to listen on', '8000')
    .addHelpText(
      'after',
      '\nExamples:\n  $ stocks-cli db --port 8000\n  $ aws dynamodb list-tables --endpoint-url http://localhost:8000\n' +
        '  $ stocks-cli winners            # while it runs, other commands use its endpoint\n' +
        '  $ stocks-cli db verify\n  $ stocks-cli db export > backup.jsonl',
    )
    .action(async (_options, command: Command) => {
      const options = command.optsWithGlobals<DbOptions>();
      const port = Number(options.port);
      if (!/^\d+$/.test(options.port) || port > 65_535) {
        throw new UsageError(`--port must be a whole number from 0 to 65535, got "${options.port}".`);
      }
      const [{ configFrom }, { openWinnerStore }, { createConsoleLogger }] = await Promise.all([
        import('../runtime.ts'),
        import('../../adapters/dynamodb/open-winner-store.ts'),
        import('../../adapters/observability/logger.ts'),
      ]);
      const config = configFrom(options);
      // Always the embedded store (it is what `db` serves), on the port asked for.
      const store = await openWinnerStore(
        { mode: 'embedded', dataDir: config.dataDir, tableName: config.store.tableName },
        { logger: createConsoleLogger(config.logLevel), holdStore: true, port },
      );
      process.stdout.write(
        `DynamoDB endpoint ${store.endpoint} (table ${store.tableName}, data in ${config.dataDir}). Ctrl-C to stop.\n`,
      );
      const shutdown = () => void store.close().then(() => process.exit(0));
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    });

  db.command('verify')
    .description(
      'Check the embedded store: files LevelDB could not read, sessions lost since it was last closed, items that cannot be decoded.',
    )
    .option(
      '--repair',
      'copy the files aside, keep what is readable, and accept the result (then refetch with backfill)',
    )
    .addHelpText('after', '\nExamples:\n  $ stocks-cli db verify\n  $ stocks-cli db verify --repair')
    .action(async (_options, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions & { repair?: boolean }>();
      const { configFrom } = await import('../runtime.ts');
      const config = configFrom(options);
      if (config.store.mode !== 'embedded') {
        throw new UsageError(
          '`db verify` checks the embedded store; unset TABLE_NAME and DYNAMODB_ENDPOINT (or --table/--endpoint).',
        );
      }
      const { verifyEmbeddedStore } = await import('../../adapters/dynamodb/embedded-store-verification.ts');
      const report = await verifyEmbeddedStore(config.dataDir, {
        repair: Boolean(options.repair),
        now: new Date(),
      });
      const { lines, damaged } = await verificationReport(report, Boolean(options.repair));
      process.stdout.write(`${lines.join('\n')}\n`);
      if (damaged) process.exitCode = EXIT_FAILURE;
    });

  db.command('export')
    .description(
      'Write every item of the store as JSON lines (DynamoDB JSON), a backup `db import` restores.',
    )
    .option('--output <file>', 'write to this file instead of stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  $ stocks-cli db export > backup.jsonl\n  $ stocks-cli db export --output backup.jsonl',
    )
    .action(async (_options, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions & { output?: string }>();
      const [{ configFrom, openRuntime }, { exportTable }, { open }] = await Promise.all([
        import('../runtime.ts'),
        import('../../adapters/dynamodb/dynamodb-table-backup.ts'),
        import('node:fs/promises'),
      ]);
      const runtime = await openRuntime(configFrom(options));
      try {
        // 'wx': a backup never overwrites a file, least of all an older backup.
        const file = options.output
          ? await open(options.output, 'wx').catch((error: NodeJS.ErrnoException) => {
              if (error.code !== 'EEXIST') throw error;
              throw new UsageError(`${options.output} already exists: an export never overwrites a file.`);
            })
          : undefined;
        try {
          const count = await exportTable(runtime.table.client, runtime.table.name, async (line) => {
            if (file) await file.write(line);
            else if (!process.stdout.write(line)) await once(process.stdout, 'drain');
          });
          process.stderr.write(`Exported ${count} items from ${runtime.storeDescription}.\n`);
        } finally {
          await file?.close();
        }
      } finally {
        await runtime.close();
      }
    });

  db.command('import')
    .description('Restore items from a `db export` file. Items already stored are kept unless --overwrite.')
    .argument('<file>', 'JSON lines written by `stocks-cli db export`')
    .option('--overwrite', "replace stored items with the backup's copy")
    .addHelpText(
      'after',
      '\nExamples:\n  $ stocks-cli db import backup.jsonl\n  $ stocks-cli db import backup.jsonl --overwrite',
    )
    .action(async (file: string, _options, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions & { overwrite?: boolean }>();
      const [{ configFrom, openRuntime }, { importItems, parseBackup }, { readFile }] = await Promise.all([
        import('../runtime.ts'),
        import('../../adapters/dynamodb/dynamodb-table-backup.ts'),
        import('node:fs/promises'),
      ]);
      const config = configFrom(options);
      const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new UsageError(
          `cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}.`,
        );
      });
      const items = parseBackup(text, file);
      const runtime = await openRuntime(config);
      try {
        const { written, skipped } = await importItems(runtime.table.client, runtime.table.name, items, {
          overwrite: Boolean(options.overwrite),
        });
        process.stdout.write(
          `Imported ${written} items into ${runtime.storeDescription}` +
            (skipped > 0 ? `; kept ${skipped} already stored (--overwrite replaces them)` : '') +
            '.\n',
        );
      } finally {
        await runtime.close();
      }
    });
}

/** The verification in words, with the commands that refetch what was lost. */
async function verificationReport(
  report: StoreVerification,
  repaired: boolean,
): Promise<{ lines: string[]; damaged: boolean }> {
  const [{ describeItems, parseItemKey }, { watchlistPartitionKey }] = await Promise.all([
    import('../../adapters/dynamodb/embedded-store-files.ts'),
    import('../../adapters/dynamodb/winners-table.ts'),
  ]);
  const affected = [...new Set([...(report.lost ?? []), ...report.unreadable])];
  const damaged = report.problems.length > 0 || affected.length > 0;
  const state = damaged ? (repaired ? 'repaired' : 'DAMAGED') : 'sound';
  const readable = report.stored.length - report.unreadable.length;
  const lines = [`Embedded store ${report.location}: ${state}, ${readable} items readable.`];
  for (const problem of report.problems) lines.push(`  - ${problem}`);
  if (report.unreadable.length > 0) lines.push(`  - cannot be decoded: ${describeItems(report.unreadable)}`);
  if (report.backup) lines.push(`The files as they were are copied to ${report.backup}.`);
  if (!damaged) return { lines, damaged };
  if (report.lost === undefined && report.stored.length === 0) {
    lines.push(
      'Sessions affected: known once it can be read. `stocks-cli db verify --repair` copies the files aside, ' +
        'rebuilds what LevelDB can, and prints the backfill that refetches the rest.',
    );
    return { lines, damaged: !repaired };
  }
  lines.push(
    report.lost === undefined
      ? 'Sessions affected: unknown (no record of a clean close to compare with); a backfill over the stored range refills any gap.'
      : `Sessions affected: ${affected.length > 0 ? describeItems(affected) : 'none'}.`,
  );
  // Without a record of the last clean close, refetch over the whole stored range: a backfill only fills gaps.
  const refetch = report.lost === undefined ? report.stored : affected;
  if (refetch.length === 0) return { lines, damaged: !repaired };
  if (!repaired)
    lines.push('Repair first (it copies the damaged files aside): stocks-cli db verify --repair');
  lines.push(`Then refetch what can still be fetched${repaired ? '' : ' after the repair'}:`);
  const watchlistOf = (key: string) => {
    const partition = parseItemKey(key)?.partition;
    const prefix = watchlistPartitionKey('');
    return partition?.startsWith(prefix) ? partition.slice(prefix.length) : undefined;
  };
  for (const command of backfillCommands(refetch, watchlistOf, parseItemKey)) lines.push(`  ${command}`);
  return { lines, damaged: !repaired };
}

/** One `stocks-cli backfill` per watchlist, over the range of its sessions to refetch. */
function backfillCommands(
  keys: readonly string[],
  watchlistOf: (key: string) => string | undefined,
  parseItemKey: (key: string) => { sort: string } | undefined,
): string[] {
  const ranges = new Map<string, string[]>();
  for (const key of keys) {
    const name = watchlistOf(key);
    const date = parseItemKey(key)?.sort;
    if (name === undefined || date === undefined) continue;
    ranges.set(name, [...(ranges.get(name) ?? []), date]);
  }
  return [...ranges].map(([name, dates]) => {
    const sorted = dates.toSorted();
    const watchlist = name === SETTINGS.watchlistName.default ? '' : ` --watchlist-name ${name}`;
    return `stocks-cli${watchlist} backfill --from ${sorted[0]} --to ${sorted.at(-1)}`;
  });
}
