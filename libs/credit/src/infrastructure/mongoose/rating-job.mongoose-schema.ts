import { Schema } from 'mongoose';
import { RatingJobStatus } from '../../application/ports/rating-job.repository';

export const RATING_JOB_MODEL = 'RatingJob';
export const RATING_JOB_COLLECTION = 'rating_jobs';
export const RATING_JOB_STATUSES: readonly RatingJobStatus[] = ['PENDING', 'RUNNING', 'COMPLETED', 'FAILED'];

export interface RatingJobScopeDoc {
  kind: 'ALL' | 'CPFS';
  cpfs?: string[];
}

/** _id is the job's own uuid, so a job is found by its id without a second index. */
export interface RatingJobDoc {
  _id: string;
  scope: RatingJobScopeDoc;
  status: RatingJobStatus;
  total: number;
  processed: number;
  failed: number;
  cursor: string | null;
  ratingsPerSecond: number;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
  error: string | null;
}

const ScopeSchema = new Schema<RatingJobScopeDoc>(
  {
    kind: { type: String, enum: ['ALL', 'CPFS'], required: true },
    // No default: an ALL scope must not come back with an empty CPF list, which would mean "rate nobody".
    cpfs: { type: [String], default: undefined },
  },
  { _id: false, strict: 'throw' },
);

export const RatingJobSchema = new Schema<RatingJobDoc>(
  {
    _id: { type: String, required: true },
    scope: { type: ScopeSchema, required: true },
    status: { type: String, enum: RATING_JOB_STATUSES, required: true },
    total: { type: Number, required: true },
    processed: { type: Number, required: true },
    failed: { type: Number, required: true },
    cursor: { type: String, default: null },
    ratingsPerSecond: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    finishedAt: { type: Date, default: null },
    error: { type: String, default: null },
  },
  { collection: RATING_JOB_COLLECTION, versionKey: false, strict: 'throw', autoIndex: false, autoCreate: false },
);

// Start-up asks for the unfinished jobs; finished ones pile up over time and should not be scanned for that.
RatingJobSchema.index({ status: 1 }, { name: 'status' });
