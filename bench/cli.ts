/**
 * Start-up cost of `stocks-cli`, timed as whole processes against a bare `node -e 0` in the same run.
 *
 * - `stocks-cli --help`: CPU (user + sys, from /usr/bin/time) and wall, median of RUNS.
 * - `stocks-cli winners --days 7` on an embedded store holding seven years (simulated market data).
 * - `npm start`, and the compiled `stocks-cli serve` alone, until the first `/movers` answer (wall).
 * The first two also run from the TypeScript sources through tsx, the way every start worked before
 * the compiled build, as the "before" figure measured in the same run.
 *
 *   npm run bench:cli            prints one JSON document on stdout
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAll } from '../cli/build.ts';
import { lastSessions } from '../core/index.ts';
import { median } from './support/median.ts';

const RUNS = 7;
const GOALS = { helpCpuRatio: 2.5, winnersCpuMs: 800, startToFirstAnswerMs: 1500 } as const;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TIME = '/usr/bin/time';
const STORE_FROM = '2019-01-02';
const AS_OF = '2025-12-31';

const workDir = mkdtempSync(path.join(tmpdir(), 'stock-winners-bench-cli-'));

interface Sample {
  readonly cpuMs: number;
  readonly wallMs: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** One whole process under /usr/bin/time: CPU is the user + sys time of the process and its children. */
function timeProcess(command: string[], env: Record<string, string> = {}): Sample {
  const timeFile = path.join(workDir, 'time.txt');
  const started = performance.now();
  const result = spawnSync(TIME, ['-f', '%U %S', '-o', timeFile, ...command], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', ...env },
    encoding: 'utf8',
  });
  const wallMs = performance.now() - started;
  if (result.status !== 0) throw new Error(`${command.join(' ')} exited ${result.status}:\n${result.stderr}`);
  const [user, sys] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)?.split(' ').map(Number) ?? [];
  return {
    cpuMs: ((user ?? NaN) + (sys ?? NaN)) * 1000,
    wallMs,
    stdout: result.stdout,
    stderr: result.stderr,
  };
}

const round = (value: number, digits = 0) => Number(value.toFixed(digits));

interface Subject {
  readonly name: string;
  readonly command: string[];
  readonly env?: Record<string, string>;
  /** Throws unless the process gave the real answer. */
  readonly check: (sample: Sample) => void;
}

/** Subjects interleaved run by run, so drift on the machine spreads over all of them alike. */
function measure(subjects: readonly Subject[]): Map<string, { cpuMs: number; wallMs: number }> {
  const samples = new Map<string, Sample[]>(subjects.map((subject) => [subject.name, []]));
  for (const subject of subjects) subject.check(timeProcess(subject.command, subject.env)); // warm the file cache
  for (let run = 0; run < RUNS; run += 1) {
    for (const subject of subjects) {
      const sample = timeProcess(subject.command, subject.env);
      subject.check(sample);
      samples.get(subject.name)?.push(sample);
    }
  }
  return new Map(
    [...samples].map(([name, list]) => [
      name,
      { cpuMs: median(list.map((s) => s.cpuMs)), wallMs: median(list.map((s) => s.wallMs)) },
    ]),
  );
}

function expect(condition: boolean, message: string): void {
  if (!condition) throw new Error(`wrong answer: ${message}`);
}

const COMPILED = [process.execPath, 'bin/stocks-cli.js'];
const SOURCES_VIA_TSX = [process.execPath, '--import', 'tsx', 'cli/main.ts'];

function helpCheck(sample: Sample): void {
  expect(
    /Usage: stocks-cli/.test(sample.stdout) && /winners/.test(sample.stdout),
    '--help lists the commands',
  );
  expect(!/Building stocks-cli/.test(sample.stderr), 'the build was fresh: nothing rebuilt while timed');
}

function winnersCheck(sample: Sample): void {
  const sessions = lastSessions(7, AS_OF);
  expect(sample.stdout.includes('7 of 7 sessions stored'), 'all seven sessions are stored');
  for (const session of sessions)
    expect(new RegExp(`^${session}\\s+[A-Z]+\\s+[+-]`, 'm').test(sample.stdout), session);
}

const CLOCK_TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

/**
 * CPU time used so far by a process group (Linux /proc): user + sys of each live member, plus what its
 * exited and reaped children used (npm's build step). Less sensitive to other load than wall time.
 */
function groupCpuMs(group: number): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // Fields after the command name (which may hold spaces): state ppid pgrp ... utime(14) stime cutime cstime.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) !== group) continue;
    ticks += [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index]), 0);
  }
  return (ticks / CLOCK_TICKS_PER_SECOND) * 1000;
}

interface StartSample {
  readonly wallMs: number;
  readonly cpuMs: number;
}

/** Spawns a server command and measures until `/movers` first answers with the stored week. */
async function timeToFirstAnswer(command: string[], dataDir: string): Promise<StartSample> {
  const started = performance.now();
  // Its own process group: `npm start` runs the server as a grandchild, and the whole group is stopped after.
  const child = spawn(command[0] as string, command.slice(1), {
    cwd: ROOT,
    detached: true,
    env: { ...process.env, NO_COLOR: '1', PORT: '0', STOCKS_DATA_DIR: dataDir, MASSIVE_API_KEY: '' },
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /http:\/\/localhost:\d+/.exec(output);
        if (match) resolve(match[0]);
      });
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('exit', (code) => reject(new Error(`${command.join(' ')} exited ${code}: ${output}`)));
    });
    const response = await fetch(`${url}/movers?days=7&asOf=${AS_OF}`);
    const elapsed = performance.now() - started;
    const cpuMs = groupCpuMs(child.pid as number);
    const body = (await response.json()) as { count: number; data: { date: string }[] };
    expect(
      response.status === 200 && body.count === 7,
      `/movers answered ${response.status}, count ${body.count}`,
    );
    expect(body.data.map((row) => row.date).join() === lastSessions(7, AS_OF).join(), '/movers dates');
    return { wallMs: elapsed, cpuMs };
  } finally {
    await stopGroup(child);
  }
}

