import { Cpf } from '@app/shared-kernel';
import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Connection, mongo } from 'mongoose';
import { PartitionHeads, RatingRepository } from '@app/credit-application';
import {
  Rating,
  RATING_HISTORY_KEPT,
  RatingHead,
  RatingWrite,
  compareRecency,
  latestHead,
  PartitionLevel,
  partitionKeysOf,
} from '@app/credit-domain';
import { MongoLookups, insertIgnoringDuplicates } from './mongo-lookups';
import { PageTuple, RatingHeadMongooseMapper, RatingMongooseMapper } from './rating.mongoose-mapper';
import {
  RATING_COLLECTION,
  RATING_HEAD_COLLECTION,
  RATING_HEAD_PAGE_COLLECTION,
  RatingDoc,
  RatingHeadDoc,
  RatingHeadPageDoc,
  StoredRatingDoc,
} from './rating.mongoose-schema';

type Collection<T extends mongo.Document> = mongo.Collection<T>;

/** Heads per snapshot page: a bucket of a 200-million base spreads over ten pages, each well under a MiB. */
const HEADS_PER_PAGE = 5_000;
/** Ids per deleteMany: one statement on FerretDB, kept well below its parameter limits. */
const DELETE_CHUNK = 5_000;

export const partitionField = (level: PartitionLevel): 'shard' | 'bucket' => (level === 'SHARD' ? 'shard' : 'bucket');

/**
 * Ratings, their loose heads and the partitions' head snapshots on MongoDB or FerretDB, written with unordered inserts
 * only: FerretDB 1.x updates slowly and decodes document by document, so a partition's heads are read as a few
 * snapshot pages rather than one document per CPF (docs/rating-engine.md).
 */
@Injectable()
export class MongooseRatingRepository extends RatingRepository {
  private readonly lookups: MongoLookups;

  constructor(@InjectConnection() private readonly connection: Connection) {
    super();
    this.lookups = new MongoLookups(() => this.connection.db!);
  }

  private collection<T extends mongo.Document>(name: string): Collection<T> {
    return this.connection.db!.collection<T>(name);
  }

  async latest(cpf: Cpf): Promise<Rating | null> {
    const [newest] = newestFirst(
      (await this.collection<StoredRatingDoc>(RATING_COLLECTION)
        .find({ cpf: cpf.value })
        .toArray()) as StoredRatingDoc[],
    );
    return newest ? RatingMongooseMapper.toDomain(newest) : null;
  }

  async history(cpf: Cpf, limit: number): Promise<Rating[]> {
    if (limit <= 0) return [];
    const docs = newestFirst(
      (await this.collection<StoredRatingDoc>(RATING_COLLECTION)
        .find({ cpf: cpf.value })
        .toArray()) as StoredRatingDoc[],
    );
    return docs.slice(0, limit).map((d) => RatingMongooseMapper.toDomain(d));
  }

  async headsOf(cpfs: readonly Cpf[]): Promise<Map<string, RatingHead>> {
    const docs = await this.lookups.findMany(this.collection<StoredRatingDoc>(RATING_COLLECTION), 'cpf', [
      ...new Set(cpfs.map((c) => c.value)),
    ]);
    const byCpf = new Map<string, StoredRatingDoc[]>();
    for (const doc of docs) byCpf.set(doc.cpf, [...(byCpf.get(doc.cpf) ?? []), doc]);
    return new Map([...byCpf].map(([cpf, list]) => [cpf, RatingMongooseMapper.headOf(newestFirst(list)[0]!)]));
  }

  async headsInPartition(level: PartitionLevel, key: number): Promise<PartitionHeads> {
    const filter = { [partitionField(level)]: key };
    const [pages, loose] = await Promise.all([
      this.collection<RatingHeadPageDoc>(RATING_HEAD_PAGE_COLLECTION).find(filter).toArray(),
      this.collection<RatingHeadDoc>(RATING_HEAD_COLLECTION).find(filter).toArray(),
    ]);
    const byCpf = new Map<string, RatingHead[]>();
    const add = (head: RatingHead) => byCpf.set(head.cpf, [...(byCpf.get(head.cpf) ?? []), head]);
    for (const page of pages)
      for (const tuple of JSON.parse(page.heads) as PageTuple[]) add(RatingHeadMongooseMapper.fromPage(tuple));
    for (const doc of loose) add(RatingHeadMongooseMapper.toDomain(doc));
    const latest = new Map([...byCpf].map(([cpf, heads]) => [cpf, latestHead(heads).latest!]));
    // One snapshot: every page written by one run, and nothing loose.
    const compact = loose.length === 0 && new Set(pages.map((p) => p.run)).size <= 1;
    return { latest, read: { pageIds: pages.map((p) => p._id), headIds: loose.map((d) => d._id), compact } };
  }

