import { Cpf } from '@app/shared-kernel';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ratingView } from '../../domain/analysis/credit-analysis';
import { RatingNotFoundError } from '../../domain/errors';
import { RatingRepository } from '../ports/rating.repository';
import { GetRatingQuery, RatingWithHistory } from './get-rating.query';

@QueryHandler(GetRatingQuery)
export class GetRatingHandler implements IQueryHandler<GetRatingQuery, RatingWithHistory> {
  constructor(private readonly ratings: RatingRepository) {}

  async execute({ cpf: raw, historyLimit }: GetRatingQuery): Promise<RatingWithHistory> {
    const cpf = Cpf.parse(raw);
    const [current, ...history] = await this.ratings.history(cpf, historyLimit + 1);
    if (!current) throw new RatingNotFoundError();
    return { cpf: cpf.formatted, current: ratingView(current), history: history.map(ratingView) };
  }
}
