#!/usr/bin/env node
// Runs the compiled CLI (dist/cli, built by `npm run build` from the TypeScript in cli/, core/ and adapters/).
// A build older than any of its sources is rebuilt first, never run silently.
import { cliBuildIsFresh, loadBuildScript } from './build.js';

if (!cliBuildIsFresh()) {
  process.stderr.write('Building stocks-cli (its sources changed since dist/cli was built)…\n');
  try {
    await (await loadBuildScript()).buildCli();
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    process.stderr.write(
      `stocks-cli: the build in dist/cli is out of date and could not be rebuilt (${reason}); run npm run build.\n`,
    );
    process.exit(1);
  }
}
// Stack traces (LOG_LEVEL=debug) point into the TypeScript sources.
if (process.env.LOG_LEVEL === 'debug') process.setSourceMapsEnabled(true);
await import('../dist/cli/main.js');
