import { Schema } from 'mongoose';

export const RATING_JOB_MODEL = 'RatingRegeneration';
/** Jobs of the partitioned engine (a leftover `rating_jobs` collection is not read). */
export const RATING_JOB_COLLECTION = 'rating_regenerations';
export const PARTITION_RUN_MODEL = 'RatingPartitionRun';
export const PARTITION_RUN_COLLECTION = 'rating_partition_runs';

/** A job as registered; never updated. _id is the job's uuid. */
export interface RatingJobDoc {
  _id: string;
  scope: { kind: 'ALL' | 'CPFS' | 'EXPIRED'; cpfs?: string[] };
  modelVersion: string;
  plan: { level: 'SHARD' | 'BUCKET' | 'LIST'; partitions: number; estimatedCpfs: number };
  createdAt: Date;
}

/** One attempt at a partition; _id is `<job>:<partition>:<attempt>`, unique, so an attempt starts once. */
export interface PartitionRunDoc {
  _id: string;
  jobId: string;
  index: number;
  attempt: number;
  worker: string;
  status: 'RUNNING' | 'COMPLETED' | 'FAILED' | 'RETRYING';
  startedAt: Date;
  heartbeatAt: Date;
  finishedAt: Date | null;
  /** RatingCounts and BandMoves as JSON: written on every heartbeat, read only whole. */
  progress: string;
  error: string | null;
}

export const RatingJobSchema = new Schema<RatingJobDoc>(
  {
    _id: { type: String, required: true },
    scope: { type: Schema.Types.Mixed, required: true },
    modelVersion: { type: String, required: true },
    plan: { type: Schema.Types.Mixed, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: RATING_JOB_COLLECTION, versionKey: false, strict: 'throw', autoIndex: false, autoCreate: false },
);

export const PartitionRunSchema = new Schema<PartitionRunDoc>(
  {
    _id: { type: String, required: true },
    jobId: { type: String, required: true },
    index: { type: Number, required: true },
    attempt: { type: Number, required: true },
    worker: { type: String, required: true },
    status: { type: String, enum: ['RUNNING', 'COMPLETED', 'FAILED', 'RETRYING'], required: true },
    startedAt: { type: Date, required: true },
    heartbeatAt: { type: Date, required: true },
    finishedAt: { type: Date, default: null },
    progress: { type: String, required: true },
    error: { type: String, default: null },
  },
  { collection: PARTITION_RUN_COLLECTION, versionKey: false, strict: 'throw', autoIndex: false, autoCreate: false },
);

// A job's progress reads all its runs; a worker reads one partition's.
PartitionRunSchema.index({ jobId: 1, index: 1 }, { name: 'job_partition' });
