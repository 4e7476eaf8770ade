import { throttledWarning } from '@app/platform';
import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';

/**
 * Appends entries to one journal with one XADD. Answers false, without throwing, when Redis is not ready or the XADD
 * failed (logged at most every 10 s), and the caller then writes the entry to its destination itself: an entry never
 * waits on a journal it cannot reach. A timed-out XADD may still have landed, so the destination can see an entry
 * twice (at least once).
 */
export class RedisJournalWriter {
  private readonly warn: (message: string) => void;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    /** What the log says when it cannot, e.g. "audit journal unavailable, writing entries to the audit log directly". */
    private readonly unavailable: string,
    logger: Logger,
  ) {
    this.warn = throttledWarning(logger);
  }

  async append(entry: string): Promise<boolean> {
    return this.appendMany([entry]);
  }

  /** Several entries in one pipeline, in order; false when any XADD failed (the caller writes them all itself). */
  async appendMany(entries: readonly string[]): Promise<boolean> {
    if (entries.length === 0) return true;
    if (this.redis.status !== 'ready') return false;
    try {
      if (entries.length === 1) {
        await this.redis.xadd(this.key, '*', 'entry', entries[0]!);
        return true;
      }
      const pipeline = this.redis.pipeline();
      for (const entry of entries) pipeline.xadd(this.key, '*', 'entry', entry);
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([error]) => error);
      if (failed) throw failed[0];
      return true;
    } catch (error) {
      this.warn(`${this.unavailable}: ${(error as Error).message}`);
      return false;
    }
  }
}
