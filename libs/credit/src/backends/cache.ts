import { InMemoryAnalysisCache, InMemoryRateLimiter, LocalCachedAnalysisReads } from '@app/adapters/embedded';
import { TypeormAuditLog } from '@app/adapters/postgres';
import {
  REDIS_CLIENT,
  RedisAuditJournalRelay,
  RedisCacheModule,
  RedisCachedAnalysisReads,
  RedisClient,
  RedisInquiryJournalRelay,
  RedisJournalledAuditLog,
  RedisJournalledInquiryRecorder,
  RedisRateLimiter,
} from '@app/adapters/redis';
import {
  AnalysisCache,
  AuditLog,
  BufferedInquiryRecorder,
  CachedAnalysisReads,
  InquiryRecorder,
  RateLimiter,
  TransactionStore,
} from '@app/credit-application';
import { AppConfig } from '@app/platform';
import { Clock } from '@app/shared-kernel';
import { Provider } from '@nestjs/common';
import { Backend, Probe } from './backend';

const cacheProbe: Probe = {
  name: 'cache',
  adapter: 'memory',
  inject: [AnalysisCache],
  check: (c: AnalysisCache) => c.health(),
};

/**
 * The analysis cache, the rate limit and the journals of audit entries and inquiries: Redis when configured, with
 * relays into the audit chain and the transaction store; in this process otherwise, writing straight to both.
 */
export function cacheBackend(config: AppConfig): Backend {
  const limit = config.rateLimitPerMinute;
  if (!config.redis) {
    return {
      modules: [],
      providers: [
        { provide: AuditLog, useExisting: TypeormAuditLog },
        { provide: InquiryRecorder, useExisting: BufferedInquiryRecorder },
        {
          provide: CachedAnalysisReads,
          inject: [RateLimiter, AnalysisCache, AuditLog, InquiryRecorder],
          useFactory: (limiter: RateLimiter, cache: AnalysisCache, audit: AuditLog, inquiries: InquiryRecorder) =>
            new LocalCachedAnalysisReads(limiter, cache, audit, inquiries),
        },
        {
          provide: AnalysisCache,
          inject: [Clock],
          useFactory: (clock: Clock) => new InMemoryAnalysisCache(10_000, clock),
        },
        { provide: RateLimiter, useFactory: () => new InMemoryRateLimiter(limit) },
      ],
      probes: [cacheProbe],
    };
  }
  const { redis, redisNamespace: namespace, redisJournalReplicas: replicas } = config;
  const relays = { autoStart: config.runJournalRelays };
  const providers: Provider[] = [
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
    {
      provide: RateLimiter,
      inject: [REDIS_CLIENT],
      useFactory: (r: RedisClient) => new RedisRateLimiter(r, limit, namespace, new InMemoryRateLimiter(limit)),
    },
  ];
  return {
    modules: [RedisCacheModule.forRoot(redis, namespace, replicas)],
    providers,
    probes: [
      { ...cacheProbe, adapter: 'redis' },
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
    ],
  };
}
