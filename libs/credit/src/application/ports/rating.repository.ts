import { Cpf } from '@app/shared-kernel';
import { Rating } from '../../domain/rating/rating';

export abstract class RatingRepository {
  abstract latest(cpf: Cpf): Promise<Rating | null>;
  /** Appends to the history; the newest becomes the latest. */
  abstract save(rating: Rating): Promise<void>;
  abstract history(cpf: Cpf, limit: number): Promise<Rating[]>;
}
