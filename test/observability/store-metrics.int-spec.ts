import { instrumentElasticsearch, instrumentMongoClient, instrumentRedis, metricsRegistry } from '@app/platform';
import { Client } from '@elastic/elasticsearch';
import Redis from 'ioredis';
import mongoose from 'mongoose';
import { DataSource } from 'typeorm';
import { requireEnv } from '@app/testing/contracts';
import { redisOptions } from '@app/adapters/redis';
import { PostgresQueryMetrics } from '@app/adapters/postgres';

type Sample = { labels: Record<string, unknown>; metricName?: string; value: number };

/** Observations of the store histogram and errors for one store and operation, as /metrics would show them. */
async function calls(store: string, operation: string): Promise<{ observed: number; errors: number }> {
  const histogram = await metricsRegistry.getSingleMetric('credit_store_call_duration_seconds')!.get();
  const errors = await metricsRegistry.getSingleMetric('credit_store_call_errors_total')!.get();
  const of = (v: Sample) => v.labels.store === store && v.labels.operation === operation;
  return {
    observed: Number(
      (histogram.values as Sample[]).find((v) => of(v) && v.metricName === 'credit_store_call_duration_seconds_count')
        ?.value ?? 0,
    ),
    errors: Number(errors.values.find(of)?.value ?? 0),
  };
}

/** Each store's calls are timed and their failures counted, through the store's own hooks, against the real servers. */
describe('Store call metrics against the real servers', () => {
  it('times PostgreSQL queries by statement and counts the one that fails', async () => {
    const ds = await new DataSource({
      type: 'postgres',
      url: requireEnv('DATABASE_URL'),
      subscribers: [PostgresQueryMetrics],
    }).initialize();
    try {
      const before = await calls('postgresql', 'select');
      await ds.query('SELECT 1');
      await expect(ds.query('SELECT * FROM a_table_that_does_not_exist')).rejects.toThrow();
      const after = await calls('postgresql', 'select');
      expect(after.observed).toBe(before.observed + 2);
      expect(after.errors).toBe(before.errors + 1);
    } finally {
      await ds.destroy();
    }
  });

  it('times Redis commands by name, through the client the adapters share', async () => {
    // The adapters' options refuse commands before the connection is up (no offline queue): connect first.
    const redis = instrumentRedis(new Redis({ ...redisOptions(requireEnv('REDIS_URL')), lazyConnect: true }));
    try {
      await redis.connect();
      const before = await calls('redis', 'get');
      const beforeErrors = await calls('redis', 'incr');
      await redis.get(`it-store-metrics-${Date.now()}`);
      await redis.set(`it-store-metrics-text-${process.pid}`, 'not a number', 'PX', 5_000);
      await expect(redis.incr(`it-store-metrics-text-${process.pid}`)).rejects.toThrow();
      expect((await calls('redis', 'get')).observed).toBe(before.observed + 1);
      expect((await calls('redis', 'incr')).errors).toBe(beforeErrors.errors + 1);
    } finally {
      redis.disconnect();
    }
  });

  it("times MongoDB commands from the driver's command monitoring", async () => {
    const connection = await mongoose
      .createConnection(requireEnv('MONGODB_URL'), { monitorCommands: true, serverSelectionTimeoutMS: 5_000 })
      .asPromise();
    try {
      instrumentMongoClient(connection.getClient());
      const before = await calls('mongodb', 'find');
      await connection.db!.collection<{ _id: string }>('it_store_metrics').find({ _id: 'none' }).toArray();
      expect((await calls('mongodb', 'find')).observed).toBe(before.observed + 1);
    } finally {
      await connection.close();
    }
  });

  it('times Elasticsearch requests by endpoint, never by index or document id, and counts a refused one', async () => {
    const es = new Client({ node: requireEnv('ELASTICSEARCH_URL') });
    instrumentElasticsearch(es);
    try {
      const before = await calls('elasticsearch', 'post _search');
      const missing = await calls('elasticsearch', 'get _doc');
      await es.search({ index: '*', size: 0 });
      await expect(es.get({ index: `it-store-metrics-missing-${Date.now()}`, id: 'x' })).rejects.toThrow();
      expect((await calls('elasticsearch', 'post _search')).observed).toBe(before.observed + 1);
      expect((await calls('elasticsearch', 'get _doc')).errors).toBe(missing.errors + 1);
    } finally {
      await es.close();
    }
  });
});
