import { journalBacklog, journalDead, journalOldestAge, metricsEnabled, onScrape } from '@app/platform';
import type Redis from 'ioredis';
import { JournalStreams } from './redis-keys';

/** A stream entry id is `<milliseconds>-<sequence>`: the time Redis appended it. */
export function entryAgeSeconds(id: string | undefined, now: number): number {
  const ms = Number(id?.split('-')[0]);
  return Number.isFinite(ms) && ms > 0 ? Math.max(0, (now - ms) / 1000) : 0;
}

/**
 * At every scrape, reads how many entries wait in the journal, how many were dead-lettered, and how old the oldest
 * waiting one is (how far the relays lag: an entry leaves the stream once delivered). Three commands, one round trip.
 * Returns the function that stops it.
 */
export function watchJournal(redis: Redis, streams: JournalStreams): () => void {
  if (!metricsEnabled()) return () => undefined;
  const labels = { journal: streams.journal };
  return onScrape(async () => {
    if (redis.status !== 'ready') return;
    const replies = await redis.multi()
      .xlen(streams.key).xlen(streams.deadKey).xrange(streams.key, '-', '+', 'COUNT', 1)
      .exec();
    if (!replies || replies.some(([error]) => error)) return;
    const [backlog, dead, oldest] = replies.map(([, value]) => value) as [number, number, [string, string[]][]];
    journalBacklog.set(labels, backlog);
    journalDead.set(labels, dead);
    journalOldestAge.set(labels, entryAgeSeconds(oldest[0]?.[0], Date.now()));
  });
}
