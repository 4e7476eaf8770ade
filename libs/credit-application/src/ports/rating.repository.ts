import { Cpf } from '@app/shared-kernel';
import { Rating, RatingHead, RatingWrite, PartitionLevel } from '@app/credit-domain';

/** The latest head of each CPF of a partition, and what a new snapshot of it replaces. */
export interface PartitionHeads {
  latest: Map<string, RatingHead>;
  /** The stored pieces read (an opaque list for writeSnapshot); `compact` when they already are one snapshot. */
  read: { pageIds: string[]; headIds: string[]; compact: boolean };
}

/**
 * B_RATING's ratings. The history (what the API shows and explains, and the truth about a CPF's latest rating) is
 * append-only. Beside it, the rating engine keeps heads, a small summary per rating: for a whole partition as one
 * snapshot (written by a job's partition, a few large documents), plus loose heads written by single changes since.
 */
export abstract class RatingRepository {
  abstract latest(cpf: Cpf): Promise<Rating | null>;
  /** Newest first. */
  abstract history(cpf: Cpf, limit: number): Promise<Rating[]>;
  /** The head of each CPF's latest rating, read from its history; a CPF never rated is absent. */
  abstract headsOf(cpfs: readonly Cpf[]): Promise<Map<string, RatingHead>>;
  /** Every CPF of one shard or bucket with a rating: its last snapshot merged with the loose heads written since. */
  abstract headsInPartition(level: PartitionLevel, key: number): Promise<PartitionHeads>;
  /**
   * Stores each write's history entry, and its loose head unless `heads` is false (a partition's windows, whose heads
   * go into its snapshot). In bulk and in no order; idempotent: a rating id already stored is skipped.
   */
  abstract append(writes: readonly RatingWrite[], options?: { heads?: boolean }): Promise<void>;
  /**
   * Stores `heads` as the partition's snapshot, then removes the pieces `replaces` names (read before the partition
   * was rated). Loose heads written meanwhile stay, so nothing newer is ever lost; a partition snapshotted twice at
   * once leaves two snapshots, which reads merge.
   */
  abstract writeSnapshot(
    level: PartitionLevel,
    key: number,
    run: string,
    heads: Iterable<RatingHead>,
    replaces: PartitionHeads['read'],
  ): Promise<void>;
}
