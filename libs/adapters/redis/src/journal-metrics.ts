import { journalBacklog, journalDead, journalOldestAge, metricsEnabled, onScrape } from '@app/platform';
import { RedisClient } from './redis-client';
import { Journal } from './redis-keys';

/** A stream entry id is `<milliseconds>-<sequence>`: the time Redis appended it. */
function entryAgeSeconds(id: string | undefined, now: number): number {
  const ms = Number(id?.split('-')[0]);
  return Number.isFinite(ms) && ms > 0 ? Math.max(0, (now - ms) / 1000) : 0;
}

/**
 * At every scrape, reads how many entries wait in the journal's shards, how many were dead-lettered, and how old the
 * oldest waiting one is (how far the relays lag: an entry leaves its stream once delivered). One MULTI per shard (its
 * streams share a slot), the shards side by side. Returns the function that stops it.
 */
export function watchJournal(redis: RedisClient, journal: Journal): () => void {
  if (!metricsEnabled()) return () => undefined;
  const labels = { journal: journal.journal };
  return onScrape(async () => {
    if (redis.status !== 'ready') return;
    const perShard = await Promise.all(
      journal.shards.map(({ key, deadKey }) =>
        redis.multi().xlen(key).xlen(deadKey).xrange(key, '-', '+', 'COUNT', 1).exec(),
      ),
    );
    if (perShard.some((replies) => !replies || replies.some(([error]) => error))) return;
    let backlog = 0;
    let dead = 0;
    let oldest = 0;
    const now = Date.now();
    for (const replies of perShard) {
      const [length, deadLength, first] = replies!.map(([, value]) => value) as [number, number, [string, string[]][]];
      backlog += length;
      dead += deadLength;
      oldest = Math.max(oldest, entryAgeSeconds(first[0]?.[0], now));
    }
    journalBacklog.set(labels, backlog);
    journalDead.set(labels, dead);
    journalOldestAge.set(labels, oldest);
  });
}
