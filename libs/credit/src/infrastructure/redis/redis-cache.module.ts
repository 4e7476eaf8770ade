import { instrumentRedis } from '@app/platform';
import { DynamicModule, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { AnalysisCache } from '../../application/ports/analysis.cache';
import { REDIS_CLIENT, RedisAnalysisCache } from './redis-analysis.cache';
import { REDIS_NAMESPACE } from './redis-keys';

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
    // Off on purpose. Auto-pipelining makes an ioredis Pipeline for every tick that sends a command, and much of what
    // they hold outlives young-generation collections: at 1,000 cached reads/s the API spent 40% less time in GC pauses
    // without it, and saturated throughput did not change measurably (BENCHMARKS.md, section 1, session 5).
    enableAutoPipelining: false,
  };
}

/** One ioredis connection per process for the analysis cache, the rate limiter and the cached-read fast path. */
@Module({})
export class RedisCacheModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  static forRoot(url: string, namespace = 'credit'): DynamicModule {
    return {
      module: RedisCacheModule,
      providers: [
        {
          provide: REDIS_CLIENT,
          useFactory: () => {
            const client = instrumentRedis(new Redis(redisOptions(url)));
            const logger = new Logger('Redis');
            let last = 0;
            client.on('error', (error: Error) => {
              if (Date.now() - last > 10_000) logger.warn(`redis: ${error.message}`);
              last = Date.now();
            });
            return client;
          },
        },
        { provide: REDIS_NAMESPACE, useValue: namespace },
        { provide: AnalysisCache, useClass: RedisAnalysisCache },
      ],
      exports: [AnalysisCache, REDIS_CLIENT, REDIS_NAMESPACE],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    this.redis.disconnect();
  }
}
