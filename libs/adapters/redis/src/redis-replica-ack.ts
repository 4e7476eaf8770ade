import type { ChainableCommander } from 'ioredis';

/**
 * How long a journal write waits for its replicas. A replica on the same network acknowledges within a millisecond or
 * two; when none does in this time (the shard lost its replica, or it lags far behind), the writer treats the entry
 * as not durable and the caller takes its fallback (the destination itself), instead of answering on a write that a
 * failover could still lose.
 */
export const REPLICA_ACK_TIMEOUT_MS = 100;

/**
 * Ends a pipeline of writes with Redis WAIT, so its result says how many replicas hold them. Replication is
 * asynchronous: without this, a primary that fails right after acknowledging a write takes it along, since the
 * replica promoted in its place never received it. Nothing is added when no replica is required.
 */
export function waitForReplicas(pipeline: ChainableCommander, replicas: number): ChainableCommander {
  return replicas > 0 ? pipeline.wait(replicas, REPLICA_ACK_TIMEOUT_MS) : pipeline;
}

/** Whether a pipeline that ended with waitForReplicas reached enough replicas. */
export function reachedReplicas(results: [Error | null, unknown][], replicas: number): boolean {
  if (replicas === 0) return true;
  const [error, acknowledged] = results[results.length - 1] ?? [new Error('no reply'), 0];
  return !error && Number(acknowledged) >= replicas;
}

export class ReplicasUnreachedError extends Error {
  constructor(replicas: number) {
    super(`not acknowledged by ${replicas} replica(s) within ${REPLICA_ACK_TIMEOUT_MS} ms`);
  }
}

/** How long writers leave alone a journal stream whose replicas did not acknowledge a write. */
const UNREPLICATED_BACKOFF_MS = 1_000;

/**
 * The journal streams whose last write no replica acknowledged in time, for a second. While a shard's primary has no
 * replica (failed over, its replica not back yet) every write there would wait in vain, and each entry written would
 * be written again by the caller's fallback, so reaching the destination twice. Writers skip such a stream instead.
 */
export class UnreplicatedStreams {
  private readonly until = new Map<string, number>();

  mark(key: string): void {
    this.until.set(key, Date.now() + UNREPLICATED_BACKOFF_MS);
  }

  skips(key: string): boolean {
    const until = this.until.get(key);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.until.delete(key);
    return false;
  }
}
