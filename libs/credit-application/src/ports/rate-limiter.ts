export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

/** Requests per client per minute, shared by every API instance when backed by Redis. */
export abstract class RateLimiter {
  abstract hit(clientId: string): Promise<RateDecision>;
}
