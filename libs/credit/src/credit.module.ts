import {
  AppConfig,
  ConfigError,
  EventFallback,
  FieldCipher,
  RabbitMqPublisher,
  metricsEnabled,
  topologyOptions,
} from '@app/platform';
import { readFileSync } from 'node:fs';
import { Clock, SystemClock } from '@app/shared-kernel';
import { DynamicModule, Module, Provider } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TypeOrmModule, TypeOrmModuleOptions } from '@nestjs/typeorm';
import type { AmqpConnectionManager } from 'amqp-connection-manager';
import { DataSource } from 'typeorm';
import { ChangeNotifier, IntegrationEvents } from './application/events/change-notifier';
import { RescoreOnChangeHandler } from './application/events/rescore-on-change.handler';
import { GetConsumerHandler } from './application/get-consumer/get-consumer.handler';
import {
  ANALYSIS_TTL_SECONDS,
  GetCreditAnalysisHandler,
} from './application/get-credit-analysis/get-credit-analysis.handler';
import { GetInquiriesHandler } from './application/get-inquiries/get-inquiries.handler';
import { GetRatingJobHandler } from './application/get-rating-job/get-rating-job.handler';
import { GetRatingHandler } from './application/get-rating/get-rating.handler';
import { GetTransactionsHandler } from './application/get-transactions/get-transactions.handler';
import { IngestTransactionsHandler } from './application/ingest-transactions/ingest-transactions.handler';
import { AnalysisCache } from './application/ports/analysis.cache';
import { CommandSender } from './application/ports/command.sender';
import { ConsumerRepository } from './application/ports/consumer.repository';
import { RatingFeaturesRepository } from './application/ports/rating-features.repository';
import { RatingJobRepository } from './application/ports/rating-job.repository';
import { RatingRepository } from './application/ports/rating.repository';
import { TransactionStore } from './application/ports/transaction.store';
import { ProbeResult, ProbeState, ReadinessProbes } from './application/ports/readiness.probes';
import { RatingEngine } from './application/rating-engine/rating-engine.service';
import {
  RatePartitionHandler,
  RATING_WORKER_ID,
  defaultWorkerId,
} from './application/regenerate-ratings/rate-partition.handler';
import { CurrentRatings } from './application/current-rating/current-ratings.service';
import { RegenerateRatingsHandler } from './application/regenerate-ratings/regenerate-ratings.handler';
import { EXPIRY_SWEEP_CHECK_MS, ExpirySweeps } from './application/regenerate-ratings/expiry-sweeps.service';
import { StartRatingRegenerationHandler } from './application/regenerate-ratings/start-rating-regeneration.handler';
import { UpsertConsumerHandler } from './application/upsert-consumer/upsert-consumer.handler';
import { RecordConsumersHandler } from './application/feeds/record-consumers.handler';
import { ReportDebtsHandler } from './application/feeds/report-debts.handler';
import { ConsumerFeeds } from './application/ports/consumer-feeds';
import { NoticePeriod } from './domain/consumer/notice-period';
import { TypeormConsumerFeeds } from './infrastructure/typeorm/typeorm-consumer-feeds';
import { UpsertRatingFeaturesHandler } from './application/upsert-rating-features/upsert-rating-features.handler';
import { DEMO_CONSUMER_COUNT, DemoDataLoader } from './demo/demo-data.loader';
import { DemoMarks, NoDemoMarks } from './application/ports/demo-marks';
import { MongoDemoMarks } from './infrastructure/demo/mongo-demo-marks';
import { CreditScorer } from './domain/scoring/credit-scorer';
import { CreditModelArtefact } from './domain/scoring/model/credit-model-artefact';
import { WoeLogisticScorer } from './domain/scoring/woe-logistic-scorer';
import { InMemoryAnalysisCache } from './infrastructure/embedded/in-memory-analysis.cache';
import { InMemoryRatingFeaturesRepository } from './infrastructure/embedded/in-memory-rating-features.repository';
import { InMemoryRatingJobRepository } from './infrastructure/embedded/in-memory-rating-job.repository';
import { InMemoryRatingRepository } from './infrastructure/embedded/in-memory-rating.repository';
import { InMemoryTransactionStore } from './infrastructure/embedded/in-memory-transaction.store';
import { InProcessCommandSender } from './infrastructure/embedded/in-process-command.sender';
import { ElasticsearchTransactionStore } from './infrastructure/elasticsearch/elasticsearch-transaction.store';
import { ElasticsearchTransactionsModule } from './infrastructure/elasticsearch/elasticsearch-transactions.module';
import { MongoHealth } from './infrastructure/mongoose/mongo-health';
import { MongooseRatingModule } from './infrastructure/mongoose/mongoose-rating.module';
import { EventOutbox, RedisEventOutboxRelay } from './infrastructure/redis/redis-event-outbox';
import { RabbitMqEventRelay } from './infrastructure/rabbitmq/rabbitmq-event.relay';
import { RABBITMQ_CONNECTION, RabbitMqTransportModule } from './infrastructure/rabbitmq/rabbitmq-transport.module';
import { RedisCacheModule } from './infrastructure/redis/redis-cache.module';
import { REDIS_CLIENT } from './infrastructure/redis/redis-analysis.cache';
import { RedisAuditJournalRelay } from './infrastructure/redis/redis-audit-journal';
import { RedisJournalledAuditLog } from './infrastructure/redis/redis-journalled-audit-log';
import { RedisCachedAnalysisReads } from './infrastructure/redis/redis-cached-analysis.reads';
import { LocalCachedAnalysisReads } from './infrastructure/embedded/local-cached-analysis.reads';
import { CachedAnalysisReads } from './application/ports/cached-analysis-reads';
import { InMemoryRateLimiter } from './infrastructure/embedded/in-memory-rate-limiter';
import { RedisRateLimiter } from './infrastructure/redis/redis-rate-limiter';
import { TypeormApiKeyRepository } from './infrastructure/access/typeorm-api-key.repository';
import { ApiKeys } from './application/access/api-keys.service';
import { AnalysisReadPolicy } from './application/analysis-reads/analysis-read.policy';
import { AuditLog } from './application/ports/audit-log';
import { AuditAnchorLog } from './infrastructure/audit/audit-anchor-log';
import { TypeormAuditLog } from './infrastructure/audit/typeorm-audit-log';
import { ResumeRatingRegenerationHandler } from './application/regenerate-ratings/resume-rating-regeneration.handler';
import { BufferedInquiryRecorder } from './application/get-credit-analysis/buffered-inquiry-recorder';
import { InquiryRecorder } from './application/ports/inquiry-recorder';
import { RedisInquiryJournalRelay, RedisJournalledInquiryRecorder } from './infrastructure/redis/redis-inquiry-journal';
import { CorrectConsumerHandler } from './application/subject-rights/correct-consumer.handler';
import {
  GetSubjectConsultationsHandler,
  GetSubjectExportHandler,
} from './application/subject-rights/subject-rights.handlers';
import { ApiKeyRepository } from './application/ports/api-key.repository';
import { RateLimiter } from './application/ports/rate-limiter';
import type { RedisClient } from './infrastructure/redis/redis-client';
import { RELATIONAL_ENTITIES, RELATIONAL_MIGRATIONS } from './infrastructure/schema';
import { createPGlite, pgliteModule } from './infrastructure/typeorm/pglite.driver';
import { TypeormConsumerRepository } from './infrastructure/typeorm/typeorm-consumer.repository';
import { PgliteQueryMetrics, PostgresQueryMetrics } from './infrastructure/typeorm/query-metrics.subscriber';

