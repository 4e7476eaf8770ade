import { Clock, DomainError, ValidationError } from '@app/shared-kernel';
import { Inject, Logger, Optional } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { hostname } from 'node:os';
import { RatingJobNotFoundError, noBandMoves, listedPartition } from '@app/credit-domain';
import { PartitionRun, RatingCounts, RatingJobRecord, RatingJobRepository } from '../ports/rating-job.repository';
import { RatingEngine, RatingReport, ResendUnchanged } from '../rating-engine/rating-engine.service';
import { PARTITION_LEASE_MS, isStalled } from './rating-job.view';
import { RatePartitionCommand } from './regenerate-ratings.command';

/** Names this process in the runs it starts. */
export const RATING_WORKER_ID = 'RATING_WORKER_ID';
export const defaultWorkerId = (): string => `${hostname()}:${process.pid}`;
/** Optional provider: heartbeat and stand-by polling intervals (tests, tuning). */
const PARTITION_TIMING = 'PARTITION_TIMING';
interface PartitionTiming {
  heartbeatMs: number;
  standbyPollMs: number;
}
const DEFAULT_TIMING: PartitionTiming = { heartbeatMs: PARTITION_LEASE_MS / 4, standbyPollMs: PARTITION_LEASE_MS / 4 };

/** Another worker took the partition over: this one stops, and leaves the run to it. */
class LeaseLostError extends Error {}

/**
 * Rates one partition of a job under a lease. The lease is the partition's run: a worker starts attempt N+1 only
 * when no attempt is completed and the latest one is not running with a fresh heartbeat, and the run's id is unique
 * per attempt, so two workers can never both start one. A worker that finds the partition running elsewhere stands
 * by, holding its message, until the partition completes (then it has nothing to do) or the run stalls (then it
 * takes over). The owner heartbeats while it rates and stops as soon as a later attempt exists. Rating is
 * idempotent, so the few windows a stalled owner may still write before it notices change nothing.
 */
@CommandHandler(RatePartitionCommand)
export class RatePartitionHandler implements ICommandHandler<RatePartitionCommand, RatingCounts | null> {
  private readonly logger = new Logger(RatePartitionHandler.name);
  private readonly timing: PartitionTiming;

  constructor(
    private readonly jobs: RatingJobRepository,
    private readonly engine: RatingEngine,
    private readonly clock: Clock,
    @Inject(RATING_WORKER_ID) private readonly worker: string,
    @Optional() @Inject(PARTITION_TIMING) timing?: PartitionTiming,
  ) {
    this.timing = timing ?? DEFAULT_TIMING;
  }

  async execute({ jobId, index, metadata, lastAttempt }: RatePartitionCommand): Promise<RatingCounts | null> {
    const job = await this.jobs.findById(jobId);
    if (!job) throw new RatingJobNotFoundError();
    if (!Number.isInteger(index) || index < 0 || index >= job.plan.partitions) {
      throw new ValidationError(
        'PARTITION_INVALID',
        'index',
        `job ${jobId} has partitions 0 to ${job.plan.partitions - 1}`,
      );
    }
    if (job.modelVersion !== this.engine.modelVersion) {
      // Not permanent: during a model release another worker may already score with it.
      throw new Error(
        `job ${jobId} rates with model ${job.modelVersion}; this worker scores with ${this.engine.modelVersion}`,
      );
    }
    const lease = await this.acquire(job, index);
    if (!lease) return null;
    const { run, resend } = lease;
    let lost = false;
    let writing: Promise<void> = Promise.resolve();
    const beat = () => {
      writing = writing
        .then(async () => {
          if (lost) return;
          const later = (await this.jobs.runsOfPartition(jobId, index)).some((r) => r.attempt > run.attempt);
          if (later) {
            lost = true;
            return;
          }
          run.heartbeatAt = this.clock.now();
          await this.jobs.updateRun(run);
        })
        .catch((error: unknown) =>
          this.logger.warn(`heartbeat of partition ${index} of job ${jobId} failed: ${(error as Error).message}`),
        );
    };
    const timer = setInterval(beat, this.timing.heartbeatMs);
    const progress = async (report: RatingReport) => {
      if (lost) throw new LeaseLostError(`partition ${index} of job ${jobId} was taken over`);
      run.counts = { ...report.counts };
      run.bandMoves = report.bandMoves;
    };
    try {
      const report = await this.rate(job, index, metadata, resend, progress);
      await progress(report);
      clearInterval(timer);
      await writing;
      if (lost) return null;
      Object.assign(run, {
        status: 'COMPLETED',
        finishedAt: this.clock.now(),
        heartbeatAt: this.clock.now(),
        error: null,
      });
      await this.jobs.updateRun(run);
      return run.counts;
    } catch (error) {
      clearInterval(timer);
      await writing;
      if (error instanceof LeaseLostError || lost) {
        this.logger.warn((error as Error).message);
        return null;
      }
      const final = lastAttempt || error instanceof DomainError;
      Object.assign(run, {
        status: final ? 'FAILED' : 'RETRYING',
        finishedAt: this.clock.now(),
        error: (error as Error).message,
      });
      await this.jobs.updateRun(run).catch(() => undefined);
      throw error;
    }
  }

  private rate(
    job: RatingJobRecord,
    index: number,
    metadata: RatePartitionCommand['metadata'],
    resend: ResendUnchanged | undefined,
    progress: (report: RatingReport) => Promise<void>,
  ): Promise<RatingReport> {
    const options = { resend, modelVersion: job.modelVersion };
    if (job.plan.level === 'LIST') {
      const partition = listedPartition(job.scope.kind === 'CPFS' ? job.scope.cpfs : [], index);
      return this.engine.rateCpfs(partition.kind === 'CPFS' ? partition.cpfs : [], metadata, options);
    }
    if (job.scope.kind === 'EXPIRED') return this.engine.rateExpired(job.plan.level, index, metadata, options);
    return this.engine.ratePartition(job.plan.level, index, metadata, { ...options, progress });
  }

  /**
   * Starts this worker's run of the partition, standing by while another worker's run is alive. null: the partition
   * is completed. `resend` covers ratings a previous attempt may have stored without announcing.
   */
  private async acquire(
    job: RatingJobRecord,
    index: number,
  ): Promise<{ run: PartitionRun; resend?: ResendUnchanged } | null> {
    for (;;) {
      const runs = await this.jobs.runsOfPartition(job.id, index);
      if (runs.some((r) => r.status === 'COMPLETED')) return null;
      const latest = runs.reduce<PartitionRun | null>((a, r) => (!a || r.attempt > a.attempt ? r : a), null);
      const now = this.clock.now();
      if (latest?.status === 'RUNNING' && !isStalled(latest, now)) {
        await new Promise((resolve) => setTimeout(resolve, this.timing.standbyPollMs));
        continue;
      }
      const run: PartitionRun = {
        jobId: job.id,
        index,
        attempt: (latest?.attempt ?? 0) + 1,
        worker: this.worker,
        status: 'RUNNING',
        startedAt: now,
        heartbeatAt: now,
        finishedAt: null,
        counts: { processed: 0, rated: 0, unchanged: 0, noData: 0, failed: 0 },
        bandMoves: noBandMoves(),
        error: null,
      };
      if (await this.jobs.startRun(run)) return { run, resend: latest ? { since: latest.startedAt } : undefined };
    }
  }
}
