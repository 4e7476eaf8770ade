import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { RateDecision, RateLimiter } from '../../application/ports/rate-limiter';
import { InMemoryRateLimiter } from './in-memory-rate-limiter';

const WINDOW_MS = 60_000;

/**
 * One counter per client per minute in Redis, so the limit holds across API instances. If Redis is away the limit is
 * kept per instance instead of failing every request: availability first, and the limit still applies.
 */
export class RedisRateLimiter extends RateLimiter {
  private readonly logger = new Logger(RedisRateLimiter.name);
  private readonly fallback: InMemoryRateLimiter;

  constructor(
    private readonly redis: Redis,
    private readonly limit: number,
  ) {
    super();
    this.fallback = new InMemoryRateLimiter(limit);
  }

  async hit(clientId: string): Promise<RateDecision> {
    const now = Date.now();
    if (this.redis.status !== 'ready') return this.fallback.hitSync(clientId, now);
    const start = now - (now % WINDOW_MS);
    const key = `ratelimit:v1:${clientId}:${start}`;
    try {
      const results = await this.redis.multi().incr(key).pexpire(key, WINDOW_MS + 1_000).exec();
      const count = Number(results?.[0]?.[1] ?? 0);
      return { allowed: count <= this.limit, limit: this.limit, remaining: Math.max(0, this.limit - count), resetSeconds: Math.ceil((start + WINDOW_MS - now) / 1000) };
    } catch (error) {
      this.logger.warn(`rate limit counted locally, Redis failed: ${(error as Error).message}`);
      return this.fallback.hitSync(clientId, now);
    }
  }
}
