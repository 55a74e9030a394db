import type { Node } from 'constructs';
import { z } from 'zod';
import { ConfigurationError, loadConfig, type AppConfig } from '../adapters/config/app-config.ts';
import {
  describeSetting,
  markdownTable,
  SETTING_KEYS,
  SETTINGS,
  type Setting,
  type SettingKey,
} from '../adapters/config/settings.ts';

/**
 * The infrastructure-only CDK context keys, with the defaults that deploy as is. cdk.json lists
 * exactly these (a test keeps the two equal), so `npx cdk deploy -c alarmEmail=ops@example.com` or
 * an edit of cdk.json is all it takes to change one.
 */
export const INFRA_CONTEXT = {
  stackPrefix: 'StockWinners',
  apiKeyParameterName: '/stock-winners/massive-api-key',
  apiThrottleRateLimit: 20,
  apiThrottleBurstLimit: 40,
  alarmEmail: '',
  logRetentionDays: 30,
  logLevel: 'INFO',
  reserveSyncConcurrency: true,
} as const;

/** What each infrastructure-only key does: docs/deployment.md's table is generated from this. */
const INFRA_CONTEXT_HELP: Record<keyof typeof INFRA_CONTEXT, string> = {
  stackPrefix: 'prefix of the stack names, to deploy a second copy side by side',
  apiKeyParameterName: 'the SSM SecureString holding the Massive key',
  apiThrottleRateLimit:
    'API Gateway stage throttling, requests per second, for requests that miss the CloudFront cache or bypass it',
  apiThrottleBurstLimit: 'API Gateway stage throttling burst, at least `apiThrottleRateLimit`',
  alarmEmail: 'an address subscribed to the alarm topic (confirm the e-mail AWS sends); empty = none',
  logRetentionDays: 'retention of the function and access logs, in days (a CloudWatch Logs period)',
  logLevel: '`POWERTOOLS_LOG_LEVEL` of both functions: DEBUG, INFO, WARN or ERROR',
  reserveSyncConcurrency:
    'reserve one concurrent execution for the sync function, so two syncs never run at once (see "Sync ' +
    'concurrency"); `false` on an account whose Lambda concurrency quota is too small to reserve any',
};

/**
 * docs/deployment.md's context tables, generated (`npm run docs:config` writes them, a test keeps them
 * equal): the application settings from the settings table, then the infrastructure-only keys.
 */
export function contextTables(): { readonly app: string; readonly infra: string } {
  const app = SETTING_KEYS.flatMap((key) => {
    const setting: Setting = SETTINGS[key];
    return setting.context ? [[`\`${setting.context}\``, `\`${setting.env}\``, describeSetting(key)]] : [];
  });
  const infra = Object.entries(INFRA_CONTEXT_HELP).map(([key, help]) => {
    const fallback = String(INFRA_CONTEXT[key as keyof typeof INFRA_CONTEXT]);
    return [`\`${key}\``, fallback === '' ? '(none)' : `\`${fallback}\``, help];
  });
  return {
    app: markdownTable(['context key', 'variable', 'meaning'], app),
    infra: markdownTable(['context key', 'default', 'meaning'], infra),
  };
}

/**
 * The application settings the stacks deploy, by CDK context key (`-c watchlist=AAPL,MSFT`). Their
 * defaults are the settings table's, so cdk.json does not repeat them.
 */
const SHARED_CONTEXT = Object.fromEntries(
  SETTING_KEYS.flatMap((key) => {
    const setting: Setting = SETTINGS[key];
    return setting.context ? [[setting.context, setting]] : [];
  }),
) as Record<string, Setting>;

/** Every context key the app reads, with its default. */
export const DEFAULT_CONTEXT: Readonly<Record<string, unknown>> = {
  ...INFRA_CONTEXT,
  ...Object.fromEntries(Object.entries(SHARED_CONTEXT).map(([key, setting]) => [key, setting.default])),
};

/** CloudWatch Logs accepts only these retention periods. */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const SSM_PARAMETER_NAME = /^\/[A-Za-z0-9_.\-/]{1,1010}$/;

const infraSchema = z.object({
  stackPrefix: z.string().regex(/^[A-Za-z][A-Za-z0-9-]{0,60}$/, { error: 'letters, digits and -' }),
  apiKeyParameterName: z.string().regex(SSM_PARAMETER_NAME, {
    error: 'an SSM parameter name starting with "/" (letters, digits, _ . - /)',
  }),
  apiThrottleRateLimit: z.coerce.number().int().min(1).max(10_000),
  apiThrottleBurstLimit: z.coerce.number().int().min(1).max(5_000),
  alarmEmail: z.union([z.literal(''), z.email({ error: 'an e-mail address, or empty for none' })]),
  logRetentionDays: z.coerce
    .number()
    .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
      error: `one of ${LOG_RETENTION_DAYS.join(', ')}`,
    }),
  logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']),
  reserveSyncConcurrency: z
    .enum(['true', 'false'], { error: 'true or false' })
    .transform((value) => value === 'true'),
});

