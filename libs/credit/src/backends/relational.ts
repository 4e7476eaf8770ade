import {
  TypeormApiKeyRepository,
  AuditAnchorLog,
  TypeormAuditLog,
  typeormOptions,
  TypeormConsumerFeeds,
  TypeormConsumerRepository,
} from '@app/adapters/postgres';
import { ApiKeyRepository, ConsumerFeeds, ConsumerRepository } from '@app/credit-application';
import { AppConfig, FieldCipher } from '@app/platform';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Backend, ping } from './backend';

/**
 * Consumer data (A), API keys and the audit chain: TypeORM on PostgreSQL when DATABASE_URL is set, on PGlite in this
 * process otherwise.
 */
export function relationalBackend(config: AppConfig): Backend {
  return {
    modules: [TypeOrmModule.forRootAsync({ useFactory: typeormOptions(config) })],
    providers: [
      { provide: FieldCipher, useFactory: () => FieldCipher.fromConfig(config) },
      {
        provide: TypeormAuditLog,
        inject: [DataSource, FieldCipher],
        useFactory: (ds: DataSource, cipher: FieldCipher) =>
          new TypeormAuditLog(ds, (digits) => cipher.lookupHash(digits), { detailCipher: cipher }),
      },
      // Anchors of the audit chain in the logs, from the processes that relay (those that append, with Redis).
      ...(config.databaseUrl && config.runJournalRelays && config.auditAnchorEveryMs > 0
        ? [
            {
              provide: AuditAnchorLog,
              inject: [TypeormAuditLog],
              useFactory: (log: TypeormAuditLog) => new AuditAnchorLog(log, config.auditAnchorEveryMs),
            },
          ]
        : []),
      { provide: ConsumerRepository, useClass: TypeormConsumerRepository },
      { provide: ConsumerFeeds, useClass: TypeormConsumerFeeds },
      { provide: ApiKeyRepository, useClass: TypeormApiKeyRepository },
    ],
    probes: [
      {
        name: 'consumers',
        adapter: config.databaseUrl ? 'postgres' : 'pglite',
        inject: [DataSource],
        check: (ds: DataSource) => ping(() => ds.query('SELECT 1')),
      },
    ],
  };
}
