import { Query } from '@nestjs/cqrs';
import { RatingJob } from '../ports/rating-job.repository';

export class GetRatingJobQuery extends Query<RatingJob> {
  constructor(readonly jobId: string) {
    super();
  }
}
