import { serverUrls } from '@app/platform';
import calculateSlot from 'cluster-key-slot';
import { Cluster } from 'ioredis';
import { journalStatus } from '../../../../scripts/journals';
import { RecordingAuditLog } from '@app/testing';
import { journalLength, requireEnv, uniqueCpf } from '@app/testing/contracts';
import { InMemoryRateLimiter } from '@app/adapters/embedded';
import { RedisRateLimiter } from './redis-rate-limiter';
import { RedisAnalysisCache } from './redis-analysis.cache';
import { RedisAuditJournalRelay } from './redis-audit-journal';
import { RedisCachedAnalysisReads } from './redis-cached-analysis.reads';
import { createRedisClient } from './redis-client';
import { RedisJournalledAuditLog } from './redis-journalled-audit-log';
import { REDIS_SHARDS, journalStreamOf, redisJournals, redisKeys, shardTags } from './redis-keys';

const until = async (predicate: () => Promise<boolean> | boolean, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** The port of the primary serving a slot, from the cluster's own map. */
async function primaryOf(redis: Cluster, slot: number): Promise<number> {
  const ranges = (await redis.cluster('SLOTS')) as unknown as [number, number, [string, number]][];
  return Number(ranges.find(([from, to]) => slot >= from && slot <= to)![2][1]);
}

/**
 * The Redis adapters on a real Redis Cluster of three primaries and three replicas (the cluster profile): every
 * multi-key step must stay on one slot, or the cluster refuses it with CROSSSLOT.
 */
describe('the Redis adapters on a Redis Cluster', () => {
  const namespace = `rc${Date.now()}`;
  const audit = new RecordingAuditLog();
  let redis: Cluster;

  beforeAll(async () => {
    const nodes = serverUrls(requireEnv('REDIS_CLUSTER_NODES')).map((n) => `redis://${n}`);
    redis = createRedisClient({ mode: 'cluster', nodes }) as Cluster;
    await until(() => redis.status === 'ready');
  });
  afterAll(() => redis.disconnect());

  const ask = (clientId: string, requestId: string, cpf = uniqueCpf()) => ({
    cpf,
    clientId,
    audit: audit.seal({
      clientId: 'bank',
      scope: 'analysis:read',
      purpose: 'CREDIT_GRANTING',
      cpf,
      action: 'READ',
      resource: 'ANALYSIS',
      outcome: 'SUCCESS',
      requestId,
    }),
    inquiry: {
      type: 'BUREAU_INQUIRY' as const,
      eventId: `inq-${requestId}`,
      cpf,
      occurredAt: new Date(),
      source: 'bureau',
      inquirer: 'bank',
      purpose: 'CREDIT_GRANTING',
    },
  });

  it("spreads the shards evenly over the three primaries, each shard's keys on one slot", async () => {
    const owners = await Promise.all(shardTags(namespace).map((tag) => primaryOf(redis, calculateSlot(tag))));
    const perPrimary = [...new Set(owners)].map((port) => owners.filter((p) => p === port).length);
    expect(perPrimary).toHaveLength(3);
    for (const n of perPrimary) expect(n).toBeGreaterThanOrEqual(REDIS_SHARDS / 4);
    const cpf = uniqueCpf();
    const audit = journalStreamOf(redisJournals.audit(namespace, 'cluster'), cpf);
    const keys = [
      redisKeys.analysis(namespace, cpf),
      redisKeys.analysisInvalidations(namespace, cpf),
      audit.key,
      audit.deadKey,
    ];
    expect(new Set(keys.map((k) => calculateSlot(k))).size).toBe(1);
  });

  it("serves a cached read: counted on the client's slot, journalled on the CPF's, replicated first", async () => {
    const cache = new RedisAnalysisCache(redis, namespace, 1);
    const reads = new RedisCachedAnalysisReads(redis, 100, namespace, 1);
    const limiter = new RedisRateLimiter(redis, 100, namespace, new InMemoryRateLimiter(100));
    const cpf = uniqueCpf();
    await cache.set(cpf, '{"cluster":true}', 60_000);
    await limiter.hit('client-a');
    const result = await reads.read(ask('client-a', 'rc-hit', cpf));
    const body = Buffer.from('{"cluster":true}');
    expect(result).toMatchObject({ kind: 'hit', body, rate: { allowed: true, remaining: 98 } });
    const stream = journalStreamOf(redisJournals.audit(namespace, 'cluster'), cpf);
    const [[, fields]] = await redis.xrange(stream.key, '-', '+');
    expect(JSON.parse(fields[1]!)).toMatchObject({ requestId: 'rc-hit' });
    expect(await cache.health()).toBe('up');
  });

  it('invalidates CPFs of every shard in one call', async () => {
    const cache = new RedisAnalysisCache(redis, namespace);
    const cpfs = Array.from({ length: 64 }, () => uniqueCpf());
    for (const cpf of cpfs) await cache.set(cpf, '{}', 60_000);
    await cache.invalidate(cpfs);
    const left = await Promise.all(cpfs.map((cpf) => redis.exists(redisKeys.analysis(namespace, cpf))));
    expect(left.every((n) => n === 0)).toBe(true);
  });

  it('relays entries journalled on every shard, and the journals tool adds the shards up', async () => {
    const ns = `${namespace}-relay`;
    const log = new RecordingAuditLog();
    const journalled = new RedisJournalledAuditLog(redis, log, ns, 1);
    for (let i = 0; i < 96; i++) {
      await journalled.record({
        clientId: 'bank',
        scope: 'consumer:read',
        purpose: 'CREDIT_GRANTING',
        cpf: uniqueCpf(),
        action: 'READ',
        resource: 'CONSUMER',
        outcome: 'SUCCESS',
        requestId: `relay-${i}`,
      });
    }
    // Journalled (replicated), not written past the journal.
    expect(log.sealed).toHaveLength(0);
    const journal = redisJournals.audit(ns, 'cluster');
    expect(await journalLength(redis, journal)).toBe(96);
    const lengths = await Promise.all(journal.shards.map((s) => redis.xlen(s.key)));
    expect(lengths.every((n) => n === 96 / REDIS_SHARDS)).toBe(true);
    expect((await journalStatus(redis, ns)).find((s) => s.journal === 'audit')).toMatchObject({ backlog: 96, dead: 0 });

    const relay = new RedisAuditJournalRelay(redis, log, ns, { consumer: 'cluster-relay' });
    relay.start();
    try {
      await until(() => log.sealed.length === 96);
      await until(async () => (await journalLength(redis, journal)) === 0);
      expect(await relay.health()).toBe('up');
    } finally {
      await relay.stop();
    }
    expect(new Set(log.sealed.map((e) => e.requestId)).size).toBe(96);
    expect((await journalStatus(redis, ns)).find((s) => s.journal === 'audit')).toMatchObject({
      backlog: 0,
      pending: 0,
      relays: [expect.objectContaining({ name: 'cluster-relay' })],
    });
  });
});
