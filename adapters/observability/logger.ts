import { Logger } from '@aws-lambda-powertools/logger';
import type { AppLogger } from './app-logger.ts';

export const SERVICE_NAME = 'stock-winners';

type Level = 'debug' | 'info' | 'warn' | 'error';
const LEVEL_ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Lambda: Powertools' structured JSON logger (service name, cold start, request ids). */
export function createLambdaLogger(): AppLogger {
  const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? SERVICE_NAME });
  return {
    debug: (message, attributes) => logger.debug(message, toLogAttributes(attributes)),
    info: (message, attributes) => logger.info(message, toLogAttributes(attributes)),
    warn: (message, attributes) => logger.warn(message, toLogAttributes(attributes)),
    error: (message, attributes) => logger.error(message, toLogAttributes(attributes)),
  };
}

function toLogAttributes(attributes: Record<string, unknown> = {}): Record<string, never> {
  // Powertools types attribute values narrowly; ours are plain JSON values, which it serialises as is.
  return attributes as Record<string, never>;
}

/**
 * CLI and local server: readable lines on stderr (`warn  message key=value`), so stdout stays
 * clean for tables and `--json`. The level is the configuration's `logLevel` (LOG_LEVEL).
 */
export function createConsoleLogger(
  level: string,
  write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): AppLogger {
  const threshold = LEVEL_ORDER[level.toLowerCase() as Level] ?? LEVEL_ORDER.info;
  const log = (at: Level) => (message: string, attributes?: Record<string, unknown>) => {
    if (LEVEL_ORDER[at] < threshold) return;
    const details = Object.entries(attributes ?? {})
      .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
      .join(' ');
    write(`${at.padEnd(5)} ${message}${details ? ` ${details}` : ''}`);
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
