import { loadConfig } from '@app/platform';
import { Cpf } from '@app/shared-kernel';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import mongoose from 'mongoose';
import { Client as PgClient } from 'pg';
import { client, keyFor, startApi } from '../apps/api/test/api-harness';
import { generateDemoConsumers } from '@app/credit-application';
import { DEMO_RECORDS_COLLECTION, RATING_FEATURES_COLLECTION } from '@app/adapters/mongodb';
import { postgresDataSource } from '@app/adapters/postgres';
import { requireEnv, testKeys, uniqueCpf } from '@app/testing/contracts';
import { demoStatus, removeDemoData } from './demo-data';

/**
 * Demo data loaded into real servers (an explicit DEMO_CONSUMERS) is marked in each store and `npm run demo -- remove`
 * takes it out, and only it: a consumer written through the API since, demo CPF or not, stays. Its own schema,
 * database and index, so the counts are exact.
 */
describe('demo data in real servers: marked, found and removed (PostgreSQL, MongoDB, Elasticsearch)', () => {
  const run = `demo${Date.now()}${Math.floor(Math.random() * 1000)}`;
  const pgUrl = requireEnv('DATABASE_URL');
  const mongoUrl = new URL(requireEnv('MONGODB_URL'));
  mongoUrl.pathname = `/${run}`;
  const env = {
    DATABASE_URL: `${pgUrl}${pgUrl.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${run}`)}`,
    MONGODB_URL: mongoUrl.toString(),
    ELASTICSEARCH_URL: requireEnv('ELASTICSEARCH_URL'),
    ELASTICSEARCH_INDEX: `credit-transactions-${run}`,
    DEMO_CONSUMERS: '6',
    ...testKeys(),
  };
  const config = loadConfig(env);
  const demo = generateDemoConsumers(6, new Date());
  const realCpf = uniqueCpf();
  const rewrittenCpf = Cpf.parse(demo[1].consumer.cpf);
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const admin = new PgClient({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${run}`);
    await admin.end();
    const migrator = await postgresDataSource(env.DATABASE_URL).initialize();
    await migrator.runMigrations();
    await migrator.destroy();
    app = await startApi({ demoConsumers: config.demoConsumers }, env);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    const admin = new PgClient({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${run} CASCADE`);
    await admin.end();
    const conn = await mongoose.createConnection(env.MONGODB_URL).asPromise();
    await conn.dropDatabase();
    await conn.close();
    await fetch(`${env.ELASTICSEARCH_URL}/${env.ELASTICSEARCH_INDEX}`, { method: 'DELETE' });
    await fetch(`${env.ELASTICSEARCH_URL}/_index_template/${env.ELASTICSEARCH_INDEX}-template`, { method: 'DELETE' });
  }, 60_000);

  it('loads only because DEMO_CONSUMERS was set explicitly with servers', () => {
    expect(loadConfig({ ...env, DEMO_CONSUMERS: undefined }).demoConsumers).toBe(0);
    expect(config.demoConsumers).toBe(6);
  });

  it('marks what it loaded in every store, and removes exactly that', async () => {
    const http = client(app, await keyFor(app, 'demo-it'));
    const address = {
      street: 'Rua Real',
      number: '1',
      district: 'Centro',
      city: 'Curitiba',
      state: 'PR',
      postalCode: '80010-000',
    };
    const demoEvents = demo.reduce((n, d) => n + d.events.length, 0);
    expect(await demoStatus(config)).toEqual({ consumers: 6, ratingSubjects: 6, events: demoEvents });

    // Real writes after the demo: a person of their own, and one whose CPF a demo consumer had.
    await http.put(`/v1/consumers/${realCpf.value}`).send({ name: 'Pessoa Real', address, debts: [] }).expect(201);
    await http
      .put(`/v1/consumers/${rewrittenCpf.value}`)
      .send({ name: 'Pessoa Real Dois', address, debts: [] })
      .expect(200);
    const event = {
      eventId: `${run}-real`,
      cpf: realCpf.value,
      type: 'FINANCIAL_MOVEMENT',
      occurredAt: new Date().toISOString(),
      kind: 'SALARY',
      amountCents: 100,
    };
    await http
      .post('/v1/transactions')
      .send({ events: [event] })
      .expect(202);
    expect(await demoStatus(config)).toMatchObject({ consumers: 5 });

    expect(await removeDemoData(config)).toEqual({ consumers: 5, ratingSubjects: 6, events: demoEvents });
    expect(await demoStatus(config)).toEqual({ consumers: 0, ratingSubjects: 0, events: 0 });

    await http.get(`/v1/consumers/${realCpf.value}`).expect(200);
    expect((await http.get(`/v1/consumers/${rewrittenCpf.value}`).expect(200)).body.name).toBe('Pessoa Real Dois');
    await http.get(`/v1/consumers/${demo[0].consumer.cpf}`).expect(404);
    expect(
      (await http.get(`/v1/consumers/${realCpf.value}/transactions`).expect(200)).body.events.map(
        (e: { eventId: string }) => e.eventId,
      ),
    ).toEqual([event.eventId]);
    const conn = await mongoose.createConnection(env.MONGODB_URL).asPromise();
    try {
      expect(
        await conn
          .collection(RATING_FEATURES_COLLECTION)
          .countDocuments({ cpf: { $in: demo.map((d) => d.consumer.cpf) } }),
      ).toBe(0);
      expect(await conn.collection(DEMO_RECORDS_COLLECTION).countDocuments()).toBe(0);
    } finally {
      await conn.close();
    }
  }, 60_000);
});
