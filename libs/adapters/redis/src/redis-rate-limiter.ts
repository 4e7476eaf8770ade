import { Logger } from '@nestjs/common';
import type { RedisClient } from './redis-client';
import { RateDecision, RateLimiter } from '@app/credit-application';

const RATE_WINDOW_MS = 60_000;
/** The counter outlives its window by a second, so a late increment never starts a fresh, TTL-less key. */
export const RATE_COUNTER_TTL_MS = RATE_WINDOW_MS + 1_000;

/**
 * The fixed one-minute window a request falls in, and its counter's key. Shared with the cached-read fast path,
 * which counts in the same key from a Lua script, so both paths spend one budget.
 */
export function rateWindow(
  namespace: string,
  clientId: string,
  now: number,
): { key: string; decide: (count: number, limit: number) => RateDecision } {
  const start = now - (now % RATE_WINDOW_MS);
  const resetSeconds = Math.ceil((start + RATE_WINDOW_MS - now) / 1000);
  return {
    key: `${namespace}:ratelimit:v1:${clientId}:${start}`,
    decide: (count, limit) => ({ allowed: count <= limit, limit, remaining: Math.max(0, limit - count), resetSeconds }),
  };
}

/**
 * One counter per client per minute in Redis, so the limit holds across API instances. If Redis is away the limit is
 * kept by the fallback (per instance) instead of failing every request: availability first, and the limit still
 * applies.
 */
export class RedisRateLimiter extends RateLimiter {
  private readonly logger = new Logger(RedisRateLimiter.name);

  constructor(
    private readonly redis: RedisClient,
    private readonly limit: number,
    private readonly namespace: string,
    private readonly fallback: RateLimiter,
  ) {
    super();
  }

  async hit(clientId: string): Promise<RateDecision> {
    const now = Date.now();
    if (this.redis.status !== 'ready') return this.fallback.hit(clientId);
    const window = rateWindow(this.namespace, clientId, now);
    try {
      const results = await this.redis.multi().incr(window.key).pexpire(window.key, RATE_COUNTER_TTL_MS).exec();
      return window.decide(Number(results?.[0]?.[1] ?? 0), this.limit);
    } catch (error) {
      this.logger.warn(`rate limit counted locally, Redis failed: ${(error as Error).message}`);
      return this.fallback.hit(clientId);
    }
  }
}
