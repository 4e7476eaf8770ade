import { RedisAuditJournalRelay } from '@app/credit';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import request from 'supertest';
import { DEMO_CPF_FORMATTED, client, keyFor, startApi } from '../../apps/api/test/api-harness';
import { requireEnv } from '../../libs/testing/src/contracts';

const until = async (what: string, predicate: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

/**
 * The API with Redis in front of its stores (the other stores embedded), on a redis-server of the suite's own, so
 * stopping it disturbs no other suite. While Redis is away the API answers every analysis from the stores (and audits
 * it in the database); when Redis returns, reads are cached and served by the fast path again, without a restart.
 */
describe('Redis stops and comes back under the API', () => {
  const port = 6490 + Math.floor(Math.random() * 100);
  let server: ChildProcess | undefined;
  let api: NestFastifyApplication;
  let http: ReturnType<typeof client>;
  const analysis = () => http.get(`/v1/credit-analyses/${DEMO_CPF_FORMATTED}`);

  const startRedis = async () => {
    server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await until('redis-server', () => spawnSync('redis-cli', ['-p', String(port), 'ping']).stdout?.toString().trim() === 'PONG', 5_000);
  };
  const stopRedis = async () => {
    const exited = new Promise((r) => server?.once('exit', r));
    server?.kill('SIGKILL');
    await exited;
  };
  const cacheState = async () => (await request(api.getHttpServer()).get('/health/ready')).body?.details?.cache?.state as string | undefined;

  beforeAll(async () => {
    requireEnv('REDIS_URL'); // CI provides redis-server with the other servers; without it this suite fails, never skips
    await startRedis();
    api = await startApi({}, { REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_NAMESPACE: 'outage' });
    http = client(api, await keyFor(api, 'outage-bank'));
    await until('the cache to be up', async () => (await cacheState()) === 'up');
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    server?.kill('SIGKILL');
  });

  it('serves from Redis, then from the stores while Redis is down, then from Redis again', async () => {
    const relay = api.get(RedisAuditJournalRelay);
    const first = await analysis().expect(200);
    expect(first.headers['x-cache']).toBe('MISS');
    expect((await analysis().expect(200)).headers['x-cache']).toBe('HIT');
    await until('the fast path read to reach the audit log', () => relay.count >= 1);

    await stopRedis();
    await until('readiness to report the cache degraded', async () => (await cacheState()) === 'degraded');
    const started = Date.now();
    for (let i = 0; i < 5; i++) {
      const res = await analysis().expect(200);
      expect(res.headers['x-cache']).toBe('MISS');
      const body = JSON.parse(res.text) as { cpf: string; name: string };
      expect(body.cpf).toBe(DEMO_CPF_FORMATTED);
      expect(body.name).toBe((JSON.parse(first.text) as { name: string }).name);
      expect(Number(res.headers['x-ratelimit-remaining'])).toBeGreaterThan(0);
    }
    expect(Date.now() - started).toBeLessThan(5_000);

    await startRedis();
    await until('the cache to recover', async () => (await cacheState()) === 'up');
    const relayed = relay.count;
    expect((await analysis().expect(200)).headers['x-cache']).toBe('MISS');
    const again = await analysis().expect(200);
    expect(again.headers['x-cache']).toBe('HIT');
    // The relay's own connection came back too: the new read's journalled entry reaches the audit log.
    await until('the relay to resume', () => relay.count > relayed);
  }, 90_000);
});
