import type { RedisClient, Journal } from '@app/adapters/redis';

type StreamEntry = [id: string, fields: string[]];

/** Entries waiting in a journal (or its dead-letter streams), over all its shards. */
export async function journalLength(redis: RedisClient, journal: Journal, dead = false): Promise<number> {
  const lengths = await Promise.all(journal.shards.map((s) => redis.xlen(dead ? s.deadKey : s.key)));
  return lengths.reduce((sum, n) => sum + n, 0);
}

/** A journal's entries (or its dead ones), shard after shard, each shard's in order. */
export async function journalEntries(redis: RedisClient, journal: Journal, dead = false): Promise<StreamEntry[]> {
  const perShard = await Promise.all(journal.shards.map((s) => redis.xrange(dead ? s.deadKey : s.key, '-', '+')));
  return perShard.flat() as StreamEntry[];
}
