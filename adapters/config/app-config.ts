import * as z from 'zod';
import { BASES, MAX_SYNC_SESSIONS } from '../../core/index.ts';

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

const WHOLE_NUMBER = /^\d+$/;

/** Digits only: `1e2`, `0x10`, `' 7 '` and `7.0` are typing mistakes, not numbers to guess at. */
function integer(min: number, max: number) {
  const expected = `a whole number from ${min} to ${max}`;
  return z
    .union([z.string().regex(WHOLE_NUMBER, { error: expected }), z.number()], { error: expected })
    .transform(Number)
    .refine((value) => Number.isSafeInteger(value) && value >= min && value <= max, { error: expected });
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

/** A list where naming an item twice is a mistake worth pointing at (`WATCHLIST=AAPL,MSFT,AAPL`). */
function withoutRepeats(list: readonly string[], context: z.RefinementCtx): void {
  const repeated = list.filter((item, index) => list.indexOf(item) !== index);
  if (repeated.length > 0) {
    context.addIssue({
      code: 'custom',
      message: `each ticker once; listed twice: ${[...new Set(repeated)].join(', ')}`,
    });
  }
}

/** `*`, or one origin: scheme, host and optional port, nothing else (it is sent as a header). */
function isCorsOrigin(value: string): boolean {
  if (value === '*') return true;
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}

/** What an HTTP header value can carry (the key goes out as `Authorization: Bearer <key>`). */
const HEADER_SAFE_TOKEN = /^[\x21-\x7e]+$/;

/**
 * Every setting, its environment variable, and what it accepts. The README's configuration table
 * is this list.
 */
export const CONFIG_VARIABLES = {
  watchlist: { env: 'WATCHLIST', help: `comma-separated tickers (default ${DEFAULT_WATCHLIST.join(',')})` },
  watchlistName: { env: 'WATCHLIST_NAME', help: 'name the results are stored under (default "default")' },
  basis: { env: 'BASIS', help: `${BASES.join(' | ')} (default open-to-close)` },
  syncSessions: {
    env: 'SYNC_SESSIONS',
    help: `sessions a sync looks back over, 1-${MAX_SYNC_SESSIONS} (default 10)`,
  },
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
  tableName: {
    env: 'TABLE_NAME',
    flag: 'table',
    help: 'DynamoDB table; set = use DynamoDB instead of the embedded store',
  },
  dynamodbEndpoint: {
    env: 'DYNAMODB_ENDPOINT',
    flag: 'endpoint',
    help: 'DynamoDB endpoint URL (DynamoDB Local, LocalStack, or `stocks-cli db`)',
  },
  region: { env: 'AWS_REGION', help: 'AWS region for DynamoDB and SSM (default us-east-1)' },
  corsOrigin: {
    env: 'CORS_ORIGIN',
    help: 'Access-Control-Allow-Origin of the API: * or one origin such as https://example.com (default *)',
  },
  readCacheSeconds: {
    env: 'READ_CACHE_SECONDS',
    help: 'seconds the API keeps a finished answer; writes by this process clear it at once, 0-3600, 0 = off (default 5)',
  },
  readCacheMaxMb: {
    env: 'READ_CACHE_MAX_MB',
    help: 'megabytes of finished answers the API keeps, least recently used dropped first, 1-1024 (default 1)',
  },
  port: { env: 'PORT', help: 'port of `stocks-cli serve`, 0 = any free port (default 3000)' },
  serveMaxInFlight: {
    env: 'SERVE_MAX_IN_FLIGHT',
    help: 'requests `stocks-cli serve` holds at once; more get 503 with Retry-After, 1-10000 (default 64)',
  },
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
      .max(50, { error: 'at most 50 tickers' })
      .superRefine(withoutRepeats),
  ),
  watchlistName: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'letters, digits, _ and -, up to 64' }),
  basis: z.enum(BASES, { error: BASES.join(' or ') }),
  syncSessions: integer(1, MAX_SYNC_SESSIONS),
  publishDelayMinutes: integer(0, 1440),
  massiveApiKey: z
    .string()
    .regex(HEADER_SAFE_TOKEN, {
      error: 'visible ASCII characters only (no spaces, line breaks or accents: it is sent in a header)',
    })
    .optional(),
  massiveApiKeyParameter: z.string().optional(),
  massiveBaseUrl: z.url({ protocol: /^https?$/, error: 'an http(s) URL' }),
  rateLimitPerMinute: integer(0, 100_000),
  massiveMaxInFlight: integer(1, 32),
  dataDir: z.string().min(1),
  tableName: z.string().optional(),
  dynamodbEndpoint: z.url({ protocol: /^https?$/, error: 'an http(s) URL' }).optional(),
  region: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, { error: 'a region name such as us-east-1' }),
  corsOrigin: z.string().refine(isCorsOrigin, { error: '* or an origin like https://example.com' }),
  readCacheSeconds: integer(0, 3600),
  readCacheMaxMb: integer(1, 1024),
  port: integer(0, 65_535),
  serveMaxInFlight: integer(1, 10_000),
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
  // The cache is for the few URLs everyone asks for: 1 MB holds about 500 `days=7` answers or 16
  // `days=365` ones. A larger cache mostly keeps one-off URLs, and every megabyte on the V8 heap lets the
  // old space grow several more before a full GC (bench:hostile: 16 MB gave 132 MB of RSS growth, 1 MB 87).
  readCacheMaxMb: 1,
  port: 3000,
  serveMaxInFlight: 64,
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
  const emptyFlags: string[] = [];
  for (const key of Object.keys(CONFIG_VARIABLES) as ConfigKey[]) {
    const fromEnv = env[CONFIG_VARIABLES[key].env];
    if (typeof flags[key] === 'string' && (flags[key] as string).trim() === '') {
      emptyFlags.push(`${flagName(key)} was given an empty value: give a value or leave the flag out.`);
    }
    raw[key] = flags[key] ?? (fromEnv === undefined || fromEnv === '' ? DEFAULTS[key] : fromEnv);
  }
  if (emptyFlags.length > 0) throw new ConfigurationError(emptyFlags.join('\n'));
  raw.region ??= env.AWS_DEFAULT_REGION || 'us-east-1';
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const key = String(issue.path[0]) as ConfigKey;
    const variable = CONFIG_VARIABLES[key];
    const source = flags[key] !== undefined ? flagName(key) : variable.env;
    const shown = key === 'massiveApiKey' ? '(hidden)' : JSON.stringify(raw[key]);
    return `${source}=${shown} is invalid: expected ${issue.message} (${variable.help}).`;
  });
  throw new ConfigurationError(problems.join('\n'));
}

/** The command-line flag of a setting: its own name where the CLI spells it shorter (`--table`). */
function flagName(key: ConfigKey): string {
  const variable = CONFIG_VARIABLES[key];
  return `--${'flag' in variable ? variable.flag : key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
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
