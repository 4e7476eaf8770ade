import { Clock, Cpf, ValidationError, newId } from '@app/shared-kernel';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { levelForBase, listedPartitionCount, partitionCount, CreditScorer } from '@app/credit-domain';
import { CommandSender } from '../ports/command.sender';
import { RatingFeaturesRepository } from '../ports/rating-features.repository';
import { RatingJobPlan, RatingJobRecord, RatingJobRepository, RatingJobScope } from '../ports/rating-job.repository';
import { RatingJob, viewOf } from './rating-job.view';
import { RegenerateRatingsCommand, StartRatingRegenerationCommand } from './regenerate-ratings.command';

export const MAX_CPFS_PER_JOB = 100_000;
const MODEL_VERSION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Registers a job with its plan, fixed here once: the base's estimated size decides whether partitions are shards or
 * buckets, so every worker agrees on what partition N is. The fan-out to partitions happens in a rating worker.
 */
@CommandHandler(StartRatingRegenerationCommand)
export class StartRatingRegenerationHandler implements ICommandHandler<StartRatingRegenerationCommand, RatingJob> {
  constructor(
    private readonly jobs: RatingJobRepository,
    private readonly features: RatingFeaturesRepository,
    private readonly sender: CommandSender,
    private readonly scorer: CreditScorer,
    private readonly clock: Clock,
  ) {}

  async execute({ scope, metadata, modelVersion, jobId }: StartRatingRegenerationCommand): Promise<RatingJob> {
    if (modelVersion !== undefined && !MODEL_VERSION.test(modelVersion)) {
      throw new ValidationError(
        'MODEL_VERSION_INVALID',
        'modelVersion',
        'must be 1-64 letters, digits or ._- starting with a letter or digit',
      );
    }
    const normalised = normalise(scope);
    const job: RatingJobRecord = {
      id: jobId ?? newId(),
      scope: normalised,
      modelVersion: modelVersion ?? this.scorer.modelVersion,
      plan: await this.plan(normalised),
      createdAt: this.clock.now(),
    };
    if (!(await this.jobs.create(job))) {
      const existing = (await this.jobs.findById(job.id))!;
      return viewOf(existing, await this.jobs.runsOf(existing.id), this.clock.now());
    }
    await this.sender.regenerateRatings(new RegenerateRatingsCommand(job.id, { ...metadata, causationId: job.id }));
    return viewOf(job, [], this.clock.now());
  }

  private async plan(scope: RatingJobScope): Promise<RatingJobPlan> {
    if (scope.kind === 'CPFS')
      return { level: 'LIST', partitions: listedPartitionCount(scope.cpfs.length), estimatedCpfs: scope.cpfs.length };
    const estimatedCpfs = await this.features.estimatedCount();
    const level = levelForBase(estimatedCpfs);
    return { level, partitions: partitionCount(level), estimatedCpfs };
  }
}

function normalise(scope: RatingJobScope): RatingJobScope {
  if (scope.kind !== 'CPFS') return scope;
  if (scope.cpfs.length === 0 || scope.cpfs.length > MAX_CPFS_PER_JOB) {
    throw new ValidationError('CPF_LIST_INVALID', 'cpfs', `must hold 1 to ${MAX_CPFS_PER_JOB} CPFs`);
  }
  const cpfs = scope.cpfs.map((c, i) => Cpf.parse(c, `cpfs[${i}]`).value);
  return { kind: 'CPFS', cpfs: [...new Set(cpfs)].sort() };
}
