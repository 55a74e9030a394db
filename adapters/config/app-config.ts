import * as z from 'zod';
import {
  BASES,
  MAX_SECURITY_TYPES,
  marketFilters,
  SECURITY_TYPE,
  type MarketFilters,
  type Watchlist,
} from '../../core/index.ts';
import {
  DEFAULT_TABLE_NAME,
  DEFAULT_WATCHLIST_NAME,
  describeSetting,
  FALLBACK_REGION,
  flagName,
  SETTING_KEYS,
  SETTINGS,
  type Setting,
  type SettingKey,
} from './settings.ts';

export { DEFAULT_TABLE_NAME, DEFAULT_WATCHLIST, DEFAULT_WATCHLIST_NAME } from './settings.ts';

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
function integer(key: SettingKey) {
  const { min, max } = (SETTINGS[key] as Setting).range as { min: number; max: number };
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

/** The items named more than once, each once: `WATCHLIST=AAPL,MSFT,AAPL` is a mistake worth pointing at. */
function repeatsOf(list: readonly string[]): string[] {
  return [...new Set(list.filter((item, index) => list.indexOf(item) !== index))];
}

/** Refuses a list naming an item twice; `noun` says what the items are ("ticker", "security type"). */
function withoutRepeats(noun: string) {
  return (list: readonly string[], context: z.RefinementCtx): void => {
    const repeated = repeatsOf(list);
    if (repeated.length > 0) {
      context.addIssue({
        code: 'custom',
        message: `each ${noun} once; listed twice: ${repeated.join(', ')}`,
      });
    }
  };
}

// --- Watchlists (issue 14) ---------------------------------------------------------------------------

/** A watchlist's name is a URL path segment and a partition key: lowercase letters, digits and `-`. */
export const WATCHLIST_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;
const WATCHLIST_NAME_RULE = 'lowercase letters, digits and -, starting with a letter or digit, up to 64';
/** Lists come from configuration, and each is a partition the API reads and IAM names: a bounded few. */
export const MAX_WATCHLISTS = 20;
const MAX_TICKERS = 50;

const tickers = commaList().pipe(
  z
    .array(z.string().regex(TICKER, { error: 'tickers are 1-10 upper-case letters, digits or dots' }))
    .min(1, { error: 'at least one ticker' })
    .max(MAX_TICKERS, { error: `at most ${MAX_TICKERS} tickers` })
    .superRefine(withoutRepeats('ticker')),
);

/** `default=AAPL,MSFT;ev=TSLA,RIVN`: every problem is named by its list, so the message says where to look. */
function parseWatchlists(value: string, context: z.RefinementCtx): Watchlist[] {
  const entries = value
    .split(';')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const problems: string[] = [];
  const lists: Watchlist[] = [];
  if (entries.length === 0) problems.push('at least one list');
  if (entries.length > MAX_WATCHLISTS) problems.push(`at most ${MAX_WATCHLISTS} lists`);
  for (const entry of entries) {
    const equals = entry.indexOf('=');
    if (equals < 0) {
      problems.push(`"${entry}" has no "=": write name=TICKER,TICKER`);
      continue;
    }
    const name = entry.slice(0, equals).trim();
    if (!WATCHLIST_NAME.test(name)) {
      problems.push(`list name "${name}" is not ${WATCHLIST_NAME_RULE}`);
      continue;
    }
    const symbols = tickers.safeParse(entry.slice(equals + 1));
    if (!symbols.success) {
      problems.push(`list "${name}": ${symbols.error.issues.map((issue) => issue.message).join('; ')}`);
      continue;
    }
    lists.push({ name, symbols: symbols.data });
  }
  const repeated = repeatsOf(entries.map((entry) => entry.slice(0, entry.indexOf('=')).trim()));
  if (repeated.length > 0) problems.push(`each list name once; named twice: ${repeated.join(', ')}`);
  for (const problem of problems) context.addIssue({ code: 'custom', message: problem });
  return lists;
}

/** The list `/movers` and plain `winners` show: the one named `default`, else the first. */
export function defaultWatchlistOf(watchlists: readonly Watchlist[]): Watchlist {
  return (watchlists.find((list) => list.name === DEFAULT_WATCHLIST_NAME) ?? watchlists[0]) as Watchlist;
}

/** A dollar amount as typed: digits with an optional decimal part (`5`, `2.50`), never `1e3` or `-1`. */
function dollars() {
  const expected = 'a dollar amount of 0 or more, such as 5 or 2.50';
  return z
    .union([z.string().regex(/^\d{1,15}(\.\d{1,6})?$/, { error: expected }), z.number().min(0)], {
      error: expected,
    })
    .transform(Number);
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

export type ConfigKey = SettingKey;

const schema = z.object({
  watchlists: z.string().transform(parseWatchlists).optional(),
  watchlist: tickers,
  watchlistName: z.string().regex(WATCHLIST_NAME, { error: WATCHLIST_NAME_RULE }),
  basis: z.enum(BASES, { error: BASES.join(' or ') }),
  syncSessions: integer('syncSessions'),
  publishDelayMinutes: integer('publishDelayMinutes'),
  // The market board's filters: the same rules as core's marketFilters, with the variable named.
  marketSecurityTypes: commaList().pipe(
    z
      .array(z.string().regex(SECURITY_TYPE, { error: 'upper-case codes such as CS or ADRC' }))
      .min(1, { error: 'at least one security type' })
      .max(MAX_SECURITY_TYPES, { error: `at most ${MAX_SECURITY_TYPES} security types` })
      .superRefine(withoutRepeats('security type')),
  ),
  marketMinClose: dollars(),
  marketMinDollarVolume: dollars(),
  massiveApiKey: z
    .string()
    .regex(HEADER_SAFE_TOKEN, {
      error: 'visible ASCII characters only (no spaces, line breaks or accents: it is sent in a header)',
    })
    .optional(),
  massiveApiKeyParameter: z.string().optional(),
  massiveBaseUrl: z.url({ protocol: /^https?$/, error: 'an http(s) URL' }),
  rateLimitPerMinute: integer('rateLimitPerMinute'),
  massiveMaxInFlight: integer('massiveMaxInFlight'),
  dataDir: z.string().min(1),
  tableName: z.string().optional(),
  dynamodbEndpoint: z.url({ protocol: /^https?$/, error: 'an http(s) URL' }).optional(),
  region: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, { error: 'a region name such as us-east-1' }),
  corsOrigin: z.string().refine(isCorsOrigin, { error: '* or an origin like https://example.com' }),
  readCacheSeconds: integer('readCacheSeconds'),
  readCacheMaxMb: integer('readCacheMaxMb'),
  port: integer('port'),
  serveMaxInFlight: integer('serveMaxInFlight'),
  syncTimesEt: commaList().pipe(z.array(z.string().regex(HH_MM, { error: 'HH:MM times' })).min(1)),
  logLevel: z.preprocess(
    (value) => (typeof value === 'string' ? value.toLowerCase() : value),
    z.enum(SETTINGS.logLevel.choices, { error: SETTINGS.logLevel.choices.join(', ') }),
  ),
});

type Settings = z.infer<typeof schema>;

/**
 * Where winners are stored, decided once here: TABLE_NAME alone is a table on AWS, DYNAMODB_ENDPOINT
 * another DynamoDB-compatible server, neither the embedded store under STOCKS_DATA_DIR.
 */
export type StoreSelection =
  | { readonly mode: 'aws'; readonly tableName: string; readonly region: string }
  | {
      readonly mode: 'endpoint';
      readonly tableName: string;
      readonly region: string;
      readonly endpoint: string;
    }
  | { readonly mode: 'embedded'; readonly tableName: string; readonly dataDir: string };

export type StoreMode = StoreSelection['mode'];

/**
 * `watchlists` is every list, whichever form configured them; `defaultWatchlist` is the one `/movers` shows,
 * and `watchlist` / `watchlistName` are its symbols and name (derived here, so there is one source).
 */
export type AppConfig = Omit<Settings, 'watchlists'> & {
  readonly watchlists: readonly Watchlist[];
  readonly defaultWatchlist: Watchlist;
  readonly store: StoreSelection;
};

function withWatchlists(settings: Settings): Omit<AppConfig, 'store'> {
  const watchlists = settings.watchlists ?? [{ name: settings.watchlistName, symbols: settings.watchlist }];
  const defaultWatchlist = defaultWatchlistOf(watchlists);
  return {
    ...settings,
    watchlists,
    defaultWatchlist,
    watchlist: [...defaultWatchlist.symbols],
    watchlistName: defaultWatchlist.name,
  };
}

/** Both forms at once would leave one of them silently ignored. */
function bothWatchlistForms(given: (key: ConfigKey) => string | undefined): string | undefined {
  const lists = given('watchlists');
  const shorthand = [given('watchlist'), given('watchlistName')].filter(Boolean);
  if (lists === undefined || shorthand.length === 0) return undefined;
  return (
    `${lists} and ${shorthand.join(' and ')} are both set: WATCHLISTS names every list, ` +
    `WATCHLIST and WATCHLIST_NAME are its one-list shorthand. Use one form.`
  );
}

function storeSelection(settings: Settings): StoreSelection {
  const { tableName, dynamodbEndpoint: endpoint, region, dataDir } = settings;
  if (tableName && !endpoint) return { mode: 'aws', tableName, region };
  // Local stores get a table of their own name; on AWS the CDK stack names it and TABLE_NAME says which.
  const localTable = tableName ?? DEFAULT_TABLE_NAME;
  if (endpoint) return { mode: 'endpoint', tableName: localTable, region, endpoint };
  return { mode: 'embedded', tableName: localTable, dataDir };
}

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
  for (const key of SETTING_KEYS) {
    const setting: Setting = SETTINGS[key];
    const fromEnv = env[setting.env];
    if (typeof flags[key] === 'string' && (flags[key] as string).trim() === '') {
      emptyFlags.push(`${flagName(key)} was given an empty value: give a value or leave the flag out.`);
    }
    raw[key] = flags[key] ?? (fromEnv === undefined || fromEnv === '' ? setting.default : fromEnv);
  }
  if (emptyFlags.length > 0) throw new ConfigurationError(emptyFlags.join('\n'));
  // A shorthand left at its default says nothing (the CDK app passes every default explicitly).
  const conflict = bothWatchlistForms((key) => {
    if (flags[key] !== undefined) return flagName(key);
    const fromEnv = env[SETTINGS[key].env];
    const unset = fromEnv === undefined || fromEnv === '' || fromEnv === (SETTINGS[key] as Setting).default;
    return unset ? undefined : SETTINGS[key].env;
  });
  if (conflict) throw new ConfigurationError(conflict);
  raw.region ??= env.AWS_DEFAULT_REGION || FALLBACK_REGION;
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ...withWatchlists(parsed.data), store: storeSelection(parsed.data) };
  const problems = parsed.error.issues.map((issue) => {
    const key = String(issue.path[0]) as ConfigKey;
    const source = flags[key] !== undefined ? flagName(key) : SETTINGS[key].env;
    const shown = key === 'massiveApiKey' ? '(hidden)' : JSON.stringify(raw[key]);
    return `${source}=${shown} is invalid: expected ${issue.message} (${describeSetting(key)}).`;
  });
  throw new ConfigurationError(problems.join('\n'));
}

/** The market board's filters this deployment applies, checked by core's own rules. */
export function marketFiltersOf(config: AppConfig): MarketFilters {
  return marketFilters({
    securityTypes: config.marketSecurityTypes,
    minClose: config.marketMinClose,
    minDollarVolume: config.marketMinDollarVolume,
  });
}

/** The key is a secret: anything that prints configuration goes through this. */
export function redactedConfig(config: AppConfig): Record<string, unknown> {
  return { ...config, massiveApiKey: config.massiveApiKey ? '(set)' : undefined };
}

/** For entry points where a setting has no sensible default (TABLE_NAME in Lambda): fail loudly at start. */
export function requireSetting<K extends ConfigKey>(config: AppConfig, key: K): NonNullable<AppConfig[K]> {
  const value = config[key];
  if (value === undefined || value === null || value === '') {
    throw new ConfigurationError(`${SETTINGS[key].env} must be set (${describeSetting(key)}).`);
  }
  return value as NonNullable<AppConfig[K]>;
}