  async append(writes: readonly RatingWrite[], options: { heads?: boolean } = {}): Promise<void> {
    if (writes.length === 0) return;
    // History first: a head never names a rating the history lacks.
    await insertIgnoringDuplicates(
      this.collection<RatingDoc>(RATING_COLLECTION),
      writes.map((w) => RatingMongooseMapper.toPersistence(w)),
    );
    if (options.heads !== false) {
      await insertIgnoringDuplicates(
        this.collection<RatingHeadDoc>(RATING_HEAD_COLLECTION),
        writes.map((w) => RatingHeadMongooseMapper.toPersistence(w.head)),
      );
    }
    for (const w of writes) if (w.pruneHistory) await this.pruneHistory(w.head.cpf);
  }

  async writeSnapshot(
    level: PartitionLevel,
    key: number,
    run: string,
    heads: Iterable<RatingHead>,
    replaces: PartitionHeads['read'],
  ): Promise<void> {
    const byBucket = new Map<number, RatingHead[]>();
    for (const head of heads) {
      const { bucket } = partitionKeysOf(head.cpf);
      byBucket.set(bucket, [...(byBucket.get(bucket) ?? []), head]);
    }
    const pages: RatingHeadPageDoc[] = [];
    for (const [bucket, list] of byBucket) {
      for (let i = 0; i * HEADS_PER_PAGE < list.length; i++) {
        const slice = list.slice(i * HEADS_PER_PAGE, (i + 1) * HEADS_PER_PAGE);
        pages.push({
          _id: `${run}:${bucket}:${i}`,
          ...partitionKeysOf(slice[0]!.cpf),
          run,
          heads: JSON.stringify(slice.map(RatingHeadMongooseMapper.toPage)),
        });
      }
    }
    // The new snapshot is stored before the pieces it replaces go: a crash in between leaves both, which reads merge.
    await insertIgnoringDuplicates(this.collection<RatingHeadPageDoc>(RATING_HEAD_PAGE_COLLECTION), pages);
    const field = partitionField(level);
    await this.deleteIds(
      this.collection<RatingHeadPageDoc>(RATING_HEAD_PAGE_COLLECTION),
      { [field]: key },
      replaces.pageIds.filter((id) => !id.startsWith(`${run}:`)),
    );
    await this.deleteIds(this.collection<RatingHeadDoc>(RATING_HEAD_COLLECTION), { [field]: key }, replaces.headIds);
  }

  /** Deletes named documents of one shard or bucket: `_id` alone would be a scan on FerretDB, the key is a look-up. */
  private async deleteIds<T extends { _id: string }>(
    collection: Collection<T>,
    scope: Record<string, number>,
    ids: readonly string[],
  ): Promise<void> {
    for (let i = 0; i < ids.length; i += DELETE_CHUNK) {
      await collection.deleteMany({ ...scope, _id: { $in: ids.slice(i, i + DELETE_CHUNK) } } as mongo.Filter<T>);
    }
  }

  /** Drops what falls past the kept history; `_id` alone would be a scan on FerretDB, with `cpf` it is a look-up. */
  private async pruneHistory(cpf: string): Promise<void> {
    const history = this.collection<StoredRatingDoc>(RATING_COLLECTION);
    const old = newestFirst((await history.find({ cpf }).toArray()) as StoredRatingDoc[])
      .slice(RATING_HISTORY_KEPT)
      .map((d) => d._id);
    if (old.length > 0) await history.deleteMany({ cpf, _id: { $in: old } } as never);
  }
}

/** A CPF's history, newest first. Sorted here: FerretDB does not push sorts down, and a history is short. */
function newestFirst(docs: StoredRatingDoc[]): StoredRatingDoc[] {
  return docs.sort((a, b) => compareRecency(RatingMongooseMapper.recency(b), RatingMongooseMapper.recency(a)));
}
