import { DynamicModule, Module } from '@nestjs/common';
import { MongooseModule, MongooseModuleOptions } from '@nestjs/mongoose';
import { RatingFeaturesRepository } from '../../application/ports/rating-features.repository';
import { RatingJobRepository } from '../../application/ports/rating-job.repository';
import { RatingRepository } from '../../application/ports/rating.repository';
import { MongoHealth } from './mongo-health';
import { MongooseRatingFeaturesRepository } from './mongoose-rating-features.repository';
import { MongooseRatingJobRepository } from './mongoose-rating-job.repository';
import { MongooseRatingRepository } from './mongoose-rating.repository';
import { RATING_FEATURES_COLLECTION, RATING_FEATURES_MODEL, RatingFeaturesSchema } from './rating-features.mongoose-schema';
import { MongooseRatingIndexes } from './rating-indexes';
import { RATING_JOB_COLLECTION, RATING_JOB_MODEL, RatingJobSchema } from './rating-job.mongoose-schema';
import { RATING_COLLECTION, RATING_MODEL, RatingSchema } from './rating.mongoose-schema';

/**
 * B_RATING's stores on MongoDB (or FerretDB, which speaks its protocol): every write is a single-document operation,
 * so nothing here relies on multi-document transactions.
 */
@Module({})
export class MongooseRatingModule {
  /** `options` is for tests and tuning (e.g. fewer connection retries); the pool and selection timeout are the production defaults. */
  static forRoot(url: string, options: MongooseModuleOptions = {}): DynamicModule {
    return {
      module: MongooseRatingModule,
      imports: [
        MongooseModule.forRoot(url, { serverSelectionTimeoutMS: 5000, maxPoolSize: 20, ...options }),
        MongooseModule.forFeature([
          { name: RATING_FEATURES_MODEL, schema: RatingFeaturesSchema, collection: RATING_FEATURES_COLLECTION },
          { name: RATING_MODEL, schema: RatingSchema, collection: RATING_COLLECTION },
          { name: RATING_JOB_MODEL, schema: RatingJobSchema, collection: RATING_JOB_COLLECTION },
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
