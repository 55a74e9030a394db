import { DEFAULT_MARKET_FILTERS } from '../../core/market-board.ts';
import { BASES, DEFAULT_BASIS } from '../../core/movers.ts';
import { MAX_SYNC_SESSIONS } from '../../core/use-cases/sync-winners.ts';

/**
 * One setting: everything the loader, `--help`, the README table and the CDK context defaults say
 * about it. Kept free of zod so `stocks-cli --help` can print it without loading the schema.
 */
export interface Setting {
  /** The environment variable. */
  readonly env: string;
  /** The option every `stocks-cli` command accepts for it, when there is one (`--table`). */
  readonly flag?: { readonly name: string; readonly value: string };
  /** As it is written in the environment; absent means unset. */
  readonly default?: string;
  /** The whole numbers it accepts. */
  readonly range?: { readonly min: number; readonly max: number };
  /** The words it accepts. */
  readonly choices?: readonly string[];
  /** What it does, without its range or default (those are appended from the fields above). */
  readonly help: string;
  /** Deployed by the CDK app: its CDK context key, whose default is this setting's. */
  readonly context?: string;
}

export const DEFAULT_WATCHLIST = ['AAPL', 'MSFT', 'GOOGL', 'AMZN', 'TSLA', 'NVDA', 'META'] as const;
/** The list `/movers` and plain `winners` show when WATCHLISTS names one so; else the first list is. */
export const DEFAULT_WATCHLIST_NAME = 'default';
export const DEFAULT_TABLE_NAME = 'stock-winners';
/** The region when neither AWS_REGION nor AWS_DEFAULT_REGION names one. */
export const FALLBACK_REGION = 'us-east-1';

/** Every setting, in the order the README lists them. */
export const SETTINGS = {
  // Watchlists (issue 14): WATCHLISTS names every list; WATCHLIST + WATCHLIST_NAME is the one-list shorthand.
  watchlists: {
    env: 'WATCHLISTS',
    flag: { name: 'watchlists', value: 'lists' },
    help:
      'every watchlist, `name=TICKER,...;name=TICKER,...`, names of lowercase letters, digits and `-`; ' +
      '`/movers` shows `default`, else the first (unset = WATCHLIST named WATCHLIST_NAME)',
    context: 'watchlists',
  },
  watchlist: {
    env: 'WATCHLIST',
    flag: { name: 'symbols', value: 'symbols' },
    default: DEFAULT_WATCHLIST.join(','),
    help: 'comma-separated tickers of the one watchlist, when WATCHLISTS is unset',
    context: 'watchlist',
  },
  watchlistName: {
    env: 'WATCHLIST_NAME',
    flag: { name: 'watchlist-name', value: 'name' },
    default: DEFAULT_WATCHLIST_NAME,
    help: 'name the one watchlist is stored under, when WATCHLISTS is unset',
    context: 'watchlistName',
  },
  basis: {
    env: 'BASIS',
    flag: { name: 'basis', value: 'basis' },
    default: DEFAULT_BASIS,
    choices: BASES,
    help: 'percent change basis',
    context: 'basis',
  },
  syncSessions: {
    env: 'SYNC_SESSIONS',
    default: '10',
    range: { min: 1, max: MAX_SYNC_SESSIONS },
    help: 'sessions a sync looks back over',
    context: 'syncSessions',
  },
  publishDelayMinutes: {
    env: 'PUBLISH_DELAY_MINUTES',
    default: '0',
    range: { min: 0, max: 1440 },
    help: 'minutes after the close before a session counts as completed',
    context: 'publishDelayMinutes',
  },
  // The market board's filters (issue 14): shown with every market answer.
  marketSecurityTypes: {
    env: 'MARKET_SECURITY_TYPES',
    default: DEFAULT_MARKET_FILTERS.securityTypes.join(','),
    help: "comma-separated security types the market board keeps (Massive's codes: CS common stock, ADRC ADRs, ETF...)",
    context: 'marketSecurityTypes',
  },
  marketMinClose: {
    env: 'MARKET_MIN_CLOSE',
    default: String(DEFAULT_MARKET_FILTERS.minClose),
    help: 'lowest close in dollars a ticker needs to be on the market board (decimals allowed)',
    context: 'marketMinClose',
  },
  marketMinDollarVolume: {
    env: 'MARKET_MIN_DOLLAR_VOLUME',
    default: String(DEFAULT_MARKET_FILTERS.minDollarVolume),
    help: 'lowest close x volume in dollars a ticker needs to be on the market board',
    context: 'marketMinDollarVolume',
  },
  massiveApiKey: { env: 'MASSIVE_API_KEY', help: 'Massive API key; unset = simulated market data' },
  massiveApiKeyParameter: {
    env: 'MASSIVE_API_KEY_PARAMETER',
    help: 'SSM SecureString parameter holding the key (Lambda)',
  },
  massiveBaseUrl: {
    env: 'MASSIVE_BASE_URL',
    default: 'https://api.massive.com',
    help: 'Massive API base URL',
    context: 'massiveBaseUrl',
  },
  rateLimitPerMinute: {
    env: 'MASSIVE_RATE_LIMIT_PER_MINUTE',
    default: '5',
    range: { min: 0, max: 100_000 },
    help: 'client-side limit on Massive calls per minute, 0 = unlimited; the free plan allows 5',
    context: 'massiveRateLimitPerMinute',
  },
  massiveMaxInFlight: {
    env: 'MASSIVE_MAX_IN_FLIGHT',
    default: '4',
    range: { min: 1, max: 32 },
    help: 'Massive calls in flight at once, still within the rate limit',
  },
  dataDir: {
    env: 'STOCKS_DATA_DIR',
    flag: { name: 'data-dir', value: 'dir' },
    default: '.stocks-data',
    help: 'embedded store directory',
  },
  tableName: {
    env: 'TABLE_NAME',
    flag: { name: 'table', value: 'name' },
    help: 'DynamoDB table; set = use DynamoDB instead of the embedded store',
  },
  dynamodbEndpoint: {
    env: 'DYNAMODB_ENDPOINT',
    flag: { name: 'endpoint', value: 'url' },
    help: 'DynamoDB endpoint URL (DynamoDB Local, LocalStack, or `stocks-cli db`)',
  },
  region: {
    env: 'AWS_REGION',
    help: `AWS region for DynamoDB and SSM (default AWS_DEFAULT_REGION, else ${FALLBACK_REGION})`,
  },
  corsOrigin: {
    env: 'CORS_ORIGIN',
    default: '*',
    help: 'Access-Control-Allow-Origin of the API: `*` or one origin such as `https://example.com`',
    context: 'corsOrigin',
  },
  readCacheSeconds: {
    env: 'READ_CACHE_SECONDS',
    default: '5',
    range: { min: 0, max: 3600 },
    help: 'seconds the API keeps a finished answer; writes by this process clear it at once, 0 = off',
  },
  readCacheMaxMb: {
    env: 'READ_CACHE_MAX_MB',
    // The cache is for the few URLs everyone asks for: 1 MB holds about 500 `days=7` answers or 16
    // `days=365` ones. A larger cache mostly keeps one-off URLs, and every megabyte on the V8 heap lets the
    // old space grow several more before a full GC (bench:hostile: 16 MB gave 132 MB of RSS growth, 1 MB 87).
    default: '1',
    range: { min: 1, max: 1024 },
    help: 'megabytes of finished answers the API keeps, least recently used dropped first',
  },
  port: {
    env: 'PORT',
    default: '3000',
    range: { min: 0, max: 65_535 },
    help: 'port of `stocks-cli serve`, 0 = any free port',
  },
  serveMaxInFlight: {
    env: 'SERVE_MAX_IN_FLIGHT',
    default: '64',
    range: { min: 1, max: 10_000 },
    help: 'requests `stocks-cli serve` holds at once; more get 503 with Retry-After',
  },
  syncTimesEt: {
    env: 'SYNC_TIMES_ET',
    default: '16:30,00:30',
    help: 'HH:MM New York times of the scheduled syncs on weekdays; sets the API cache lifetime',
    context: 'syncTimesEt',
  },
  logLevel: {
    env: 'LOG_LEVEL',
    default: 'info',
    choices: ['debug', 'info', 'warn', 'error'],
    help: "the least severe log lines `stocks-cli` writes to stderr; debug also prints an error's stack",
  },
} as const satisfies Record<string, Setting>;

