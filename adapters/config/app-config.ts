import * as z from 'zod';
import { BASES } from '../../core/index.ts';

export const DEFAULT_WATCHLIST = ['AAPL', 'MSFT', 'GOOGL', 'AMZN', 'TSLA', 'NVDA', 'META'] as const;
export const DEFAULT_TABLE_NAME = 'stock-winners';

/** Raised for configuration a person must fix: names the variable (or flag) and what it accepts. */
export class ConfigurationError extends Error {
  readonly code = 'INVALID_CONFIGURATION';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

const TICKER = /^[A-Z][A-Z0-9.]{0,9}$/;
const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

function integer(min: number, max: number) {
  return z.coerce
    .number({ error: `a whole number from ${min} to ${max}` })
    .refine((value) => Number.isInteger(value) && value >= min && value <= max, {
      error: `a whole number from ${min} to ${max}`,
    });
}

function commaList() {
  return z.preprocess(
    (value) =>
      typeof value === 'string'
        ? value
            .split(',')
            .map((item) => item.trim())
            .filter(Boolean)
        : value,
    z.array(z.string()),
  );
}

/** An optional setting: an empty value (`--table ""`) counts as unset. */
function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === '' ? undefined : value), schema.optional());
}

/**
 * Every setting, its environment variable, and what it accepts. The README's configuration table
 * is this list.
 */
export const CONFIG_VARIABLES = {
  watchlist: { env: 'WATCHLIST', help: `comma-separated tickers (default ${DEFAULT_WATCHLIST.join(',')})` },
  watchlistName: { env: 'WATCHLIST_NAME', help: 'name the results are stored under (default "default")' },
  basis: { env: 'BASIS', help: `${BASES.join(' | ')} (default open-to-close)` },
  syncSessions: { env: 'SYNC_SESSIONS', help: 'sessions a sync looks back over, 1-365 (default 10)' },
  publishDelayMinutes: {
    env: 'PUBLISH_DELAY_MINUTES',
    help: 'minutes after the close before a session counts as completed, 0-1440 (default 0)',
  },
  massiveApiKey: { env: 'MASSIVE_API_KEY', help: 'Massive API key; unset = simulated market data' },
  massiveApiKeyParameter: {
    env: 'MASSIVE_API_KEY_PARAMETER',
    help: 'SSM SecureString parameter holding the key (Lambda)',
  },
  massiveBaseUrl: { env: 'MASSIVE_BASE_URL', help: 'Massive API base URL (default https://api.massive.com)' },
  rateLimitPerMinute: {
    env: 'MASSIVE_RATE_LIMIT_PER_MINUTE',
    help: 'client-side limit on Massive calls per minute, 0 = unlimited (default 5, the free plan)',
  },
  massiveMaxInFlight: {
    env: 'MASSIVE_MAX_IN_FLIGHT',
    help: 'Massive calls in flight at once, 1-32, still within the rate limit (default 4)',
  },
  dataDir: { env: 'STOCKS_DATA_DIR', help: 'embedded store directory (default .stocks-data)' },
  tableName: { env: 'TABLE_NAME', help: 'DynamoDB table; set = use DynamoDB instead of the embedded store' },
  dynamodbEndpoint: {
    env: 'DYNAMODB_ENDPOINT',
    help: 'DynamoDB endpoint URL (DynamoDB Local, LocalStack, or `stocks-cli db`)',
  },
  region: { env: 'AWS_REGION', help: 'AWS region for DynamoDB and SSM (default us-east-1)' },
  corsOrigin: { env: 'CORS_ORIGIN', help: 'Access-Control-Allow-Origin of the API (default *)' },
  readCacheSeconds: {
    env: 'READ_CACHE_SECONDS',
    help: 'seconds the API keeps store reads in memory (writes by this process clear it), 0-3600 (default 5)',
  },
  port: { env: 'PORT', help: 'port of `stocks-cli serve`, 0 = any free port (default 3000)' },
  syncTimesEt: {
    env: 'SYNC_TIMES_ET',
    help: 'HH:MM New York times of the scheduled syncs on weekdays (default 16:30,00:30); sets the API cache lifetime',
  },
} as const;

