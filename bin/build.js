#!/usr/bin/env node
// `npm run build` (run by `npm ci` and `npm start` too): builds the dashboard, and the CLI in dist/cli
// when one of its sources changed since its last build. The TypeScript build script (cli/build.ts) runs
// compiled by esbuild itself, which starts several times faster than a TypeScript loader.
import { readFileSync, statSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = new URL('../', import.meta.url);
/** Written by cli/build.ts: `{ startedAtMs, inputs }`, the sources (relative to the root) the build read. */
const BUILD_INFO = new URL('dist/cli/build-info.json', ROOT);

/** True when dist/cli exists and none of its sources changed after its build started. */
export function cliBuildIsFresh() {
  try {
    const { startedAtMs, inputs } = JSON.parse(readFileSync(BUILD_INFO, 'utf8'));
    return inputs.every((input) => statSync(new URL(input, ROOT)).mtimeMs < startedAtMs);
  } catch {
    return false; // no build yet, or a source it was built from is gone
  }
}

/** Each source keeps its own `import.meta.url`, so paths it finds relative to itself stay right in one bundle. */
const keepImportMetaUrl = {
  name: 'keep-import-meta-url',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /\.ts$/ }, async ({ path }) => ({
      contents: (await readFile(path, 'utf8')).replaceAll(
        'import.meta.url',
        JSON.stringify(pathToFileURL(path).href),
      ),
      loader: 'ts',
    }));
  },
};

/** The build script's module (`buildCli`, `buildAll`, ...). */
export async function loadBuildScript() {
  const { build } = await import('esbuild');
  // Inside the project, so its imports of esbuild and the other packages resolve from node_modules.
  const outfile = fileURLToPath(new URL(`dist/build-script-${process.pid}.mjs`, ROOT));
  await build({
    entryPoints: [fileURLToPath(new URL('cli/build.ts', ROOT))],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    plugins: [keepImportMetaUrl],
    logLevel: 'warning',
  });
  try {
    return await import(pathToFileURL(outfile).href);
  } finally {
    await rm(outfile, { force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const cliIsFresh = cliBuildIsFresh();
  const { buildAll, CLI_DIST } = await loadBuildScript();
  const dashboard = await buildAll({ cli: !cliIsFresh });
  process.stdout.write(
    `stocks-cli ${cliIsFresh ? 'is up to date' : 'built'} in ${CLI_DIST}, dashboard built into ${dashboard}\n`,
  );
}
