import { NOW } from '@app/testing';
import { InMemoryRatingJobRepository } from '../../infrastructure/embedded/in-memory-rating-job.repository';
import { RatingJob } from '../ports/rating-job.repository';
import { GetRatingJobHandler } from './get-rating-job.handler';
import { GetRatingJobQuery } from './get-rating-job.query';

describe('GetRatingJobHandler', () => {
  it('returns the registered job', async () => {
    const jobs = new InMemoryRatingJobRepository();
    const job: RatingJob = {
      id: 'job-1', scope: { kind: 'ALL' }, status: 'RUNNING', total: 10, processed: 4, failed: 1, cursor: '12345678909',
      ratingsPerSecond: 2.5, createdAt: NOW, updatedAt: NOW, finishedAt: null, error: null,
    };
    await jobs.create(job);
    expect(await new GetRatingJobHandler(jobs).execute(new GetRatingJobQuery('job-1'))).toEqual(job);
  });

  it('answers RATING_JOB_NOT_FOUND for an unknown id', async () => {
    await expect(new GetRatingJobHandler(new InMemoryRatingJobRepository()).execute(new GetRatingJobQuery('x'))).rejects.toMatchObject({ code: 'RATING_JOB_NOT_FOUND' });
  });
});
