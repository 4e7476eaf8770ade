import { instrumentRedis } from '@app/platform';
import type { RedisTarget } from '@app/platform';
import { DynamicModule, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { AnalysisCache } from '@app/credit-application';
import { REDIS_CLIENT, RedisAnalysisCache } from './redis-analysis.cache';
import { RedisClient, createRedisClient } from './redis-client';
import { REDIS_NAMESPACE } from './redis-keys';

export { redisOptions } from './redis-client';

/** One ioredis client per process (one connection, or one per cluster node): cache, rate limiter and fast path. */
@Module({})
export class RedisCacheModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: RedisClient) {}

  static forRoot(target: RedisTarget, namespace = 'credit', journalReplicas = 0): DynamicModule {
    return {
      module: RedisCacheModule,
      providers: [
        {
          provide: REDIS_CLIENT,
          useFactory: () => {
            const client = instrumentRedis(createRedisClient(target));
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
        {
          provide: AnalysisCache,
          inject: [REDIS_CLIENT],
          useFactory: (redis: RedisClient) => new RedisAnalysisCache(redis, namespace, journalReplicas),
        },
      ],
      exports: [AnalysisCache, REDIS_CLIENT, REDIS_NAMESPACE],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    this.redis.disconnect();
  }
}
