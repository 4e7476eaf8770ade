import calculateSlot, { generateMulti } from 'cluster-key-slot';
import { uniqueCpf } from '@app/testing/contracts';
import { REDIS_SHARDS, journalStreamOf, redisJournals, redisKeys, shardOf, shardTags } from './redis-keys';

/**
 * A Redis Cluster runs a multi-key command only when all its keys hash to one slot; the key layout is what keeps every
 * step of the platform on one slot while spreading the data over the cluster.
 */
describe('Redis key layout', () => {
  it('gives each shard a hash tag in its own sixteenth of the slots, the same every time', () => {
    const tags = shardTags('credit');
    expect(tags).toHaveLength(REDIS_SHARDS);
    tags.forEach((tag, shard) => {
      expect(tag).toMatch(/^\{credit:\d+\.\d+\}$/);
      expect(Math.floor((calculateSlot(tag) * REDIS_SHARDS) / 16_384)).toBe(shard);
    });
    expect(shardTags('credit')).toBe(tags);
    expect(shardTags('other')).not.toEqual(tags);
  });

  it("puts a CPF's analysis, invalidation count and its cached reads' journal streams on one slot", () => {
    for (let i = 0; i < 200; i++) {
      const cpf = uniqueCpf();
      const audit = journalStreamOf(redisJournals.audit('credit', 'cluster'), cpf);
      const inquiry = journalStreamOf(redisJournals.inquiry('credit', 'cluster'), cpf);
      const keys = [redisKeys.analysis('credit', cpf), redisKeys.analysisInvalidations('credit', cpf)];
      const slot = generateMulti([...keys, audit.key, inquiry.key]);
      expect(slot).toBe(calculateSlot(shardTags('credit')[shardOf(cpf)]!));
    }
  });

  it('spreads CPFs over every shard', () => {
    const shards = new Set(Array.from({ length: 2_000 }, () => shardOf(uniqueCpf())));
    expect(shards.size).toBe(REDIS_SHARDS);
  });

  it('keeps each journal stream on the slot of its dead-letter stream, so moving an entry is one MULTI', () => {
    for (const name of ['audit', 'inquiry', 'events'] as const) {
      for (const s of redisJournals[name]('credit', 'cluster').shards) {
        expect(generateMulti([s.key, s.deadKey])).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('lists the stream of the layout before shards on a single server only, where it may still hold entries', () => {
    const standalone = redisJournals.audit('credit', 'standalone').shards;
    expect(standalone).toHaveLength(REDIS_SHARDS + 1);
    expect(standalone.at(-1)).toEqual({
      shard: 'legacy',
      key: 'credit:audit-journal:v1',
      deadKey: 'credit:audit-journal:dead:v1',
      group: 'audit-relay',
    });
    const shards = Array.from({ length: REDIS_SHARDS }, (_, i) => String(i));
    expect(redisJournals.audit('credit', 'cluster').shards.map((s) => s.shard)).toEqual(shards);
    expect(redisJournals.events('credit', 'cluster').shards[0]).toMatchObject({
      key: `credit:event-outbox:v2:${shardTags('credit')[0]}`,
      group: 'event-outbox-relay',
    });
  });
});
