import { Cpf } from '@app/shared-kernel';
import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Connection, mongo } from 'mongoose';
import { RatingFeaturesRepository, StoredFeatures } from '@app/credit-application';
import { RatingFeatures, PartitionLevel } from '@app/credit-domain';
import { isDuplicateKey } from './duplicate-key';
import { MongoLookups } from './mongo-lookups';
import { partitionField } from './mongoose-rating.repository';
import { RATING_FEATURES_COLLECTION, StoredRatingFeaturesDoc } from './rating-features.mongoose-schema';
import { RatingFeaturesMongooseMapper } from './rating-features.mongoose-mapper';

type Collection<T extends mongo.Document> = mongo.Collection<T>;

@Injectable()
export class MongooseRatingFeaturesRepository extends RatingFeaturesRepository {
  private readonly lookups: MongoLookups;

  constructor(@InjectConnection() private readonly connection: Connection) {
    super();
    this.lookups = new MongoLookups(() => this.connection.db!);
  }

  private get collection(): Collection<StoredRatingFeaturesDoc> {
    return this.connection.db!.collection<StoredRatingFeaturesDoc>(RATING_FEATURES_COLLECTION);
  }

  async findByCpf(cpf: Cpf): Promise<RatingFeatures | null> {
    const doc = await this.collection.findOne({ cpf: cpf.value });
    return doc ? RatingFeaturesMongooseMapper.toDomain(doc) : null;
  }

  /**
   * A single-document replace, so no transaction is needed (FerretDB has none). Two concurrent first saves of one CPF
   * can both miss and both try to insert; the unique index rejects the loser, and its retry then finds the document and
   * replaces it.
   */
  async save(features: RatingFeatures): Promise<void> {
    const doc = RatingFeaturesMongooseMapper.toPersistence(features);
    const upsert = () => this.collection.replaceOne({ cpf: doc.cpf }, doc, { upsert: true });
    try {
      await upsert();
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      await upsert();
    }
  }

  async findMany(cpfs: readonly Cpf[]): Promise<Map<string, StoredFeatures>> {
    const docs = await this.lookups.findMany(this.collection, 'cpf', [...new Set(cpfs.map((c) => c.value))]);
    return new Map(docs.map((doc) => [doc.cpf, stored(doc)]));
  }

  async *inPartition(level: PartitionLevel, key: number, pageSize: number): AsyncIterable<StoredFeatures[]> {
    if (pageSize <= 0) throw new RangeError('pageSize must be positive');
    const cursor = this.collection.find({ [partitionField(level)]: key }).batchSize(pageSize);
    try {
      let page: StoredFeatures[] = [];
      for await (const doc of cursor) {
        page.push(stored(doc));
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
   * `$collStats` count, from the collection's statistics: on FerretDB, PostgreSQL's row estimate, where
   * countDocuments decodes every document. FerretDB answers -1 for a table PostgreSQL has not analysed
   * yet: then, and when the collection does not exist or the stage is refused, the exact count.
   */
  async estimatedCount(): Promise<number> {
    try {
      const [stats] = await this.collection.aggregate<{ count?: number }>([{ $collStats: { count: {} } }]).toArray();
      if (typeof stats?.count === 'number' && stats.count >= 0) return stats.count;
    } catch {
      // No statistics for this collection (not created yet) or a server without the stage: count exactly below.
    }
    return this.collection.countDocuments({});
  }
}

function stored(doc: StoredRatingFeaturesDoc): StoredFeatures {
  try {
    return { cpf: doc.cpf, features: RatingFeaturesMongooseMapper.toDomain(doc) };
  } catch (error) {
    return { cpf: doc.cpf, features: null, problem: `stored features are not valid: ${(error as Error).message}` };
  }
}
