import { RateDecision, RateLimiter } from '@app/credit-application';

const WINDOW_MS = 60_000;

/**
 * Fixed one-minute windows per client, in this process only: the embedded default, and the fallback when Redis is away.
 */
export class InMemoryRateLimiter extends RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly limit: number) {
    super();
  }

  async hit(clientId: string): Promise<RateDecision> {
    return this.hitSync(clientId, Date.now());
  }

  hitSync(clientId: string, now: number): RateDecision {
    const start = now - (now % WINDOW_MS);
    let w = this.windows.get(clientId);
    if (!w || w.start !== start) {
      if (this.windows.size > 100_000) this.windows.clear();
      w = { start, count: 0 };
      this.windows.set(clientId, w);
    }
    w.count += 1;
    return {
      allowed: w.count <= this.limit,
      limit: this.limit,
      remaining: Math.max(0, this.limit - w.count),
      resetSeconds: Math.ceil((start + WINDOW_MS - now) / 1000),
    };
  }
}
