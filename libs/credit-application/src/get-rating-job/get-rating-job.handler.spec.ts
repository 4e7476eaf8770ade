import { FixedClock } from '@app/shared-kernel';
import { NOW } from '@app/testing';
import { noBandMoves } from '@app/credit-domain';
import { InMemoryRatingJobRepository } from '@app/adapters/embedded';
import { viewOf } from '../regenerate-ratings/rating-job.view';
import { GetRatingJobHandler } from './get-rating-job.handler';
import { GetRatingJobQuery } from './get-rating-job.query';

describe('GetRatingJobHandler', () => {
  it("returns the registered job with the sum of its partitions' runs", async () => {
    const jobs = new InMemoryRatingJobRepository();
    const job = {
      id: 'job-1',
      scope: { kind: 'ALL' as const },
      modelVersion: 'm1',
      plan: { level: 'SHARD' as const, partitions: 2, estimatedCpfs: 10 },
      createdAt: NOW,
    };
    await jobs.create(job);
    const run = {
      jobId: 'job-1',
      index: 0,
      attempt: 1,
      worker: 'w',
      status: 'COMPLETED' as const,
      startedAt: NOW,
      heartbeatAt: NOW,
      finishedAt: NOW,
      counts: { processed: 4, rated: 3, unchanged: 1, noData: 0, failed: 0 },
      bandMoves: noBandMoves(),
      error: null,
    };
    await jobs.startRun(run);
    const clock = new FixedClock(NOW);
    const answer = await new GetRatingJobHandler(jobs, clock).execute(new GetRatingJobQuery('job-1'));
    expect(answer).toEqual(viewOf(job, [run], NOW));
    expect(answer).toMatchObject({
      status: 'RUNNING',
      processed: 4,
      rated: 3,
      total: 10,
      partitions: { completed: 1, pending: 1 },
    });
  });

  it('answers RATING_JOB_NOT_FOUND for an unknown id', async () => {
    await expect(
      new GetRatingJobHandler(new InMemoryRatingJobRepository(), new FixedClock(NOW)).execute(
        new GetRatingJobQuery('x'),
      ),
    ).rejects.toMatchObject({ code: 'RATING_JOB_NOT_FOUND' });
  });
});
