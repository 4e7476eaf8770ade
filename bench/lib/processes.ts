import { createServer } from 'node:net';
import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { cpus, setPriority } from 'node:os';
import { join } from 'node:path';
import { deployedApiNodeFlags } from './deployed-api';

export const ROOT = join(__dirname, '..', '..');

export interface Spawned {
  name: string;
  process: ChildProcess;
  pid: number;
  output: () => string;
  /** How many characters it has written so far: a mark for outputSince. */
  written: () => number;
  /** What it wrote after a mark from written(), as far as the kept tail still holds it. */
  outputSince: (mark: number) => string;
  stop: (signal?: NodeJS.Signals, timeoutMs?: number) => Promise<number | null>;
}

/** Newest modification time of the TypeScript sources the apps are compiled from. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'test') newest = Math.max(newest, newestSource(path));
    } else if (entry.name.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(entry.name)) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

/**
 * Compiles the apps into dist/ with `npm run build` so the benchmark measures the code as it is: 'auto' builds when a
 * source under apps/, libs/ or scripts/ is newer than dist/, 'always' and 'never' do what they say. Type errors in
 * files other people are editing do not stop tsc from emitting; they are reported, not fatal, as long as the entry
 * points exist.
 */
export function build(mode: string): void {
  if (!['auto', 'always', 'never'].includes(mode)) throw new Error('--build must be auto, always or never');
  const entry = join(ROOT, 'dist/apps/api/src/main.js');
  if (mode !== 'always' && existsSync(entry)) {
    const builtAt = statSync(entry).mtimeMs;
    const stale = ['apps', 'libs', 'scripts'].some((d) => newestSource(join(ROOT, d)) > builtAt);
    if (mode === 'never' || !stale) {
      console.log(
        `build: ${mode === 'never' ? 'skipped (--build never)' : 'dist/ is newer than every source'}, using dist/ built ${new Date(builtAt).toISOString()}`,
      );
      return;
    }
  }
  const started = Date.now();
  try {
    execFileSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    console.log(`build: npm run build in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    const out =
      String((error as { stdout?: Buffer }).stdout ?? '') + String((error as { stderr?: Buffer }).stderr ?? '');
    const lines = out.trim().split('\n');
    console.log(
      `build: npm run build in ${((Date.now() - started) / 1000).toFixed(1)} s; tsc reported ${lines.filter((l) => /error TS/.test(l)).length} type error(s) in files being edited (emitted anyway), first: ${lines[0] ?? '?'}`,
    );
    if (!existsSync(entry)) throw new Error('build failed and dist/apps/api/src/main.js does not exist');
  }
}

/** Servers this benchmark started and that still run: an interrupted run must not leave them to disturb the next. */
const running = new Set<ChildProcess>();
let stopsChildrenOnExit = false;

function stopChildrenOnExit(): void {
  if (stopsChildrenOnExit) return;
  stopsChildrenOnExit = true;
  process.once('exit', () => running.forEach((child) => child.kill('SIGKILL')));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      running.forEach((child) => child.kill('SIGTERM'));
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}

/** Spawns `node <args>` from the repo root and resolves once its output matches `ready`. */
export async function spawnNode(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
  timeoutMs = 60_000,
  cwd = ROOT,
): Promise<Spawned> {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let dropped = 0;
  const keep = (d: Buffer) => {
    out += d.toString();
    // Only the tail matters (readiness and failure messages, a measured phase's GC trace); a chatty server must not
    // grow this without bound.
    if (out.length > 4_000_000) {
      dropped += out.length - 2_000_000;
      out = out.slice(-2_000_000);
    }
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  stopChildrenOnExit();
  running.add(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then(() => running.delete(child));
  const spawned: Spawned = {
    name,
    process: child,
    pid: child.pid!,
    output: () => out,
    written: () => dropped + out.length,
    outputSince: (mark) => out.slice(Math.max(0, mark - dropped)),
    stop: async (signal = 'SIGTERM', timeoutMs = 15_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  const deadline = Date.now() + timeoutMs;
  while (!ready.test(out)) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(
        `${name} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${out.slice(-4000)}`,
      );
    if (Date.now() > deadline) {
      await spawned.stop('SIGKILL');
      throw new Error(`${name} was not ready within ${timeoutMs / 1000} s:\n${out.slice(-4000)}`);
    }
    await sleep(100);
  }
  return spawned;
}

/**
 * A compiled app as production runs it: `TS_NODE_BASEURL=./dist node [flags] -r tsconfig-paths/register
 * dist/apps/<app>/src/main.js`, the API with the Node flags it is deployed with unless others are given.
 */
export function spawnApp(
  app: 'api' | 'ingestion-worker' | 'rating-worker',
  env: NodeJS.ProcessEnv,
  ready: RegExp,
  timeoutMs?: number,
  nodeFlags: string[] = app === 'api' ? deployedApiNodeFlags() : [],
): Promise<Spawned> {
  return spawnNode(
    app,
    [...nodeFlags, '-r', 'tsconfig-paths/register', `dist/apps/${app}/src/main.js`],
    { TS_NODE_BASEURL: './dist', LOG_FORMAT: 'json', ...env },
    ready,
    timeoutMs,
  );
}

/** A compiled script from dist/scripts (db-migrate, api-keys), run to completion; returns its output. */
export function runDistScript(script: string, args: string[], env: NodeJS.ProcessEnv): string {
  return execFileSync(process.execPath, ['-r', 'tsconfig-paths/register', `dist/scripts/${script}.js`, ...args], {
    cwd: ROOT,
    env: { ...process.env, NODE_OPTIONS: '', TS_NODE_BASEURL: './dist', ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * A TypeScript file of bench/ run with ts-node (transpile only); the baselines are plain code, so this costs start-up
 * time only.
 */
export function spawnTs(
  name: string,
  file: string,
  env: NodeJS.ProcessEnv,
  ready: RegExp,
  timeoutMs?: number,
): Promise<Spawned> {
  return spawnNode(
    name,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', file],
    env,
    ready,
    timeoutMs,
  );
}

/** A TCP port free on the loopback right now, for a server the benchmark starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const CLK_TCK = 100;

/**
 * Busy, stolen and total CPU time of the whole machine, from /proc/stat (all cores). Steal is time this VM's vCPUs
 * were runnable but the host ran something else: not work done here, so it is kept out of busy and reported apart.
 */
export function machineCpu(): { busy: number; steal: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  const steal = v[7] ?? 0;
  const total = v.reduce((a, b) => a + b, 0);
  return { busy: total - idle - steal, steal, total };
}

/**
 * Waits, sampling a second at a time, until the machine's busy share falls below `busyBelow` (0..1 of all cores) or
 * `maxMs` have passed: a phase should not be charged with the work the previous one left behind.
 */
export async function waitForQuiet(busyBelow: number, maxMs: number): Promise<{ waitedMs: number; busyShare: number }> {
  const from = Date.now();
  let busyShare = 1;
  while (Date.now() - from < maxMs) {
    const before = machineCpu();
    await sleep(1_000);
    const after = machineCpu();
    busyShare = (after.busy - before.busy) / Math.max(1, after.total - before.total);
    if (busyShare < busyBelow) break;
  }
  return { waitedMs: Date.now() - from, busyShare };
}

/** CPU seconds of every process on the machine, keyed by pid, with its command name. */
function allProcesses(): Map<number, { comm: string; cpu: number }> {
  const out = new Map<number, { comm: string; cpu: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(entry), { comm, cpu: (Number(fields[11]) + Number(fields[12])) / CLK_TCK });
    } catch {
      // gone between readdir and read
    }
  }
  return out;
}

export type CpuGroups = Record<string, number>;
/** Key of the machine-wide busy figure (from /proc/stat) in a CpuGroups. */
export const MACHINE = 'machine busy';
/** Key of the CPU the host took from this VM's vCPUs during the interval (steal), in % of one core. */
export const STOLEN = 'stolen by host';
/** True for the groups that are processes (not the machine-wide figures). */
export const isProcessGroup = (group: string) => group !== MACHINE && group !== STOLEN;

/**
 * The processes of a CpuGroups that took at least 1% of a core, largest first: "Elasticsearch 85, rating-worker 51".
 */
export function processShares(groups: CpuGroups): string {
  return Object.entries(groups)
    .filter(([g, v]) => v >= 1 && isProcessGroup(g))
    .sort((x, y) => y[1] - x[1])
    .map(([g, v]) => `${g} ${v.toFixed(0)}`)
    .join(', ');
}

/**
 * Where the machine's CPU went during an interval, in % of one core: the named processes of this run, the load
 * generator (this process), each shared server, and everything else (other people's builds and tests on a shared
 * machine).
 */
export function cpuBreakdown(named: Record<string, number | undefined>) {
  const before = allProcesses();
  const m0 = machineCpu();
  const t0 = process.hrtime.bigint();
  return (): CpuGroups => {
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const after = allProcesses();
    const groups: CpuGroups = {};
    const byPid = new Map<number, string>(
      Object.entries(named)
        .filter(([, pid]) => pid)
        .map(([name, pid]) => [pid!, name]),
    );
    byPid.set(process.pid, 'load generator');
    for (const [pid, { comm, cpu }] of after) {
      const used = cpu - (before.get(pid)?.cpu ?? 0);
      if (used <= 0) continue;
      const group =
        byPid.get(pid) ??
        (comm === 'postgres'
          ? 'PostgreSQL'
          : comm === 'java'
            ? 'Elasticsearch'
            : comm === 'redis-server'
              ? 'Redis'
              : comm === 'beam.smp' || comm === 'erl_child_setup'
                ? 'RabbitMQ'
                : comm.startsWith('ferretdb')
                  ? 'FerretDB'
                  : 'other processes');
      groups[group] = (groups[group] ?? 0) + (used / seconds) * 100;
    }
    // The machine-wide figure also counts processes that started and ended within the interval (test workers,
    // compilers).
    const m1 = machineCpu();
    const span = Math.max(1, m1.total - m0.total);
    groups[MACHINE] = ((m1.busy - m0.busy) / span) * 100 * cpus().length;
    groups[STOLEN] = ((m1.steal - m0.steal) / span) * 100 * cpus().length;
    return groups;
  };
}

/**
 * Gives one process a core of its own for a measurement: every task of `pid` on the last CPU, every other process's
 * tasks on the rest (kernel threads and processes that refuse are left alone). Returns what undoes it, all CPUs for
 * all again. Linux only; needs taskset (util-linux) and the right to change other processes' affinity.
 */
export function pinToOwnCore(pid: number): () => void {
  const count = cpus().length;
  if (count < 2) throw new Error('pinning needs at least two CPUs');
  const all = `0-${count - 1}`;
  const own = String(count - 1);
  const rest = count === 2 ? '0' : `0-${count - 2}`;
  const pids = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
  const set = (target: number, cpuList: string) =>
    spawnSync('taskset', ['-a', '-p', '-c', cpuList, String(target)], { stdio: 'ignore' }).status === 0;
  const moved = pids.filter((p) => p !== pid && isUserProcess(p) && set(p, rest));
  if (!set(pid, own)) throw new Error(`taskset could not pin process ${pid}`);
  return () => {
    for (const p of [...moved, pid]) set(p, all);
  };
}

/** Kernel threads have no command line. */
function isUserProcess(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`).length > 0;
  } catch {
    return false;
  }
}

/**
 * Sets the nice value of every thread of a process (setpriority on a pid reaches only its main thread); answers how
 * many.
 */
export function reniceAll(pid: number, nice: number): number {
  const tids = readdirSync(`/proc/${pid}/task`).map(Number);
  for (const tid of tids) setPriority(tid, nice);
  return tids.length;
}
