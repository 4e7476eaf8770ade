import { RatingJob, RatingJobScope } from '../../application/ports/rating-job.repository';
import { RatingJobDoc, RatingJobScopeDoc } from './rating-job.mongoose-schema';

const scopeToDomain = (s: RatingJobScopeDoc): RatingJobScope => (s.kind === 'CPFS' ? { kind: 'CPFS', cpfs: [...(s.cpfs ?? [])] } : { kind: 'ALL' });
const scopeToPersistence = (s: RatingJobScope): RatingJobScopeDoc => (s.kind === 'CPFS' ? { kind: 'CPFS', cpfs: [...s.cpfs] } : { kind: 'ALL' });

export const RatingJobMongooseMapper = {
  toDomain(doc: RatingJobDoc): RatingJob {
    return {
      id: doc._id,
      scope: scopeToDomain(doc.scope),
      status: doc.status,
      total: doc.total,
      processed: doc.processed,
      failed: doc.failed,
      cursor: doc.cursor ?? null,
      ratingsPerSecond: doc.ratingsPerSecond,
      createdAt: doc.createdAt,
      updatedAt: doc.updatedAt,
      finishedAt: doc.finishedAt ?? null,
      error: doc.error ?? null,
    };
  },

  toPersistence(job: RatingJob): RatingJobDoc {
    return {
      _id: job.id,
      scope: scopeToPersistence(job.scope),
      status: job.status,
      total: job.total,
      processed: job.processed,
      failed: job.failed,
      cursor: job.cursor,
      ratingsPerSecond: job.ratingsPerSecond,
      createdAt: job.createdAt,
      updatedAt: job.updatedAt,
      finishedAt: job.finishedAt,
      error: job.error,
    };
  },
};
