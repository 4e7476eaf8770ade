import { throttledWarning } from '@app/platform';
import { Logger } from '@nestjs/common';
import type { RedisClient } from './redis-client';
import { Journal, JournalStreams, REDIS_SHARDS } from './redis-keys';
import { ReplicasUnreachedError, UnreplicatedStreams, reachedReplicas, waitForReplicas } from './redis-replica-ack';

/**
 * Appends entries to one journal, each call's entries to one of its shards in one pipeline. Answers false, without
 * throwing, when Redis is not ready, the XADD failed or too few replicas acknowledged it (logged at most every 10 s),
 * and the caller then writes the entry to its destination itself: an entry never waits on a journal it cannot reach.
 * A failed or unacknowledged XADD may still have landed, so the destination can see an entry twice (at least once);
 * for a second after that, the writer leaves the stream alone (another shard, or the caller's fallback, takes it).
 */
export class RedisJournalWriter {
  private readonly warn: (message: string) => void;
  /** The writable streams: never the stream of the layout before shards, which is only drained. */
  private readonly streams: readonly JournalStreams[];
  private next = 0;
  private readonly unreplicated = new UnreplicatedStreams();

  constructor(
    private readonly redis: RedisClient,
    journal: Journal,
    /**
     * What the log says when it cannot, e.g. "audit journal unavailable, writing entries to the audit log directly".
     */
    private readonly unavailable: string,
    logger: Logger,
    /** Replicas that must hold the entries before append resolves true (REDIS_JOURNAL_REPLICAS). */
    private readonly replicas = 0,
  ) {
    this.warn = throttledWarning(logger);
    this.streams = journal.shards.slice(0, REDIS_SHARDS);
  }

  async append(entry: string, stream?: JournalStreams): Promise<boolean> {
    return this.appendMany([entry], stream);
  }

  /**
   * Several entries in one pipeline, in order, to the given stream or else to the shards in turn; false when any XADD
   * failed or was not replicated (the caller writes them all itself).
   */
  async appendMany(entries: readonly string[], stream?: JournalStreams): Promise<boolean> {
    if (entries.length === 0) return true;
    if (this.redis.status !== 'ready') return false;
    const target = stream ?? this.nextStream();
    if (!target || this.unreplicated.skips(target.key)) return false;
    const { key } = target;
    try {
      if (entries.length === 1 && this.replicas === 0) {
        await this.redis.xadd(key, '*', 'entry', entries[0]!);
        return true;
      }
      const pipeline = this.redis.pipeline();
      for (const entry of entries) pipeline.xadd(key, '*', 'entry', entry);
      const results = (await waitForReplicas(pipeline, this.replicas).exec()) ?? [];
      const failed = results.find(([error]) => error);
      if (failed) throw failed[0];
      if (!reachedReplicas(results, this.replicas)) {
        this.unreplicated.mark(key);
        throw new ReplicasUnreachedError(this.replicas);
      }
      return true;
    } catch (error) {
      this.warn(`${this.unavailable}: ${(error as Error).message}`);
      return false;
    }
  }

  /** The shards in turn, passing over those whose replicas did not acknowledge lately; none when all are. */
  private nextStream(): JournalStreams | undefined {
    for (let i = 0; i < this.streams.length; i++) {
      const stream = this.streams[this.next++ % this.streams.length]!;
      if (!this.unreplicated.skips(stream.key)) return stream;
    }
    return undefined;
  }
}
