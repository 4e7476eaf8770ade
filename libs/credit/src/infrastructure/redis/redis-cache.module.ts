import { DynamicModule, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { CacheModule } from '@nestjs/cache-manager';
import { KeyvAdapter } from 'cache-manager';
import { redisStore } from 'cache-manager-ioredis-yet';
import type Redis from 'ioredis';
import type { RedisOptions } from 'ioredis';
import Keyv from 'keyv';
import { AnalysisCache } from '../../application/ports/analysis.cache';
import { REDIS_CLIENT, RedisAnalysisCache } from './redis-analysis.cache';

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
  };
}

/** Where the cache-manager-ioredis-yet store keeps its ioredis client, shared with health checks. */
interface IoredisStore {
  client: Redis;
}

@Module({})
export class RedisCacheModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  /**
   * cache-manager 7 (what @nestjs/cache-manager 3 expects) speaks Keyv; cache-manager-ioredis-yet is a cache-manager 5
   * store, so it is wrapped in cache-manager's KeyvAdapter and handed to Nest's CacheModule as a Keyv store.
   */
  static forRoot(url: string): DynamicModule {
    let store: IoredisStore | undefined;
    const storeReady = (async () => {
      store = (await redisStore(redisOptions(url))) as unknown as IoredisStore;
      const logger = new Logger('Redis');
      let last = 0;
      store.client.on('error', (error: Error) => {
        if (Date.now() - last > 10_000) logger.warn(`redis: ${error.message}`);
        last = Date.now();
      });
      return store;
    })();
    return {
      module: RedisCacheModule,
      imports: [
        CacheModule.registerAsync({
          useFactory: async () => ({ stores: [new Keyv({ store: new KeyvAdapter((await storeReady) as never), namespace: 'credit' })] }),
        }),
      ],
      providers: [
        { provide: REDIS_CLIENT, useFactory: async () => (await storeReady).client },
        { provide: AnalysisCache, useClass: RedisAnalysisCache },
      ],
      exports: [AnalysisCache, REDIS_CLIENT],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    this.redis.disconnect();
  }
}
