import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { ensureFerretDbLookupIndexes } from './ferretdb-indexes';
import { RATING_FEATURES_MODEL, RatingFeaturesDoc } from './rating-features.mongoose-schema';
import { PARTITION_RUN_MODEL, PartitionRunDoc, RATING_JOB_MODEL, RatingJobDoc } from './rating-job.mongoose-schema';
import {
  RATING_HEAD_MODEL,
  RATING_HEAD_PAGE_MODEL,
  RATING_MODEL,
  RatingDoc,
  RatingHeadDoc,
  RatingHeadPageDoc,
} from './rating.mongoose-schema';

/**
 * Creates the indexes the schemas declare, and never drops any: createIndexes rather than syncIndexes, so an index
 * added by hand in production (or by a newer release during a rolling deploy) survives an older instance starting up.
 * Idempotent, so every instance can run it at start-up.
 */
async function ensureRatingIndexes(models: Model<any>[]): Promise<void> {
  for (const model of models) await model.createIndexes();
}

@Injectable()
export class MongooseRatingIndexes implements OnModuleInit {
  private readonly logger = new Logger(MongooseRatingIndexes.name);

  constructor(
    @InjectModel(RATING_FEATURES_MODEL) private readonly features: Model<RatingFeaturesDoc>,
    @InjectModel(RATING_MODEL) private readonly ratings: Model<RatingDoc>,
    @InjectModel(RATING_HEAD_MODEL) private readonly heads: Model<RatingHeadDoc>,
    @InjectModel(RATING_HEAD_PAGE_MODEL) private readonly pages: Model<RatingHeadPageDoc>,
    @InjectModel(RATING_JOB_MODEL) private readonly jobs: Model<RatingJobDoc>,
    @InjectModel(PARTITION_RUN_MODEL) private readonly runs: Model<PartitionRunDoc>,
  ) {}

  /** Before the app serves traffic: a missing unique index on rating_features.cpf would let duplicates in. */
  async onModuleInit(): Promise<void> {
    await this.ensure();
    this.logger.log(
      'indexes ensured on rating_features, ratings, rating_heads, rating_head_pages, rating_regenerations, rating_partition_runs',
    );
    await this.ensureFerretDbIndexes(process.env.FERRETDB_POSTGRESQL_URL);
  }

  /**
   * On FerretDB 1.x, opt-in with FERRETDB_POSTGRESQL_URL (the PostgreSQL database behind FerretDB): the GIN indexes
   * without which every look-up by CPF scans its collection (ferretdb-indexes.ts). Never fails the start: without
   * them reads are slow, not wrong.
   */
  async ensureFerretDbIndexes(postgresUrl: string | undefined): Promise<void> {
    if (!postgresUrl) return;
    try {
      const { indexes, missing } = await ensureFerretDbLookupIndexes(postgresUrl, this.features.db.name);
      this.logger.log(
        `FerretDB look-up indexes ensured: ${indexes.length}${missing.length ? `; collections not created yet: ${missing.join(', ')}` : ''}`,
      );
    } catch (error) {
      this.logger.warn(`FerretDB look-up indexes not ensured, look-ups by CPF will scan: ${(error as Error).message}`);
    }
  }

  ensure(): Promise<void> {
    return ensureRatingIndexes([this.features, this.ratings, this.heads, this.pages, this.jobs, this.runs]);
  }
}
