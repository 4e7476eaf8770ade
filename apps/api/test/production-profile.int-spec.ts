import { NestFastifyApplication } from '@nestjs/platform-fastify';
import Redis from 'ioredis';
import mongoose from 'mongoose';
import { Client as PgClient } from 'pg';
import request from 'supertest';
import { postgresDataSource } from '../../../libs/credit/src/infrastructure/schema';
import { requireEnv, testKeys } from '../../../libs/testing/src/contracts';
import { DEMO_CPF_FORMATTED, client, keyFor, startApi } from './api-harness';

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
      consumers: { adapter: 'postgres', state: 'up' }, ratings: { adapter: 'mongodb', state: 'up' },
      transactions: { adapter: 'elasticsearch', state: 'up' }, cache: { adapter: 'redis', state: 'up' },
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
      .send({ events: [{ eventId: `${run}-card`, cpf: DEMO_CPF_FORMATTED, type: 'CARD_PURCHASE', occurredAt: new Date(Date.now() - 60_000).toISOString(), merchant: 'Loja Nova', mcc: '5732', amountCents: 99_900, installments: 10, approved: true, cardLast4: '9999' }] })
      .expect(202);
    const after = await http.get(`/v1/credit-analyses/${DEMO_CPF_FORMATTED}`).expect(200);
    expect(after.headers['x-cache']).toBe('MISS');
    expect(after.body.transactions.lastCardPurchase).toMatchObject({ merchant: 'Loja Nova', amountCents: 99_900 });
  });
});
