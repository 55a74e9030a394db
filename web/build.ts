import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const WEB_DIR = fileURLToPath(new URL('.', import.meta.url));

/** The files a build writes, relative to its output directory. */
export const DASHBOARD_FILES = ['index.html', 'app.js', 'styles.css', 'config.json'] as const;

/**
 * Builds the dashboard into `outDir`: the page, one minified script (Alpine included, no CDN),
 * the minified stylesheet, and `config.json` (an empty `apiBaseUrl` means the API is on the same origin;
 * the web stack writes the deployed API's URL there).
 */
export async function buildDashboard(outDir = 'web/dist'): Promise<string> {
  const target = resolve(outDir);
  await mkdir(target, { recursive: true });
  await build({
    entryPoints: [join(WEB_DIR, 'src/main.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    outfile: join(target, 'app.js'),
    legalComments: 'none',
    logLevel: 'warning',
  });
  await build({
    entryPoints: [join(WEB_DIR, 'styles.css')],
    bundle: true,
    minify: true,
    outfile: join(target, 'styles.css'),
    logLevel: 'warning',
  });
  await copyFile(join(WEB_DIR, 'index.html'), join(target, 'index.html'));
  await writeFile(join(target, 'config.json'), `${JSON.stringify({ apiBaseUrl: '' })}\n`);
  return target;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = await buildDashboard(process.argv[2]);
  process.stdout.write(`dashboard built into ${outDir}\n`);
}
