import { describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  loadConfig,
  redactedConfig,
  requireSetting,
} from '../../adapters/config/app-config.ts';

describe('loadConfig', () => {
  it('has defaults that run with nothing set: simulated data, embedded store, the seven large caps', () => {
    const config = loadConfig({});

    expect(config.watchlist).toEqual(['AAPL', 'MSFT', 'GOOGL', 'AMZN', 'TSLA', 'NVDA', 'META']);
    expect(config).toMatchObject({
      basis: 'open-to-close',
      syncSessions: 10,
      rateLimitPerMinute: 5,
      port: 3000,
    });
    expect(config.massiveApiKey).toBeUndefined();
    expect(config.tableName).toBeUndefined();
  });

  it('reads the environment and lets flags win over it', () => {
    const config = loadConfig(
      { WATCHLIST: 'AAPL, TSLA', BASIS: 'close-to-close', SYNC_SESSIONS: '20', PORT: '8080' },
      { syncSessions: '5' },
    );

    expect(config.watchlist).toEqual(['AAPL', 'TSLA']);
    expect(config.basis).toBe('close-to-close');
    expect(config.syncSessions).toBe(5);
    expect(config.port).toBe(8080);
  });

  it.each([
    [{ BASIS: 'weekly' }, /BASIS="weekly".*open-to-close or close-to-close/],
    [{ SYNC_SESSIONS: '0' }, /SYNC_SESSIONS="0".*1 to 365/],
    [{ SYNC_SESSIONS: 'ten' }, /SYNC_SESSIONS="ten"/],
    [{ WATCHLIST: 'aapl' }, /WATCHLIST="aapl".*upper-case/],
    [{ PORT: '70000' }, /PORT="70000".*0 to 65535/],
    [{ MASSIVE_BASE_URL: 'ftp://x' }, /MASSIVE_BASE_URL/],
    [{ SYNC_TIMES_ET: '25:00' }, /SYNC_TIMES_ET/],
  ])('rejects %o naming the variable and the accepted values', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigurationError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('names the flag when a flag is wrong', () => {
    expect(() => loadConfig({}, { basis: 'nope' })).toThrow(/--basis="nope"/);
  });

  it('never shows the API key, in errors or in printed configuration', () => {
    const secret = 'sk-canary-config-0123456789';
    const config = loadConfig({ MASSIVE_API_KEY: secret });

    expect(JSON.stringify(redactedConfig(config))).not.toContain(secret);
    try {
      loadConfig({ MASSIVE_API_KEY: secret, BASIS: 'x' });
    } catch (error) {
      expect(String(error)).not.toContain(secret);
    }
  });

  it('fails loudly when a required setting is missing', () => {
    expect(() => requireSetting(loadConfig({}), 'tableName')).toThrow(/TABLE_NAME must be set/);
    expect(requireSetting(loadConfig({ TABLE_NAME: 'winners' }), 'tableName')).toBe('winners');
  });
});
