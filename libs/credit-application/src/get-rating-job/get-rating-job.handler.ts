import { Clock } from '@app/shared-kernel';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { RatingJobNotFoundError } from '@app/credit-domain';
import { RatingJobRepository } from '../ports/rating-job.repository';
import { RatingJob, viewOf } from '../regenerate-ratings/rating-job.view';
import { GetRatingJobQuery } from './get-rating-job.query';

@QueryHandler(GetRatingJobQuery)
export class GetRatingJobHandler implements IQueryHandler<GetRatingJobQuery, RatingJob> {
  constructor(
    private readonly jobs: RatingJobRepository,
    private readonly clock: Clock,
  ) {}

  async execute({ jobId }: GetRatingJobQuery): Promise<RatingJob> {
    const job = await this.jobs.findById(jobId);
    if (!job) throw new RatingJobNotFoundError();
    return viewOf(job, await this.jobs.runsOf(jobId), this.clock.now());
  }
}
