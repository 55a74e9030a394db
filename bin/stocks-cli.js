#!/usr/bin/env node
// Runs the compiled CLI (dist/cli, built by `npm run build` from the TypeScript in cli/, core/ and adapters/).
// A build older than any of its sources is rebuilt first, never run silently.
import { readFileSync, statSync } from 'node:fs';

const ROOT = new URL('../', import.meta.url);
const BUILD_INFO = new URL('dist/cli/build-info.json', ROOT);

function buildIsFresh() {
  try {
    const { startedAtMs, inputs } = JSON.parse(readFileSync(BUILD_INFO, 'utf8'));
    return inputs.every((input) => statSync(new URL(input, ROOT)).mtimeMs < startedAtMs);
  } catch {
    return false; // no build yet, or a source it was built from is gone
  }
}

async function rebuild() {
  process.stderr.write('Building stocks-cli (its sources changed since dist/cli was built)…\n');
  try {
    const { loadBuildScript } = await import('./build.js');
    await (await loadBuildScript()).buildCli();
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    process.stderr.write(
      `stocks-cli: the build in dist/cli is out of date and could not be rebuilt (${reason}); run npm run build.\n`,
    );
    process.exit(1);
  }
}

if (!buildIsFresh()) await rebuild();
// Stack traces (LOG_LEVEL=debug) point into the TypeScript sources.
if (process.env.LOG_LEVEL === 'debug') process.setSourceMapsEnabled(true);
await import('../dist/cli/main.js');
