import { Cpf } from '@app/shared-kernel';
import { RatingRepository } from '@app/credit-application';
import { Rating, ratingWrite } from '@app/credit-domain';

/** Stores a rating after the CPF's latest, as the rating engine would (tests that need a rating in place). */
export async function saveRating(
  repo: RatingRepository,
  rating: Rating,
  featuresAt: Date | null = null,
): Promise<void> {
  const cpf: Cpf = rating.cpf;
  const latest = await repo.headsOf([cpf]);
  await repo.append([ratingWrite(rating, latest.get(cpf.value) ?? null, featuresAt)]);
}
