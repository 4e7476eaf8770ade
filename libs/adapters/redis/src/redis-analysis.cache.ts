import { recordAnalysisCacheLookup, throttledWarning } from '@app/platform';
import { Cpf } from '@app/shared-kernel';
import { Logger } from '@nestjs/common';
import { Cluster } from 'ioredis';
import { AnalysisCache, CacheLookup, FillTicket } from '@app/credit-application';
import { RedisClient, clusterHealthy, layoutOf } from './redis-client';
import { redisKeys, shardOf } from './redis-keys';

export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

/**
 * How long a CPF's invalidation count outlives its last invalidation. A miss holds its ticket for milliseconds; a
 * count that expired under an outstanding ticket reads as '0', which does not match it, so that fill is only skipped.
 * An hour keeps Redis at one small key per CPF changed in the last hour (a few dozen bytes each, against the ~2 KB
 * of a cached analysis), instead of one per CPF ever changed.
 */
export const INVALIDATION_COUNT_TTL_MS = 60 * 60 * 1000;

/**
 * Lua expression for a CPF's current fill ticket: its invalidation count (key given as a Lua expression), '0' if none.
 */
export const luaFillTicket = (countKey: string) => `(redis.call('GET', ${countKey}) or '0')`;

/**
 * KEYS: analysis, invalidation count. ARGV: json, ttl ms, ticket. Sets only while the count still equals the ticket.
 */
const FILL = `
if ${luaFillTicket('KEYS[2]')} ~= ARGV[3] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`;
/** KEYS: analysis, invalidation count of each CPF in turn (on a cluster, CPFs of one shard). ARGV: count ttl ms. */
const INVALIDATE = `
for i = 1, #KEYS, 2 do
  redis.call('DEL', KEYS[i])
  redis.call('INCR', KEYS[i + 1])
  redis.call('PEXPIRE', KEYS[i + 1], ARGV[1])
end
return #KEYS / 2
`;
/** KEYS: analysis, invalidation count. Returns {analysis} or {false, count}. */
const LOOKUP = `
local analysis = redis.call('GET', KEYS[1])
if analysis then return {analysis} end
return {false, ${luaFillTicket('KEYS[2]')}}
`;

type Scripts = {
  creditAnalysisFillV1: (
    analysisKey: string,
    countKey: string,
    json: string,
    ttlMs: number,
    ticket: string,
  ) => Promise<number>;
  creditAnalysisInvalidateV1: (...keysThenTtl: (string | number)[]) => Promise<number>;
  creditAnalysisLookupV1: (analysisKey: string, countKey: string) => Promise<[string | null, string?]>;
};

/**
 * Analyses in Redis as the exact bytes the API sends, one key per CPF with its TTL, so a Lua script can serve them and
 * nothing decodes them (docs/architecture.md, "The analysis cache speaks Redis directly"). Redis being down must never
 * fail a request: every call degrades to a miss (or a no-op) and the client keeps reconnecting, so caching resumes by
 * itself. A CPF's analysis and invalidation count share its shard's hash tag, so each script touches one slot of a
 * Redis Cluster.
 */
export class RedisAnalysisCache extends AnalysisCache {
  private readonly warn = throttledWarning(new Logger(RedisAnalysisCache.name));

  private readonly scripts: Scripts;

  constructor(
    private readonly redis: RedisClient,
    private readonly namespace: string,
    /** Replicas each primary of a cluster should have (REDIS_JOURNAL_REPLICAS): fewer is reported as degraded. */
    private readonly replicas = 0,
  ) {
    super();
    redis.defineCommand('creditAnalysisFillV1', { numberOfKeys: 2, lua: FILL });
    redis.defineCommand('creditAnalysisLookupV1', { numberOfKeys: 2, lua: LOOKUP });
    // The key count varies with the batch, so it is passed first at each call (numberOfKeys left undefined).
    redis.defineCommand('creditAnalysisInvalidateV1', { lua: INVALIDATE });
    this.scripts = redis as unknown as Scripts;
  }

  async lookup(cpf: Cpf): Promise<CacheLookup> {
    if (!this.available()) {
      recordAnalysisCacheLookup('error');
      return { json: null, ticket: null };
    }
    try {
      const [json, count] = await this.scripts.creditAnalysisLookupV1(
        redisKeys.analysis(this.namespace, cpf),
        redisKeys.analysisInvalidations(this.namespace, cpf),
      );
      recordAnalysisCacheLookup(json !== null ? 'hit' : 'miss');
      return json !== null ? { json } : { json: null, ticket: count ?? '0' };
    } catch (error) {
      recordAnalysisCacheLookup('error');
      this.warnFailed('read', error);
      return { json: null, ticket: null };
    }
  }

  async fill(cpf: Cpf, json: string, ttlMs: number, ticket: FillTicket): Promise<void> {
    if (ticket === null || !this.available()) return;
    try {
      await this.scripts.creditAnalysisFillV1(
        redisKeys.analysis(this.namespace, cpf),
        redisKeys.analysisInvalidations(this.namespace, cpf),
        json,
        Math.max(1, Math.floor(ttlMs)),
        ticket,
      );
    } catch (error) {
      this.warnFailed('write', error);
    }
  }

  async set(cpf: Cpf, json: string, ttlMs: number): Promise<void> {
    if (!this.available()) return;
    try {
      await this.redis.set(redisKeys.analysis(this.namespace, cpf), json, 'PX', Math.max(1, Math.floor(ttlMs)));
    } catch (error) {
      this.warnFailed('write', error);
    }
  }

  /**
   * Deletes must not be lost silently: a stale analysis would outlive a data change. When Redis is unreachable the
   * entry cannot be deleted, but it also cannot be read until Redis returns, and it expires within its TTL; the
   * warning says so. An ingested batch touches hundreds of CPFs: one script call deletes them all and counts the
   * invalidation of each, which makes the tickets of misses in flight stale.
   */
  async invalidate(cpfs: Cpf[]): Promise<void> {
    if (cpfs.length === 0) return;
    // One script for the whole batch on a single server; on a cluster one per shard (each on its slot), side by side.
    const groups = layoutOf(this.redis) === 'cluster' ? groupBy(cpfs, shardOf) : [cpfs];
    await Promise.all(
      groups.map(async (group) => {
        const keys = group.flatMap((c) => [
          redisKeys.analysis(this.namespace, c),
          redisKeys.analysisInvalidations(this.namespace, c),
        ]);
        try {
          await this.scripts.creditAnalysisInvalidateV1(keys.length, ...keys, INVALIDATION_COUNT_TTL_MS);
        } catch (error) {
          this.warnFailed('invalidate', error);
        }
      }),
    );
  }

  async health(): Promise<'up' | 'degraded'> {
    if (!this.available()) return 'degraded';
    try {
      if (this.redis instanceof Cluster) return (await clusterHealthy(this.redis, this.replicas)) ? 'up' : 'degraded';
      await this.redis.ping();
      return 'up';
    } catch {
      return 'degraded';
    }
  }

  private available(): boolean {
    return this.redis.status === 'ready';
  }

  private warnFailed(what: string, error: unknown): void {
    this.warn(`cache ${what} failed, answering from the stores: ${(error as Error).message}`);
  }
}

function groupBy<T>(items: T[], keyOf: (item: T) => number): T[][] {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return [...groups.values()];
}
