import { Query } from '@nestjs/cqrs';
import { RatingJob } from '../regenerate-ratings/rating-job.view';

export class GetRatingJobQuery extends Query<RatingJob> {
  constructor(readonly jobId: string) {
    super();
  }
}
