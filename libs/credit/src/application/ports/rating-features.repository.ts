import { Cpf } from '@app/shared-kernel';
import { RatingFeatures } from '../../domain/rating/rating-features.entity';

export abstract class RatingFeaturesRepository {
  abstract findByCpf(cpf: Cpf): Promise<RatingFeatures | null>;
  abstract save(features: RatingFeatures): Promise<void>;
  /** CPFs with features, in ascending order after a cursor: lets a regeneration job walk the base and resume. */
  abstract cpfsAfter(after: string | null, limit: number): Promise<string[]>;
  abstract count(): Promise<number>;
}
