import { distinctCpfs } from '@app/testing';
import {
  LISTED_CPFS_PER_PARTITION,
  RATING_BUCKETS,
  RATING_SHARDS,
  SHARD_LEVEL_MAX_CPFS,
  levelForBase,
  listedPartition,
  listedPartitionCount,
  partitionCount,
  partitionKeyOf,
  partitionKeysOf,
  ratingBucketOf,
  shardOfBucket,
} from './rating-partition';

describe('rating partitions', () => {
  it('puts a CPF in the same bucket on every run: the split is stored with the data, so it must never move', () => {
    // Pinned values: a change here re-partitions every stored document.
    expect(ratingBucketOf('12345678909')).toBe(3271);
    expect(ratingBucketOf('52998224725')).toBe(1244);
  });

  it('spreads sequential CPFs evenly over the buckets and shards', () => {
    const perShard = new Array<number>(RATING_SHARDS).fill(0);
    const n = 64_000;
    for (let i = 0; i < n; i++) perShard[partitionKeysOf(String(200_000_000 + i).padStart(9, '0') + '00').shard]! += 1;
    const mean = n / RATING_SHARDS;
    expect(Math.min(...perShard)).toBeGreaterThan(mean * 0.9);
    expect(Math.max(...perShard)).toBeLessThan(mean * 1.1);
  });

  it('nests buckets in shards: a shard is exactly its 64 buckets', () => {
    for (const cpf of distinctCpfs(200)) {
      const { shard, bucket } = partitionKeysOf(cpf);
      expect(bucket).toBeGreaterThanOrEqual(0);
      expect(bucket).toBeLessThan(RATING_BUCKETS);
      expect(shardOfBucket(bucket)).toBe(shard);
      expect(partitionKeyOf('SHARD', cpf)).toBe(shard);
      expect(partitionKeyOf('BUCKET', cpf)).toBe(bucket);
    }
  });

  it('cuts a base by shard up to its limit and by bucket beyond, so a partition stays small', () => {
    expect(levelForBase(0)).toBe('SHARD');
    expect(levelForBase(SHARD_LEVEL_MAX_CPFS)).toBe('SHARD');
    expect(levelForBase(SHARD_LEVEL_MAX_CPFS + 1)).toBe('BUCKET');
    expect([partitionCount('SHARD'), partitionCount('BUCKET')]).toEqual([RATING_SHARDS, RATING_BUCKETS]);
    expect(200_000_000 / RATING_BUCKETS).toBeLessThan(60_000);
  });

  it('cuts a listed job into slices that cover each CPF once', () => {
    const cpfs = Array.from({ length: LISTED_CPFS_PER_PARTITION * 2 + 5 }, (_, i) => String(i).padStart(11, '0'));
    expect(listedPartitionCount(cpfs.length)).toBe(3);
    const slices = [0, 1, 2].map((i) => listedPartition(cpfs, i)).map((p) => (p.kind === 'CPFS' ? p.cpfs : []));
    expect(slices.map((s) => s.length)).toEqual([LISTED_CPFS_PER_PARTITION, LISTED_CPFS_PER_PARTITION, 5]);
    expect(slices.flat()).toEqual(cpfs);
  });
});
