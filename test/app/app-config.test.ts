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
    [{ PORT: '0x10' }, /PORT="0x10".*whole number/],
    [{ PORT: '1e2' }, /PORT="1e2".*whole number/],
    [{ SYNC_SESSIONS: ' 7 ' }, /SYNC_SESSIONS=" 7 ".*whole number/],
    [{ READ_CACHE_SECONDS: '5.0' }, /READ_CACHE_SECONDS="5.0"/],
    [{ SERVE_MAX_IN_FLIGHT: '0' }, /SERVE_MAX_IN_FLIGHT="0".*1 to 10000/],
    [{ READ_CACHE_MAX_MB: '-1' }, /READ_CACHE_MAX_MB="-1"/],
    [{ WATCHLIST: 'AAPL,MSFT,AAPL' }, /WATCHLIST=.*listed twice: AAPL/],
    [{ CORS_ORIGIN: 'https://ok.example\r\nX-Evil: 1' }, /CORS_ORIGIN=.*origin like https:\/\/example.com/],
    [{ CORS_ORIGIN: 'https://winners.example.com/path' }, /CORS_ORIGIN=/],
    [{ CORS_ORIGIN: 'winners.example.com' }, /CORS_ORIGIN=/],
    [{ AWS_REGION: 'us-east-1 ' }, /AWS_REGION="us-east-1 "/],
  ])('rejects %o naming the variable and the accepted values', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigurationError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('names the flag when a flag is wrong', () => {
    expect(() => loadConfig({}, { basis: 'nope' })).toThrow(/--basis="nope"/);
  });

  it('rejects an empty flag instead of reading it as 0 or unset', () => {
    expect(() => loadConfig({}, { port: '' })).toThrow(ConfigurationError);
    expect(() => loadConfig({}, { port: '' })).toThrow(/--port was given an empty value/);
    expect(() => loadConfig({}, { tableName: ' ' })).toThrow(/--table was given an empty value/);
  });

  it('accepts a sane CORS origin, and the new serving and cache settings', () => {
    const config = loadConfig({
      CORS_ORIGIN: 'http://localhost:5173',
      SERVE_MAX_IN_FLIGHT: '8',
      READ_CACHE_MAX_MB: '4',
    });

    expect(config).toMatchObject({
      corsOrigin: 'http://localhost:5173',
      serveMaxInFlight: 8,
      readCacheMaxMb: 4,
    });
    expect(loadConfig({})).toMatchObject({ corsOrigin: '*', serveMaxInFlight: 64, readCacheMaxMb: 1 });
  });

  it('refuses at start a key that cannot go in an HTTP header, without showing it', () => {
    const key = 'sk-canary-\u00e9\n0123';

    expect(() => loadConfig({ MASSIVE_API_KEY: key })).toThrow(
      /MASSIVE_API_KEY=\(hidden\).*sent in a header/,
    );
    try {
      loadConfig({ MASSIVE_API_KEY: key });
    } catch (error) {
      expect(String(error)).not.toContain('canary');
    }
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

describe('store selection', () => {
  it.each([
    [{}, { mode: 'embedded', tableName: 'stock-winners', dataDir: '.stocks-data' }],
    [{ STOCKS_DATA_DIR: '/tmp/w' }, { mode: 'embedded', tableName: 'stock-winners', dataDir: '/tmp/w' }],
    [
      { TABLE_NAME: 'winners', AWS_REGION: 'eu-west-1' },
      { mode: 'aws', tableName: 'winners', region: 'eu-west-1' },
    ],
    [
      { DYNAMODB_ENDPOINT: 'http://localhost:8000' },
      {
        mode: 'endpoint',
        tableName: 'stock-winners',
        region: 'us-east-1',
        endpoint: 'http://localhost:8000',
      },
    ],
    [
      { DYNAMODB_ENDPOINT: 'http://localhost:8000', TABLE_NAME: 'winners' },
      { mode: 'endpoint', tableName: 'winners', region: 'us-east-1', endpoint: 'http://localhost:8000' },
    ],
  ])('derives one store from %o', (env, store) => {
    expect(loadConfig(env).store).toEqual(store);
  });

  it('lets the --table and --endpoint flags choose it too', () => {
    expect(
      loadConfig({ TABLE_NAME: 'winners' }, { dynamodbEndpoint: 'http://127.0.0.1:9000' }).store,
    ).toMatchObject({
      mode: 'endpoint',
      tableName: 'winners',
    });
  });
});

describe('watchlists', () => {
  it('reads WATCHLISTS; the list named default is the default wherever it stands', () => {
    const config = loadConfig({ WATCHLISTS: 'ev=TSLA,RIVN,LCID; default = AAPL, MSFT ;' });

    expect(config.watchlists).toEqual([
      { name: 'ev', symbols: ['TSLA', 'RIVN', 'LCID'] },
      { name: 'default', symbols: ['AAPL', 'MSFT'] },
    ]);
    expect(config.defaultWatchlist.name).toBe('default');
    expect(config.watchlist).toEqual(['AAPL', 'MSFT']);
    expect(config.watchlistName).toBe('default');
  });

  it('takes the first list as the default when none is named default, and the flag like the variable', () => {
    const config = loadConfig({}, { watchlists: 'mine=NVDA;ev=TSLA' });

    expect(config.defaultWatchlist).toEqual({ name: 'mine', symbols: ['NVDA'] });
  });

  it('makes WATCHLIST and WATCHLIST_NAME the one list when WATCHLISTS is unset', () => {
    const config = loadConfig({ WATCHLIST: 'AAPL', WATCHLIST_NAME: 'chips-2' });

    expect(config.watchlists).toEqual([{ name: 'chips-2', symbols: ['AAPL'] }]);
    expect(config.defaultWatchlist.name).toBe('chips-2');
  });

  it.each([
    ['ev=TSLA,RIVN,TSLA', /list "ev": each ticker once; listed twice: TSLA/],
    ['ev=TSLA;mine=AAPL;ev=RIVN', /each list name once; named twice: ev/],
    ['EV=TSLA', /list name "EV" is not lowercase letters, digits and -/],
    ['e_v=TSLA', /list name "e_v"/],
    ['-ev=TSLA', /list name "-ev"/],
    ['TSLA,RIVN', /"TSLA,RIVN" has no "=": write name=TICKER,TICKER/],
    ['ev=', /list "ev": at least one ticker/],
    ['ev=tsla', /list "ev": tickers are 1-10 upper-case/],
    [' ; ', /at least one list/],
    [Array.from({ length: 21 }, (_, index) => `l${index}=AAPL`).join(';'), /at most 20 lists/],
  ])('refuses WATCHLISTS=%j, naming the problem', (value, message) => {
    expect(() => loadConfig({ WATCHLISTS: value })).toThrow(message);
    expect(() => loadConfig({ WATCHLISTS: value })).toThrow(ConfigurationError);
  });

  it('names a security type listed twice as a security type', () => {
    expect(() => loadConfig({ MARKET_SECURITY_TYPES: 'CS,ADRC,CS' })).toThrow(
      /MARKET_SECURITY_TYPES.*each security type once; listed twice: CS/,
    );
  });

  it('refuses both forms at once, unless the shorthand is left at its default', () => {
    expect(() => loadConfig({ WATCHLISTS: 'ev=TSLA', WATCHLIST_NAME: 'mine' })).toThrow(
      /WATCHLISTS and WATCHLIST_NAME are both set/,
    );
    expect(() => loadConfig({ WATCHLIST: 'AAPL' }, { watchlists: 'ev=TSLA' })).toThrow(
      /--watchlists and WATCHLIST are both set/,
    );
    expect(loadConfig({ WATCHLISTS: 'ev=TSLA', WATCHLIST_NAME: 'default' }).watchlists).toHaveLength(1);
  });

  it('allows only lowercase letters, digits and - in WATCHLIST_NAME now', () => {
    expect(() => loadConfig({ WATCHLIST_NAME: 'My_List' })).toThrow(
      /WATCHLIST_NAME="My_List" is invalid: expected lowercase letters, digits and -/,
    );
  });
});