const CommandHandlers = [
  CorrectConsumerHandler,
  ResumeRatingRegenerationHandler,
  IngestTransactionsHandler,
  UpsertConsumerHandler,
  UpsertRatingFeaturesHandler,
  StartRatingRegenerationHandler,
  RegenerateRatingsHandler,
  RatePartitionHandler,
  ReportDebtsHandler,
  RecordConsumersHandler,
];
const QueryHandlers = [
  GetSubjectExportHandler,
  GetSubjectConsultationsHandler,
  GetCreditAnalysisHandler,
  GetConsumerHandler,
  GetRatingHandler,
  GetTransactionsHandler,
  GetInquiriesHandler,
  GetRatingJobHandler,
];

/**
 * TypeORM on real PostgreSQL when DATABASE_URL is set, otherwise on PGlite in this process; the same entities and
 * migrations either way.
 */
function typeormOptions(config: Pick<AppConfig, 'databaseUrl' | 'pgliteDataDir'>): () => Promise<TypeOrmModuleOptions> {
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

/** The scorer of this process: the built-in model, or the artefact a model release points SCORING_MODEL_PATH at. */
function scorerFrom(path: string | null): CreditScorer {
  if (!path) return new WoeLogisticScorer();
  try {
    return new WoeLogisticScorer(JSON.parse(readFileSync(path, 'utf8')) as CreditModelArtefact);
  } catch (error) {
    throw new ConfigError(`SCORING_MODEL_PATH=${path} is not a usable model artefact: ${(error as Error).message}`);
  }
}

export interface CreditModuleOptions {
  /** Providers that replace the configured adapters (tests). */
  overrides?: Provider[];
  /** Names this process's broker connection: api, ingestion-worker, rating-worker. */
  processName?: string;
  /** Whether this process registers the daily expiry sweep (the rating workers, and the embedded default). */
  expirySweeps?: boolean;
}

type Probe = { name: string; adapter: string; inject: unknown[]; check: (...deps: never[]) => Promise<ProbeState> };

const up = async (): Promise<ProbeState> => 'up';
const ping = (run: () => Promise<unknown>): Promise<ProbeState> =>
  run().then(
    () => 'up' as const,
    () => 'down' as const,
  );

/**
 * The one place where ports meet adapters, chosen by configuration: each store uses its real server when its URL is
 * set and the embedded adapter otherwise. Adapters for real servers live in small modules of their own.
 */
@Module({})
export class CreditModule {
  static forRoot(config: AppConfig, options: CreditModuleOptions = {}): DynamicModule {
    const overrides = options.overrides ?? [];
    const storeModules: DynamicModule[] = [];
    const adapters: Provider[] = [
      { provide: Clock, useClass: SystemClock },
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
      { provide: NoticePeriod, useValue: new NoticePeriod(config.noticePeriodDays) },
      { provide: CreditScorer, useFactory: () => scorerFrom(config.scoringModelPath) },
      { provide: RATING_WORKER_ID, useFactory: defaultWorkerId },
      { provide: EXPIRY_SWEEP_CHECK_MS, useValue: config.expirySweepCheckMs },
      { provide: ANALYSIS_TTL_SECONDS, useValue: config.analysisTtlSeconds },
      { provide: DEMO_CONSUMER_COUNT, useValue: config.demoConsumers },
    ];
    const probes: Probe[] = [
      {
        name: 'consumers',
        adapter: config.databaseUrl ? 'postgres' : 'pglite',
        inject: [DataSource],
        check: (ds: DataSource) => ping(() => ds.query('SELECT 1')),
      },
    ];

    if (config.mongodbUrl) {
      storeModules.push(MongooseRatingModule.forRoot(config.mongodbUrl));
      adapters.push({ provide: DemoMarks, useClass: MongoDemoMarks });
      probes.push({ name: 'ratings', adapter: 'mongodb', inject: [MongoHealth], check: (h: MongoHealth) => h.check() });
    } else {
      adapters.push(
        { provide: RatingFeaturesRepository, useClass: InMemoryRatingFeaturesRepository },
        { provide: RatingRepository, useClass: InMemoryRatingRepository },
        { provide: RatingJobRepository, useClass: InMemoryRatingJobRepository },
        { provide: DemoMarks, useClass: NoDemoMarks },
      );
      probes.push({ name: 'ratings', adapter: 'memory', inject: [], check: up });
    }
    if (config.elasticsearchUrl) {
      storeModules.push(
        ElasticsearchTransactionsModule.forRoot(config.elasticsearchUrl, {
          index: config.elasticsearchIndex,
          replicas: config.elasticsearchReplicas,
          shards: config.elasticsearchShards,
        }),
      );
      probes.push({
        name: 'transactions',
        adapter: 'elasticsearch',
        inject: [ElasticsearchTransactionStore],
        check: async (s: ElasticsearchTransactionStore) => s.health(),
      });
    } else {
      adapters.push({ provide: TransactionStore, useClass: InMemoryTransactionStore });
      probes.push({ name: 'transactions', adapter: 'memory', inject: [], check: up });
    }
    const { redis, redisNamespace: namespace, redisJournalReplicas: replicas } = config;
    const relays = { autoStart: config.runJournalRelays };
    const limit = config.rateLimitPerMinute;
    if (redis) {
      storeModules.push(RedisCacheModule.forRoot(redis, namespace, replicas));
      adapters.push(
        {
          provide: CachedAnalysisReads,
          inject: [REDIS_CLIENT],
          useFactory: (r: RedisClient) => new RedisCachedAnalysisReads(r, limit, namespace, replicas),
        },
        // Requests journal their audit entries in Redis; the relay appends them to the chain in PostgreSQL (never to
        // the journalled log itself, which would put them back into the journal).
        {
          provide: AuditLog,
          inject: [REDIS_CLIENT, TypeormAuditLog],
          useFactory: (r: RedisClient, l: TypeormAuditLog) => new RedisJournalledAuditLog(r, l, namespace, replicas),
        },
        {
          provide: RedisAuditJournalRelay,
          inject: [REDIS_CLIENT, TypeormAuditLog],
          useFactory: (r: RedisClient, log: TypeormAuditLog) => new RedisAuditJournalRelay(r, log, namespace, relays),
        },
        // Inquiries are journalled too, and stored in C by whichever process relays (RUN_JOURNAL_RELAYS).
        {
          provide: InquiryRecorder,
          inject: [REDIS_CLIENT, BufferedInquiryRecorder],
          useFactory: (r: RedisClient, b: BufferedInquiryRecorder) =>
            new RedisJournalledInquiryRecorder(r, b, namespace, replicas),
        },
        {
          provide: RedisInquiryJournalRelay,
          inject: [REDIS_CLIENT, TransactionStore],
          useFactory: (r: RedisClient, s: TransactionStore) => new RedisInquiryJournalRelay(r, s, namespace, relays),
        },
      );
    } else {
      adapters.push({ provide: AuditLog, useExisting: TypeormAuditLog });
      adapters.push({ provide: InquiryRecorder, useExisting: BufferedInquiryRecorder });
      adapters.push({
        provide: CachedAnalysisReads,
        inject: [RateLimiter, AnalysisCache, AuditLog, InquiryRecorder],
        useFactory: (limiter: RateLimiter, cache: AnalysisCache, audit: AuditLog, inquiries: InquiryRecorder) =>
          new LocalCachedAnalysisReads(limiter, cache, audit, inquiries),
      });
      adapters.push({
        provide: AnalysisCache,
        inject: [Clock],
        useFactory: (clock: Clock) => new InMemoryAnalysisCache(10_000, clock),
      });
    }
    probes.push({
      name: 'cache',
      adapter: redis ? 'redis' : 'memory',
      inject: [AnalysisCache],
      check: (c: AnalysisCache) => c.health(),
    });
    if (redis) {
      probes.push(
        {
          name: 'auditJournal',
          adapter: 'redis',
          inject: [RedisAuditJournalRelay],
          check: (r: RedisAuditJournalRelay) => r.health(),
        },
        {
          name: 'inquiryJournal',
          adapter: 'redis',
          inject: [RedisInquiryJournalRelay],
          check: (r: RedisInquiryJournalRelay) => r.health(),
        },
      );
    }
    adapters.push(
      { provide: ApiKeyRepository, useClass: TypeormApiKeyRepository },
      redis
        ? {
            provide: RateLimiter,
            inject: [REDIS_CLIENT],
            useFactory: (r: RedisClient) => new RedisRateLimiter(r, limit, namespace, new InMemoryRateLimiter(limit)),
          }
        : { provide: RateLimiter, useFactory: () => new InMemoryRateLimiter(config.rateLimitPerMinute) },
    );
    // What follows a stored change: the notifier every command awaits, its RabbitMQ hand-over, in-process reactions.
    const changeHandling: Provider[] = [ChangeNotifier];
    if (config.rabbitmqUrl) {
      const processName = options.processName ?? 'credit';
      storeModules.push(RabbitMqTransportModule.forRoot(config.rabbitmqUrl, processName, topologyOptions(config)));
      changeHandling.push({ provide: IntegrationEvents, useClass: RabbitMqEventRelay });
      if (redis) {
        // Events RabbitMQ could not take wait in Redis; whichever process relays (RUN_JOURNAL_RELAYS) publishes them.
        adapters.push(
          {
            provide: EventFallback,
            inject: [REDIS_CLIENT],
            useFactory: (r: RedisClient) => new EventOutbox(r, namespace, replicas),
          },
          {
            provide: RedisEventOutboxRelay,
            inject: [REDIS_CLIENT, RabbitMqPublisher],
            useFactory: (r: RedisClient, p: RabbitMqPublisher) => new RedisEventOutboxRelay(r, p, namespace, relays),
          },
        );
        probes.push({
          name: 'eventOutbox',
          adapter: 'redis',
          inject: [RedisEventOutboxRelay],
          check: (r: RedisEventOutboxRelay) => r.health(),
        });
      }
      probes.push({
        name: 'transport',
        adapter: 'rabbitmq',
        inject: [RABBITMQ_CONNECTION],
        check: async (c: AmqpConnectionManager) => (c.isConnected() ? 'up' : 'down'),
      });
    } else {
      adapters.push({ provide: CommandSender, useClass: InProcessCommandSender });
      changeHandling.push(RescoreOnChangeHandler);
      probes.push({ name: 'transport', adapter: 'in-process', inject: [], check: up });
    }

    const readiness: Provider = {
      provide: ReadinessProbes,
      inject: probes.flatMap((p) => p.inject) as never[],
      useFactory: (...deps: never[]) => {
        let offset = 0;
        const bound = probes.map((p) => {
          const args = deps.slice(offset, (offset += p.inject.length));
          return async (): Promise<ProbeResult> => ({
            name: p.name,
            adapter: p.adapter,
            state: await p.check(...args).catch(() => 'down' as const),
          });
        });
        return { check: () => Promise.all(bound.map((b) => b())) };
      },
    };

    const overridden = new Set(overrides.map((o) => (typeof o === 'function' ? o : o.provide)));
    const local = adapters.filter((a) => !overridden.has(typeof a === 'function' ? a : a.provide));
    const exported = [...local, ...overrides].map((p) => (typeof p === 'function' ? p : p.provide));
    return {
      module: CreditModule,
      imports: [
        CqrsModule.forRoot(),
        TypeOrmModule.forRootAsync({ useFactory: typeormOptions(config) }),
        ...storeModules,
      ],
      providers: [
        ...local,
        ...overrides,
        readiness,
        RatingEngine,
        CurrentRatings,
        ApiKeys,
        AnalysisReadPolicy,
        BufferedInquiryRecorder,
        DemoDataLoader,
        ...CommandHandlers,
        ...QueryHandlers,
        ...changeHandling,
        ...(options.expirySweeps ? [ExpirySweeps] : []),
      ],
      exports: [
        CqrsModule,
        ...storeModules,
        ...exported,
        ReadinessProbes,
        RatingEngine,
        CurrentRatings,
        ApiKeys,
        AnalysisReadPolicy,
        BufferedInquiryRecorder,
        DemoDataLoader,
      ],
    };
  }
}
