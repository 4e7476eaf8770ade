import { Clock } from '@app/shared-kernel';
import { Inject, Logger, Optional } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { RatingJobNotFoundError } from '../../domain/errors';
import { FeaturesPageEntry, RatingFeaturesRepository } from '../ports/rating-features.repository';
import { RatingJob, RatingJobRepository } from '../ports/rating-job.repository';
import { ConsumerRater, RATING_WINDOW } from '../rate-consumer/consumer-rater.service';
import { RegenerateRatingsCommand } from './regenerate-ratings.command';

/**
 * CPFs (with their features) read per page: what the job holds in memory, twice over with the page read ahead. The
 * walk is one query whatever the page size, so this no longer sets how many scans FerretDB makes.
 */
export const REGENERATION_PAGE = 10_000;
/**
 * CPFs rated at once. The window's C summaries are one request (ConsumerRater.rateMany); each rating is then a
 * handful of round trips (three reads in parallel, then a write, an audit entry and an event), and one CPF at a time
 * would leave the stores idle while each waits. The cursor only moves past a window once
 * all of it is done, so a resumed job re-rates at most one window, and rating is idempotent.
 */
export const REGENERATION_CONCURRENCY = RATING_WINDOW;
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
    // Still RUNNING: the process that ran it died. Ratings it wrote after its last saved progress may not have been
    // announced; rated again they come out unchanged, so they are announced again.
    const resend = job.status === 'RUNNING' ? { since: job.updatedAt } : undefined;
    job.status = 'RUNNING';
    await this.save(job);
    const started = Date.now();
    const processedAtStart = job.processed;
    let lastSaved = started;
    const pages = this.pagesAfter(job, job.cursor)[Symbol.asyncIterator]();
    // Read ahead: the next page is asked for while this one is rated; a failure is kept, rethrown where it is awaited.
    const readAhead = () => pages.next().then((r) => ({ r }), (error: unknown) => ({ error }));
    try {
      for (let ahead = readAhead(); ; ) {
        const next = await ahead;
        if ('error' in next) throw next.error;
        if (next.r.done) break;
        const page = next.r.value;
        ahead = readAhead();
        for (let i = 0; i < page.length; i += this.concurrency) {
          const window = page.slice(i, i + this.concurrency);
          const outcomes = await this.rater.rateMany(window.map(({ cpf, features }) => ({ cpf, features: features ?? undefined })), metadata, resend);
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
      }
      job.status = 'COMPLETED';
      job.total = Math.max(job.total, job.processed);
    } catch (error) {
      job.status = 'FAILED';
      job.error = (error as Error).message;
    }
    // Releases the store's query when the walk stopped early (a failure); a no-op once it is exhausted.
    await pages.return?.(undefined).catch(() => undefined);
    job.ratingsPerSecond = rate(job.processed - processedAtStart, started);
    job.finishedAt = this.clock.now();
    await this.save(job);
    return job;
  }

  /**
   * The CPFs after the job's cursor, page by page: a resumed job never re-rates what it already did. A job over the
   * whole base reads their features with them; a job over listed CPFs looks each one up.
   */
  private pagesAfter(job: RatingJob, cursor: string | null): AsyncIterable<FeaturesPageEntry[]> {
    if (job.scope.kind === 'ALL') return this.features.pagesAfter(cursor, this.pageSize);
    const remaining = cursor === null ? job.scope.cpfs : job.scope.cpfs.filter((c) => c > cursor);
    const pageSize = this.pageSize;
    return (async function* () {
      for (let i = 0; i < remaining.length; i += pageSize) yield remaining.slice(i, i + pageSize).map((cpf) => ({ cpf, features: null }));
    })();
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
