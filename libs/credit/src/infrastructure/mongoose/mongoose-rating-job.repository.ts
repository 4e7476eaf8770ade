import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { RatingJob, RatingJobRepository, RatingJobStatus } from '../../application/ports/rating-job.repository';
import { RatingJobMongooseMapper } from './rating-job.mongoose-mapper';
import { RATING_JOB_MODEL, RatingJobDoc } from './rating-job.mongoose-schema';

const UNFINISHED: RatingJobStatus[] = ['PENDING', 'RUNNING'];

@Injectable()
export class MongooseRatingJobRepository extends RatingJobRepository {
  constructor(@InjectModel(RATING_JOB_MODEL) private readonly model: Model<RatingJobDoc>) {
    super();
  }

  async create(job: RatingJob): Promise<void> {
    await this.model.insertOne(RatingJobMongooseMapper.toPersistence(job));
  }

  /** Progress is written as the whole job, like the embedded adapter: last write wins, and there is one writer per job. */
  async update(job: RatingJob): Promise<void> {
    await this.model.replaceOne({ _id: job.id }, RatingJobMongooseMapper.toPersistence(job), { upsert: true, runValidators: true }).exec();
  }

  async findById(id: string): Promise<RatingJob | null> {
    const doc = await this.model.findById(id).lean<RatingJobDoc>().exec();
    return doc ? RatingJobMongooseMapper.toDomain(doc) : null;
  }

  async unfinished(): Promise<RatingJob[]> {
    const docs = await this.model.find({ status: { $in: UNFINISHED } }).sort({ createdAt: 1 }).lean<RatingJobDoc[]>().exec();
    return docs.map((d) => RatingJobMongooseMapper.toDomain(d));
  }
}
