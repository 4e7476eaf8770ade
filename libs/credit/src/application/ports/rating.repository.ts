import { Cpf } from '@app/shared-kernel';
import { Rating } from '../../domain/rating/rating';
import { RatingHead, RatingWrite } from '../../domain/rating/rating-head';
import { PartitionLevel } from '../../domain/rating/rating-partition';

/** The latest head of each CPF read, and the ids of older heads still stored (see dropHeads). */
export interface HeadsRead {
  latest: Map<string, RatingHead>;
  superseded: string[];
}

/**
 * B_RATING's ratings: a history per CPF (what the API shows and explains) and, beside it, a head per rating (what the
 * rating engine compares a new rating with). Both are append-only, so a window of ratings is written with inserts.
 */
export abstract class RatingRepository {
  abstract latest(cpf: Cpf): Promise<Rating | null>;
  /** Newest first. */
  abstract history(cpf: Cpf, limit: number): Promise<Rating[]>;
  abstract headsOf(cpfs: readonly Cpf[]): Promise<HeadsRead>;
  abstract headsInPartition(level: PartitionLevel, key: number): Promise<HeadsRead>;
  /**
   * Stores each write's history entry and head, in bulk and in no order. Idempotent: a write whose rating id is
   * already stored is skipped, so a window written twice (a retry, a second worker) leaves one copy.
   */
  abstract append(writes: readonly RatingWrite[]): Promise<void>;
  /** Removes heads that later ones superseded, all of one shard or bucket; what is left still answers the same. */
  abstract dropHeads(level: PartitionLevel, key: number, ratingIds: readonly string[]): Promise<void>;
}
