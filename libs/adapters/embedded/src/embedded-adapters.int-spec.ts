import { InMemoryAnalysisCache } from './in-memory-analysis.cache';
import { InMemoryRatingFeaturesRepository } from './in-memory-rating-features.repository';
import { InMemoryRatingJobRepository } from './in-memory-rating-job.repository';
import { InMemoryRatingRepository } from './in-memory-rating.repository';
import { InMemoryTransactionStore } from './in-memory-transaction.store';
import {
  analysisCacheContract,
  ratingFeaturesRepositoryContract,
  ratingJobRepositoryContract,
  ratingRepositoryContract,
  transactionStoreContract,
} from '@app/testing/contracts';

describe('embedded adapters honour the port contracts', () => {
  describe('InMemoryTransactionStore', () => transactionStoreContract(() => new InMemoryTransactionStore()));
  describe('InMemoryRatingFeaturesRepository', () =>
    ratingFeaturesRepositoryContract(() => new InMemoryRatingFeaturesRepository()));
  describe('InMemoryRatingRepository', () => ratingRepositoryContract(() => new InMemoryRatingRepository()));
  describe('InMemoryRatingJobRepository', () => ratingJobRepositoryContract(() => new InMemoryRatingJobRepository()));
  describe('InMemoryAnalysisCache', () => analysisCacheContract(() => new InMemoryAnalysisCache(100)));
});
