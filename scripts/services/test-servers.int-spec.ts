import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireEnv } from '@app/testing/contracts';

/**
 * What `npm test` does with the servers, on a real Redis of this suite's own (its own folder and port, the quickest
 * server to start): start what does not answer, share it between overlapping runs, stop it when the last run ends, and
 * never stop a server it did not start.
 */
describe('test-servers.sh: the servers of overlapping test runs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'test-servers-'));
  const port = 30_000 + Math.floor(Math.random() * 5_000);
  const env = {
    ...process.env,
    SERVICES_DIR: dir,
    SERVICES_CACHE_DIR: join(dir, 'cache'),
    SERVICES_REDIS_PORT: String(port),
  };
  const script = (...args: string[]) =>
    execFileSync('bash', [join(__dirname, 'test-servers.sh'), ...args], { env, encoding: 'utf8' });
  const services = (...args: string[]) =>
    execFileSync('bash', [join(__dirname, 'services.sh'), ...args], { env, encoding: 'utf8' });
  const answers = () =>
    new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
  const children: ChildProcess[] = [];
  /** A live process id standing for another test run. */
  const otherRun = () => {
    const child = spawn('sleep', ['300'], { stdio: 'ignore' });
    children.push(child);
    return String(child.pid);
  };

  afterAll(() => {
    for (const child of children) child.kill();
    try {
      services('down', 'redis');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('starts a server that does not answer, keeps it while another run holds a lease, and stops it after the last', async () => {
    const [first, second] = [otherRun(), otherRun()];
    expect(await answers()).toBe(false);
    expect(script('acquire', first, 'redis')).toContain('starting redis');
    expect(await answers()).toBe(true);
    expect(script('acquire', second, 'redis')).toContain('reusing the running servers: redis');
    expect(script('release', first)).toContain('another test run still uses the servers');
    expect(await answers()).toBe(true);
    expect(script('release', second)).toContain('stopping what test runs started: redis');
    expect(await answers()).toBe(false);
  }, 60_000);

  it('leaves the servers of a run killed before its release to the next run, which stops them', async () => {
    const killed = spawn('sleep', ['300'], { stdio: 'ignore' });
    script('acquire', String(killed.pid), 'redis');
    killed.kill('SIGKILL');
    await new Promise((resolve) => killed.once('exit', resolve));
    const next = otherRun();
    expect(script('acquire', next, 'redis')).toContain('reusing');
    expect(script('release', next)).toContain('stopping what test runs started: redis');
    expect(await answers()).toBe(false);
  }, 60_000);

  it('counts as up a RabbitMQ that another services folder started, so that it is reused and never stopped', () => {
    const rabbit = new URL(requireEnv('RABBITMQ_URL'));
    const fresh = mkdtempSync(join(tmpdir(), 'test-servers-fresh-'));
    try {
      const status = execFileSync('bash', [join(__dirname, 'services.sh'), 'status', 'rabbitmq'], {
        env: {
          ...process.env,
          SERVICES_DIR: fresh,
          SERVICES_RABBITMQ_PORT: rabbit.port || '5672',
          SERVICES_RABBITMQ_MGMT_PORT: process.env.RABBITMQ_MANAGEMENT_PORT ?? '15672',
        },
        encoding: 'utf8',
      });
      expect(status).toMatch(/^rabbitmq\s+up/);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  }, 60_000);

  it('never stops a server that was answering before a test run started', async () => {
    services('up', 'redis');
    const run = otherRun();
    expect(script('acquire', run, 'redis')).toContain('reusing');
    expect(script('release', run)).not.toContain('stopping');
    expect(await answers()).toBe(true);
  }, 60_000);
});
