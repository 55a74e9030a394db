import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The installed command, exactly as `npx stocks-cli` runs it. */
export const CLI = fileURLToPath(new URL('../../bin/stocks-cli.js', import.meta.url));

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Spawns `stocks-cli` and collects its output; never rejects on a non-zero exit. */
export function runCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, env);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk) => (stdout += chunk));
    child.stderr?.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export function spawnCli(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1', ...env } });
}

export interface ServeProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Resolves with the first stderr line (logs) matching `pattern`, whenever it comes; rejects if the process exits first. */
  logLine(pattern: RegExp): Promise<string>;
  stop(): Promise<number | null>;
}

/** Starts `stocks-cli serve --port 0` and resolves with its URL once it listens. */
export function startServe(args: string[], env: Record<string, string>): Promise<ServeProcess> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(['serve', '--port', '0', ...args], env);
    let stderr = '';
    child.stderr?.on('data', (chunk) => (stderr += chunk));
    const early = (code: number | null) =>
      reject(new Error(`serve exited ${code} before listening: ${stderr}`));
    child.once('exit', early);
    child.stdout?.on('data', (chunk: Buffer) => {
      const match = /http:\/\/localhost:\d+/.exec(chunk.toString());
      if (!match) return;
      child.off('exit', early);
      resolve({
        url: match[0],
        child,
        logLine: (pattern) => firstLine(child, () => stderr, pattern),
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done(child.exitCode);
            child.once('exit', (code) => done(code));
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

function firstLine(child: ChildProcess, output: () => string, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const line = output()
        .split('\n')
        .find((candidate) => pattern.test(candidate));
      if (line === undefined) return false;
      child.stderr?.off('data', check);
      child.off('exit', exited);
      resolve(line);
      return true;
    };
    const exited = (code: number | null) => {
      child.stderr?.off('data', check);
      reject(new Error(`stocks-cli exited ${code} before logging ${pattern}: ${output()}`));
    };
    if (check()) return;
    child.stderr?.on('data', check);
    child.once('exit', exited);
  });
}
