import { Scope } from '@app/credit-domain';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DEMO_CPF_FORMATTED, keyFor, startApi } from './api-harness';

const LIMIT = 5;
const UNKNOWN_CPF = '529.982.247-25';
/** What differs between two answers of the same read by design: when, and how much budget is left. */
const VOLATILE = new Set([
  'date',
  'connection',
  'keep-alive',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'retry-after',
]);

type KeyOf = () => Promise<string | null>;

interface Seen {
  status: number;
  headers: Record<string, string>;
  body: string;
  volatile: string[];
}

/**
 * The server's fast lane answers GET /v1/credit-analyses/{cpf} without Fastify; the same read with a query string
 * goes through Fastify to the Nest route. Both must give a client the same answer, header for header, for every
 * outcome: the lane skips the framework, not the security headers, the rate-limit headers or the error shape.
 */
describe('the analysis read, fast lane and Nest route alike', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await startApi({ rateLimitPerMinute: LIMIT });
  }, 60_000);
  afterAll(async () => app.close());

  const read = async (path: string, key: string | null, purpose: string | null): Promise<Seen> => {
    let call = request(app.getHttpServer()).get(path);
    if (key) call = call.set('X-Api-Key', key);
    if (purpose !== null) call = call.set('X-Purpose', purpose);
    const res = await call;
    const headers = Object.fromEntries(
      Object.entries(res.headers as Record<string, string>).filter(([name]) => !VOLATILE.has(name)),
    );
    return {
      status: res.status,
      headers,
      body: res.text,
      volatile: Object.keys(res.headers)
        .filter((n) => VOLATILE.has(n))
        .sort(),
    };
  };
  /** The same read through both entries, each with a key of its own so that one's budget never decides the other. */
  const bothWays = async (key: KeyOf, purpose: string | null, cpf: string) => {
    const lane = await read(`/v1/credit-analyses/${cpf}`, await key(), purpose);
    const route = await read(`/v1/credit-analyses/${cpf}?via=route`, await key(), purpose);
    return { lane, route };
  };
  const fresh =
    (scopes: Scope[] = ['analysis:read']): KeyOf =>
    () =>
      keyFor(app, `client-${Math.random()}`, scopes);

  it('serves a cached analysis with the same body and headers', async () => {
    const key = await keyFor(app, 'Banco Horizonte S.A.', ['analysis:read']);
    await read(`/v1/credit-analyses/${DEMO_CPF_FORMATTED}`, key, 'CREDIT_GRANTING'); // fills the cache
    const { lane, route } = await bothWays(fresh(), 'CREDIT_GRANTING', DEMO_CPF_FORMATTED);
    expect(lane.status).toBe(200);
    expect(lane.headers['x-cache']).toBe('HIT');
    expect(lane.headers['x-content-type-options']).toBe('nosniff');
    expect(lane.headers['x-ratelimit-limit']).toBe(String(LIMIT));
    expect(JSON.parse(lane.body).cpf).toBeDefined();
    expect(route).toEqual(lane);
  });

  const noKey: KeyOf = async () => null;
  const unknownKey: KeyOf = async () => 'cak_0000000000000000_00000000000000000000000000000000';

  it.each<[string, KeyOf, string | null, string, number]>([
    ['no key', noKey, 'CREDIT_GRANTING', DEMO_CPF_FORMATTED, 401],
    ['an unknown key', unknownKey, 'CREDIT_GRANTING', DEMO_CPF_FORMATTED, 401],
    ['a key without the scope', fresh(['transactions:read']), 'CREDIT_GRANTING', DEMO_CPF_FORMATTED, 403],
    ['no purpose', fresh(), null, DEMO_CPF_FORMATTED, 400],
    ['a purpose off the list', fresh(), 'CURIOSITY', DEMO_CPF_FORMATTED, 400],
    ['an invalid CPF', fresh(), 'CREDIT_GRANTING', '123.456.789-00', 400],
    ['an unknown CPF', fresh(), 'CREDIT_GRANTING', UNKNOWN_CPF, 404],
  ])('refuses %s with the same status, headers and error body', async (_case, key, purpose, cpf, status) => {
    const { lane, route } = await bothWays(key, purpose, cpf);
    expect(lane.status).toBe(status);
    expect(JSON.parse(lane.body)).toMatchObject({ statusCode: status, code: expect.any(String) });
    expect(route).toEqual(lane);
  });

  it('refuses a client over its limit with the same 429, Retry-After included', async () => {
    const overLimit: KeyOf = async () => {
      const key = await keyFor(app, `busy-${Math.random()}`, ['analysis:read']);
      for (let i = 0; i < LIMIT; i++) await read(`/v1/credit-analyses/${DEMO_CPF_FORMATTED}`, key, 'CREDIT_GRANTING');
      return key;
    };
    const { lane, route } = await bothWays(overLimit, 'CREDIT_GRANTING', DEMO_CPF_FORMATTED);
    expect(lane.status).toBe(429);
    expect(lane.volatile).toEqual(
      expect.arrayContaining(['retry-after', 'x-ratelimit-remaining', 'x-ratelimit-reset']),
    );
    expect(route).toEqual(lane);
  });
});
