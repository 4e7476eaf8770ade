/**
 * What a typical team writes: NestJS on Express, @nestjs/cache-manager's CacheInterceptor in front of the handler,
 * cache-manager 7 + Keyv + KeyvAdapter(cache-manager-ioredis-yet) on the same Redis, wired as the app's
 * RedisCacheModule does. On a miss the handler reads the analysis (here: the stored JSON from Redis, parsed) and
 * returns the object; the interceptor caches it under the request URL, so once warm every request is a hit served by
 * the interceptor. Env: PORT, REDIS_URL (with the bench's logical database), KEY_PREFIX. GET /bench/misses counts
 * handler runs.
 */
import 'reflect-metadata';
import { CacheInterceptor, CacheModule } from '@nestjs/cache-manager';
import { Controller, Get, Inject, Module, NotFoundException, Param, UseInterceptors } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { KeyvAdapter } from 'cache-manager';
import { redisStore } from 'cache-manager-ioredis-yet';
import Redis from 'ioredis';
import Keyv from 'keyv';

const SOURCE = Symbol('SOURCE');
const redisUrl = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const connection = {
  host: redisUrl.hostname,
  port: Number(redisUrl.port || 6379),
  db: Number(redisUrl.pathname.slice(1) || 0),
};
const stats = { misses: 0 };

@Controller('v1/credit-analyses')
@UseInterceptors(CacheInterceptor)
class CreditAnalysesController {
  constructor(@Inject(SOURCE) private readonly source: Redis) {}

  @Get(':cpf')
  async get(@Param('cpf') cpf: string): Promise<unknown> {
    stats.misses += 1;
    const json = await this.source.get((process.env.KEY_PREFIX ?? 'bench:raw:') + cpf);
    if (json === null) throw new NotFoundException();
    return JSON.parse(json);
  }
}

@Controller('bench')
class StatsController {
  @Get('misses')
  misses(): { misses: number } {
    return stats;
  }
}

@Module({
  imports: [
    CacheModule.registerAsync({
      useFactory: async () => ({
        stores: [
          new Keyv({ store: new KeyvAdapter((await redisStore(connection)) as never), namespace: 'bench-express' }),
        ],
        ttl: 3_600_000,
      }),
    }),
  ],
  controllers: [CreditAnalysesController, StatsController],
  providers: [{ provide: SOURCE, useFactory: () => new Redis(connection) }],
})
class AppModule {}

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3402);
  const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  await app.listen(port, '127.0.0.1');
  console.log(`nest-express-cache ready on ${port}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
