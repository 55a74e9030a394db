import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import {
  NodejsFunction,
  OutputFormat,
  SourceMapMode,
  type NodejsFunctionProps,
} from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Pinned, not "latest": a runtime change is a reviewed code change, and cdk-nag L1 wants the newest. */
export const HOUSE_RUNTIME = Runtime.NODEJS_24_X;

/**
 * The house defaults every function shares: ESM bundled locally by esbuild (no Docker), ARM64 (about
 * 20% cheaper per GB-second), minified with linked source maps, X-Ray tracing. The AWS SDK is bundled
 * rather than taken from the runtime, so Lambda runs exactly the versions the tests ran.
 */
export const HOUSE_FUNCTION_DEFAULTS = {
  runtime: HOUSE_RUNTIME,
  architecture: Architecture.ARM_64,
  memorySize: 512,
  tracing: Tracing.ACTIVE,
  projectRoot: PROJECT_ROOT,
  depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
  handler: 'handler',
  bundling: {
    format: OutputFormat.ESM,
    target: 'node24',
    platform: 'node',
    mainFields: ['module', 'main'],
    // ESM output still meets CommonJS dependencies that call require(): give them one.
    banner:
      "import { createRequire as __houseCreateRequire } from 'node:module'; const require = __houseCreateRequire(import.meta.url);",
    minify: true,
    sourceMap: true,
    sourceMapMode: SourceMapMode.DEFAULT, // a linked index.mjs.map beside the bundle
    sourcesContent: false,
    bundleAwsSDK: true,
    forceDockerBundling: false,
  },
} as const satisfies Partial<NodejsFunctionProps>;

/** Stack-trace lines point at the TypeScript sources through the bundled source map. */
export const HOUSE_NODE_OPTIONS = '--enable-source-maps';

export interface HouseFunctionProps {
  /** Entry file, relative to the project root (e.g. `adapters/lambda/api-handler.ts`). */
  readonly entry: string;
  readonly description: string;
  readonly environment: Record<string, string>;
  readonly timeout: Duration;
  readonly logRetention: RetentionDays;
  /** Executions reserved for (and the most allowed to) this function; unset = the account's shared pool. */
  readonly reservedConcurrentExecutions?: number;
}

/**
 * A function built from the house defaults, with its own log group (retention set, removed with the
 * stack) and its own role. The role carries no managed policy: only the write access to its log group
 * and whatever the stack grants it explicitly, so the tests can list every permission it has.
 */
export function createHouseFunction(scope: Construct, id: string, props: HouseFunctionProps): NodejsFunction {
  const logGroup = new LogGroup(scope, `${id}Logs`, {
    retention: props.logRetention,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const role = new Role(scope, `${id}Role`, {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: `Execution role of ${props.description}`,
  });
  logGroup.grantWrite(role);
  const fn = new NodejsFunction(scope, id, {
    ...HOUSE_FUNCTION_DEFAULTS,
    entry: path.join(PROJECT_ROOT, props.entry),
    description: props.description,
    timeout: props.timeout,
    reservedConcurrentExecutions: props.reservedConcurrentExecutions,
    role,
    logGroup,
    environment: { ...props.environment, NODE_OPTIONS: HOUSE_NODE_OPTIONS },
  });
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'Only the X-Ray statement that active tracing adds (xray:PutTraceSegments, xray:PutTelemetryRecords): ' +
      'these actions support no resource-level permissions, so AWS documents "*" as their only resource.',
  });
  return fn;
}

/** Every timeout in one place: the API answers within API Gateway's 29 s; a sync waits on a rate-limited API. */
export const FUNCTION_TIMEOUTS = {
  api: Duration.seconds(10),
  sync: Duration.minutes(10),
} as const;
