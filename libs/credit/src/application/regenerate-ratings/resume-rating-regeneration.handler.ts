import { Clock, ConflictError } from '@app/shared-kernel';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { MessageMetadata } from '@app/shared-kernel';
import { RatingJobNotFoundError } from '../../domain/errors';
import { CommandSender } from '../ports/command.sender';
import { RatingJob, RatingJobRepository } from '../ports/rating-job.repository';
import { RegenerateRatingsCommand } from './regenerate-ratings.command';

/** A job whose progress has not moved for this long is taken as abandoned by a worker that died. */
export const STALE_JOB_MS = 60_000;

export class ResumeRatingRegenerationCommand extends Command<RatingJob> {
  constructor(
    readonly jobId: string,
    readonly metadata: MessageMetadata,
  ) {
    super();
  }
}

/** Sends a failed or abandoned job back to the rating worker, which continues after the job's cursor. */
@CommandHandler(ResumeRatingRegenerationCommand)
export class ResumeRatingRegenerationHandler implements ICommandHandler<ResumeRatingRegenerationCommand, RatingJob> {
  constructor(
    private readonly jobs: RatingJobRepository,
    private readonly sender: CommandSender,
    private readonly clock: Clock,
  ) {}

  async execute({ jobId, metadata }: ResumeRatingRegenerationCommand): Promise<RatingJob> {
    const job = await this.jobs.findById(jobId);
    if (!job) throw new RatingJobNotFoundError();
    if (job.status === 'COMPLETED') throw new ConflictError('JOB_COMPLETED', 'id', 'the job has already completed');
    const idle = this.clock.now().getTime() - job.updatedAt.getTime();
    if (job.status !== 'FAILED' && idle < STALE_JOB_MS) {
      throw new ConflictError('JOB_ACTIVE', 'id', `the job progressed ${Math.round(idle / 1000)} s ago; resume only a failed job or one idle for ${STALE_JOB_MS / 1000} s`);
    }
    await this.sender.regenerateRatings(new RegenerateRatingsCommand(job.id, { ...metadata, causationId: job.id }));
    return job;
  }
}
