import { AnalysisReplyV1 } from '@app/contracts';
import { RabbitMqContext } from '@app/platform';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { ConsumeMessage } from 'amqplib';
import request from 'supertest';
import { requireEnv } from '@app/testing/contracts';
import { AnalysisRequestsController } from '../src/messaging/analysis-requests.controller';
import { DEMO_CPF_FORMATTED, keyFor, startApi } from './api-harness';

const LIMIT = 3;
const UNKNOWN_CPF = '529.982.247-25';

/** What a client learns from one answer, whichever entry gave it. */
interface Answer {
  status: number;
  code: string | null;
  field: string | null;
  counted: boolean;
}

const until = async (what: string, predicate: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

/**
 * One analysis-read policy behind three entries: GET (answered by the server's fast lane), HEAD (the Nest route)
 * and a partner's request over RabbitMQ (the message handler, given a delivery as amqplib hands it over). For every
 * refusal each entry must give the same status, code and field, and count the request the same way, whether the API
 * runs embedded, with Redis, or with its Redis gone. The wire of the RabbitMQ entry is proven by the three-apps test.
 */
describe.each(['embedded', 'redis', 'redis-away'] as const)('the analysis read, %s', (mode) => {
  const port = 6590 + Math.floor(Math.random() * 100);
  let redis: ChildProcess | undefined;
  let api: NestFastifyApplication;
  let handler: AnalysisRequestsController;

  beforeAll(async () => {
    let env: NodeJS.ProcessEnv = {};
    if (mode !== 'embedded') {
      requireEnv('REDIS_URL'); // CI installs redis-server with the other servers; without it this suite fails
      redis = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        {
          stdio: 'ignore',
        },
      );
      const pong = () =>
        spawnSync('redis-cli', ['-p', String(port), 'ping'])
          .stdout?.toString()
          .trim() === 'PONG';
      await until('redis-server', pong, 5_000);
      env = { REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_NAMESPACE: `entries-${mode}` };
    }
    api = await startApi({ rateLimitPerMinute: LIMIT }, env);
    handler = api.get(AnalysisRequestsController);
    if (mode === 'redis-away') {
      const exited = new Promise((r) => redis?.once('exit', r));
      redis?.kill('SIGKILL');
      await exited;
      const state = async () => (await request(api.getHttpServer()).get('/health/ready')).body?.details?.cache?.state;
      await until('readiness to report the cache degraded', async () => (await state()) === 'degraded');
    }
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    redis?.kill('SIGKILL');
  });

  const viaHttp = async (method: 'get' | 'head', key: string | null, purpose: string | null, cpf: string) => {
    let call = request(api.getHttpServer())[method](`/v1/credit-analyses/${encodeURIComponent(cpf)}`);
    if (key) call = call.set('X-Api-Key', key);
    if (purpose !== null) call = call.set('X-Purpose', purpose);
    const res = await call;
    // HEAD has no body; its status and headers must still be those of the GET.
    const body = method === 'get' && res.text ? (JSON.parse(res.text) as { code?: string; field?: string }) : {};
    const answer: Answer = {
      status: res.status,
      code: body.code ?? null,
      field: body.field ?? null,
      counted: 'x-ratelimit-remaining' in res.headers,
    };
    return { answer, res };
  };
  const viaBroker = async (user: string | null, purpose: string, cpf: string): Promise<AnalysisReplyV1> => {
    const properties = { userId: user ?? undefined, correlationId: randomUUID(), messageId: randomUUID(), headers: {} };
    const message = { content: Buffer.alloc(0), fields: {}, properties } as unknown as ConsumeMessage;
    return handler.analyse({ cpf, purpose }, new RabbitMqContext('credit.analysis.request.v1', message));
  };
  /** A fresh client per entry, so one entry's spent budget never decides another's answer. */
  const freshKey = (scopes: Parameters<typeof keyFor>[2] = ['analysis:read']) =>
    keyFor(api, `client-${randomUUID()}`, scopes);

  const bothHttp = async (key: () => Promise<string | null>, purpose: string | null, cpf: string, over = false) => {
    const answers: Answer[] = [];
    for (const method of ['get', 'head'] as const) {
      const presented = await key();
      if (over && presented) for (let i = 0; i < LIMIT; i += 1) await viaHttp('get', presented, 'CREDIT_GRANTING', cpf);
      answers.push((await viaHttp(method, presented, purpose, cpf)).answer);
    }
    return answers;
  };

  it('serves a known CPF the same way through every entry', async () => {
    const [get, head] = await bothHttp(() => freshKey(), 'CREDIT_GRANTING', DEMO_CPF_FORMATTED);
    expect(get).toEqual({ status: 200, code: null, field: null, counted: true });
    expect(head).toEqual(get);
    const served = await viaHttp('get', await freshKey(), 'CREDIT_GRANTING', DEMO_CPF_FORMATTED);
    const reply = await viaBroker(`partner-${randomUUID()}`, 'CREDIT_GRANTING', DEMO_CPF_FORMATTED);
    expect(reply.ok).toBe(true);
    expect((reply.analysis as { cpf: string }).cpf).toBe((JSON.parse(served.res.text) as { cpf: string }).cpf);
  });

  it('takes the key as a Bearer token and a purpose with spaces around it, as every other endpoint does', async () => {
    const res = await request(api.getHttpServer())
      .get(`/v1/credit-analyses/${DEMO_CPF_FORMATTED}`)
      .set('Authorization', `Bearer ${await freshKey()}`)
      .set('X-Purpose', ' CREDIT_REVIEW ');
    expect([res.status, (JSON.parse(res.text) as { cpf: string }).cpf]).toEqual([200, DEMO_CPF_FORMATTED]);
  });

  it.each([
    ['no key', 'none', 'CREDIT_GRANTING', 401, 'UNAUTHENTICATED', null, false],
    ['an unknown key', 'unknown', 'CREDIT_GRANTING', 401, 'UNAUTHENTICATED', null, false],
    ['a key without the scope', 'writer', 'CREDIT_GRANTING', 403, 'SCOPE_MISSING', null, false],
    ['no purpose', 'reader', null, 400, 'PURPOSE_REQUIRED', 'X-Purpose', true],
    ['a purpose off the list', 'reader', 'MARKETING', 400, 'PURPOSE_INVALID', 'X-Purpose', true],
  ] as const)('%s: GET and HEAD answer alike', async (_, who, purpose, status, code, field, counted) => {
    const key = async (): Promise<string | null> => {
      if (who === 'none') return null;
      if (who === 'unknown') return 'cak_unknown_secret';
      return freshKey(who === 'writer' ? ['transactions:write'] : ['analysis:read']);
    };
    const [get, head] = await bothHttp(key, purpose, DEMO_CPF_FORMATTED);
    expect(get).toEqual({ status, code, field, counted });
    expect(head).toEqual({ ...get, code: null, field: null });
  });

  it('a purpose off the list or none: the broker entry refuses with the same codes', async () => {
    const user = `partner-${randomUUID()}`;
    expect(await viaBroker(user, 'MARKETING', DEMO_CPF_FORMATTED)).toMatchObject({
      ok: false,
      error: { code: 'PURPOSE_INVALID' },
    });
    expect(await viaBroker(user, ' ', DEMO_CPF_FORMATTED)).toMatchObject({
      ok: false,
      error: { code: 'PURPOSE_REQUIRED' },
    });
  });

  it('no verified user on the broker: refused as unauthenticated is over HTTP', async () => {
    expect(await viaBroker(null, 'CREDIT_GRANTING', DEMO_CPF_FORMATTED)).toMatchObject({
      ok: false,
      error: { code: 'REQUESTER_UNVERIFIED', field: 'properties.user_id' },
    });
  });

  it('an unknown CPF: 404 CONSUMER_NOT_FOUND through every entry', async () => {
    const [get, head] = await bothHttp(() => freshKey(), 'CREDIT_GRANTING', UNKNOWN_CPF);
    expect(get).toEqual({ status: 404, code: 'CONSUMER_NOT_FOUND', field: null, counted: true });
    expect(head).toEqual({ ...get, code: null });
    expect(await viaBroker(`partner-${randomUUID()}`, 'CREDIT_GRANTING', UNKNOWN_CPF)).toMatchObject({
      ok: false,
      error: { code: 'CONSUMER_NOT_FOUND' },
    });
  });

  it('over the limit: 429 RATE_LIMITED with Retry-After through every entry, whatever else is wrong', async () => {
    const [get, head] = await bothHttp(() => freshKey(), 'CREDIT_GRANTING', DEMO_CPF_FORMATTED, true);
    expect(get).toEqual({ status: 429, code: 'RATE_LIMITED', field: null, counted: true });
    expect(head).toEqual({ ...get, code: null });
    const spent = await freshKey();
    for (let i = 0; i < LIMIT; i += 1) await viaHttp('get', spent, 'CREDIT_GRANTING', DEMO_CPF_FORMATTED);
    const { res } = await viaHttp('get', spent, 'MARKETING', DEMO_CPF_FORMATTED);
    expect([res.status, res.headers['retry-after'] !== undefined]).toEqual([429, true]);
    const user = `partner-${randomUUID()}`;
    for (let i = 0; i < LIMIT; i += 1) await viaBroker(user, 'CREDIT_GRANTING', DEMO_CPF_FORMATTED);
    expect(await viaBroker(user, 'CREDIT_GRANTING', DEMO_CPF_FORMATTED)).toMatchObject({
      ok: false,
      error: { code: 'RATE_LIMITED' },
    });
  });
});
