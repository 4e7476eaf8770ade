import { Cpf } from '@app/shared-kernel';
import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Connection, mongo } from 'mongoose';
import { HeadsRead, RatingRepository } from '../../application/ports/rating.repository';
import { Rating } from '../../domain/rating/rating';
import { RATING_HISTORY_KEPT, RatingWrite, compareRecency, latestHead } from '../../domain/rating/rating-head';
import { PartitionLevel } from '../../domain/rating/rating-partition';
import { MongoLookups, insertIgnoringDuplicates } from './mongo-lookups';
import { RatingHeadMongooseMapper, RatingMongooseMapper } from './rating.mongoose-mapper';
import { RATING_COLLECTION, RATING_HEAD_COLLECTION, RatingDoc, RatingHeadDoc, StoredRatingDoc } from './rating.mongoose-schema';

/** Ids per deleteMany: one statement on FerretDB, kept well below its parameter limits. */
const DELETE_CHUNK = 5_000;

export const partitionField = (level: PartitionLevel): 'shard' | 'bucket' => (level === 'SHARD' ? 'shard' : 'bucket');

/**
 * Ratings and their heads on MongoDB or FerretDB, written with unordered inserts only: FerretDB 1.x takes about 6 ms
 * per update and 13,000 inserts per second. Superseded heads and history past RATING_HISTORY_KEPT are removed in
 * bulk, scoped by a field FerretDB can look up.
 */
type Collection<T extends mongo.Document> = mongo.Collection<T>;

@Injectable()
export class MongooseRatingRepository extends RatingRepository {
  private readonly lookups: MongoLookups;

  constructor(@InjectConnection() private readonly connection: Connection) {
    super();
    this.lookups = new MongoLookups(() => this.connection.db!);
  }

  private get history_(): Collection<StoredRatingDoc> {
    return this.connection.db!.collection<StoredRatingDoc>(RATING_COLLECTION);
  }

  private get heads(): Collection<RatingHeadDoc> {
    return this.connection.db!.collection<RatingHeadDoc>(RATING_HEAD_COLLECTION);
  }

  async latest(cpf: Cpf): Promise<Rating | null> {
    const [newest] = await this.historyDocs(cpf.value);
    return newest ? RatingMongooseMapper.toDomain(newest) : null;
  }

  async history(cpf: Cpf, limit: number): Promise<Rating[]> {
    if (limit <= 0) return [];
    return (await this.historyDocs(cpf.value)).slice(0, limit).map((d) => RatingMongooseMapper.toDomain(d));
  }

  async headsOf(cpfs: readonly Cpf[]): Promise<HeadsRead> {
    const docs = await this.lookups.findMany(this.heads, 'cpf', [...new Set(cpfs.map((c) => c.value))]);
    return groupHeads(docs);
  }

  async headsInPartition(level: PartitionLevel, key: number): Promise<HeadsRead> {
    return groupHeads(await this.heads.find({ [partitionField(level)]: key }).toArray());
  }

  async append(writes: readonly RatingWrite[]): Promise<void> {
    if (writes.length === 0) return;
    // History first: a head never names a rating the history lacks.
    await insertIgnoringDuplicates(this.history_ as unknown as Collection<RatingDoc>, writes.map((w) => RatingMongooseMapper.toPersistence(w)));
    await insertIgnoringDuplicates(this.heads, writes.map((w) => RatingHeadMongooseMapper.toPersistence(w.head)));
    for (const w of writes) if (w.pruneHistory) await this.pruneHistory(w.head.cpf);
  }

  async dropHeads(level: PartitionLevel, key: number, ratingIds: readonly string[]): Promise<void> {
    for (let i = 0; i < ratingIds.length; i += DELETE_CHUNK) {
      await this.heads.deleteMany({ [partitionField(level)]: key, _id: { $in: ratingIds.slice(i, i + DELETE_CHUNK) } });
    }
  }

  /** A CPF's history, newest first. Sorted here: FerretDB does not push sorts down, and a history is short. */
  private async historyDocs(cpf: string): Promise<StoredRatingDoc[]> {
    const docs = (await this.history_.find({ cpf }).toArray()) as StoredRatingDoc[];
    return docs.sort((a, b) => compareRecency(RatingMongooseMapper.recency(b), RatingMongooseMapper.recency(a)));
  }

  /** Drops what falls past the kept history; `_id` alone would be a scan on FerretDB, with `cpf` it is a look-up. */
  private async pruneHistory(cpf: string): Promise<void> {
    const old = (await this.historyDocs(cpf)).slice(RATING_HISTORY_KEPT).map((d) => d._id);
    if (old.length > 0) await this.history_.deleteMany({ cpf, _id: { $in: old } } as never);
  }
}

function groupHeads(docs: readonly RatingHeadDoc[]): HeadsRead {
  const byCpf = new Map<string, ReturnType<typeof RatingHeadMongooseMapper.toDomain>[]>();
  for (const doc of docs) {
    const head = RatingHeadMongooseMapper.toDomain(doc);
    const list = byCpf.get(head.cpf);
    if (list) list.push(head);
    else byCpf.set(head.cpf, [head]);
  }
  const read: HeadsRead = { latest: new Map(), superseded: [] };
  for (const [cpf, heads] of byCpf) {
    const { latest, superseded } = latestHead(heads);
    if (latest) read.latest.set(cpf, latest);
    read.superseded.push(...superseded);
  }
  return read;
}
