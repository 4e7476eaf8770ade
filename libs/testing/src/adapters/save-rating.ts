import { Cpf } from '@app/shared-kernel';
import { RatingRepository } from '../../../credit/src/application/ports/rating.repository';
import { Rating } from '../../../credit/src/domain/rating/rating';
import { ratingWrite } from '../../../credit/src/domain/rating/rating-head';

/** Stores a rating after the CPF's latest, as the rating engine would (tests that need a rating in place). */
export async function saveRating(repo: RatingRepository, rating: Rating, featuresAt: Date | null = null): Promise<void> {
  const cpf: Cpf = rating.cpf;
  const latest = await repo.headsOf([cpf]);
  await repo.append([ratingWrite(rating, latest.get(cpf.value) ?? null, featuresAt)]);
}
