import { randomBytes } from 'node:crypto';
import type Redis from 'ioredis';
import { Client } from 'pg';
import { createMarkedVhost, deleteStaleVhosts } from '@app/testing/contracts';

/**
 * Everything a benchmark run writes lives in places of its own on the shared servers (a PostgreSQL database, a MongoDB
 * database, an Elasticsearch index, a RabbitMQ virtual host, a Redis logical database), so it neither reads colleagues'
 * data nor disturbs their apps and tests, and cleaning up is dropping those places.
 */
export interface Servers {
  databaseUrl: string;
  mongodbUrl: string;
  elasticsearchUrl: string;
  redisUrl: string;
  rabbitmqUrl: string;
}

export function serversFromEnv(): Servers {
  return {
    databaseUrl: process.env.DATABASE_URL || 'postgres://credit:credit@127.0.0.1:5432/credit',
    mongodbUrl: process.env.MONGODB_URL || 'mongodb://127.0.0.1:27017/credit',
    elasticsearchUrl: process.env.ELASTICSEARCH_URL || 'http://127.0.0.1:9200',
    redisUrl: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
    rabbitmqUrl: process.env.RABBITMQ_URL || 'amqp://guest:guest@127.0.0.1:5672',
  };
}

/**
 * Field-encryption keys: the environment's (scripts/services/env.sh) when set, otherwise random ones for this run's own
 * database.
 */
export function encryptionEnv(): { DATA_ENCRYPTION_KEYS: string; CPF_LOOKUP_KEY: string } {
  return {
    DATA_ENCRYPTION_KEYS: process.env.DATA_ENCRYPTION_KEYS || `k1:${randomBytes(32).toString('base64')}`,
    CPF_LOOKUP_KEY: process.env.CPF_LOOKUP_KEY || randomBytes(32).toString('base64'),
  };
}

const withPath = (url: string, path: string) => {
  const u = new URL(url);
  u.pathname = `/${path}`;
  return u.toString();
};

export async function createDatabase(baseUrl: string, name: string): Promise<string> {
  const client = new Client({ connectionString: baseUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  return withPath(baseUrl, name);
}

export async function dropDatabase(baseUrl: string, name: string): Promise<void> {
  const client = new Client({ connectionString: baseUrl });
  await client.connect();
  try {
    await client.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [name],
    );
    await client.query(`DROP DATABASE IF EXISTS "${name}"`);
  } finally {
    await client.end();
  }
}

/** Numbers from pg_stat_database for one database: commits and rows inserted (for per-request costs). */
export async function pgStats(baseUrl: string, name: string): Promise<{ commits: number; inserted: number }> {
  const client = new Client({ connectionString: baseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT xact_commit::text AS c, tup_inserted::text AS i FROM pg_stat_database WHERE datname = $1',
      [name],
    );
    return { commits: Number(rows[0]?.c ?? 0), inserted: Number(rows[0]?.i ?? 0) };
  } finally {
    await client.end();
  }
}

/** Successful analysis reads of one API client in the audit log. */
export async function auditEntries(databaseUrl: string, clientName: string): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      "SELECT count(*)::text AS n FROM audit_log WHERE client_id = $1 AND resource = 'ANALYSIS' AND outcome = 'SUCCESS'",
      [clientName],
    );
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

export function mongoUrlFor(baseUrl: string, name: string): string {
  return withPath(baseUrl, name);
}

export async function dropMongoDatabase(url: string): Promise<void> {
  const mongoose = await import('mongoose');
  const connection = await mongoose.createConnection(url, { serverSelectionTimeoutMS: 5_000 }).asPromise();
  try {
    await connection.dropDatabase();
  } finally {
    await connection.close();
  }
}

export async function es(baseUrl: string, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(baseUrl.replace(/\/$/, '') + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : {};
  if (!res.ok && res.status !== 404)
    throw new Error(`Elasticsearch ${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return json;
}

/** The index and the template the transaction store made for it (`<index>-template`). */
export async function dropIndex(baseUrl: string, index: string): Promise<void> {
  await es(baseUrl, 'DELETE', `/${index}`);
  await es(baseUrl, 'DELETE', `/_index_template/${index}-template`);
}

export { deleteVhost } from '@app/testing/contracts';

/** How a benchmark's virtual host describes itself: the mark, then when it was made. */
const BENCH_VHOST = 'benchmark run, made at ';

/**
 * Makes the run's virtual host, marked as a benchmark's with when it was made, after deleting those earlier runs left
 * behind (Ctrl-C skips a run's clean-up).
 */
export async function createVhost(amqpUrl: string, vhost: string): Promise<string> {
  await deleteStaleVhosts(amqpUrl, BENCH_VHOST);
  return createMarkedVhost(amqpUrl, vhost, BENCH_VHOST, new Date());
}

export function redisUrlWithDb(url: string, db: number): string {
  return withPath(url, String(db));
}

/** Runs every clean-up step even when one fails, and says which failed. */
export async function cleanUp(steps: [string, () => Promise<unknown>][]): Promise<void> {
  for (const [what, step] of steps) {
    try {
      await step();
    } catch (error) {
      console.error(`clean-up: ${what} failed: ${(error as Error).message}`);
    }
  }
}

/** Calls per Redis command so far (INFO commandstats). Server-wide: every client of this Redis counts. */
export async function redisCommandStats(redis: Redis): Promise<Map<string, number>> {
  const stats = new Map<string, number>();
  for (const line of (await redis.info('commandstats')).split('\n')) {
    const m = /^cmdstat_([^:]+):calls=(\d+)/.exec(line.trim());
    if (m) stats.set(m[1]!, Number(m[2]));
  }
  return stats;
}
