import { NestFastifyApplication } from '@nestjs/platform-fastify';
import Redis from 'ioredis';
import mongoose from 'mongoose';
import { Client as PgClient } from 'pg';
import request from 'supertest';
import { postgresDataSource } from '@app/adapters/postgres';
import { requireEnv, testKeys } from '@app/testing/contracts';
import { AnalysisCache, AuditLog } from '@app/credit-application';
import { RedisAuditJournalRelay, RedisInquiryJournalRelay } from '@app/adapters/redis';
import { Cpf } from '@app/shared-kernel';
import { DEMO_CPF_FORMATTED, client, keyFor, sampleOf, startApi } from './api-harness';

/** Drops what changes from one assembly to the next, so two analyses of the same data can be compared. */
function comparable(analysis: Record<string, any>): Record<string, any> {
  const { generatedAt: _a, rating, ...rest } = analysis;
  const { generatedAt: _b, ...ratingRest } = rating ?? {};
  return { ...rest, rating: rating ? ratingRest : null };
}

/**
 * `npm start` with every server configured must serve what the embedded default serves: the same demo base read
 * from PostgreSQL, MongoDB and Elasticsearch through Redis. Each run uses its own schema, database, index and Redis
 * database, so leftovers from earlier runs can never make it pass or fail.
 */
