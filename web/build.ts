import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const WEB_DIR = fileURLToPath(new URL('.', import.meta.url));

/** The files a build writes, relative to its output directory. */
export const DASHBOARD_FILES = ['index.html', 'app.js', 'styles.css', 'config.json'] as const;

async function bundle(entryPoint: string, options: { format?: 'iife' } = {}): Promise<Uint8Array> {
  const result = await build({
    entryPoints: [join(WEB_DIR, entryPoint)],
    bundle: true,
    minify: true,
    ...options,
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    legalComments: 'none',
    logLevel: 'warning',
    write: false,
    outdir: 'out',
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error(`esbuild produced nothing for ${entryPoint}`);
  return output.contents;
}

/** Writes beside the target, then renames: a server reading the folder never sees half a file. */
export async function writeAtomically(file: string, contents: Uint8Array | string): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, contents);
  await rename(temporary, file);
}

/**
 * Builds the dashboard into `outDir`: the page, one minified script (Alpine included, no CDN),
 * the minified stylesheet, and `config.json` (an empty `apiBaseUrl` means the API is on the same origin;
 * the web stack writes the deployed API's URL there). Returns the absolute output directory.
 */
export async function buildDashboard(outDir = 'web/dist'): Promise<string> {
  const target = resolve(outDir);
  await mkdir(target, { recursive: true });
  const [script, styles, page] = await Promise.all([
    bundle('src/main.ts', { format: 'iife' }),
    bundle('styles.css'),
    readFile(join(WEB_DIR, 'index.html')),
  ]);
  await Promise.all([
    writeAtomically(join(target, 'app.js'), script),
    writeAtomically(join(target, 'styles.css'), styles),
    writeAtomically(join(target, 'index.html'), page),
    writeAtomically(join(target, 'config.json'), `${JSON.stringify({ apiBaseUrl: '' })}\n`),
  ]);
  return target;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = await buildDashboard(process.argv[2]);
  process.stdout.write(`dashboard built into ${outDir}\n`);
}
