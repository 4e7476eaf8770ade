// Consumer data (A), API keys and the audit chain, through TypeORM on PostgreSQL or on PGlite in this process;
// with the migrations and the operations scripts drive (re-encryption, the chain's anchors).
export * from './access/typeorm-api-key.repository';
export * from './audit/audit-anchor-log';
export * from './audit/audit-anchor';
export * from './audit/audit-log.typeorm-entity';
export * from './audit/migrations';
export * from './audit/typeorm-audit-log';
export * from './consumers/reencrypt-consumers';
export * from './consumers/typeorm-consumer-feeds';
export * from './consumers/typeorm-consumer.repository';
export * from './pglite.driver';
export * from './query-metrics.subscriber';
export * from './schema';
export * from './typeorm-options';
