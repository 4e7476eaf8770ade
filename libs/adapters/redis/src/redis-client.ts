import type { RedisTarget } from '@app/platform';
import Redis, { Cluster } from 'ioredis';
import type { ClusterNode, RedisOptions } from 'ioredis';

/** One Redis server or a Redis Cluster: ioredis gives both the same commands, scripts, pipelines and transactions. */
export type RedisClient = Redis | Cluster;

/** Fail fast while Redis is away (no offline queue, short timeouts) and keep reconnecting forever. */
export function redisOptions(url: string): RedisOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    commandTimeout: 500,
    retryStrategy: (attempt: number) => Math.min(attempt * 250, 3_000),
    // Off on purpose: the Pipeline objects it makes every tick outlive young-generation collections, costing GC pauses
    // for no gain in throughput (docs/architecture.md, "The analysis cache speaks Redis directly").
    enableAutoPipelining: false,
  };
}

/**
 * A client for the configured Redis. For a cluster, ioredis learns the slots from any reachable node, follows MOVED
 * and ASK redirections, and after a failover retries a command on the promoted replica (retryDelayOnFailover, at most
 * maxRedirections times, 1.6 s); past that the command fails and the caller degrades as it does when Redis is away.
 */
export function createRedisClient(target: RedisTarget, overrides: Partial<RedisOptions> = {}): RedisClient {
  if (target.mode === 'standalone') return new Redis({ ...redisOptions(target.url), ...overrides });
  // Credentials and TLS from the first node: a cluster's nodes share them. A cluster has only database 0. Its nodes
  // queue while they connect (the cluster as a whole fails fast), and reconnecting is the cluster's job.
  const {
    host: _h,
    port: _p,
    db: _d,
    retryStrategy: _r,
    enableOfflineQueue: _q,
    ...shared
  } = redisOptions(target.nodes[0]!);
  const nodes: ClusterNode[] = target.nodes.map((n) => {
    const u = new URL(n);
    return { host: u.hostname, port: Number(u.port || 6379) };
  });
  return new Cluster(nodes, {
    enableOfflineQueue: false,
    enableAutoPipelining: false,
    scaleReads: 'master',
    slotsRefreshTimeout: 2_000,
    clusterRetryStrategy: (attempt: number) => Math.min(attempt * 250, 3_000),
    redisOptions: { ...shared, ...overrides },
  });
}

/** A connection of its own (a relay's, which must not queue behind the requests' commands), with other options. */
export function duplicateClient(client: RedisClient, overrides: Partial<RedisOptions>): RedisClient {
  if (client instanceof Cluster) {
    return client.duplicate([], { redisOptions: { ...client.options.redisOptions, ...overrides } });
  }
  return client.duplicate(overrides);
}

/** The key layout a client needs: a cluster runs a multi-key command only when every key is on one slot. */
export function layoutOf(client: RedisClient): RedisLayout {
  return client instanceof Cluster ? 'cluster' : 'standalone';
}
export type RedisLayout = 'standalone' | 'cluster';

/**
 * A cluster answers for every slot (cluster_state:ok) and each primary that owns slots has at least `replicas` live
 * replicas: otherwise journal writes wait in vain for replicas and fall back to their destinations, and one more
 * failure loses slots. Either way the cache is degraded, never down: requests still answer from the stores.
 */
export async function clusterHealthy(cluster: Cluster, replicas: number): Promise<boolean> {
  const info = String(await cluster.cluster('INFO'));
  if (!/cluster_state:ok/.test(info)) return false;
  if (replicas === 0) return true;
  const nodes = String(await cluster.cluster('NODES'))
    .trim()
    .split('\n')
    .map((line) => line.split(' '));
  const live = (flags: string) => !/fail|handshake|noaddr/.test(flags);
  const replicasOf = new Map<string, number>();
  for (const [, , flags, primary] of nodes) {
    if (flags!.includes('slave') && live(flags!)) replicasOf.set(primary!, (replicasOf.get(primary!) ?? 0) + 1);
  }
  return nodes
    .filter(([, , flags, , , , , , ...slots]) => flags!.includes('master') && live(flags!) && slots.length > 0)
    .every(([id]) => (replicasOf.get(id!) ?? 0) >= replicas);
}
