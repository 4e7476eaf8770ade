import { ChildProcess, execSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { requireEnv, testKeys } from '@app/testing/contracts';

const ROOT = join(__dirname, '..', '..');

export interface RunningApp {
  name: string;
  process: ChildProcess;
  output: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

/** The compiled apps start quickly; compiling once beats three ts-node compilations on a small machine. */
export function ensureBuilt(): void {
  if (!existsSync(join(ROOT, 'dist/apps/api/src/main.js')) || process.env.REBUILD === '1') {
    execSync('npm run -s build', { cwd: ROOT, stdio: 'inherit' });
  }
}

/** Starts one app as its own OS process, as production runs it, and resolves once it prints `readyLine`. */
export async function startApp(
  name: 'api' | 'ingestion-worker' | 'rating-worker',
  env: NodeJS.ProcessEnv,
  readyLine: RegExp,
  timeoutMs = 60_000,
): Promise<RunningApp> {
  const child = spawn(process.execPath, ['-r', 'tsconfig-paths/register', `dist/apps/${name}/src/main.js`], {
    cwd: ROOT,
    env: { ...process.env, TS_NODE_BASEURL: './dist', LOG_FORMAT: 'json', NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const app: RunningApp = {
    name,
    process: child,
    output: () => out,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  const deadline = Date.now() + timeoutMs;
  while (!readyLine.test(out)) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${out.slice(-3000)}`);
    if (Date.now() > deadline) {
      await app.stop('SIGKILL');
      throw new Error(`${name} did not become ready within ${timeoutMs} ms:\n${out.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return app;
}

export async function eventually<T>(
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Every server URL from the environment (failing, never skipping, when one is missing) and an events index of the run's
 * own.
 */
export function serversEnv(index: string): Record<string, string> {
  return {
    DATABASE_URL: requireEnv('DATABASE_URL'),
    MONGODB_URL: requireEnv('MONGODB_URL'),
    ELASTICSEARCH_URL: requireEnv('ELASTICSEARCH_URL'),
    ELASTICSEARCH_INDEX: index,
    REDIS_URL: requireEnv('REDIS_URL'),
    // Cache, rate-limit counters and audit journal of the run's own, so suites sharing one Redis never see each
    // other's.
    REDIS_NAMESPACE: index,
    RABBITMQ_URL: requireEnv('RABBITMQ_URL'),
    ...testKeys(),
  };
}

/**
 * What an events index holds, read after a refresh: the count and the sum of amounts prove nothing was lost or doubled.
 */
export function eventsIndex(esUrl: string, index: string) {
  return {
    count: async (): Promise<number> => {
      await fetch(`${esUrl}/${index}/_refresh`, { method: 'POST' });
      const res = await fetch(`${esUrl}/${index}/_count`);
      return res.ok ? ((await res.json()) as { count: number }).count : 0;
    },
    amountSum: async (): Promise<number> => {
      const res = await fetch(`${esUrl}/${index}/_search`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ size: 0, aggs: { s: { sum: { field: 'amountCents' } } } }),
      });
      return ((await res.json()) as { aggregations: { s: { value: number } } }).aggregations.s.value;
    },
    drop: async (): Promise<void> => {
      await fetch(`${esUrl}/${index}`, { method: 'DELETE' }).catch(() => undefined);
      await fetch(`${esUrl}/_index_template/${index}`, { method: 'DELETE' }).catch(() => undefined);
    },
  };
}
