import { Query } from '@nestjs/cqrs';
import { RatingView } from '@app/credit-domain';

export interface RatingWithHistory {
  cpf: string;
  current: RatingView;
  /** Earlier ratings, newest first. */
  history: RatingView[];
}

export class GetRatingQuery extends Query<RatingWithHistory> {
  constructor(
    readonly cpf: string,
    readonly historyLimit = 10,
  ) {
    super();
  }
}
