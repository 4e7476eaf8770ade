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
    if (this.redis.status !== 'ready') return false;
    try {
      await this.redis.xadd(this.key, '*', 'entry', entry);
      return true;
    } catch (error) {
      this.warn(`${this.unavailable}: ${(error as Error).message}`);
      return false;
    }
  }
}
