import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile, type OutputFile } from 'esbuild';
import { buildDashboard, writeAtomically } from '../web/build.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Where bin/stocks-cli.js runs the CLI from. Two levels below the root, like the sources: code that
 * finds files relative to itself (serve's `../../web/dist`) finds the same ones compiled.
 */
export const CLI_DIST = join(ROOT, 'dist/cli');

/** `{ startedAtMs, inputs }`: bin/stocks-cli.js rebuilds when an input changed after `startedAtMs`. */
export const BUILD_INFO_FILE = 'build-info.json';

export interface CliBundle {
  readonly files: readonly OutputFile[];
  readonly metafile: Metafile;
}

/**
 * Compiles the CLI into memory: one ESM entry (`main.js`) and a chunk per dynamic import, so what a
 * command imports lazily (the store, the SDK, the Massive client) stays out of `--help`.
 */
export async function bundleCli(outDir: string = CLI_DIST): Promise<CliBundle> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: ['cli/main.ts'],
    outdir: outDir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Packages are loaded from node_modules at run time: dynalite's LevelDB is a native addon, and the
    // SDK and Powertools stay where their own lazy loading expects them.
    packages: 'external',
    sourcemap: 'linked',
    metafile: true,
    write: false,
    logLevel: 'warning',
  });
  return { files: result.outputFiles, metafile: result.metafile };
}

/**
 * Builds the CLI into `outDir`. Chunks are written before the entry, each by rename, and earlier
 * chunks are kept while this build runs: a CLI starting meanwhile loads the old build or the new one,
 * each whole.
 */
export async function buildCli(outDir: string = CLI_DIST): Promise<void> {
  const startedAtMs = Date.now();
  const { files, metafile } = await bundleCli(outDir);
  await mkdir(outDir, { recursive: true });
  const entry = resolve(outDir, 'main.js');
  for (const file of [...files.filter((f) => f.path !== entry), ...files.filter((f) => f.path === entry)]) {
    await writeAtomically(file.path, file.contents);
  }
  const inputs = [...Object.keys(metafile.inputs), 'cli/build.ts'];
  await writeAtomically(join(outDir, BUILD_INFO_FILE), `${JSON.stringify({ startedAtMs, inputs })}\n`);
  await removeOlderFiles(
    outDir,
    new Set([...files.map((file) => file.path), join(outDir, BUILD_INFO_FILE)]),
    startedAtMs,
  );
}

/** Chunks of earlier builds; a build running beside this one wrote its files after `startedAtMs` and keeps them. */
async function removeOlderFiles(
  outDir: string,
  keep: ReadonlySet<string>,
  startedAtMs: number,
): Promise<void> {
  for (const name of await readdir(outDir)) {
    const path = join(outDir, name);
    if (keep.has(path)) continue;
    const { mtimeMs } = await stat(path).catch(() => ({ mtimeMs: Infinity }));
    if (mtimeMs < startedAtMs) await rm(path, { force: true });
  }
}

/** `npm run build` (bin/build.js): what `npm ci` (prepare) and `npm start` build. Returns the dashboard's directory. */
export async function buildAll(): Promise<string> {
  const [, dashboard] = await Promise.all([buildCli(), buildDashboard()]);
  return dashboard;
}
