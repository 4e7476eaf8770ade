export type RatingJobStatus = 'PENDING' | 'RUNNING' | 'COMPLETED' | 'FAILED';
export type RatingJobScope = { kind: 'ALL' } | { kind: 'CPFS'; cpfs: string[] };

export interface RatingJob {
  id: string;
  scope: RatingJobScope;
  status: RatingJobStatus;
  total: number;
  processed: number;
  failed: number;
  /** Last CPF done; a resumed job continues after it. */
  cursor: string | null;
  ratingsPerSecond: number;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
  error: string | null;
}

export abstract class RatingJobRepository {
  abstract create(job: RatingJob): Promise<void>;
  abstract update(job: RatingJob): Promise<void>;
  abstract findById(id: string): Promise<RatingJob | null>;
  /** Jobs left RUNNING or PENDING by a process that stopped: they are resumed at start-up. */
  abstract unfinished(): Promise<RatingJob[]>;
}
