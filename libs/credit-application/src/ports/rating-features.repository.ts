import { Cpf } from '@app/shared-kernel';
import { PartitionLevel, RatingFeatures } from '@app/credit-domain';

/** A CPF's stored features; a stored document that is not valid features is reported, so only that CPF fails. */
export type StoredFeatures =
  { cpf: string; features: RatingFeatures; problem?: undefined } | { cpf: string; features: null; problem: string };

export abstract class RatingFeaturesRepository {
  abstract findByCpf(cpf: Cpf): Promise<RatingFeatures | null>;
  abstract save(features: RatingFeatures): Promise<void>;
  /** The stored features of several CPFs, keyed by digits; a CPF without features is absent. */
  abstract findMany(cpfs: readonly Cpf[]): Promise<Map<string, StoredFeatures>>;
  /**
   * Every CPF of one shard or bucket (domain/rating/rating-partition.ts) with its features, in pages of at most
   * `pageSize`, in no particular order: what a rating job's partition rates.
   */
  abstract inPartition(level: PartitionLevel, key: number, pageSize: number): AsyncIterable<StoredFeatures[]>;
  /**
   * How many CPFs have features, to plan a job. Taken from the store's statistics where it keeps them, so it answers
   * at once on a large base but may lag the latest writes; exact where there are none (and in memory).
   */
  abstract estimatedCount(): Promise<number>;
}
