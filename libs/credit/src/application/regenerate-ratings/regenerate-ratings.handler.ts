import { Clock } from '@app/shared-kernel';
import { Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { RatingJobNotFoundError } from '../../domain/errors';
import { RatingFeaturesRepository } from '../ports/rating-features.repository';
import { RatingJob, RatingJobRepository } from '../ports/rating-job.repository';
import { ConsumerRater } from '../rate-consumer/consumer-rater.service';
import { RegenerateRatingsCommand } from './regenerate-ratings.command';

const PAGE = 500;
const PROGRESS_EVERY_MS = 500;

@CommandHandler(RegenerateRatingsCommand)
export class RegenerateRatingsHandler implements ICommandHandler<RegenerateRatingsCommand, RatingJob> {
  private readonly logger = new Logger(RegenerateRatingsHandler.name);

  constructor(
    private readonly jobs: RatingJobRepository,
    private readonly features: RatingFeaturesRepository,
    private readonly rater: ConsumerRater,
    private readonly clock: Clock,
  ) {}

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
      for (let page = await this.nextPage(job); page.length > 0; page = await this.nextPage(job)) {
        for (const cpf of page) {
          try {
            await this.rater.rate(cpf, metadata);
          } catch (error) {
            job.failed += 1;
            this.logger.warn(`rating failed in job ${job.id}: ${(error as Error).message}`);
          }
          job.processed += 1;
          job.cursor = cpf;
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
    job.ratingsPerSecond = rate(job.processed - processedAtStart, started);
    job.finishedAt = this.clock.now();
    await this.save(job);
    return job;
  }

  /** The CPFs after the job's cursor: a resumed job never re-rates what it already did. */
  private async nextPage(job: RatingJob): Promise<string[]> {
    if (job.scope.kind === 'ALL') return this.features.cpfsAfter(job.cursor, PAGE);
    const cursor = job.cursor;
    const remaining = cursor === null ? job.scope.cpfs : job.scope.cpfs.filter((c) => c > cursor);
    return remaining.slice(0, PAGE);
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
