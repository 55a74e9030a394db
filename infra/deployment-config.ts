import type { Node } from 'constructs';
import { z } from 'zod';
import { ConfigurationError, loadConfig, type AppConfig } from '../adapters/config/app-config.ts';
import { SETTING_KEYS, SETTINGS, type Setting } from '../adapters/config/settings.ts';

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
    Object.keys(INFRA_CONTEXT).map((key) => [key, contextValue(node, key)]),
  ) as Record<InfraKey, string>;
  // The application's loader is the one source of truth for what these accept; running it at synth
  // turns a typo in cdk.json into a synth error instead of a Lambda that fails at cold start.
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
    sharedEnvironment: {
      WATCHLIST: app.watchlist.join(','),
      WATCHLIST_NAME: app.watchlistName,
      BASIS: app.basis,
      SYNC_TIMES_ET: app.syncTimesEt.join(','),
      PUBLISH_DELAY_MINUTES: String(app.publishDelayMinutes),
    },
    massiveBaseUrl: app.massiveBaseUrl,
    massiveRateLimitPerMinute: app.rateLimitPerMinute,
  };
}

/** Context arrives as JSON from cdk.json and as strings from `-c`; lists may be either. */
function contextValue(node: ContextReader, key: string): string | undefined {
  const value: unknown = node.tryGetContext(key) ?? DEFAULT_CONTEXT[key];
  // A setting with no default (WATCHLISTS) is unset unless the context gives it.
  if (value === undefined) return undefined;
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
