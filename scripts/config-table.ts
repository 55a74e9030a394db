/**
 * Writes the README's configuration table from the settings table (`npm run docs:config`);
 * test/app/config-table.test.ts fails when the two differ.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { settingsTable } from '../adapters/config/settings.ts';

export const README = path.join(import.meta.dirname, '..', 'README.md');
const START = '<!-- config-table:start (npm run docs:config writes this table) -->';
const END = '<!-- config-table:end -->';

/** The README with the table between the markers replaced by the generated one. */
export function withGeneratedTable(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md needs the markers ${START} and ${END}.`);
  return `${readme.slice(0, start + START.length)}\n\n${settingsTable()}\n\n${readme.slice(end)}`;
}

if (process.argv[1] === import.meta.filename) {
  writeFileSync(README, withGeneratedTable(readFileSync(README, 'utf8')));
}
