import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The cluster suites' globalSetup: brings up the cluster profile (scripts/services/cluster.sh) unless it answers
 * already, and hands its URLs (cluster-env.sh) to every suite. A profile this run started is stopped by the
 * globalTeardown; one that was running is left as it was. CLUSTER_PROFILE=external starts nothing.
 */
const ROOT = join(__dirname, '..', '..');
export const CLUSTER_SCRIPT = join(ROOT, 'scripts/services/cluster.sh');
const STARTED = Symbol.for('credit.clusterProfileStarted');

/**
 * What the fault suites send through the profile's API replicas in a minute, per client: the profile this run starts
 * allows more, and a running profile that allows less is refused with a message saying how to restart it.
 */
export const CLUSTER_RATE_LIMIT = 1_000_000;

export function startedHere(): boolean {
  return (globalThis as Record<symbol, unknown>)[STARTED] === true;
}

export default async function globalSetup(): Promise<void> {
  const running = spawnSync('bash', [CLUSTER_SCRIPT, 'status'], { stdio: 'ignore' }).status === 0;
  if (process.env.CLUSTER_PROFILE !== 'external' && !running) {
    process.stdout.write('\n');
    execFileSync('bash', [CLUSTER_SCRIPT, 'up'], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, RATE_LIMIT_PER_MINUTE: String(CLUSTER_RATE_LIMIT) },
    });
    (globalThis as Record<symbol, unknown>)[STARTED] = true;
  }
  const envScript = join(ROOT, 'scripts/services/cluster-env.sh');
  const exported = execFileSync('bash', ['-c', `source "${envScript}" >&2 && env -0`], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const names = [
    'DATABASE_URL',
    'MONGODB_URL',
    'ELASTICSEARCH_URL',
    'REDIS_CLUSTER_NODES',
    'RABBITMQ_URL',
    'RABBITMQ_MANAGEMENT_PORT',
    'CLUSTER_API_URL',
    'DATA_ENCRYPTION_KEYS',
    'CPF_LOOKUP_KEY',
  ];
  for (const pair of exported.split('\0')) {
    const at = pair.indexOf('=');
    if (names.includes(pair.slice(0, at))) process.env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  // The suites talk to the cluster only: a single Redis in the environment would contradict REDIS_CLUSTER_NODES.
  delete process.env.REDIS_URL;
}
