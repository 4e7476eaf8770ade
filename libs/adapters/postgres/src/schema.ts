import { DataSource } from 'typeorm';
import { ApiKeyRow } from './access/api-key.typeorm-entity';
import { CreateApiKeys1764000000200 } from './access/migrations/1764000000200-create-api-keys';
import { AuditLogRow } from './audit/audit-log.typeorm-entity';
import { AUDIT_MIGRATIONS } from './audit/migrations';
import { ConsumerRow, DebtRow } from './consumers/consumer.typeorm-entity';
import { CONSUMER_MIGRATIONS } from './consumers/migrations';

/** Every table TypeORM manages in the relational store (A_CONSUMER, audit log, API keys), in migration order. */
export const RELATIONAL_ENTITIES = [ConsumerRow, DebtRow, AuditLogRow, ApiKeyRow];
export const RELATIONAL_MIGRATIONS = [...CONSUMER_MIGRATIONS, ...AUDIT_MIGRATIONS, CreateApiKeys1764000000200];

/** A DataSource for PostgreSQL outside Nest: the migration and key commands and integration tests use it. */
export function postgresDataSource(url: string): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: RELATIONAL_ENTITIES,
    migrations: RELATIONAL_MIGRATIONS,
    synchronize: false,
    migrationsTableName: 'schema_migrations',
  });
}
