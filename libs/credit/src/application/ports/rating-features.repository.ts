import { Cpf } from '@app/shared-kernel';
import { RatingFeatures } from '../../domain/rating/rating-features.entity';

export interface FeaturesPageEntry {
  cpf: string;
  features: RatingFeatures | null;
}

export abstract class RatingFeaturesRepository {
  abstract findByCpf(cpf: Cpf): Promise<RatingFeatures | null>;
  abstract save(features: RatingFeatures): Promise<void>;
  /**
   * The features of every CPF after a cursor, in ascending CPF order, in pages of at most `pageSize`: lets a
   * regeneration job walk the base, resume where it stopped, and rate each CPF without looking its features up again.
   * One query serves the whole walk; the next page is read when asked for, and closing the iteration early releases
   * the query. A stored document that is not valid features is listed with `features: null`, so that one CPF fails
   * when it is rated, not the walk.
   */
  abstract pagesAfter(after: string | null, pageSize: number): AsyncIterable<FeaturesPageEntry[]>;
  /**
   * How many CPFs have features, for a job's progress. Taken from the store's statistics where it keeps them, so it
   * answers at once on a large base but may lag the latest writes; exact where there are none (and in memory).
   */
  abstract estimatedCount(): Promise<number>;
}
