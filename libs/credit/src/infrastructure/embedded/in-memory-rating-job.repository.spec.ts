import { NOW } from '@app/testing';
import { RatingJob } from '../../application/ports/rating-job.repository';
import { InMemoryRatingJobRepository } from './in-memory-rating-job.repository';

const job = (id: string, status: RatingJob['status']): RatingJob => ({
  id, scope: { kind: 'CPFS', cpfs: ['12345678909'] }, status, total: 1, processed: 0, failed: 0, cursor: null,
  ratingsPerSecond: 0, createdAt: NOW, updatedAt: NOW, finishedAt: null, error: null,
});

describe('InMemoryRatingJobRepository', () => {
  it('stores copies: changing a job object after saving or reading it changes nothing stored', async () => {
    const repo = new InMemoryRatingJobRepository();
    const created = job('j1', 'PENDING');
    await repo.create(created);
    created.processed = 99;
    const read = await repo.findById('j1');
    expect(read?.processed).toBe(0);
    read!.processed = 42;
    expect((await repo.findById('j1'))?.processed).toBe(0);
  });

  it('replaces a job on update', async () => {
    const repo = new InMemoryRatingJobRepository();
    await repo.create(job('j1', 'PENDING'));
    await repo.update({ ...job('j1', 'COMPLETED'), processed: 1 });
    expect(await repo.findById('j1')).toMatchObject({ status: 'COMPLETED', processed: 1 });
    expect((await repo.findById('j1'))?.createdAt).toEqual(NOW);
  });

  it('lists PENDING and RUNNING jobs as unfinished, never COMPLETED or FAILED ones', async () => {
    const repo = new InMemoryRatingJobRepository();
    for (const [id, status] of [['p', 'PENDING'], ['r', 'RUNNING'], ['c', 'COMPLETED'], ['f', 'FAILED']] as const) await repo.create(job(id, status));
    expect((await repo.unfinished()).map((j) => j.id).sort()).toEqual(['p', 'r']);
  });

  it('answers null for an unknown id', async () => {
    expect(await new InMemoryRatingJobRepository().findById('nope')).toBeNull();
  });
});
