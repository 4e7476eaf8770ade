import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { RatingJobNotFoundError } from '../../domain/errors';
import { RatingJob, RatingJobRepository } from '../ports/rating-job.repository';
import { GetRatingJobQuery } from './get-rating-job.query';

@QueryHandler(GetRatingJobQuery)
export class GetRatingJobHandler implements IQueryHandler<GetRatingJobQuery, RatingJob> {
  constructor(private readonly jobs: RatingJobRepository) {}

  async execute({ jobId }: GetRatingJobQuery): Promise<RatingJob> {
    const job = await this.jobs.findById(jobId);
    if (!job) throw new RatingJobNotFoundError();
    return job;
  }
}
