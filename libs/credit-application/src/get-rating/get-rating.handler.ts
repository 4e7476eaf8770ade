import { Clock, Cpf } from '@app/shared-kernel';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ratingView, RatingNotFoundError } from '@app/credit-domain';
import { CurrentRatings } from '../current-rating/current-ratings.service';
import { RatingRepository } from '../ports/rating.repository';
import { GetRatingQuery, RatingWithHistory } from './get-rating.query';

/**
 * The servable rating (re-rated first when the calendar made the stored one unservable) and the earlier ratings that
 * may still be served: a past rating that rested on a record no longer reportable is left out of what lenders see,
 * as its reasons would disclose it. The data subject's export keeps every rating.
 */
@QueryHandler(GetRatingQuery)
export class GetRatingHandler implements IQueryHandler<GetRatingQuery, RatingWithHistory> {
  constructor(
    private readonly ratings: RatingRepository,
    private readonly currentRatings: CurrentRatings,
    private readonly clock: Clock,
  ) {}

  async execute({ cpf: raw, historyLimit }: GetRatingQuery): Promise<RatingWithHistory> {
    const cpf = Cpf.parse(raw);
    const stored = await this.ratings.history(cpf, historyLimit + 1);
    const current = await this.currentRatings.current(cpf, stored[0] ?? null);
    if (!current) throw new RatingNotFoundError();
    const earlier =
      current === stored[0] ? stored.slice(1) : (await this.ratings.history(cpf, historyLimit + 1)).slice(1);
    const now = this.clock.now();
    return {
      cpf: cpf.formatted,
      current: ratingView(current),
      history: earlier
        .filter((r) => r.isValidAt(now))
        .slice(0, historyLimit)
        .map(ratingView),
    };
  }
}
