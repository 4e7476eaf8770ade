import { Clock, Cpf, ValidationError, newId } from '@app/shared-kernel';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandSender } from '../ports/command.sender';
import { RatingFeaturesRepository } from '../ports/rating-features.repository';
import { RatingJob, RatingJobRepository } from '../ports/rating-job.repository';
import { RegenerateRatingsCommand, StartRatingRegenerationCommand } from './regenerate-ratings.command';

export const MAX_CPFS_PER_JOB = 10_000;

@CommandHandler(StartRatingRegenerationCommand)
export class StartRatingRegenerationHandler implements ICommandHandler<StartRatingRegenerationCommand, RatingJob> {
  constructor(
    private readonly jobs: RatingJobRepository,
    private readonly features: RatingFeaturesRepository,
    private readonly sender: CommandSender,
    private readonly clock: Clock,
  ) {}

  async execute({ scope, metadata }: StartRatingRegenerationCommand): Promise<RatingJob> {
    let normalised = scope;
    if (scope.kind === 'CPFS') {
      if (scope.cpfs.length === 0 || scope.cpfs.length > MAX_CPFS_PER_JOB) {
        throw new ValidationError('CPF_LIST_INVALID', 'cpfs', `must hold 1 to ${MAX_CPFS_PER_JOB} CPFs`);
      }
      const cpfs = scope.cpfs.map((c, i) => Cpf.parse(c, `cpfs[${i}]`).value);
      normalised = { kind: 'CPFS', cpfs: [...new Set(cpfs)].sort() };
    }
    const now = this.clock.now();
    const job: RatingJob = {
      id: newId(),
      scope: normalised,
      status: 'PENDING',
      total: normalised.kind === 'ALL' ? await this.features.estimatedCount() : normalised.cpfs.length,
      processed: 0,
      failed: 0,
      cursor: null,
      ratingsPerSecond: 0,
      createdAt: now,
      updatedAt: now,
      finishedAt: null,
      error: null,
    };
    await this.jobs.create(job);
    await this.sender.regenerateRatings(new RegenerateRatingsCommand(job.id, { ...metadata, causationId: job.id }));
    return job;
  }
}
