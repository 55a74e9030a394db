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

/** esbuild's metafile of the build in `CLI_DIST`: which chunk imports what (the architecture test reads it). */
export const METAFILE = 'metafile.json';

interface CliBundle {
  readonly files: readonly OutputFile[];
  readonly metafile: Metafile;
}

/**
 * Compiles the CLI into memory: one ESM entry (`main.js`) and chunks for what commands import
 * dynamically, so what a command loads lazily (the store, the SDK, the Massive client) stays out of `--help`.
 */
async function bundleCli(outDir: string = CLI_DIST): Promise<CliBundle> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: ['cli/main.ts'],
    outdir: outDir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Dependencies are compiled in too: one file read and parse instead of resolving and lexing hundreds
    // of CommonJS files at every start (the SDK alone cost more CPU than everything else). dynalite
    // stays in node_modules (LevelDB is a native addon), and esbuild (the dashboard build) finds its
    // binary relative to its own package.
    external: ['dynalite', 'esbuild'],
    mainFields: ['module', 'main'],
    // ESM output still meets CommonJS dependencies that call require(): give them one. (Spelled in
    // two parts: bin/build.js pins each source's own import.meta.url, and this one must stay the bundle's.)
    banner: {
      js:
        "import { createRequire as __cliCreateRequire } from 'node:module'; " +
        'const require = __cliCreateRequire(import.meta' +
        '.url);',
    },
    minify: true,
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
  // The lock file stands for node_modules: any install rewrites it (and runs `prepare`, which rebuilds).
  const sources = Object.keys(metafile.inputs).filter((input) => !/(^|\/)node_modules\//.test(input));
  const inputs = [...sources, 'cli/build.ts', 'package-lock.json'];
  await writeAtomically(join(outDir, METAFILE), JSON.stringify(metafile));
  await writeAtomically(join(outDir, BUILD_INFO_FILE), `${JSON.stringify({ startedAtMs, inputs })}\n`);
  await removeOlderFiles(
    outDir,
    new Set([...files.map((file) => file.path), join(outDir, METAFILE), join(outDir, BUILD_INFO_FILE)]),
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

/**
 * What `npm run build` (bin/build.js) builds: the dashboard always (milliseconds), and the CLI unless
 * `cli` is false (bin/build.js passes false when dist/cli is newer than every source it was built from).
 * Returns the dashboard's directory.
 */
export async function buildAll({ cli = true }: { cli?: boolean } = {}): Promise<string> {
  const [, dashboard] = await Promise.all([cli ? buildCli() : undefined, buildDashboard()]);
  return dashboard;
}
