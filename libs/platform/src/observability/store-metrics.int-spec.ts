import Redis from 'ioredis';
import { requireEnv } from '@app/testing/contracts';
import { metricsRegistry } from './metric-catalogue';
import { instrumentRedis } from './store-metrics';

/** The count of one Redis operation's timings, and of its errors, as /metrics shows them. */
async function counted(operation: string): Promise<{ timed: number; failed: number }> {
  const text = await metricsRegistry.metrics();
  const value = (metric: string) =>
    Number(new RegExp(`^${metric}\\{store="redis",operation="${operation}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  return {
    timed: value('credit_store_call_duration_seconds_count'),
    failed: value('credit_store_call_errors_total'),
  };
}

describe('instrumentRedis on a real Redis', () => {
  const url = requireEnv('REDIS_URL');
  let redis: Redis;

  afterEach(() => redis?.disconnect());

  it('times each command once as its reply settles it, and the caller gets the same reply', async () => {
    const before = await counted('echo');
    redis = instrumentRedis(new Redis(url));
    // Sent before the connection is up: ioredis queues them and sends them through sendCommand a second time.
    expect(redis.status).not.toBe('ready');
    const replies = Promise.all([redis.echo('one'), redis.echo('two')]);
    expect(await replies).toEqual(['one', 'two']);
    expect(await redis.echo('three')).toBe('three');

    expect(await counted('echo')).toEqual({ timed: before.timed + 3, failed: before.failed });
  });

  it('counts a command Redis refuses as timed and failed, and the caller still gets the error', async () => {
    redis = instrumentRedis(new Redis(url));
    const before = await counted('incr');
    const key = `test:store-metrics:${process.pid}:${Date.now()}`;
    await redis.set(key, 'not a number', 'PX', 10_000);

    await expect(redis.incr(key)).rejects.toThrow(/not an integer/);
    expect(await counted('incr')).toEqual({ timed: before.timed + 1, failed: before.failed + 1 });
  });
});
