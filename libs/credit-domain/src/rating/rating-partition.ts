/**
 * A stable split of the CPF space for rating jobs. Every CPF falls in one of RATING_BUCKETS buckets by a hash of its
 * digits, and each bucket in one of RATING_SHARDS shards. Both are stored with B's documents, so a store answers "the
 * CPFs of bucket 17" with an equality look-up, the one kind of filter every MongoDB-compatible server indexes
 * (FerretDB 1.x pushes nothing else down). Changing either constant re-partitions the stored data: never do it.
 */
export const RATING_BUCKETS = 4096;
export const RATING_SHARDS = 64;
const BUCKETS_PER_SHARD = RATING_BUCKETS / RATING_SHARDS;

/**
 * Jobs over a base this large or smaller run one partition per shard; larger ones one per bucket, so that a partition
 * stays small enough for one worker to hold its ratings in memory (about 50,000 CPFs per bucket at 200 million).
 */
export const SHARD_LEVEL_MAX_CPFS = RATING_SHARDS * 25_000;
/** CPFs per partition of a job over a listed set of CPFs. */
export const LISTED_CPFS_PER_PARTITION = 2_000;

export type PartitionLevel = 'SHARD' | 'BUCKET';

/** Which stored CPFs a partition covers: all of one shard or bucket, or a slice of a job's listed CPFs. */
type RatingPartition = { kind: 'KEY'; level: PartitionLevel; key: number } | { kind: 'CPFS'; cpfs: string[] };

/** FNV-1a (32 bits) over the digits: cheap, the same in every language, and even for sequential CPFs. */
export function ratingBucketOf(cpfDigits: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < cpfDigits.length; i++) {
    hash ^= cpfDigits.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % RATING_BUCKETS;
}

export function shardOfBucket(bucket: number): number {
  return Math.floor(bucket / BUCKETS_PER_SHARD);
}

/** The shard and bucket stored with a CPF's documents. */
export function partitionKeysOf(cpfDigits: string): { shard: number; bucket: number } {
  const bucket = ratingBucketOf(cpfDigits);
  return { shard: shardOfBucket(bucket), bucket };
}

export function partitionKeyOf(level: PartitionLevel, cpfDigits: string): number {
  const { shard, bucket } = partitionKeysOf(cpfDigits);
  return level === 'SHARD' ? shard : bucket;
}

/** How a job over the whole base is cut: the level follows the base's estimated size. */
export function levelForBase(estimatedCpfs: number): PartitionLevel {
  return estimatedCpfs <= SHARD_LEVEL_MAX_CPFS ? 'SHARD' : 'BUCKET';
}

export function partitionCount(level: PartitionLevel): number {
  return level === 'SHARD' ? RATING_SHARDS : RATING_BUCKETS;
}

/** The listed CPFs (sorted, distinct) cut into partitions of LISTED_CPFS_PER_PARTITION. */
export function listedPartitionCount(cpfs: number): number {
  return Math.ceil(cpfs / LISTED_CPFS_PER_PARTITION);
}

export function listedPartition(cpfs: readonly string[], index: number): RatingPartition {
  return { kind: 'CPFS', cpfs: cpfs.slice(index * LISTED_CPFS_PER_PARTITION, (index + 1) * LISTED_CPFS_PER_PARTITION) };
}
