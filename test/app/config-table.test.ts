import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../adapters/config/app-config.ts';
import {
  describeSetting,
  SETTING_KEYS,
  SETTINGS,
  settingsTable,
  type Setting,
} from '../../adapters/config/settings.ts';
import { README, withGeneratedTable } from '../../scripts/config-table.ts';
import { runCli } from '../support/cli-process.ts';

const ROOT = path.join(import.meta.dirname, '..', '..');

describe('the settings table is the one source of every setting', () => {
  it('the README configuration table equals the generated one (npm run docs:config rewrites it)', () => {
    const readme = readFileSync(README, 'utf8');

    expect(readme).toContain(settingsTable());
    expect(withGeneratedTable(readme)).toBe(readme);
  });

  it('lists every setting the loader reads, READ_CACHE_SECONDS included', () => {
    const table = settingsTable();

    for (const key of SETTING_KEYS) expect(table).toContain(`| \`${SETTINGS[key].env}\``);
    expect(
      Object.keys(loadConfig({})).filter((key) => key !== 'store' && key !== 'defaultWatchlist'),
    ).toEqual(SETTING_KEYS);
  });

  it('the loader applies the defaults and enforces the ranges the table states', () => {
    const config = loadConfig({}) as unknown as Record<string, unknown>;

    for (const key of SETTING_KEYS) {
      const { env, default: fallback, range }: Setting = SETTINGS[key];
      if (fallback !== undefined && range === undefined) {
        expect(loadConfig({ [env]: fallback }), key).toEqual(config);
      }
      if (range) {
        expect(config[key], key).toBe(Number(fallback));
        expect(() => loadConfig({ [env]: String(range.min) }), key).not.toThrow();
        expect(() => loadConfig({ [env]: String(range.max + 1) }), key).toThrow(
          `${range.min} to ${range.max}`,
        );
      }
    }
  });

  it("stocks-cli --help describes each global flag with the table's text", async () => {
    const help = (await runCli(['--help'], {})).stdout.replace(/\s+/g, ' ');

    for (const key of [
      'watchlist',
      'watchlistName',
      'basis',
      'dataDir',
      'tableName',
      'dynamodbEndpoint',
    ] as const) {
      expect(help).toContain(`${SETTINGS[key].env}: ${describeSetting(key)}`.replace(/\s+/g, ' '));
    }
  });
});

describe('LOG_LEVEL', () => {
  it('is read by the config loader only', () => {
    const readers = spawnSync(
      'git',
      [
        'grep',
        '-lE',
        String.raw`env(\.LOG_LEVEL|\[.LOG_LEVEL)`,
        '--',
        'core',
        'adapters',
        'cli',
        'infra',
        'web',
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );

    expect(readers.stdout.split('\n').filter(Boolean)).toEqual([]);
    expect(readers.status).toBe(1); // git grep: nothing found
  });

  it('is checked at start like every setting', () => {
    expect(loadConfig({ LOG_LEVEL: 'DEBUG' }).logLevel).toBe('debug');
    expect(() => loadConfig({ LOG_LEVEL: 'verbose' })).toThrow(/LOG_LEVEL="verbose"/);
  });
});
