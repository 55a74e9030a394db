import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_DIST, METAFILE } from '../cli/build.ts';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..');
const DEPCRUISE = join(ROOT, 'node_modules/.bin/depcruise');

interface Violation {
  rule: string;
  from: string;
}

/**
 * One scratch tree holding every case, checked by one run of the project's own rules (`npm run arch`):
 * clean files that must pass, and one planted violation per file.
 */
const SCRATCH_FILES: Record<string, string> = {
  'core/clean-a.ts': "import { b } from './clean-b.ts';\nexport const a = b;\n",
  'core/clean-b.ts': 'export const b = 1;\n',
  'adapters/uses-core.ts': "import { a } from '../core/clean-a.ts';\nexport const x = a;\n",
  'core/imports-node.ts': "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;\n",
  'core/imports-aws-sdk.ts':
    "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const a = DynamoDBClient;\n",
  'core/imports-inversify.ts': "import { Container } from 'inversify';\nexport const a = Container;\n",
  'core/imports-adapter.ts': "import { x } from '../adapters/uses-core.ts';\nexport const a = x;\n",
  'adapters/imports-cli.ts': "import { c } from '../cli/c.ts';\nexport const x = c;\n",
  'cli/c.ts': 'export const c = 1;\n',
  'adapters/imports-bench.ts':
    "import { meter } from '../bench/support/meter.ts';\nexport const x = meter;\n",
  'bench/support/meter.ts': 'export const meter = 1;\n',
};

let scratch: string;
let cruise: { exitCode: number; violations: Violation[] };

/** Runs depcruise as `npm run arch` does, and reads its report lines (`error <rule>: <from> → <to>`). */
async function cruiseScratchTree(dir: string): Promise<{ exitCode: number; violations: Violation[] }> {
  const args = ['--config', '.dependency-cruiser.cjs', 'core', 'adapters', 'cli'];
  // NO_COLOR: CI=true makes depcruise colour its report, and the colour codes would hide the rule names.
  const env = { ...process.env, NO_COLOR: '1' };
  const { exitCode, stdout } = await run(DEPCRUISE, args, { cwd: dir, env }).then(
    ({ stdout }) => ({ exitCode: 0, stdout }),
    (error: { code?: number; stdout?: string }) => ({
      exitCode: error.code ?? 1,
      stdout: error.stdout ?? '',
    }),
  );
  const violations = [...stdout.matchAll(/^\s*error (\S+): (\S+) →/gm)].map(([, rule, from]) => ({
    rule: rule as string,
    from: from as string,
  }));
  return { exitCode, violations };
}

function rulesBrokenBy(file: string): string[] {
  return cruise.violations.filter((violation) => violation.from === file).map((violation) => violation.rule);
}

describe('architecture rule (npm run arch)', () => {
  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'arch-'));
    cpSync(join(ROOT, '.dependency-cruiser.cjs'), join(scratch, '.dependency-cruiser.cjs'));
    writeFileSync(
      join(scratch, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { allowImportingTsExtensions: true } }),
    );
    for (const [path, source] of Object.entries(SCRATCH_FILES)) {
      mkdirSync(dirname(join(scratch, path)), { recursive: true });
      writeFileSync(join(scratch, path), source);
    }
    cruise = await cruiseScratchTree(scratch);
  });

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('fails the run when any rule is broken', () => {
    expect(cruise.exitCode).not.toBe(0);
  });

  it.each(['core/clean-a.ts', 'core/clean-b.ts', 'adapters/uses-core.ts'])(
    'accepts %s (core importing core, an adapter importing core)',
    (file) => {
      expect(rulesBrokenBy(file)).toEqual([]);
    },
  );

  it.each([
    ['a node: module', 'core/imports-node.ts'],
    ['the AWS SDK', 'core/imports-aws-sdk.ts'],
    ['inversify', 'core/imports-inversify.ts'],
    ['an adapter', 'core/imports-adapter.ts'],
  ])('fails when core imports %s', (_what, file) => {
    expect(rulesBrokenBy(file)).toContain('core-is-pure');
  });

  it('fails when an adapter imports the CLI', () => {
    expect(rulesBrokenBy('adapters/imports-cli.ts')).toContain('adapters-do-not-import-edges');
  });

  it('fails when production code imports bench/', () => {
    expect(rulesBrokenBy('adapters/imports-bench.ts')).toContain('production-does-not-import-bench');
  });
});

/** What `stocks-cli --help` loads: the compiled entry and every chunk it imports statically. */
function startupClosure(metafile: Metafile): { packages: Set<string>; sources: Set<string> } {
  const packages = new Set<string>();
  const sources = new Set<string>();
  const pending = Object.keys(metafile.outputs).filter((path) => path.endsWith('/main.js'));
  const seen = new Set<string>();
  for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
    if (seen.has(path)) continue;
    seen.add(path);
    const output = metafile.outputs[path];
    if (!output) continue;
    for (const input of Object.keys(output.inputs)) sources.add(input);
    for (const imported of output.imports) {
      if (imported.kind !== 'import-statement') continue;
      if (imported.external) packages.add(imported.path);
      else pending.push(imported.path);
    }
  }
  return { packages, sources };
}

describe('stocks-cli start-up: heavy modules load only in the commands that use them', () => {
  let closure: ReturnType<typeof startupClosure>;
  beforeAll(() => {
    // The build the suite's global setup made, the one every whole-process test runs.
    closure = startupClosure(JSON.parse(readFileSync(join(CLI_DIST, METAFILE), 'utf8')) as Metafile);
  });

  it('compiles in commander, and none of the SDK, Powertools, the container or the settings schema', () => {
    const heavy = [...closure.sources].filter((source) =>
      /(^|\/)node_modules\/(@aws-sdk|@smithy|@aws-lambda-powertools|inversify|@inversifyjs|reflect-metadata|zod|cli-progress)\//.test(
        source,
      ),
    );

    expect([...closure.sources].some((source) => /(^|\/)node_modules\/commander\//.test(source))).toBe(true);
    expect(heavy).toEqual([]);
  });

  it('imports neither the embedded store (dynalite) nor esbuild at start', () => {
    expect([...closure.packages].filter((name) => /^(dynalite|esbuild)$/.test(name))).toEqual([]);
  });

  it('compiles none of the Massive client, the DynamoDB adapters or the web build into the start-up code', () => {
    const heavy = [...closure.sources].filter((source) =>
      /^(adapters\/(massive|dynamodb|composition\/container)|web\/)/.test(source),
    );

    expect(closure.sources).toContain('cli/main.ts');
    expect(heavy).toEqual([]);
  });
});
