import { CommanderError } from 'commander';
import { DomainError, messageOf } from '../core/index.ts';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;

/** A mistake in how the command was called: exit code 2, one line, no stack trace. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export async function exitCodeOf(error: unknown): Promise<number> {
  if (error instanceof UsageError || error instanceof DomainError) return EXIT_USAGE;
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  // Loaded lazily: the settings schema (zod) is not needed to print help. A command that read its
  // settings has it loaded already, so this costs nothing on the path where it can match.
  const { ConfigurationError } = await import('../adapters/config/app-config.ts');
  return error instanceof ConfigurationError ? EXIT_USAGE : EXIT_FAILURE;
}

/** One problem, one line on stderr, in the form every failure of the CLI takes. */
export function reportProblem(message: string): void {
  process.stderr.write(`stocks-cli: ${message}\n`);
}

/** One clear line per problem on stderr; the stack only when LOG_LEVEL=debug. */
export function reportError(error: unknown): void {
  if (error instanceof CommanderError) return; // commander has already printed its message
  reportProblem(messageOf(error));
  if (process.env.LOG_LEVEL === 'debug' && error instanceof Error && error.stack) {
    process.stderr.write(`${error.stack}\n`);
  }
}

export interface Palette {
  green(text: string): string;
  red(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
  yellow(text: string): string;
}

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org); FORCE_COLOR forces it. */
export function paletteFor(stream: NodeJS.WriteStream): Palette {
  const forced = Boolean(process.env.FORCE_COLOR) && process.env.FORCE_COLOR !== '0';
  const enabled = !process.env.NO_COLOR && (forced || Boolean(stream.isTTY));
  const wrap = (open: number, close: number) => (text: string) =>
    enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text;
  return {
    green: wrap(32, 39),
    red: wrap(31, 39),
    dim: wrap(2, 22),
    bold: wrap(1, 22),
    yellow: wrap(33, 39),
  };
}

export function signedPercent(value: number): string {
  const sign = value > 0 ? '+' : value < 0 ? '-' : ' ';
  return `${sign}${Math.abs(value).toFixed(2)}%`;
}

/** Pads to a visible width (ANSI codes do not count). */
export function pad(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  // eslint-disable-next-line no-control-regex
  const visible = text.replace(/\u001b\[\d+m/g, '').length;
  const fill = ' '.repeat(Math.max(0, width - visible));
  return align === 'left' ? text + fill : fill + text;
}

/**
 * RFC 4180 CSV: CRLF after every record; a field holding a comma, a double quote, CR or LF is
 * enclosed in double quotes, with its double quotes doubled.
 */
export function toCsv(records: readonly (readonly string[])[]): string {
  return records.map((record) => `${record.map(csvField).join(',')}\r\n`).join('');
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
