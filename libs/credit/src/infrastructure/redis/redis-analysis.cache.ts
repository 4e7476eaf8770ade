import { throttledWarning } from '@app/platform';
import { Cpf } from '@app/shared-kernel';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { AnalysisCache } from '../../application/ports/analysis.cache';
import { REDIS_NAMESPACE, redisKeys } from './redis-keys';

export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

/**
 * Analyses in Redis as the exact bytes the API sends, one key per CPF with its TTL. (Through cache-manager 7, Keyv and
 * cache-manager-ioredis-yet the same value was encoded three times, JSON in a Keyv envelope in telejson, and decoding it
 * took 12% of a cached read; the hot read path also needs to read the key from a Lua script. See docs/architecture.md.)
 * Redis being down must never fail a request: every call degrades to a miss (or a no-op) and the client keeps
 * reconnecting, so caching resumes by itself.
 */
@Injectable()
export class RedisAnalysisCache extends AnalysisCache {
  private readonly warn = throttledWarning(new Logger(RedisAnalysisCache.name));

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(REDIS_NAMESPACE) private readonly namespace: string,
  ) {
    super();
  }

  async get(cpf: Cpf): Promise<string | null> {
    if (!this.available()) return null;
    try {
      return await this.redis.get(redisKeys.analysis(this.namespace, cpf));
    } catch (error) {
      this.warnFailed('read', error);
      return null;
    }
  }

  async set(cpf: Cpf, json: string, ttlSeconds: number): Promise<void> {
    if (!this.available()) return;
    try {
      await this.redis.set(redisKeys.analysis(this.namespace, cpf), json, 'PX', ttlSeconds * 1000);
    } catch (error) {
      this.warnFailed('write', error);
    }
  }

  /**
   * Deletes must not be lost silently: a stale analysis would outlive a data change. When Redis is unreachable the
   * entry cannot be deleted, but it also cannot be read until Redis returns, and it expires within its TTL; the
   * warning says so. An ingested batch touches hundreds of CPFs: one DEL names them all.
   */
  async invalidate(cpfs: Cpf[]): Promise<void> {
    if (cpfs.length === 0) return;
    try {
      await this.redis.del(...cpfs.map((c) => redisKeys.analysis(this.namespace, c)));
    } catch (error) {
      this.warnFailed('invalidate', error);
    }
  }

  async health(): Promise<'up' | 'degraded'> {
    if (!this.available()) return 'degraded';
    try {
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
