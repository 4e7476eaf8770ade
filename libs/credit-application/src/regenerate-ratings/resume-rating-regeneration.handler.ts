import { Clock, ConflictError, MessageMetadata } from '@app/shared-kernel';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { RatingJobNotFoundError } from '@app/credit-domain';
import { CommandSender } from '../ports/command.sender';
import { RatingJobRepository } from '../ports/rating-job.repository';
import { RatingJob, viewOf } from './rating-job.view';
import { RegenerateRatingsCommand } from './regenerate-ratings.command';

export class ResumeRatingRegenerationCommand extends Command<RatingJob> {
  constructor(
    readonly jobId: string,
    readonly metadata: MessageMetadata,
  ) {
    super();
  }
}

/**
 * Sends the job's unfinished partitions out again: failed ones, pending ones whose messages were lost, and stalled
 * ones. Running and completed partitions are left alone, so a resume never rates a partition twice at once.
 */
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
    const view = viewOf(job, await this.jobs.runsOf(jobId), this.clock.now());
    if (view.status === 'COMPLETED') throw new ConflictError('JOB_COMPLETED', 'id', 'the job has already completed');
    await this.sender.regenerateRatings(new RegenerateRatingsCommand(job.id, { ...metadata, causationId: job.id }));
    return view;
  }
}
