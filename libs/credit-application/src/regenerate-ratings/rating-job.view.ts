import { BandMoves, addBandMoves, noBandMoves } from '@app/credit-domain';
import { PartitionRun, RatingCounts, RatingJobRecord, RatingJobScope } from '../ports/rating-job.repository';

/** A partition whose run has not heartbeated for this long is taken as abandoned by a worker that died. */
export const PARTITION_LEASE_MS = 20_000;

type RatingJobStatus = 'PENDING' | 'RUNNING' | 'COMPLETED' | 'FAILED';

interface PartitionTally {
  total: number;
  completed: number;
  running: number;
  /** RUNNING, but its worker stopped heartbeating: the next delivery of its message takes it over. */
  stalled: number;
  /** Gave up on: a permanent error, or every retry spent. */
  failed: number;
  /** Not started, or waiting for a retry. */
  pending: number;
}

/** What GET /v1/ratings/regenerations/{id} shows: the job as registered, with the sum of its partitions' runs. */
export interface RatingJob extends RatingCounts {
  id: string;
  scope: RatingJobScope;
  modelVersion: string;
  status: RatingJobStatus;
  /** CPFs in scope: the estimate it was planned with, or what it processed once complete. */
  total: number;
  ratingsPerSecond: number;
  partitions: PartitionTally;
  bandMoves: BandMoves;
  createdAt: Date;
  /** Last sign of progress: the latest heartbeat or completion. */
  updatedAt: Date;
  finishedAt: Date | null;
  /** The first failed partition's error, if any. */
  error: string | null;
}

/** The run that speaks for each partition: a completed one if any, else its latest attempt. */
export function decisiveRuns(runs: readonly PartitionRun[]): Map<number, PartitionRun> {
  const byIndex = new Map<number, PartitionRun>();
  for (const run of runs) {
    const current = byIndex.get(run.index);
    if (!current || (current.status !== 'COMPLETED' && (run.status === 'COMPLETED' || run.attempt > current.attempt)))
      byIndex.set(run.index, run);
  }
  return byIndex;
}

export function isStalled(run: PartitionRun, now: Date): boolean {
  return run.status === 'RUNNING' && now.getTime() - run.heartbeatAt.getTime() >= PARTITION_LEASE_MS;
}

export function viewOf(job: RatingJobRecord, runs: readonly PartitionRun[], now: Date): RatingJob {
  const counts: RatingCounts = { processed: 0, rated: 0, unchanged: 0, noData: 0, failed: 0 };
  const tally: PartitionTally = {
    total: job.plan.partitions,
    completed: 0,
    running: 0,
    stalled: 0,
    failed: 0,
    pending: 0,
  };
  const moves = noBandMoves();
  let error: string | null = null;
  let first: Date | null = null;
  let last = job.createdAt;
  const decisive = decisiveRuns(runs);
  for (const run of decisive.values()) {
    if (run.status === 'COMPLETED') tally.completed += 1;
    else if (run.status === 'FAILED') tally.failed += 1;
    else if (run.status === 'RETRYING') tally.pending += 1;
    else if (isStalled(run, now)) tally.stalled += 1;
    else tally.running += 1;
    if (run.status === 'FAILED') error ??= run.error;
    for (const k of Object.keys(counts) as (keyof RatingCounts)[]) counts[k] += run.counts[k];
    addBandMoves(moves, run.bandMoves);
  }
  for (const run of runs) {
    if (!first || run.startedAt < first) first = run.startedAt;
    const seen = run.finishedAt ?? run.heartbeatAt;
    if (seen > last) last = seen;
  }
  tally.pending += tally.total - decisive.size;
  const complete = tally.completed === tally.total;
  const status: RatingJobStatus = complete
    ? 'COMPLETED'
    : tally.failed > 0 && tally.running + tally.stalled + tally.pending === 0
      ? 'FAILED'
      : decisive.size > 0
        ? 'RUNNING'
        : 'PENDING';
  const seconds = first ? ((complete ? last : now).getTime() - first.getTime()) / 1000 : 0;
  return {
    id: job.id,
    scope: job.scope,
    modelVersion: job.modelVersion,
    status,
    ...counts,
    // A sweep rates only what it finds expired; its plan's estimate is the base it looks through.
    total:
      complete || job.scope.kind === 'EXPIRED' ? counts.processed : Math.max(job.plan.estimatedCpfs, counts.processed),
    ratingsPerSecond: seconds > 0 ? Math.round((counts.processed / seconds) * 10) / 10 : 0,
    partitions: tally,
    bandMoves: moves,
    createdAt: job.createdAt,
    updatedAt: last,
    finishedAt: complete ? last : null,
    error,
  };
}