/** What the stacks are built from: the functions' own settings plus the infrastructure-only ones. */
export interface DeploymentConfig extends z.infer<typeof infraSchema> {
  /** The application settings, validated by the application's own loader (the one the Lambdas run). */
  readonly app: AppConfig;
  /** Environment shared by both functions (TABLE_NAME is added by the stack). */
  readonly sharedEnvironment: Readonly<Record<string, string>>;
  readonly massiveBaseUrl: string;
  readonly massiveRateLimitPerMinute: number;
}

type ContextReader = Pick<Node, 'tryGetContext'>;

type InfraKey = keyof typeof INFRA_CONTEXT;

/** Reads the context (cdk.json, `-c key=value`), applies defaults, and fails synth on any bad value. */
export function readDeploymentConfig(node: ContextReader): DeploymentConfig {
  const raw = Object.fromEntries(
    Object.entries(INFRA_CONTEXT).map(([key, fallback]) => [
      key,
      contextValue(node, key) ?? String(fallback),
    ]),
  ) as Record<InfraKey, string>;
  // The application's loader is the one source of truth for what these accept and for their defaults:
  // it gets only the keys the context sets, as a Lambda's environment would hold them, so its rules
  // (such as `watchlists` and the one-list `watchlist` being exclusive) hold at synth too. Running it
  // here turns a typo in cdk.json into a synth error instead of a Lambda that fails at cold start.
  const app = parse(() =>
    loadConfig(
      Object.fromEntries(
        Object.entries(SHARED_CONTEXT).map(([key, setting]) => [setting.env, contextValue(node, key)]),
      ),
    ),
  );
  const infra = infraSchema.safeParse(raw);
  if (!infra.success) {
    const problems = infra.error.issues.map(
      (issue) => `context "${String(issue.path[0])}" is invalid: expected ${issue.message}.`,
    );
    throw new ConfigurationError(problems.join('\n'));
  }
  if (infra.data.apiThrottleBurstLimit < infra.data.apiThrottleRateLimit) {
    throw new ConfigurationError('context "apiThrottleBurstLimit" must be at least "apiThrottleRateLimit".');
  }
  return {
    ...infra.data,
    app,
    sharedEnvironment: sharedEnvironment(app),
    massiveBaseUrl: app.massiveBaseUrl,
    massiveRateLimitPerMinute: app.rateLimitPerMinute,
  };
}

/** The deployed settings only one function reads: the services stack sets each in that function alone. */
export const ONE_FUNCTION_SETTINGS = {
  corsOrigin: 'api',
  syncSessions: 'sync',
  massiveBaseUrl: 'sync',
  rateLimitPerMinute: 'sync',
} as const satisfies Partial<Record<SettingKey, 'api' | 'sync'>>;
/** The one-list shorthand: deployed folded into WATCHLISTS, since the loader refuses both forms at once. */
const WATCHLIST_SHORTHAND: readonly SettingKey[] = ['watchlist', 'watchlistName'];

/**
 * Every other deployed setting (a context key in the settings table), as the loader read it, in the
 * environment of both functions: a setting given a context key reaches them with no change here.
 */
function sharedEnvironment(app: AppConfig): Record<string, string> {
  const shared = SETTING_KEYS.filter(
    (key) =>
      (SETTINGS[key] as Setting).context !== undefined &&
      !(key in ONE_FUNCTION_SETTINGS) &&
      !WATCHLIST_SHORTHAND.includes(key),
  );
  return Object.fromEntries(shared.map((key) => [SETTINGS[key].env, environmentValue(app, key)]));
}

/** A setting's value as its variable is written: lists comma-separated, watchlists `name=A,B;name=C`. */
function environmentValue(app: AppConfig, key: SettingKey): string {
  if (key === 'watchlists') {
    return app.watchlists.map((list) => `${list.name}=${list.symbols.join(',')}`).join(';');
  }
  const value: unknown = app[key as keyof AppConfig];
  return Array.isArray(value) ? value.join(',') : String(value);
}

/** Context arrives as JSON from cdk.json and as strings from `-c`; lists may be either. */
function contextValue(node: ContextReader, key: string): string | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null) return undefined;
  return Array.isArray(value) ? value.join(',') : String(value);
}

function parse(load: () => AppConfig): AppConfig {
  try {
    return load();
  } catch (error) {
    if (error instanceof ConfigurationError) {
      throw new ConfigurationError(`CDK context is invalid (see cdk.json):\n${error.message}`);
    }
    throw error;
  }
}
