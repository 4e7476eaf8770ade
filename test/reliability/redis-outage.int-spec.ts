import { AuditLog, TransactionStore } from '@app/credit-application';
import { RedisAuditJournalRelay, RedisInquiryJournalRelay } from '@app/adapters/redis';
import { Cpf } from '@app/shared-kernel';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import request from 'supertest';
import { DEMO_CPF_FORMATTED, client, keyFor, startApi } from '../../apps/api/test/api-harness';
import { requireEnv } from '@app/testing/contracts';

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
    server = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    await until(
      'redis-server',
      () =>
        spawnSync('redis-cli', ['-p', String(port), 'ping'])
          .stdout?.toString()
          .trim() === 'PONG',
      5_000,
    );
  };
  const stopRedis = async () => {
    const exited = new Promise((r) => server?.once('exit', r));
    server?.kill('SIGKILL');
    await exited;
  };
  const cacheState = async () =>
    (await request(api.getHttpServer()).get('/health/ready')).body?.details?.cache?.state as string | undefined;

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

  /**
   * Redis busy for longer than the API's command timeout (redisOptions): the fast path gives up on its cached step,
   * which Redis still runs once it is free, journalling an audit entry and an inquiry; the full path then answers and
   * journals its own. The two inquiries share an event id, so C stores one, and the two audit entries share that id as
   * their idempotency key, so the log stores one.
   */
  it('stores one inquiry and one audit entry for a read whose cached step timed out but still ran', async () => {
    const cpf = Cpf.parse(DEMO_CPF_FORMATTED);
    const audits = api.get(RedisAuditJournalRelay);
    const inquiries = api.get(RedisInquiryJournalRelay);
    const store = api.get(TransactionStore, { strict: false });
    const slowBank = client(api, await keyFor(api, 'slow-redis-bank'));
    await slowBank.get(`/v1/credit-analyses/${DEMO_CPF_FORMATTED}`).expect(200);
    // Until both relays have stood still for a second (four audit cycles), so that counting from here is exact.
    let last = '';
    let stillSince = Date.now();
    await until('the relays to settle', () => {
      const now = `${audits.count}/${inquiries.count}`;
      if (now !== last) [last, stillSince] = [now, Date.now()];
      return Date.now() - stillSince >= 1_000;
    });
    const [auditsBefore, inquiriesBefore] = [audits.count, inquiries.count];
    const fromSlowBank = async () =>
      (await store.inquiriesSince(cpf, new Date(0), 1_000)).filter((i) => i.inquirer === 'slow-redis-bank');
    expect(await fromSlowBank()).toHaveLength(1);

    // A script that keeps Redis busy for 1.2 s, sent on a connection of its own.
    const busy = spawn(
      'redis-cli',
      [
        '-p',
        String(port),
        'EVAL',
        "local s = redis.call('TIME') repeat local n = redis.call('TIME') until (n[1] - s[1]) * 1000000 + (n[2] - s[2]) > 1200000 return 1",
        '0',
      ],
      { stdio: 'ignore' },
    );
    const busyDone = new Promise((r) => busy.once('exit', r));
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    const res = await slowBank.get(`/v1/credit-analyses/${DEMO_CPF_FORMATTED}`).expect(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(500); // the fast path waited out its timeout first
    expect(JSON.parse(res.text)).toMatchObject({ cpf: DEMO_CPF_FORMATTED });
    await busyDone;

    await until('both journalled inquiries to be relayed', () => inquiries.count >= inquiriesBefore + 2);
    await until('both journalled audit entries to be relayed', () => audits.count >= auditsBefore + 2);
    expect([audits.count - auditsBefore, inquiries.count - inquiriesBefore]).toEqual([2, 2]);
    expect(await fromSlowBank()).toHaveLength(2); // the earlier read and this one
    const entries = (await api.get(AuditLog, { strict: false }).forSubject(cpf, new Date(started - 50), 10)).filter(
      (e) => e.clientId === 'slow-redis-bank',
    );
    expect(entries).toHaveLength(1);
  }, 60_000);
});