export type SettingKey = keyof typeof SETTINGS;

export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

/** The help text with what it accepts and its default: `--help`, the README and error messages say this. */
export function describeSetting(key: SettingKey): string {
  const setting: Setting = SETTINGS[key];
  const accepts = setting.range
    ? `${setting.range.min}-${setting.range.max}`
    : setting.choices && `${setting.choices.slice(0, -1).join(', ')} or ${setting.choices.at(-1)}`;
  const fallback = setting.default === undefined ? undefined : `default \`${setting.default}\``;
  const details = [accepts, fallback].filter(Boolean).join(', ');
  return details ? `${setting.help} (${details})` : setting.help;
}

/** The command-line flag of a setting: the global option where there is one (`--table`), else its kebab-case name. */
export function flagName(key: SettingKey): string {
  const setting: Setting = SETTINGS[key];
  return `--${setting.flag?.name ?? key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

/** The README's configuration table, generated: `npm run docs:config` writes it, a test keeps it equal. */
export function settingsTable(): string {
  return markdownTable(
    ['variable', 'meaning'],
    SETTING_KEYS.map((key) => [`\`${SETTINGS[key].env}\``, describeSetting(key)]),
  );
}

/** A Markdown table padded as prettier pads it, so a generated table passes `prettier --check`. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] as string).length)),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] as number)).join(' | ')} |`;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

type LogLevel = (typeof SETTINGS.logLevel.choices)[number];

/**
 * LOG_LEVEL for the one reader that runs whether or not the configuration loaded: the CLI's error
 * report (a configuration error is reported too). A word the loader would refuse counts as the default.
 */
export function logLevelOf(env: Record<string, string | undefined>): LogLevel {
  const value = env[SETTINGS.logLevel.env]?.toLowerCase();
  return SETTINGS.logLevel.choices.find((level) => level === value) ?? SETTINGS.logLevel.default;
}

/** The settings every `stocks-cli` command takes a flag for. */
export const GLOBAL_FLAG_SETTINGS = SETTING_KEYS.filter(
  (key) => (SETTINGS[key] as Setting).flag !== undefined,
);

/** Commander's name for a global flag's value (`--data-dir` is `dataDir`). */
export function optionAttribute(key: SettingKey): string {
  return flagName(key)
    .slice(2)
    .replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());
}
