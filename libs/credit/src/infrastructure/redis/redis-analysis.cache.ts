import { Cpf } from '@app/shared-kernel';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { CACHE_MANAGER } from '@nestjs/cache-manager';
import type { Cache } from 'cache-manager';
import type Redis from 'ioredis';
import { AnalysisCache } from '../../application/ports/analysis.cache';

export const REDIS_CLIENT = Symbol('REDIS_CLIENT');
const KEY_PREFIX = 'analysis:v1:';
const WARN_EVERY_MS = 10_000;

/**
 * Analyses in Redis through cache-manager, as @nestjs/cache-manager wires it. Redis being down must never fail a
 * request: every call degrades to a miss (or a no-op) and the client keeps reconnecting, so caching resumes by itself.
 */
@Injectable()
export class RedisAnalysisCache extends AnalysisCache {
  private readonly logger = new Logger(RedisAnalysisCache.name);
  private lastWarning = 0;

  constructor(
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {
    super();
  }

  async get(cpf: Cpf): Promise<string | null> {
    if (!this.available()) return null;
    try {
      const value = await this.cache.get<string>(KEY_PREFIX + cpf.value);
      return typeof value === 'string' ? value : null;
    } catch (error) {
      this.warn('read', error);
      return null;
    }
  }

  async set(cpf: Cpf, json: string, ttlSeconds: number): Promise<void> {
    if (!this.available()) return;
    try {
      await this.cache.set(KEY_PREFIX + cpf.value, json, ttlSeconds * 1000);
    } catch (error) {
      this.warn('write', error);
    }
  }

  /**
   * Deletes go straight to Redis and must not be lost silently: a stale analysis would outlive a data change.
   * When Redis is unreachable the entry cannot be deleted, but it also cannot be read until Redis returns, and
   * it expires within its TTL; the warning says so.
   */
  async invalidate(cpfs: Cpf[]): Promise<void> {
    if (cpfs.length === 0) return;
    try {
      // cache-manager's mdel sends one DEL per key (an ingested batch touches hundreds of CPFs); the Keyv store's
      // deleteMany keeps Keyv's key prefixing and reaches Redis as a single DEL.
      const keys = cpfs.map((c) => KEY_PREFIX + c.value);
      await Promise.all(this.cache.stores.map((store) => store.deleteMany(keys)));
    } catch (error) {
      this.warn('invalidate', error);
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

  private warn(what: string, error: unknown): void {
    if (Date.now() - this.lastWarning < WARN_EVERY_MS) return;
    this.lastWarning = Date.now();
    this.logger.warn(`cache ${what} failed, answering from the stores: ${(error as Error).message}`);
  }
}
