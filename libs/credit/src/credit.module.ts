import { AppConfig } from '@app/platform';
import { Clock, SystemClock } from '@app/shared-kernel';
import { DynamicModule, Module, Provider } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TypeOrmModule, TypeOrmModuleOptions } from '@nestjs/typeorm';
import { InvalidateAnalysisHandler } from './application/events/invalidate-analysis.handler';
import { RescoreOnChangeHandler } from './application/events/rescore-on-change.handler';
import { GetConsumerHandler } from './application/get-consumer/get-consumer.handler';
import { ANALYSIS_TTL_SECONDS, GetCreditAnalysisHandler } from './application/get-credit-analysis/get-credit-analysis.handler';
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
import { ConsumerRater } from './application/rate-consumer/consumer-rater.service';
import { RegenerateRatingsHandler } from './application/regenerate-ratings/regenerate-ratings.handler';
import { StartRatingRegenerationHandler } from './application/regenerate-ratings/start-rating-regeneration.handler';
import { UpsertConsumerHandler } from './application/upsert-consumer/upsert-consumer.handler';
import { UpsertRatingFeaturesHandler } from './application/upsert-rating-features/upsert-rating-features.handler';
import { DEMO_CONSUMER_COUNT, DemoDataLoader } from './demo/demo-data.loader';
import { CreditScorer } from './domain/scoring/credit-scorer';
import { PlaceholderScorer } from './domain/scoring/placeholder-scorer';
import { InMemoryAnalysisCache } from './infrastructure/embedded/in-memory-analysis.cache';
import { InMemoryRatingFeaturesRepository } from './infrastructure/embedded/in-memory-rating-features.repository';
import { InMemoryRatingJobRepository } from './infrastructure/embedded/in-memory-rating-job.repository';
import { InMemoryRatingRepository } from './infrastructure/embedded/in-memory-rating.repository';
import { InMemoryTransactionStore } from './infrastructure/embedded/in-memory-transaction.store';
import { InProcessCommandSender } from './infrastructure/embedded/in-process-command.sender';
import { ConsumerRow, DebtRow } from './infrastructure/typeorm/consumer.typeorm-entity';
import { CONSUMER_MIGRATIONS } from './infrastructure/typeorm/migrations';
import { createPGlite, pgliteModule } from './infrastructure/typeorm/pglite.driver';
import { TypeormConsumerRepository } from './infrastructure/typeorm/typeorm-consumer.repository';

const CommandHandlers = [IngestTransactionsHandler, UpsertConsumerHandler, UpsertRatingFeaturesHandler, StartRatingRegenerationHandler, RegenerateRatingsHandler];
const QueryHandlers = [GetCreditAnalysisHandler, GetConsumerHandler, GetRatingHandler, GetTransactionsHandler, GetInquiriesHandler, GetRatingJobHandler];
const EventHandlers = [InvalidateAnalysisHandler, RescoreOnChangeHandler];

const PORTS = [ConsumerRepository, RatingFeaturesRepository, RatingRepository, TransactionStore, AnalysisCache, RatingJobRepository, CommandSender, CreditScorer, Clock];

/** TypeORM on real PostgreSQL when DATABASE_URL is set, otherwise on PGlite in this process; the same entities and migrations either way. */
export function typeormOptions(config: Pick<AppConfig, 'databaseUrl' | 'pgliteDataDir'>): () => Promise<TypeOrmModuleOptions> {
  return async () => {
    const common = { type: 'postgres' as const, entities: [ConsumerRow, DebtRow], migrations: CONSUMER_MIGRATIONS, synchronize: false };
    if (config.databaseUrl) {
      return { ...common, url: config.databaseUrl, migrationsRun: false, extra: { max: 10 } };
    }
    return { ...common, driver: pgliteModule(await createPGlite(config.pgliteDataDir ?? undefined)), migrationsRun: true };
  };
}

/** The one place where ports meet adapters, chosen by configuration. */
@Module({})
export class CreditModule {
  static forRoot(config: AppConfig, overrides: Provider[] = []): DynamicModule {
    const adapters: Provider[] = [
      { provide: Clock, useClass: SystemClock },
      { provide: ConsumerRepository, useClass: TypeormConsumerRepository },
      { provide: RatingFeaturesRepository, useClass: InMemoryRatingFeaturesRepository },
      { provide: RatingRepository, useClass: InMemoryRatingRepository },
      { provide: TransactionStore, useClass: InMemoryTransactionStore },
      { provide: AnalysisCache, useFactory: () => new InMemoryAnalysisCache(10_000) },
      { provide: RatingJobRepository, useClass: InMemoryRatingJobRepository },
      { provide: CommandSender, useClass: InProcessCommandSender },
      { provide: CreditScorer, useFactory: () => new PlaceholderScorer() },
      { provide: ANALYSIS_TTL_SECONDS, useValue: config.analysisTtlSeconds },
      { provide: DEMO_CONSUMER_COUNT, useValue: config.demoConsumers },
    ];
    return {
      module: CreditModule,
      imports: [CqrsModule.forRoot(), TypeOrmModule.forRootAsync({ useFactory: typeormOptions(config) })],
      providers: [...adapters, ...overrides, ConsumerRater, DemoDataLoader, ...CommandHandlers, ...QueryHandlers, ...EventHandlers],
      exports: [CqrsModule, ...PORTS, ConsumerRater, DemoDataLoader],
    };
  }
}
