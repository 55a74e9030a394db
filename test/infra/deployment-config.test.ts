import { describe, expect, it } from 'vitest';
import { ConfigurationError, loadConfig } from '../../adapters/config/app-config.ts';
import { SETTING_KEYS, SETTINGS, type Setting } from '../../adapters/config/settings.ts';
import { DEFAULT_CONTEXT, INFRA_CONTEXT, readDeploymentConfig } from '../../infra/deployment-config.ts';
import { readFileSync } from 'node:fs';
import { DEPLOYMENT_GUIDE, withGeneratedContextTables } from '../../scripts/config-table.ts';
import { cdkJsonContext } from './app-fixture.ts';

function contextOf(values: Record<string, unknown>) {
  return { tryGetContext: (key: string): unknown => values[key] };
}

function failureOf(values: Record<string, unknown>): string {
  try {
    readDeploymentConfig(contextOf(values));
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as Error).message;
  }
  throw new Error('expected the context to be rejected');
}

describe('deployment configuration from CDK context', () => {
  it('lists in cdk.json exactly the defaults the code applies', () => {
    const context = cdkJsonContext();
    for (const [key, value] of Object.entries(INFRA_CONTEXT)) expect(context[key], key).toEqual(value);
  });

  it("takes the application settings' defaults from the settings table, not from cdk.json", () => {
    const context = cdkJsonContext();
    for (const key of SETTING_KEYS) {
      const setting: Setting = SETTINGS[key];
      if (!setting.context) continue;
      expect(context[setting.context], setting.context).toBeUndefined();
      expect(DEFAULT_CONTEXT[setting.context], setting.context).toBe(setting.default);
    }
    expect(readDeploymentConfig(contextOf({})).app).toEqual(loadConfig({}));
  });

  it('docs/deployment.md lists every context key with its default as generated (npm run docs:config)', () => {
    const guide = readFileSync(DEPLOYMENT_GUIDE, 'utf8');

    expect(withGeneratedContextTables(guide)).toBe(guide);
    for (const key of Object.keys(DEFAULT_CONTEXT)) expect(guide).toContain(`| \`${key}\``);
  });

  it('deploys as is: the defaults are a valid configuration', () => {
    const config = readDeploymentConfig(contextOf({}));
    expect(config.app.watchlist).toEqual(['AAPL', 'MSFT', 'GOOGL', 'AMZN', 'TSLA', 'NVDA', 'META']);
    expect(config.app.syncTimesEt).toEqual(['16:30', '00:30']);
    expect(config).toMatchObject({
      apiKeyParameterName: '/stock-winners/massive-api-key',
      apiThrottleRateLimit: 20,
      apiThrottleBurstLimit: 40,
      alarmEmail: '',
      logRetentionDays: 30,
    });
  });

  it('accepts `-c key=value` strings and JSON lists alike', () => {
    const config = readDeploymentConfig(
      contextOf({
        watchlist: [' NFLX', 'AMD '],
        syncSessions: '25',
        apiThrottleRateLimit: '7',
        logRetentionDays: '90',
      }),
    );
    expect(config.sharedEnvironment.WATCHLISTS).toBe('default=NFLX,AMD');
    expect(config.app.syncSessions).toBe(25);
    expect(config.apiThrottleRateLimit).toBe(7);
    expect(config.logRetentionDays).toBe(90);
  });

  it('deploys every list of `watchlists`, and hands the functions the lists the loader read', () => {
    const config = readDeploymentConfig(contextOf({ watchlists: 'default=AAPL,MSFT; ev=TSLA,RIVN' }));

    expect(config.app.watchlists).toEqual([
      { name: 'default', symbols: ['AAPL', 'MSFT'] },
      { name: 'ev', symbols: ['TSLA', 'RIVN'] },
    ]);
    expect(config.sharedEnvironment.WATCHLISTS).toBe('default=AAPL,MSFT;ev=TSLA,RIVN');
    expect(loadConfig(config.sharedEnvironment).watchlists).toEqual(config.app.watchlists);
  });

  it('keeps a deployment configured with the one-list `watchlist` and `watchlistName` working', () => {
    const config = readDeploymentConfig(contextOf({ watchlist: 'NFLX,AMD', watchlistName: 'chips' }));

    expect(config.app.watchlists).toEqual([{ name: 'chips', symbols: ['NFLX', 'AMD'] }]);
    expect(config.sharedEnvironment.WATCHLISTS).toBe('chips=NFLX,AMD');
    expect(loadConfig(config.sharedEnvironment)).toMatchObject({
      watchlistName: 'chips',
      watchlist: ['NFLX', 'AMD'],
    });
  });

  it.each([
    [{ watchlists: 'default=AAPL;Bad Name=MSFT' }, /CDK context is invalid[\s\S]*WATCHLISTS[\s\S]*Bad Name/],
    [{ watchlists: 'default=AAPL;ev=TSLA;ev=RIVN' }, /WATCHLISTS[\s\S]*named twice: ev/],
    [{ watchlists: 'default=AAPL', watchlist: 'MSFT' }, /WATCHLISTS[\s\S]*WATCHLIST[\s\S]*one form/],
    [{ watchlist: 'AAPL,not a ticker' }, /CDK context is invalid[\s\S]*WATCHLIST/],
    [{ basis: 'high-to-low' }, /BASIS/],
    [{ syncTimesEt: '4pm' }, /SYNC_TIMES_ET/],
    [{ apiKeyParameterName: 'massive-key' }, /context "apiKeyParameterName"/],
    [{ alarmEmail: 'ops' }, /context "alarmEmail"/],
    [{ logRetentionDays: 31 }, /context "logRetentionDays" is invalid: expected one of 1, 3, 5/],
    [{ apiThrottleRateLimit: 50, apiThrottleBurstLimit: 10 }, /apiThrottleBurstLimit/],
    [{ stackPrefix: '9lives' }, /context "stackPrefix"/],
    [
      { reserveSyncConcurrency: 'yes' },
      /context "reserveSyncConcurrency" is invalid: expected true or false/,
    ],
  ])('fails synth on %j with a message naming the setting', (context, message) => {
    expect(failureOf(context)).toMatch(message);
  });
});
