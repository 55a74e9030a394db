#!/usr/bin/env node
// `npm run build`: runs the TypeScript build script (cli/build.ts) compiled by esbuild itself, which
// starts several times faster than a TypeScript loader; `npm start` pays for this on every start.
import { rm } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readFile } from 'node:fs/promises';
import { build } from 'esbuild';

const ROOT = new URL('../', import.meta.url);

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
  const { buildAll, CLI_DIST } = await loadBuildScript();
  const dashboard = await buildAll();
  process.stdout.write(`stocks-cli built into ${CLI_DIST}, dashboard into ${dashboard}\n`);
}
