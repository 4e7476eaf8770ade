import { Clock } from '@app/shared-kernel';
import { Inject, Logger, Optional } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { RatingJobNotFoundError } from '../../domain/errors';
import { FeaturesPageEntry, RatingFeaturesRepository } from '../ports/rating-features.repository';
import { RatingJob, RatingJobRepository } from '../ports/rating-job.repository';
import { ConsumerRater } from '../rate-consumer/consumer-rater.service';
import { RegenerateRatingsCommand } from './regenerate-ratings.command';

/**
 * CPFs read per page. Large, because on FerretDB 1.x every page is a scan of the whole collection (its range and sort
 * are not pushed down to PostgreSQL): 500 per page made an ALL job over 100,000 consumers 200 scans of ~20 s each.
 * The next page is read while the current one is rated.
 */
export const REGENERATION_PAGE = 10_000;
/**
 * CPFs rated at once. Each rating is a handful of round trips (four reads in parallel, then a write, an audit entry
 * and an event); one CPF at a time leaves the stores idle while each waits. The cursor only moves past a window once
 * all of it is done, so a resumed job re-rates at most one window, and rating is idempotent.
 */
export const REGENERATION_CONCURRENCY = 16;
const PROGRESS_EVERY_MS = 500;
/** Optional provider overriding page size and concurrency (tests, tuning). */
export const REGENERATION_TUNING = 'REGENERATION_TUNING';

@CommandHandler(RegenerateRatingsCommand)
export class RegenerateRatingsHandler implements ICommandHandler<RegenerateRatingsCommand, RatingJob> {
  private readonly logger = new Logger(RegenerateRatingsHandler.name);
  private readonly pageSize: number;
  private readonly concurrency: number;

  constructor(
    private readonly jobs: RatingJobRepository,
    private readonly features: RatingFeaturesRepository,
    private readonly rater: ConsumerRater,
    private readonly clock: Clock,
    @Optional() @Inject(REGENERATION_TUNING) tuning?: { pageSize?: number; concurrency?: number },
  ) {
    this.pageSize = tuning?.pageSize ?? REGENERATION_PAGE;
    this.concurrency = tuning?.concurrency ?? REGENERATION_CONCURRENCY;
  }

  async execute({ jobId, metadata }: RegenerateRatingsCommand): Promise<RatingJob> {
    const job = await this.jobs.findById(jobId);
    if (!job) throw new RatingJobNotFoundError();
    if (job.status === 'COMPLETED') return job;
    job.status = 'RUNNING';
    await this.save(job);
    const started = Date.now();
    const processedAtStart = job.processed;
    let lastSaved = started;
    try {
      let page = await this.pageAfter(job, job.cursor);
      while (page.length > 0) {
        // Read ahead from the page's last CPF while this page is rated; caught here, rethrown where it is awaited.
        const ahead = this.pageAfter(job, page[page.length - 1]!.cpf).then((p) => ({ p }), (error: unknown) => ({ error }));
        for (let i = 0; i < page.length; i += this.concurrency) {
          const window = page.slice(i, i + this.concurrency);
          const outcomes = await Promise.allSettled(window.map(({ cpf, features }) => this.rater.rate(cpf, metadata, features ?? undefined)));
          for (const outcome of outcomes) {
            if (outcome.status === 'fulfilled') continue;
            job.failed += 1;
            this.logger.warn(`rating failed in job ${job.id}: ${(outcome.reason as Error).message}`);
          }
          job.processed += window.length;
          job.cursor = window[window.length - 1]!.cpf;
          if (Date.now() - lastSaved >= PROGRESS_EVERY_MS) {
            job.ratingsPerSecond = rate(job.processed - processedAtStart, started);
            await this.save(job);
            lastSaved = Date.now();
          }
        }
        const next = await ahead;
        if ('error' in next) throw next.error;
        page = next.p;
      }
      job.status = 'COMPLETED';
      job.total = Math.max(job.total, job.processed);
    } catch (error) {
      job.status = 'FAILED';
      job.error = (error as Error).message;
    }
    job.ratingsPerSecond = rate(job.processed - processedAtStart, started);
    job.finishedAt = this.clock.now();
    await this.save(job);
    return job;
  }

  /**
   * The CPFs after a cursor (the job's, or the last of the page being rated): a resumed job never re-rates what it
   * already did. A job over the whole base reads their features with them; a job over listed CPFs looks each one up.
   */
  private async pageAfter(job: RatingJob, cursor: string | null): Promise<FeaturesPageEntry[]> {
    if (job.scope.kind === 'ALL') return this.features.featuresAfter(cursor, this.pageSize);
    const remaining = cursor === null ? job.scope.cpfs : job.scope.cpfs.filter((c) => c > cursor);
    return remaining.slice(0, this.pageSize).map((cpf) => ({ cpf, features: null }));
  }

  private async save(job: RatingJob): Promise<void> {
    job.updatedAt = this.clock.now();
    await this.jobs.update(job);
  }
}

function rate(count: number, startedMs: number): number {
  const seconds = (Date.now() - startedMs) / 1000;
  return seconds > 0 ? Math.round((count / seconds) * 10) / 10 : 0;
}
