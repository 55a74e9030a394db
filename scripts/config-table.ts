/**
 * Writes the generated configuration tables (`npm run docs:config`): the README's from the settings
 * table, docs/deployment.md's CDK context tables from the settings table and infra/deployment-config.ts.
 * test/app/config-table.test.ts and test/infra/deployment-config.test.ts fail when they differ.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { settingsTable } from '../adapters/config/settings.ts';
import { contextTables } from '../infra/deployment-config.ts';

export const README = path.join(import.meta.dirname, '..', 'README.md');
export const DEPLOYMENT_GUIDE = path.join(import.meta.dirname, '..', 'docs', 'deployment.md');

/** `text` with the table between `<!-- name:start ... -->` and `<!-- name:end -->` replaced by `table`. */
function withTable(text: string, name: string, table: string): string {
  const start = text.indexOf(`<!-- ${name}:start`);
  const startEnd = text.indexOf('-->', start) + 3;
  const end = text.indexOf(`<!-- ${name}:end -->`);
  if (start < 0 || end < startEnd) {
    throw new Error(
      `Needs the markers <!-- ${name}:start (npm run docs:config writes this table) --> and <!-- ${name}:end -->.`,
    );
  }
  return `${text.slice(0, startEnd)}\n\n${table}\n\n${text.slice(end)}`;
}

/** The README with the table between the markers replaced by the generated one. */
export function withGeneratedTable(readme: string): string {
  return withTable(readme, 'config-table', settingsTable());
}

/** docs/deployment.md with both context tables replaced by the generated ones. */
export function withGeneratedContextTables(guide: string): string {
  const { app, infra } = contextTables();
  return withTable(withTable(guide, 'context-app-table', app), 'context-infra-table', infra);
}

if (process.argv[1] === import.meta.filename) {
  writeFileSync(README, withGeneratedTable(readFileSync(README, 'utf8')));
  writeFileSync(DEPLOYMENT_GUIDE, withGeneratedContextTables(readFileSync(DEPLOYMENT_GUIDE, 'utf8')));
}
