import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..');
const DEPCRUISE = join(ROOT, 'node_modules/.bin/depcruise');

/** Runs the project's own architecture rules on a scratch tree, so a violation can be planted safely. */
async function cruise(files: Record<string, string>): Promise<{ ok: boolean; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'arch-'));
  scratch.push(dir);
  cpSync(join(ROOT, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { allowImportingTsExtensions: true } }),
  );
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), source);
  }
  try {
    const layers = [...new Set(Object.keys(files).map((path) => path.split('/')[0] as string))];
    const { stdout } = await run(DEPCRUISE, ['--config', '.dependency-cruiser.cjs', ...layers], { cwd: dir });
    return { ok: true, output: stdout };
  } catch (error) {
    return { ok: false, output: String((error as { stdout?: string }).stdout) };
  }
}

const scratch: string[] = [];

describe('architecture rule (npm run arch)', () => {
  afterAll(() => {
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
  });

  it('accepts a core that imports only core', async () => {
    const result = await cruise({
      'core/a.ts': "import { b } from './b.ts';\nexport const a = b;\n",
      'core/b.ts': 'export const b = 1;\n',
      'adapters/x.ts': "import { a } from '../core/a.ts';\nexport const x = a;\n",
    });

    expect(result.output).not.toContain('error');
    expect(result.ok).toBe(true);
  });

  it.each([
    ['a node: module', "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;\n"],
    [
      'the AWS SDK',
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const a = DynamoDBClient;\n",
    ],
    ['inversify', "import { Container } from 'inversify';\nexport const a = Container;\n"],
    ['an adapter', "import { x } from '../adapters/x.ts';\nexport const a = x;\n"],
  ])('fails when core imports %s', async (_what, source) => {
    const result = await cruise({ 'core/a.ts': source, 'adapters/x.ts': 'export const x = 1;\n' });

    expect(result.ok).toBe(false);
    expect(result.output).toContain('core-is-pure');
  });

  it('fails when an adapter imports the CLI', async () => {
    const result = await cruise({
      'adapters/x.ts': "import { c } from '../cli/c.ts';\nexport const x = c;\n",
      'cli/c.ts': 'export const c = 1;\n',
    });

    expect(result.ok).toBe(false);
    expect(result.output).toContain('adapters-do-not-import-edges');
  });
});
