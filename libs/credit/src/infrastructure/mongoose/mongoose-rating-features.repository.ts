import { Cpf } from '@app/shared-kernel';
import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { RatingFeaturesRepository } from '../../application/ports/rating-features.repository';
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

  async cpfsAfter(after: string | null, limit: number): Promise<string[]> {
    // limit(0) means "no limit" to MongoDB; the port means "nothing".
    if (limit <= 0) return [];
    const filter = after === null ? {} : { cpf: { $gt: after } };
    const docs = await this.model.find(filter, { cpf: 1, _id: 0 }).sort({ cpf: 1 }).limit(limit).lean<{ cpf: string }[]>().exec();
    return docs.map((d) => d.cpf);
  }

  async count(): Promise<number> {
    return this.model.countDocuments({}).exec();
  }
}
