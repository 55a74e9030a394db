/**
 * The logging surface adapters depend on. Powertools' Logger satisfies it; tests pass a capturing one.
 * Attributes must never carry secrets (API keys, credentials).
 */
export interface AppLogger {
  debug(message: string, attributes?: Record<string, unknown>): void;
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
}

export const silentLogger: AppLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