describe('the production profile serves the same analysis as the embedded default', () => {
  const run = `pp${Date.now()}${Math.floor(Math.random() * 1000)}`;
  const pgUrl = requireEnv('DATABASE_URL');
  const mongoUrl = new URL(requireEnv('MONGODB_URL'));
  mongoUrl.pathname = `/${run}`;
  const redisUrl = new URL(requireEnv('REDIS_URL'));
  redisUrl.pathname = '/2';
  const env = {
    DATABASE_URL: `${pgUrl}${pgUrl.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${run}`)}`,
    MONGODB_URL: mongoUrl.toString(),
    ELASTICSEARCH_URL: requireEnv('ELASTICSEARCH_URL'),
    ELASTICSEARCH_INDEX: `credit-transactions-${run}`,
    REDIS_URL: redisUrl.toString(),
    REDIS_NAMESPACE: run,

    ...testKeys(),
  };
  let production: NestFastifyApplication;
  let embedded: NestFastifyApplication;

  beforeAll(async () => {
    const admin = new PgClient({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${run}`);
    await admin.end();
    const migrator = await postgresDataSource(env.DATABASE_URL).initialize();
    await migrator.runMigrations();
    await migrator.destroy();
    const redis = new Redis(env.REDIS_URL);
    await redis.flushdb();
    redis.disconnect();
    [production, embedded] = await Promise.all([startApi({}, env), startApi()]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([production?.close(), embedded?.close()]);
    const admin = new PgClient({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${run} CASCADE`);
    await admin.end();
    const conn = await mongoose.createConnection(env.MONGODB_URL).asPromise();
    await conn.dropDatabase();
    await conn.close();
    await fetch(`${env.ELASTICSEARCH_URL}/${env.ELASTICSEARCH_INDEX}`, { method: 'DELETE' });
    await fetch(`${env.ELASTICSEARCH_URL}/_index_template/${env.ELASTICSEARCH_INDEX}`, { method: 'DELETE' });
  }, 60_000);

  it('reports every store as real in readiness', async () => {
    const res = await request(production.getHttpServer()).get('/health/ready').expect(200);
    expect(res.body.details).toMatchObject({
      consumers: { adapter: 'postgres', state: 'up' },
      ratings: { adapter: 'mongodb', state: 'up' },
      transactions: { adapter: 'elasticsearch', state: 'up' },
      cache: { adapter: 'redis', state: 'up' },
      auditJournal: { adapter: 'redis', state: 'up' },
      inquiryJournal: { adapter: 'redis', state: 'up' },
    });
  });

  it('answers the demo CPF with the same analysis, then serves it from Redis byte for byte', async () => {
    const servers = client(production, await keyFor(production, 'pp-bank'));
    const local = client(embedded, await keyFor(embedded, 'pp-bank'));
    const fromServers = await servers.get(`/v1/credit-analyses/${DEMO_CPF_FORMATTED}`).expect(200);
    const fromEmbedded = await local.get(`/v1/credit-analyses/${DEMO_CPF_FORMATTED}`).expect(200);
    expect(fromServers.headers['x-cache']).toBe('MISS');
    expect(comparable(fromServers.body)).toEqual(comparable(fromEmbedded.body));
    expect(fromServers.body.transactions.movements90d.count).toBeGreaterThan(0);

    const cached = await servers.get(`/v1/credit-analyses/${DEMO_CPF_FORMATTED}`).expect(200);
    expect(cached.headers['x-cache']).toBe('HIT');
    expect(cached.text).toBe(fromServers.text);
  });

  it('invalidates the cached analysis of a CPF when its data changes', async () => {
    const http = client(production, await keyFor(production, 'pp-writer'));
    await http.get(`/v1/credit-analyses/${DEMO_CPF_FORMATTED}`).expect(200);
    await http
      .post('/v1/transactions')
      .send({
        events: [
          {
            eventId: `${run}-card`,
            cpf: DEMO_CPF_FORMATTED,
            type: 'CARD_PURCHASE',
            occurredAt: new Date(Date.now() - 60_000).toISOString(),
            merchant: 'Loja Nova',
            mcc: '5732',
            amountCents: 99_900,
            installments: 10,
            approved: true,
            cardLast4: '9999',
          },
        ],
      })
      .expect(202);
    const after = await http.get(`/v1/credit-analyses/${DEMO_CPF_FORMATTED}`).expect(200);
    expect(after.headers['x-cache']).toBe('MISS');
    expect(after.body.transactions.lastCardPurchase).toMatchObject({ merchant: 'Loja Nova', amountCents: 99_900 });
  });

  describe('a cache hit served before the Nest route', () => {
    const auditRows = async (requestId: string) => {
      const pg = new PgClient({ connectionString: env.DATABASE_URL });
      await pg.connect();
      try {
        return (
          await pg.query(
            'SELECT client_id, purpose, cpf_masked, cpf_hash, outcome, resource FROM audit_log WHERE request_id = $1',
            [requestId],
          )
        ).rows;
      } finally {
        await pg.end();
      }
    };
    const until = async <T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 5_000): Promise<T> => {
      const deadline = Date.now() + ms;
      for (;;) {
        const value = await read();
        if (ok(value) || Date.now() > deadline) return value;
        await new Promise((r) => setTimeout(r, 50));
      }
    };

    const inquirers = async (app: NestFastifyApplication, key: string) =>
      (
        (await client(app, key).get(`/v1/consumers/${DEMO_CPF_FORMATTED}/inquiries`).expect(200)).body.inquiries as {
          inquirer: string;
        }[]
      ).map((i) => i.inquirer);

    it('answers with the bytes and headers of the full path, and its read reaches the audit log through the journal', async () => {
      const http = client(production, await keyFor(production, 'fp-bank'));
      const relay = production.get(RedisAuditJournalRelay);
      const full = await http
        .get(`/v1/credit-analyses/${DEMO_CPF_FORMATTED}`)
        .set('X-Request-Id', `${run}-warm`)
        .expect(200);
      const relayedBefore = relay.count;
      const hit = await http
        .get(`/v1/credit-analyses/${DEMO_CPF_FORMATTED}`)
        .set('X-Request-Id', `${run}-hit`)
        .expect(200);

      expect(hit.headers['x-cache']).toBe('HIT');
      expect(hit.text).toBe(full.text);
      for (const header of [
        'content-type',
        'x-content-type-options',
        'x-frame-options',
        'cache-control',
        'content-security-policy',
        'strict-transport-security',
        'x-ratelimit-limit',
      ]) {
        expect([header, hit.headers[header]]).toEqual([header, full.headers[header]]);
      }
      expect(Number(hit.headers['x-ratelimit-reset'])).toBeGreaterThan(0);
      const rows = await until(
        () => auditRows(`${run}-hit`),
        (r) => r.length > 0,
      );
      expect(rows).toEqual([
        {
          client_id: 'fp-bank',
          purpose: 'CREDIT_GRANTING',
          cpf_masked: Cpf.parse(DEMO_CPF_FORMATTED).masked,
          cpf_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
          outcome: 'SUCCESS',
          resource: 'ANALYSIS',
        },
      ]);
      expect(relay.count).toBeGreaterThan(relayedBefore);
      const chain = await production.get(AuditLog).verify();
      expect(chain).toMatchObject({ ok: true });
    });

    it('records the bureau inquiry of a hit through the journal, in C', async () => {
      const key = await keyFor(production, 'fp-inquirer');
      const http = client(production, key);
      await http.get(`/v1/credit-analyses/${DEMO_CPF_FORMATTED}`).expect(200);
      const hit = await http.get(`/v1/credit-analyses/${DEMO_CPF_FORMATTED}`).expect(200);
      expect(hit.headers['x-cache']).toBe('HIT');
      const seen = await until(
        () => inquirers(production, key),
        (names) => names.filter((n) => n === 'fp-inquirer').length === 2,
      );
      expect(seen.filter((n) => n === 'fp-inquirer')).toHaveLength(2);
    });

    it('can leave relaying to another process (RUN_JOURNAL_RELAYS=false): its reads still reach the audit log and C', async () => {
      const api = await startApi({ runJournalRelays: false }, env);
      try {
        expect(api.get(RedisAuditJournalRelay).running).toBe(false);
        expect(api.get(RedisInquiryJournalRelay).running).toBe(false);
        const key = await keyFor(api, 'fp-elsewhere');
        await client(api, key)
          .get(`/v1/credit-analyses/${DEMO_CPF_FORMATTED}`)
          .set('X-Request-Id', `${run}-elsewhere-1`)
          .expect(200);
        const hit = await client(api, key)
          .get(`/v1/credit-analyses/${DEMO_CPF_FORMATTED}`)
          .set('X-Request-Id', `${run}-elsewhere-2`)
          .expect(200);
        expect(hit.headers['x-cache']).toBe('HIT');
        // The other API process of this suite runs the relays; its consumer group takes what this one journalled.
        const rows = await until(
          () => auditRows(`${run}-elsewhere-2`),
          (r) => r.length > 0,
        );
        expect(rows).toEqual([
          expect.objectContaining({ client_id: 'fp-elsewhere', resource: 'ANALYSIS', outcome: 'SUCCESS' }),
        ]);
        const seen = await until(
          () => inquirers(api, key),
          (names) => names.filter((n) => n === 'fp-elsewhere').length === 2,
        );
        expect(seen.filter((n) => n === 'fp-elsewhere')).toHaveLength(2);
        const ready = await request(api.getHttpServer()).get('/health/ready').expect(200);
        expect(ready.body.details).toMatchObject({ auditJournal: { state: 'up' }, inquiryJournal: { state: 'up' } });
      } finally {
        await api.close();
      }
    });

    it('spends one rate-limit budget with the full path, counting a request once whichever path answers it', async () => {
      const http = client(production, await keyFor(production, 'fp-budget'));
      const remaining = (res: { headers: Record<string, string> }) => Number(res.headers['x-ratelimit-remaining']);
      const warm = await http.get(`/v1/credit-analyses/${DEMO_CPF_FORMATTED}`).expect(200);
      const hit = await http.get(`/v1/credit-analyses/${DEMO_CPF_FORMATTED}`).expect(200);
      const refused = await http
        .get(`/v1/credit-analyses/${DEMO_CPF_FORMATTED}`)
        .set('X-Purpose', 'CURIOSITY')
        .expect(400);
      await production.get(AnalysisCache).invalidate([Cpf.parse(DEMO_CPF_FORMATTED)]);
      const miss = await http.get(`/v1/credit-analyses/${DEMO_CPF_FORMATTED}`).expect(200);
      const hitAgain = await http.get(`/v1/credit-analyses/${DEMO_CPF_FORMATTED}`).expect(200);

      expect([hit.headers['x-cache'], miss.headers['x-cache'], hitAgain.headers['x-cache']]).toEqual([
        'HIT',
        'MISS',
        'HIT',
      ]);
      expect(refused.body).toMatchObject({ code: 'PURPOSE_INVALID', field: 'X-Purpose' });
      const start = remaining(warm);
      expect([hit, refused, miss, hitAgain].map(remaining)).toEqual([start - 1, start - 2, start - 3, start - 4]);
    });

    it('records in /metrics each request it answers once, hits as cache="hit", refusals by status', async () => {
      const key = await keyFor(production, 'fp-metrics');
      const path = `/v1/credit-analyses/${DEMO_CPF_FORMATTED}`;
      const route = { method: 'GET', route: '/v1/credit-analyses/:cpf' };
      const metrics = async () => (await request(production.getHttpServer()).get('/metrics').expect(200)).text;
      const requests = 'credit_http_request_duration_seconds_count';
      const observed = (text: string) => ({
        hits: sampleOf(text, requests, { ...route, status_code: '200', cache: 'hit' }),
        refused: sampleOf(text, requests, { ...route, status_code: '401' }),
        lookups: sampleOf(text, 'credit_analysis_cache_lookups_total', { result: 'hit', path: 'read_step' }),
      });
      await client(production, key).get(path).expect(200);
      const before = observed(await metrics());

      expect((await client(production, key).get(path).expect(200)).headers['x-cache']).toBe('HIT');
      await request(production.getHttpServer()).get(path).set('X-Purpose', 'CREDIT_GRANTING').expect(401);

      const after = await metrics();
      expect(observed(after)).toEqual({
        hits: before.hits + 1,
        refused: before.refused + 1,
        lookups: before.lookups + 1,
      });
      expect(after).not.toMatch(/123\.?456\.?789-?09|12345678909/);
    });

    it('refuses there as every entry does, auditing what names a client: no key, a key without the scope, no purpose', async () => {
      await request(production.getHttpServer())
        .get(`/v1/credit-analyses/${DEMO_CPF_FORMATTED}`)
        .set('X-Purpose', 'CREDIT_GRANTING')
        .expect(401);
      const consumerOnly = await keyFor(production, 'fp-consumers', ['consumer:read']);
      const forbidden = await client(production, consumerOnly)
        .get(`/v1/credit-analyses/${DEMO_CPF_FORMATTED}`)
        .set('X-Request-Id', 'fp-forbidden')
        .expect(403);
      expect(forbidden.body.code).toBe('SCOPE_MISSING');
      const denied = await until(
        () => auditRows('fp-forbidden'),
        (rows) => rows.length > 0,
      );
      expect(denied).toEqual([
        expect.objectContaining({ client_id: 'fp-consumers', outcome: 'DENIED', resource: 'ANALYSIS' }),
      ]);
      const key = await keyFor(production, 'fp-nopurpose');
      const noPurpose = await request(production.getHttpServer())
        .get(`/v1/credit-analyses/${DEMO_CPF_FORMATTED}`)
        .set('X-Api-Key', key)
        .expect(400);
      expect(noPurpose.body.code).toBe('PURPOSE_REQUIRED');
    });
  });
});
