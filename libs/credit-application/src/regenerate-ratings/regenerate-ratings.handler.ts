import { Clock } from '@app/shared-kernel';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { RatingJobNotFoundError } from '@app/credit-domain';
import { CommandSender } from '../ports/command.sender';
import { RatingJobRepository } from '../ports/rating-job.repository';
import { decisiveRuns, isStalled } from './rating-job.view';
import { RatePartitionCommand, RegenerateRatingsCommand } from './regenerate-ratings.command';

/**
 * Fans a job out: one work message per partition that has neither completed nor a live run, so delivering the
 * command again (a redelivery, a resume) sends only what is still to do. Answers how many were sent.
 */
@CommandHandler(RegenerateRatingsCommand)
export class RegenerateRatingsHandler implements ICommandHandler<RegenerateRatingsCommand, number> {
  constructor(
    private readonly jobs: RatingJobRepository,
    private readonly sender: CommandSender,
    private readonly clock: Clock,
  ) {}

  async execute({ jobId, metadata }: RegenerateRatingsCommand): Promise<number> {
    const job = await this.jobs.findById(jobId);
    if (!job) throw new RatingJobNotFoundError();
    const now = this.clock.now();
    const decisive = decisiveRuns(await this.jobs.runsOf(jobId));
    const todo: RatePartitionCommand[] = [];
    for (let index = 0; index < job.plan.partitions; index++) {
      const run = decisive.get(index);
      if (run?.status === 'COMPLETED' || (run?.status === 'RUNNING' && !isStalled(run, now))) continue;
      todo.push(new RatePartitionCommand(jobId, index, { ...metadata, causationId: jobId }));
    }
    await this.sender.ratePartitions(todo);
    return todo.length;
  }
}
