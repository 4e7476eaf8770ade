import { BandMoves, PartitionLevel } from '@app/credit-domain';

/** ALL: the whole base; CPFS: a list; EXPIRED: the CPFs whose rating the calendar has made unservable (validUntil). */
export type RatingJobScope = { kind: 'ALL' } | { kind: 'CPFS'; cpfs: string[] } | { kind: 'EXPIRED' };

/** How a job is cut, fixed when it is registered so that every worker agrees on what partition N holds. */
export interface RatingJobPlan {
  /** KEY levels cut the base by shard or bucket; LIST cuts a job's listed CPFs into slices. */
  level: PartitionLevel | 'LIST';
  partitions: number;
  /** CPFs in scope: the listed ones, or the store's estimate for the whole base. */
  estimatedCpfs: number;
}

/** A registered job: immutable once created; its progress is the sum of its partitions' runs. */
export interface RatingJobRecord {
  id: string;
  scope: RatingJobScope;
  /** Only workers scoring with this model version run the job's partitions. */
  modelVersion: string;
  plan: RatingJobPlan;
  createdAt: Date;
}

/** RETRYING: this attempt failed and the partition's message will be delivered again. */
type PartitionRunStatus = 'RUNNING' | 'COMPLETED' | 'FAILED' | 'RETRYING';

export interface RatingCounts {
  /** CPFs the partition looked at. */
  processed: number;
  /** New ratings stored. */
  rated: number;
  /** Same outcome as the stored rating, so nothing stored. */
  unchanged: number;
  /** Neither A data nor features: nothing to rate. */
  noData: number;
  failed: number;
}

/**
 * One attempt at one partition by one worker. Its id (job, partition, attempt) is unique, so two workers can never
 * both start the same attempt; only the worker that started a run writes it afterwards.
 */
export interface PartitionRun {
  jobId: string;
  index: number;
  attempt: number;
  worker: string;
  status: PartitionRunStatus;
  startedAt: Date;
  heartbeatAt: Date;
  finishedAt: Date | null;
  counts: RatingCounts;
  bandMoves: BandMoves;
  error: string | null;
}

export abstract class RatingJobRepository {
  /** Registers a job; false, changing nothing, when a job with its id exists. */
  abstract create(job: RatingJobRecord): Promise<boolean>;
  abstract findById(id: string): Promise<RatingJobRecord | null>;
  abstract runsOf(jobId: string): Promise<PartitionRun[]>;
  abstract runsOfPartition(jobId: string, index: number): Promise<PartitionRun[]>;
  /** Stores a new run; false, storing nothing, when that attempt of the partition already exists. */
  abstract startRun(run: PartitionRun): Promise<boolean>;
  /** Replaces a run; called only by the worker that started it. */
  abstract updateRun(run: PartitionRun): Promise<void>;
}