export type ConfigKey = keyof typeof CONFIG_VARIABLES;

const schema = z.object({
  watchlist: commaList().pipe(
    z
      .array(z.string().regex(TICKER, { error: 'tickers are 1-10 upper-case letters, digits or dots' }))
      .min(1, { error: 'at least one ticker' })
      .max(50, { error: 'at most 50 tickers' }),
  ),
  watchlistName: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'letters, digits, _ and -, up to 64' }),
  basis: z.enum(BASES, { error: BASES.join(' or ') }),
  syncSessions: integer(1, 365),
  publishDelayMinutes: integer(0, 1440),
  massiveApiKey: optional(z.string()),
  massiveApiKeyParameter: optional(z.string()),
  massiveBaseUrl: z.url({ protocol: /^https?$/, error: 'an http(s) URL' }),
  rateLimitPerMinute: integer(0, 100_000),
  massiveMaxInFlight: integer(1, 32),
  dataDir: z.string().min(1),
  tableName: optional(z.string()),
  dynamodbEndpoint: optional(z.url({ protocol: /^https?$/, error: 'an http(s) URL' })),
  region: z.string().min(1),
  corsOrigin: z.string().min(1),
  readCacheSeconds: integer(0, 3600),
  port: integer(0, 65_535),
  syncTimesEt: commaList().pipe(z.array(z.string().regex(HH_MM, { error: 'HH:MM times' })).min(1)),
});

export type AppConfig = z.infer<typeof schema>;

const DEFAULTS: Record<ConfigKey, unknown> = {
  watchlist: DEFAULT_WATCHLIST.join(','),
  watchlistName: 'default',
  basis: 'open-to-close',
  syncSessions: 10,
  publishDelayMinutes: 0,
  massiveApiKey: undefined,
  massiveApiKeyParameter: undefined,
  massiveBaseUrl: 'https://api.massive.com',
  rateLimitPerMinute: 5,
  massiveMaxInFlight: 4,
  dataDir: '.stocks-data',
  tableName: undefined,
  dynamodbEndpoint: undefined,
  region: undefined,
  corsOrigin: '*',
  readCacheSeconds: 5,
  port: 3000,
  syncTimesEt: '16:30,00:30',
};

/**
 * The one configuration loader: defaults, then the environment, then command-line flags (highest).
 * Invalid values fail here, at start, naming the variable or flag and what it accepts.
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  flags: Partial<Record<ConfigKey, unknown>> = {},
): AppConfig {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(CONFIG_VARIABLES) as ConfigKey[]) {
    const fromEnv = env[CONFIG_VARIABLES[key].env];
    raw[key] = flags[key] ?? (fromEnv === undefined || fromEnv === '' ? DEFAULTS[key] : fromEnv);
  }
  raw.region ??= env.AWS_DEFAULT_REGION || 'us-east-1';
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const key = String(issue.path[0]) as ConfigKey;
    const variable = CONFIG_VARIABLES[key];
    const source = flags[key] !== undefined ? `--${kebab(key)}` : variable.env;
    const shown = key === 'massiveApiKey' ? '(hidden)' : JSON.stringify(raw[key]);
    return `${source}=${shown} is invalid: expected ${issue.message} (${variable.help}).`;
  });
  throw new ConfigurationError(problems.join('\n'));
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** The key is a secret: anything that prints configuration goes through this. */
export function redactedConfig(config: AppConfig): Record<string, unknown> {
  return { ...config, massiveApiKey: config.massiveApiKey ? '(set)' : undefined };
}

/** For entry points where a setting has no sensible default (TABLE_NAME in Lambda): fail loudly at start. */
export function requireSetting<K extends ConfigKey>(config: AppConfig, key: K): NonNullable<AppConfig[K]> {
  const value = config[key];
  if (value === undefined || value === null || value === '') {
    throw new ConfigurationError(`${CONFIG_VARIABLES[key].env} must be set (${CONFIG_VARIABLES[key].help}).`);
  }
  return value as NonNullable<AppConfig[K]>;
}
