import { instrumentMongoClient, metricsEnabled } from '@app/platform';
import { DynamicModule, Module } from '@nestjs/common';
import { MongooseModule, MongooseModuleOptions } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { RatingFeaturesRepository, RatingJobRepository, RatingRepository } from '@app/credit-application';
import { MongoHealth } from './mongo-health';
import { MongooseRatingFeaturesRepository } from './mongoose-rating-features.repository';
import { MongooseRatingJobRepository } from './mongoose-rating-job.repository';
import { MongooseRatingRepository } from './mongoose-rating.repository';
import {
  RATING_FEATURES_COLLECTION,
  RATING_FEATURES_MODEL,
  RatingFeaturesSchema,
} from './rating-features.mongoose-schema';
import { MongooseRatingIndexes } from './rating-indexes';
import {
  PARTITION_RUN_COLLECTION,
  PARTITION_RUN_MODEL,
  PartitionRunSchema,
  RATING_JOB_COLLECTION,
  RATING_JOB_MODEL,
  RatingJobSchema,
} from './rating-job.mongoose-schema';
import {
  RATING_COLLECTION,
  RATING_HEAD_COLLECTION,
  RATING_HEAD_MODEL,
  RATING_HEAD_PAGE_COLLECTION,
  RATING_HEAD_PAGE_MODEL,
  RATING_MODEL,
  RatingHeadPageSchema,
  RatingHeadSchema,
  RatingSchema,
} from './rating.mongoose-schema';

/** With metrics on, the driver reports each command's duration (command monitoring) to the store histogram. */
function commandTiming(): MongooseModuleOptions {
  if (!metricsEnabled()) return {};
  return {
    monitorCommands: true,
    connectionFactory: (connection: Connection) => {
      instrumentMongoClient(connection.getClient());
      return connection;
    },
  };
}

/**
 * B_RATING's stores on MongoDB (or FerretDB, which speaks its protocol). Nothing here relies on multi-document
 * transactions: bulk writes are idempotent inserts, and the rest are single-document operations.
 */
@Module({})
export class MongooseRatingModule {
  /**
   * `options` is for tests and tuning (e.g. fewer connection retries); the pool and selection timeout are the
   * production defaults.
   */
  static forRoot(url: string, options: MongooseModuleOptions = {}): DynamicModule {
    return {
      module: MongooseRatingModule,
      imports: [
        MongooseModule.forRoot(url, {
          serverSelectionTimeoutMS: 5000,
          maxPoolSize: 20,
          ...commandTiming(),
          ...options,
        }),
        MongooseModule.forFeature([
          { name: RATING_FEATURES_MODEL, schema: RatingFeaturesSchema, collection: RATING_FEATURES_COLLECTION },
          { name: RATING_MODEL, schema: RatingSchema, collection: RATING_COLLECTION },
          { name: RATING_HEAD_MODEL, schema: RatingHeadSchema, collection: RATING_HEAD_COLLECTION },
          { name: RATING_HEAD_PAGE_MODEL, schema: RatingHeadPageSchema, collection: RATING_HEAD_PAGE_COLLECTION },
          { name: RATING_JOB_MODEL, schema: RatingJobSchema, collection: RATING_JOB_COLLECTION },
          { name: PARTITION_RUN_MODEL, schema: PartitionRunSchema, collection: PARTITION_RUN_COLLECTION },
        ]),
      ],
      providers: [
        { provide: RatingFeaturesRepository, useClass: MongooseRatingFeaturesRepository },
        { provide: RatingRepository, useClass: MongooseRatingRepository },
        { provide: RatingJobRepository, useClass: MongooseRatingJobRepository },
        MongooseRatingIndexes,
        MongoHealth,
      ],
      exports: [RatingFeaturesRepository, RatingRepository, RatingJobRepository, MongooseRatingIndexes, MongoHealth],
    };
  }
}
