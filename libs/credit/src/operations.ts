// The second entry of libs/credit, for operations scripts, benchmarks and tests: the adapters and schemas they drive
// directly (migrations, re-encryption, journals, store schemas). Apps compose the library through @app/credit.
export * from './application/upsert-consumer/upsert-consumer.handler';
export * from './application/upsert-rating-features/upsert-rating-features.handler';
export * from './infrastructure/access/typeorm-api-key.repository';
export * from './infrastructure/audit/audit-anchor';
export * from './infrastructure/audit/audit-anchor-log';
export * from './infrastructure/audit/audit-log.typeorm-entity';
export * from './infrastructure/audit/migrations/index';
export * from './infrastructure/audit/typeorm-audit-log';
export * from './infrastructure/demo/mongo-demo-marks';
export * from './infrastructure/elasticsearch/coalesced-refresh';
export * from './infrastructure/elasticsearch/transaction.elasticsearch-mapper';
export * from './infrastructure/embedded/in-memory-analysis.cache';
export * from './infrastructure/embedded/in-memory-rating-features.repository';
export * from './infrastructure/embedded/in-memory-rating.repository';
export * from './infrastructure/embedded/in-memory-transaction.store';
export * from './infrastructure/mongoose/ferretdb-indexes';
export * from './infrastructure/mongoose/rating-features.mongoose-mapper';
export * from './infrastructure/mongoose/rating-features.mongoose-schema';
export * from './infrastructure/mongoose/rating.mongoose-schema';
export * from './infrastructure/redis/redis-cache.module';
export * from './infrastructure/redis/redis-keys';
export * from './infrastructure/schema';
export * from './infrastructure/typeorm/pglite.driver';
export * from './infrastructure/typeorm/reencrypt-consumers';
export * from './infrastructure/typeorm/typeorm-consumer.repository';
