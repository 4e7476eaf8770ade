import { AppConfig, metricsEnabled } from '@app/platform';
import { TypeOrmModuleOptions } from '@nestjs/typeorm';
import { createPGlite, pgliteModule } from './pglite.driver';
import { PgliteQueryMetrics, PostgresQueryMetrics } from './query-metrics.subscriber';
import { RELATIONAL_ENTITIES, RELATIONAL_MIGRATIONS } from './schema';

/**
 * TypeORM on real PostgreSQL when DATABASE_URL is set, otherwise on PGlite in this process; the same entities and
 * migrations either way.
 */
export function typeormOptions(
  config: Pick<AppConfig, 'databaseUrl' | 'pgliteDataDir'>,
): () => Promise<TypeOrmModuleOptions> {
  return async () => {
    const common = {
      type: 'postgres' as const,
      entities: RELATIONAL_ENTITIES,
      migrations: RELATIONAL_MIGRATIONS,
      synchronize: false,
      migrationsTableName: 'schema_migrations',
    };
    const timed = (subscriber: Function) => (metricsEnabled() ? { subscribers: [subscriber] } : {});
    if (config.databaseUrl) {
      const server = { url: config.databaseUrl, migrationsRun: false, extra: { max: 10 } };
      return { ...common, ...timed(PostgresQueryMetrics), ...server };
    }
    const driver = pgliteModule(await createPGlite(config.pgliteDataDir ?? undefined));
    return { ...common, ...timed(PgliteQueryMetrics), driver, migrationsRun: true };
  };
}
