import { Cpf } from '@app/shared-kernel';
import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { RatingRepository } from '../../application/ports/rating.repository';
import { Rating } from '../../domain/rating/rating';
import { RatingMongooseMapper } from './rating.mongoose-mapper';
import { NEWEST_FIRST, RATING_MODEL, RatingDoc, StoredRatingDoc } from './rating.mongoose-schema';

/** Same bound as the embedded adapter: enough history to explain a change, without growing forever on regenerations. */
export const RATING_HISTORY_KEPT = 50;

@Injectable()
export class MongooseRatingRepository extends RatingRepository {
  constructor(@InjectModel(RATING_MODEL) private readonly model: Model<RatingDoc>) {
    super();
  }

  async latest(cpf: Cpf): Promise<Rating | null> {
    const doc = await this.model.findOne({ cpf: cpf.value }).sort(NEWEST_FIRST).lean<RatingDoc>().exec();
    return doc ? RatingMongooseMapper.toDomain(doc) : null;
  }

  async save(rating: Rating): Promise<void> {
    await this.model.insertOne(RatingMongooseMapper.toPersistence(rating));
    await this.prune(rating.cpf.value);
  }

  async history(cpf: Cpf, limit: number): Promise<Rating[]> {
    if (limit <= 0) return [];
    const docs = await this.model.find({ cpf: cpf.value }).sort(NEWEST_FIRST).limit(limit).lean<RatingDoc[]>().exec();
    return docs.map((d) => RatingMongooseMapper.toDomain(d));
  }

  /**
   * Drops what falls past the kept window. Without transactions the insert and the prune are two steps: the prune only
   * deletes at or below the boundary it read, and later inserts only push documents further down, so a concurrent save
   * can never lose a rating that belongs in the window. A crash between the steps leaves one extra, removed by the next save.
   */
  private async prune(cpf: string): Promise<void> {
    const [boundary] = await this.model
      .find({ cpf }, { generatedAt: 1 })
      .sort(NEWEST_FIRST)
      .skip(RATING_HISTORY_KEPT)
      .limit(1)
      .lean<Pick<StoredRatingDoc, '_id' | 'generatedAt'>[]>()
      .exec();
    if (!boundary) return;
    await this.model
      .deleteMany({
        cpf,
        $or: [{ generatedAt: { $lt: boundary.generatedAt } }, { generatedAt: boundary.generatedAt, _id: { $lte: boundary._id } }],
      })
      .exec();
  }
}
