import { DataSource } from 'typeorm';
import { ConsumerRow, DebtRow } from './consumer.typeorm-entity';
import { CONSUMER_MIGRATIONS } from './migrations';

/** A DataSource for PostgreSQL outside Nest: the migration command and integration tests use it. */
export function postgresDataSource(url: string): DataSource {
  return new DataSource({ type: 'postgres', url, entities: [ConsumerRow, DebtRow], migrations: CONSUMER_MIGRATIONS, synchronize: false, migrationsTableName: 'schema_migrations' });
}