/** Stops the process group and waits until every member is gone (`npm start` exits before the server it ran). */
async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined) return;
  const group = -child.pid;
  const signal = (name: NodeJS.Signals | 0) => {
    try {
      process.kill(group, name);
      return true;
    } catch {
      return false; // ESRCH: no process left in the group
    }
  };
  signal('SIGTERM');
  while (signal(0)) await new Promise((resolve) => setTimeout(resolve, 20));
}

async function startSamples(command: string[], store: string): Promise<{ wallMs: number; cpuMs: number }> {
  const samples: StartSample[] = [];
  for (let run = 0; run <= RUNS; run += 1) {
    // A copy per run: the start-up sync writes the newest sessions, and each run starts from the same store.
    const dataDir = mkdtempSync(path.join(workDir, 'serve-'));
    cpSync(store, dataDir, { recursive: true });
    const elapsed = await timeToFirstAnswer(command, dataDir);
    if (run > 0) samples.push(elapsed); // run 0 warms the file cache
    rmSync(dataDir, { recursive: true, force: true });
  }
  return {
    wallMs: median(samples.map((sample) => sample.wallMs)),
    cpuMs: median(samples.map((sample) => sample.cpuMs)),
  };
}

async function main(): Promise<void> {
  if (!existsSync(TIME))
    throw new Error(`${TIME} is needed to read each process's CPU time (apt-get install time).`);
  await buildAll();
  const store = path.join(workDir, 'seven-years');
  const storeEnv = { STOCKS_DATA_DIR: store, MASSIVE_API_KEY: '' };
  const backfill = timeProcess([...COMPILED, 'backfill', '--from', STORE_FROM, '--to', AS_OF], storeEnv);
  const stored = Number(/stored\s+(\d+)/.exec(backfill.stdout)?.[1]);
  expect(stored > 1700, `seven years stored (${stored} sessions)`);

  const winnersArgs = ['winners', '--days', '7', '--as-of', AS_OF];
  const figures = measure([
    { name: 'node', command: [process.execPath, '-e', '0'], check: () => {} },
    { name: 'help', command: [...COMPILED, '--help'], check: helpCheck },
    { name: 'helpViaTsx', command: [...SOURCES_VIA_TSX, '--help'], check: helpCheck },
    { name: 'winners', command: [...COMPILED, ...winnersArgs], env: storeEnv, check: winnersCheck },
    {
      name: 'winnersViaTsx',
      command: [...SOURCES_VIA_TSX, ...winnersArgs],
      env: storeEnv,
      check: winnersCheck,
    },
  ]);
  const compiledServe = await startSamples([...COMPILED, 'serve'], store);
  const npmStart = await startSamples(['npm', 'start', '--silent'], store);

  const node = figures.get('node') as { cpuMs: number; wallMs: number };
  const describe = (name: string) => {
    const { cpuMs, wallMs } = figures.get(name) as { cpuMs: number; wallMs: number };
    return {
      cpuMs: round(cpuMs),
      wallMs: round(wallMs),
      cpuRatioToNode: round(cpuMs / node.cpuMs, 2),
      wallRatioToNode: round(wallMs / node.wallMs, 2),
    };
  };
  const help = describe('help');
  const winners = describe('winners');
  const report = {
    benchmark: 'cli',
    method: `whole processes; CPU = user + sys from ${TIME}; median of ${RUNS} interleaved runs after one warm-up`,
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    loadAverageAtEnd: round(loadavg()[0] ?? 0, 2),
    runs: RUNS,
    baseline: { command: 'node -e 0', cpuMs: round(node.cpuMs), wallMs: round(node.wallMs) },
    help: { command: 'stocks-cli --help', ...help, sourcesViaTsx: describe('helpViaTsx') },
    winners: {
      command: `stocks-cli ${winnersArgs.join(' ')}`,
      storedSessions: stored,
      ...winners,
      sourcesViaTsx: describe('winnersViaTsx'),
    },
    startToFirstMoversAnswer: {
      description:
        'from spawn to the first 200 from /movers?days=7 (seven years stored; start-up sync on): wall time, ' +
        'and the CPU time of the whole process group until then',
      npmStart: { wallMs: round(npmStart.wallMs), cpuMs: round(npmStart.cpuMs) },
      compiledServe: { wallMs: round(compiledServe.wallMs), cpuMs: round(compiledServe.cpuMs) },
      npmStartIncludes:
        'npm itself, the prestart build (the dashboard; the CLI only if a source changed), then stocks-cli serve',
    },
    goals: {
      helpCpuAtMost2_5xNode: help.cpuRatioToNode <= GOALS.helpCpuRatio,
      winnersCpuAtMost800ms: winners.cpuMs <= GOALS.winnersCpuMs,
      npmStartAtMost1500ms: npmStart.wallMs <= GOALS.startToFirstAnswerMs,
      compiledServeAtMost1500ms: compiledServe.wallMs <= GOALS.startToFirstAnswerMs,
    },
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

try {
  await main();
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
