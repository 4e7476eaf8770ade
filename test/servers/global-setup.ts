import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The integration project's globalSetup: starts, through scripts/services/test-servers.sh, the servers whose URL is not
 * set (a set URL is used as it is), and holds a lease on them for this run. Here rather than in a wrapper around jest:
 * it runs only when an integration suite is selected, and in the process whose environment every test worker inherits.
 */
const ROOT = join(__dirname, '..', '..');
const SCRIPT = join(ROOT, 'scripts/services/test-servers.sh');

/** Each server the suites use, by the variable that points them at it. */
const SERVERS: Record<string, string> = {
  postgres: 'DATABASE_URL',
  redis: 'REDIS_URL',
  rabbitmq: 'RABBITMQ_URL',
  ferretdb: 'MONGODB_URL',
  elasticsearch: 'ELASTICSEARCH_URL',
  // Started by services.sh only when named (an optional profile); the observability suite checks its rules against
  // the apps' real series.
  prometheus: 'PROMETHEUS_URL',
};

/** What scripts/services/env.sh exports: the servers' URLs and the local development keys. */
const EXPORTED = [...Object.values(SERVERS), 'RABBITMQ_MANAGEMENT_PORT', 'DATA_ENCRYPTION_KEYS', 'CPF_LOOKUP_KEY'];

const LEASE = Symbol.for('credit.testServersLease');

export function release(): void {
  if (!(globalThis as Record<symbol, unknown>)[LEASE]) return;
  (globalThis as Record<symbol, unknown>)[LEASE] = false;
  execFileSync('bash', [SCRIPT, 'release', String(process.pid)], { stdio: 'inherit' });
}

export default async function globalSetup(): Promise<void> {
  const missing = Object.entries(SERVERS)
    .filter(([, variable]) => !process.env[variable])
    .map(([server]) => server);
  if (missing.length === 0 || process.env.TEST_SERVERS === 'external') return;
  process.stdout.write('\n');
  execFileSync('bash', [SCRIPT, 'acquire', String(process.pid), ...missing], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  (globalThis as Record<symbol, unknown>)[LEASE] = true;
  // Ctrl-C skips globalTeardown: release here, so the servers this run started do not outlive it.
  process.once('SIGINT', () => {
    release();
    process.exit(130);
  });
  const exported = execFileSync('bash', ['-c', `. "${join(ROOT, 'scripts/services/env.sh')}" >&2 && env -0`], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  for (const pair of exported.split('\0')) {
    const at = pair.indexOf('=');
    const name = pair.slice(0, at);
    if (EXPORTED.includes(name) && !process.env[name]) process.env[name] = pair.slice(at + 1);
  }
  process.env.PROMETHEUS_URL ??= `http://127.0.0.1:${process.env.SERVICES_PROMETHEUS_PORT || 9090}`;
}
