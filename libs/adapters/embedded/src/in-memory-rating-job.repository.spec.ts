import { NOW } from '@app/testing';
import { PartitionRun, RatingJobRecord } from '@app/credit-application';
import { noBandMoves } from '@app/credit-domain';
import { InMemoryRatingJobRepository } from './in-memory-rating-job.repository';

const job: RatingJobRecord = {
  id: 'j1',
  scope: { kind: 'CPFS', cpfs: ['12345678909'] },
  modelVersion: 'm1',
  plan: { level: 'LIST', partitions: 1, estimatedCpfs: 1 },
  createdAt: NOW,
};
const run: PartitionRun = {
  jobId: 'j1',
  index: 0,
  attempt: 1,
  worker: 'w',
  status: 'RUNNING',
  startedAt: NOW,
  heartbeatAt: NOW,
  finishedAt: null,
  counts: { processed: 0, rated: 0, unchanged: 0, noData: 0, failed: 0 },
  bandMoves: noBandMoves(),
  error: null,
};

describe('InMemoryRatingJobRepository', () => {
  it('stores copies: changing an object after writing or reading it changes nothing stored', async () => {
    const repo = new InMemoryRatingJobRepository();
    const created = structuredClone(job);
    await repo.create(created);
    created.modelVersion = 'changed';
    const read = await repo.findById('j1');
    expect(read?.modelVersion).toBe('m1');
    const mine = structuredClone(run);
    await repo.startRun(mine);
    mine.counts.processed = 99;
    expect((await repo.runsOf('j1'))[0]?.counts.processed).toBe(0);
  });

  it('refuses a second job with the same id, and a second start of the same attempt', async () => {
    const repo = new InMemoryRatingJobRepository();
    expect(await repo.create(job)).toBe(true);
    expect(await repo.create({ ...job, modelVersion: 'other' })).toBe(false);
    expect((await repo.findById('j1'))?.modelVersion).toBe('m1');
    expect(await repo.startRun(run)).toBe(true);
    expect(await repo.startRun({ ...run, worker: 'other' })).toBe(false);
    expect((await repo.runsOfPartition('j1', 0))[0]?.worker).toBe('w');
  });
});
