import 'reflect-metadata';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { createContainer } from '../composition/container.ts';
import { TOKENS } from '../composition/tokens.ts';
import { loadConfig, requireSetting } from '../config/app-config.ts';
import { createLambdaLogger } from '../observability/logger.ts';

// Module scope: built once per cold start, reused by every warm invocation.
const logger = createLambdaLogger();
const config = loadConfig(process.env);
requireSetting(config, 'tableName');
const api = createContainer(config, { logger }).get(TOKENS.moversApi);

export function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  return api.handle(event);
}
