import { Cpf } from '@app/shared-kernel';
import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { FeaturesPageEntry, RatingFeaturesRepository } from '../../application/ports/rating-features.repository';
import { RatingFeatures } from '../../domain/rating/rating-features.entity';
import { isDuplicateKey } from './duplicate-key';
import { RATING_FEATURES_MODEL, RatingFeaturesDoc } from './rating-features.mongoose-schema';
import { RatingFeaturesMongooseMapper } from './rating-features.mongoose-mapper';

@Injectable()
export class MongooseRatingFeaturesRepository extends RatingFeaturesRepository {
  constructor(@InjectModel(RATING_FEATURES_MODEL) private readonly model: Model<RatingFeaturesDoc>) {
    super();
  }

  async findByCpf(cpf: Cpf): Promise<RatingFeatures | null> {
    const doc = await this.model.findOne({ cpf: cpf.value }).lean<RatingFeaturesDoc>().exec();
    return doc ? RatingFeaturesMongooseMapper.toDomain(doc) : null;
  }

  /**
   * A single-document replace, so no transaction is needed (FerretDB has none). Two concurrent first saves of one CPF
   * can both miss and both try to insert; the unique index rejects the loser, and its retry then finds the document and replaces it.
   */
  async save(features: RatingFeatures): Promise<void> {
    const doc = RatingFeaturesMongooseMapper.toPersistence(features);
    const upsert = () => this.model.replaceOne({ cpf: doc.cpf }, doc, { upsert: true, runValidators: true }).exec();
    try {
      await upsert();
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      await upsert();
    }
  }

  /**
   * One sorted query for the whole walk, read in batches of a page. On FerretDB 1.x neither the range nor the sort is
   * pushed down to PostgreSQL, so each query decodes and sorts every document of the collection: one per page made a
   * walk over 100,000 CPFs ten such scans, where one cursor makes it one. Whole documents, so that the job needs no
   * look-up per CPF for them.
   */
  async *pagesAfter(after: string | null, pageSize: number): AsyncIterable<FeaturesPageEntry[]> {
    if (pageSize <= 0) throw new RangeError('pageSize must be positive');
    const filter = after === null ? {} : { cpf: { $gt: after } };
    const cursor = this.model.find(filter).sort({ cpf: 1 }).lean<RatingFeaturesDoc[]>().cursor({ batchSize: pageSize });
    try {
      let page: FeaturesPageEntry[] = [];
      for await (const doc of cursor as AsyncIterable<RatingFeaturesDoc>) {
        page.push({ cpf: doc.cpf, features: validOrNull(doc) });
        if (page.length === pageSize) {
          yield page;
          page = [];
        }
      }
      if (page.length > 0) yield page;
    } finally {
      await cursor.close();
    }
  }

  /**
   * `$collStats` count, from the collection's statistics: on FerretDB, PostgreSQL's row estimate, 12 ms at 100,000
   * documents where countDocuments scans and decodes all of them (16-18 s idle, more under load, and the POST that starts
   * a regeneration waited for it). FerretDB answers -1 for a table PostgreSQL has not analysed yet: then, and when the
   * collection does not exist or the stage is refused, the exact count.
   */
  async estimatedCount(): Promise<number> {
    try {
      const [stats] = await this.model.aggregate<{ count?: number }>([{ $collStats: { count: {} } }]).exec();
      if (typeof stats?.count === 'number' && stats.count >= 0) return stats.count;
    } catch {
      // No statistics for this collection (not created yet) or a server without the stage: count exactly below.
    }
    return this.model.countDocuments({}).exec();
  }
}

function validOrNull(doc: RatingFeaturesDoc): RatingFeatures | null {
  try {
    return RatingFeaturesMongooseMapper.toDomain(doc);
  } catch {
    return null;
  }
}
