import Redis from 'ioredis';
import { Client } from 'pg';
import { LatencyHistogram } from './load';

export interface ProbeResult {
  what: string;
  p50: number;
  p99: number;
}

async function timed(what: string, n: number, once: () => Promise<unknown>): Promise<ProbeResult> {
  const h = new LatencyHistogram();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await once();
    h.record(performance.now() - t);
  }
  return { what, p50: h.percentile(50), p99: h.percentile(99) };
}

/**
 * Latency floors of what one cached analysis request of the API waits for, measured one at a time with the same
 * client libraries on an otherwise idle path: a Redis GET, the rate limiter's MULTI/INCR/PEXPIRE/EXEC, and a PostgreSQL
 * transaction shaped like an audit append (advisory lock, read the head, insert one row, commit with its WAL flush),
 * written to a probe table of its own with its own lock key so the real audit chain is untouched.
 */
export async function dependencyProbes(redisUrl: string, databaseUrl: string, rawKey: string): Promise<ProbeResult[]> {
  const redis = new Redis(redisUrl);
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  try {
    const results: ProbeResult[] = [];
    results.push(await timed('Redis GET of one analysis (ioredis)', 1000, () => redis.get(rawKey)));
    results.push(
      await timed('Redis MULTI INCR PEXPIRE EXEC (rate limiter)', 1000, () =>
        redis.multi().incr('bench:probe:rate').pexpire('bench:probe:rate', 61_000).exec(),
      ),
    );
    await pg.query(
      'CREATE TABLE IF NOT EXISTS bench_probe (seq bigint PRIMARY KEY, at timestamptz NOT NULL, payload text NOT NULL)',
    );
    let seq = 0;
    results.push(
      await timed('PostgreSQL audit-shaped transaction (lock, head, insert, commit)', 200, async () => {
        await pg.query('BEGIN');
        await pg.query('SELECT pg_advisory_xact_lock(4242424242)');
        await pg.query('SELECT seq FROM bench_probe ORDER BY seq DESC LIMIT 1');
        await pg.query('INSERT INTO bench_probe (seq, at, payload) VALUES ($1, clock_timestamp(), $2)', [
          ++seq,
          'x'.repeat(300),
        ]);
        await pg.query('COMMIT');
      }),
    );
    await pg.query('DROP TABLE bench_probe');
    await redis.del('bench:probe:rate');
    return results;
  } finally {
    await pg.end();
    redis.disconnect();
  }
}
