import type { App } from 'aws-cdk-lib';
import { Tags, Validations } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DataStack } from './data-stack.ts';
import { readDeploymentConfig, type DeploymentConfig } from './deployment-config.ts';
import { ServicesStack } from './services-stack.ts';
import { WebStack } from './web-stack.ts';

export interface StockWinnersStacks {
  readonly config: DeploymentConfig;
  readonly data: DataStack;
  readonly services: ServicesStack;
  readonly web: WebStack;
}

export interface StockWinnersAppOptions {
  /** The built dashboard directory (web/dist). */
  readonly siteDirectory: string;
}

/**
 * The three stacks from the context, with cdk-nag's AwsSolutions pack on all of them: synth fails on
 * any finding that is not acknowledged, with its reason, next to the construct it concerns.
 */
export function buildStockWinnersApp(app: App, options: StockWinnersAppOptions): StockWinnersStacks {
  const config = readDeploymentConfig(app.node);
  // No lookups anywhere: an environment-agnostic synth needs neither credentials nor network.
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
  const prefix = config.stackPrefix;

  const data = new DataStack(app, `${prefix}Data`, {
    env,
    description: 'Stock Winners: the winners table (stateful, retained)',
  });
  const services = new ServicesStack(app, `${prefix}Services`, {
    env,
    description: 'Stock Winners: API and sync functions, schedules, API Gateway, alarms',
    table: data.table,
    config,
  });
  const web = new WebStack(app, `${prefix}Web`, {
    env,
    description: 'Stock Winners: dashboard bucket and CloudFront distribution (site and API on one origin)',
    api: services.api,
    siteDirectory: options.siteDirectory,
    logRetention: config.logRetentionDays as RetentionDays,
  });
  Tags.of(app).add('project', 'stock-winners');
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { config, data, services, web };
}
